package desktopkey

import "github.com/azcontext/azc/credstore"

// name is the backend's name on Linux.
const name = credstore.SecretServiceName
