// Package front is the azc binary that users run. It runs the few commands
// on the start-up budget of docs/benchmarks.md (`context show`, `context
// list`, `use NAME`, the prompt's `prompt` and a warm `token`) and its own
// `version`, in their plain forms, without cobra, and hands every other invocation, whole, to
// azc-full: help, completion, every other command, and a token that MSAL
// must refresh. It links neither cobra nor MSAL nor the ARM client, so that
// it starts within a few milliseconds of a Go "hello world".
package front

import (
	"os"
	"os/exec"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// Main runs azc with args (without the program name) on the process's
// standard streams and environment, and returns the exit code. On Unix a
// hand-over replaces this process with azc-full.
func Main(version string, args []string) int {
	ios := cmdutil.System()
	f := cmdutil.NewFactory(ios, os.Getenv, version)
	return Run(f, args)
}

// Run runs args under f: through Fast when it takes them, else in azc-full
// (f.ExecFull, which Run sets when it is nil).
func Run(f *cmdutil.Factory, args []string) int {
	if f.ExecFull == nil {
		f.ExecFull = func(args []string) int { return execFull(f, args) }
	}
	if f.FullCommand == nil {
		f.FullCommand = func() (*exec.Cmd, error) { return fullCommand(f) }
	}
	if len(args) == 1 && args[0] == "--version" {
		args = []string{"version"}
	}
	path, run, ok := Fast(f, args)
	if !ok {
		return f.ExecFull(args)
	}
	return cmdutil.Finish(f, args, run(), true, path)
}
