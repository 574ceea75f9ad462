// Command azc-full is the half of azc that links MSAL Go and the Azure
// SDK: it runs sign-in, sign-out, token refresh, the subscription and
// tenant lists and exec when azc hands them over, and every other azc
// command as well. Install it beside azc; users run azc.
package main

import (
	"os"

	"github.com/azcontext/azc/internal/cli"
)

// version is set at link time: -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	os.Exit(cli.Main(version, os.Args[1:]))
}
