//go:build !unix

package endpoint

import (
	"errors"
	"os"
)

// Listen is not made without the net package here: the caller starts the
// server in its own process (credserver.Start listens itself).
func Listen() (*os.File, string, error) { return nil, "", errors.ErrUnsupported }
