// Command setdefault is a floor for bench/contexts.sh: `azc use NAME` as
// the profile package alone does it (profile.Store.SetDefault on
// $AZC_CONFIG_DIR), without the CLI, sessions, the scope choice or the
// credential store.
package main

import (
	"os"

	"github.com/azcontext/azc/profile"
)

func main() {
	st, err := profile.Open(os.Getenv("AZC_CONFIG_DIR"), profile.Options{})
	if err == nil {
		_, err = st.SetDefault(os.Args[1])
	}
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}
