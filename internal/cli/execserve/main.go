package execserve

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/azcontext/azc/childproc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/execute"
)

// Main is azc-full as the credential server of an exec the azc binary
// runs (execute.ServeEnv): it reads what to serve from standard input
// (execute.ReadSpec), serves on the socket azc made, its descriptor 3,
// until standard input ends or TERM comes (azc's child has ended, or azc
// has), and returns the exit code. Its errors go to stderr, the child's
// terminal, as every azc error does.
func Main(f *cmdutil.Factory) int {
	term := make(chan os.Signal, 1)
	// Under nohup HUP stays ignored, as it does for azc and the child:
	// catching it would close the server the child uses.
	sigs := []os.Signal{syscall.SIGTERM}
	if !childproc.IgnoredAtStart(syscall.SIGHUP) {
		sigs = append(sigs, syscall.SIGHUP)
	}
	signal.Notify(term, sigs...)
	// Ctrl-C is the child's; azc ends the server when the child ends.
	signal.Ignore(os.Interrupt)
	const path = "azc exec"
	spec, err := execute.ReadSpec(os.Stdin, os.NewFile(3, "listener"))
	if err != nil {
		return cmdutil.Finish(f, nil, err, true, path)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-term
		cancel()
	}()
	srv, err := Serve(ctx, f, spec)
	if err != nil {
		return cmdutil.Finish(f, nil, err, true, path)
	}
	ended := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(ended)
	}()
	select {
	case <-ended:
	case <-ctx.Done():
	}
	return cmdutil.Finish(f, nil, srv.Close(), true, path)
}
