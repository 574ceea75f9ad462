// Command azc-emulator runs a local Microsoft Entra ID + ARM emulator; see docs/emulator.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/azcontext/azc/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := emulator.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
