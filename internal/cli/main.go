// Package cli is the azc command: the cobra root, process set-up (the
// environment is read here and nowhere below), exit codes and error
// printing. Command groups live in sub-packages and share internal/cli/cmdutil.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
	"github.com/azcontext/azc/profile"
)

// Commands adds a binary's command groups to the root command.
type Commands func(root *cobra.Command, f *cmdutil.Factory)

// Binary is one of azc's two programs: the light azc that users run, and
// azc-full, which links MSAL and the ARM client and runs what azc hands it.
type Binary struct {
	// Full is true for azc-full.
	Full bool
	// Commands adds the binary's commands.
	Commands Commands
	// Fast, when set, runs the argvs it recognises without building the
	// command tree (see FastFunc).
	Fast FastFunc
}

// FastFunc recognises the few invocations on the start-up budget (DESIGN
// section 8: `context show`, `context list`, `use`) in their plain forms
// and runs them without cobra: building azc's command tree costs about as
// much as the command itself. It returns the command's path ("azc use")
// and its run function, or ok false for any argv it does not fully
// understand (help, completion, unknown flags, …), which cobra then runs.
// A test runs every recognised form both ways and compares the results.
type FastFunc func(f *cmdutil.Factory, args []string) (path string, run func() error, ok bool)

// Main runs the binary b with args (without the program name) on the
// process's standard streams and environment, and returns the exit code.
// When a command of the light binary needs azc-full, Main runs the same
// args there: on Unix azc-full replaces this process.
func Main(b Binary, version string, args []string) int {
	// Ctrl-C cancels azc-full's network calls and child processes. The
	// light commands need no handler (their writes are atomic renames, and
	// the one that waits on a child, shell, catches Ctrl-C itself); not
	// installing one spares azc a thread at start-up.
	if b.Full {
		// The hand-over's mark is for azc-full alone: the programs it
		// starts (azc exec, a browser) and the azc they may run in turn
		// must not inherit it.
		_ = os.Unsetenv(handedOverEnv)
	}
	ctx, stop := context.WithCancel(context.Background())
	if b.Full {
		ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt)
	}
	defer stop()
	ios := cmdutil.System(os.Getenv("NO_COLOR") != "")
	f := NewFactory(ios, os.Getenv, version)
	f.Full = b.Full
	if !b.Full {
		f.ExecFull = func(args []string) int {
			stop() // azc-full gets Ctrl-C itself
			return execFull(f, args)
		}
	}
	return RunBinary(ctx, f, b, args)
}

// RunBinary executes args under f as the binary b does: through b.Fast
// when it takes them, else through cobra (Run).
func RunBinary(ctx context.Context, f *cmdutil.Factory, b Binary, args []string) int {
	if b.Fast != nil {
		if path, run, ok := b.Fast(f, args); ok {
			return finish(f, args, run(), true, path)
		}
	}
	return Run(ctx, f, b.Commands, args)
}

// NewFactory builds the Factory of one invocation over ios and getenv.
func NewFactory(ios *cmdutil.IOStreams, getenv func(string) string, version string) *cmdutil.Factory {
	if version == "" {
		version = buildVersion()
	}
	f := &cmdutil.Factory{
		IOStreams: ios,
		Getenv:    getenv,
		Logger:    cmdutil.DiscardLogger(),
		Now:       time.Now,
		Version:   version,
	}
	dir, dirErr := azc.DefaultDir(getenv)
	f.StateDir = dir
	var (
		st     *azc.State
		stErr  error
		opened bool
	)
	f.State = func() (*azc.State, error) {
		if opened {
			return st, stErr
		}
		opened = true
		if dirErr != nil {
			stErr = dirErr
			return nil, stErr
		}
		f.Logger.Debug("opening state directory", "dir", dir)
		st, stErr = azc.Open(azc.Options{Dir: dir, Logger: f.Logger})
		return st, stErr
	}
	return f
}

func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// Run executes azc with args under f and returns the exit code. Errors are
// printed to f.IOStreams.ErrOut as "azc: error: …" with "azc: hint: …"
// lines; nothing but the result goes to stdout.
func Run(ctx context.Context, f *cmdutil.Factory, cmds Commands, args []string) int {
	started := false
	root := NewCmdRoot(f, cmds, func() { started = true })
	root.SetArgs(args)
	root.SetIn(f.IOStreams.In)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	if handOverCompletion(root, f, args) {
		return f.ExecFull(args)
	}
	cmd, err := root.ExecuteContextC(ctx)
	if cobrautil.HandedOff(root) && !f.Full && f.ExecFull != nil {
		return f.ExecFull(args)
	}
	path := ""
	if cmd != nil {
		path = cmd.CommandPath()
	}
	return finish(f, args, err, started, path)
}

// finish turns the error of the command at path, run with args, into the
// exit code, printing it with its hints. started tells whether the command
// ran: an error before it did is a usage error.
func finish(f *cmdutil.Factory, args []string, err error, started bool, path string) int {
	if errors.Is(err, cmdutil.ErrNeedFull) && !f.Full && f.ExecFull != nil {
		return f.ExecFull(args)
	}
	if err == nil {
		return cmdutil.ExitOK
	}
	if se := (*cmdutil.SilentExit)(nil); errors.As(err, &se) {
		return se.Code
	}
	code, hints := classify(err)
	if !started && code == cmdutil.ExitFailure {
		// cobra failed before the command ran: an unknown command, a bad
		// flag or argument count.
		code = cmdutil.ExitUsage
	}
	if code == cmdutil.ExitUsage && len(hints) == 0 && path != "" {
		hints = append(hints, fmt.Sprintf("run `%s --help` for usage", path))
	}
	PrintError(f.IOStreams.ErrOut, err, hints)
	return code
}

// handOverCompletion reports whether args ask the light binary to complete
// the arguments of a command only azc-full has: azc-full must answer, and
// before cobra prints anything.
func handOverCompletion(root *cobra.Command, f *cmdutil.Factory, args []string) bool {
	if f.Full || f.ExecFull == nil || len(args) < 2 || !strings.HasPrefix(args[0], cobra.ShellCompRequestCmd) {
		return false
	}
	c, _, err := root.Find(args[1:])
	return err == nil && c.Annotations[cmdutil.HandOverAnnotation] != ""
}

// PrintError writes err and hints the way azc shows every failure.
func PrintError(w io.Writer, err error, hints []string) {
	msg := strings.TrimSpace(err.Error())
	msg = strings.ReplaceAll(msg, "\n", " ")
	fmt.Fprintf(w, "azc: error: %s\n", msg)
	for _, h := range hints {
		fmt.Fprintf(w, "azc: hint: %s\n", h)
	}
}

// classify maps an error to its exit code and the hints that tell the user
// what to do next. It is the only place library errors meet exit codes.
func classify(err error) (int, []string) {
	var (
		ee   *cmdutil.ExitError
		amb  *profile.AmbiguousError
		nf   *profile.NotFoundError
		lock *profile.LockTimeoutError
		hint interface{ Hint() string }
	)
	var hints []string
	code := cmdutil.ExitFailure
	if errors.As(err, &ee) {
		code = ee.Code
		hints = append(hints, ee.Hints...)
	}
	switch {
	case errors.As(err, &amb):
		code = cmdutil.ExitUsage
		if len(amb.Candidates) > 0 {
			hints = append(hints, fmt.Sprintf("name one exactly, e.g. `azc context use %q`", amb.Candidates[0]))
		}
	case errors.As(err, &nf):
		switch nf.Kind {
		case "context":
			hints = append(hints, "run `azc context list` to see the contexts")
		case "environment":
			hints = append(hints, "run `azc environment list` to see the environments")
		}
	case errors.Is(err, azc.ErrNoContext):
		code = cmdutil.ExitInteraction
		hints = append(hints, "select one with `azc use NAME`, or sign in with `azc login`")
	case errors.Is(err, azc.ErrNoSession):
		hints = append(hints, "start a session with `eval \"$(azc init bash)\"` or `azc shell`, or pass --scope user")
	case errors.Is(err, profile.ErrNameTaken):
		hints = append(hints, "pass --force to replace the other context")
	case errors.Is(err, profile.ErrInvalidName):
		code = cmdutil.ExitUsage
	case errors.Is(err, profile.ErrNoPrevious):
		hints = append(hints, "`azc use -` returns to the context that was the default before the last switch")
	case errors.As(err, &lock):
		hints = append(hints, "retry; if no azc process is running, check who holds "+lock.Path)
	case errors.Is(err, cmdutil.ErrCancelled):
	}
	if errors.As(err, &hint) {
		if h := hint.Hint(); h != "" {
			hints = append(hints, h)
		}
	}
	return code, hints
}

// NewCmdRoot builds the azc command tree with the command groups cmds
// adds. started is called once flags and arguments have been accepted,
// just before the command runs.
func NewCmdRoot(f *cmdutil.Factory, cmds Commands, started func()) *cobra.Command {
	root := cobrautil.GroupCommand(&cobra.Command{
		Use:   "azc",
		Short: "Named Azure contexts for every shell and program",
		Long: `azc keeps named Azure contexts (account + tenant + subscription + cloud),
switches between them per user or per shell, and runs any program under one.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	})
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if debug, _ := cmd.Flags().GetBool("debug"); debug {
			cmdutil.StartDebug(f, cmd.CommandPath())
		}
		if err := cobrautil.ValidateOutputFlags(cmd); err != nil {
			return err
		}
		started()
		return nil
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err}
	})
	pf := root.PersistentFlags()
	pf.StringP("context", "c", "", "the context to use (name, subscription id or name, or a unique prefix); default $AZC_CONTEXT, then the session's and the profile's default")
	pf.StringP("output", "o", cmdutil.FormatTable, "output format: "+strings.Join(cmdutil.Formats, ", "))
	pf.String("query", "", "JMESPath query applied to the JSON output")
	pf.Bool("debug", false, "log diagnostics to stderr (secrets redacted)")
	_ = root.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return cmdutil.Formats, cobra.ShellCompDirectiveNoFileComp
	})
	_ = root.RegisterFlagCompletionFunc("context", cobrautil.CompleteContextNames(f))
	root.AddCommand(newCmdCompletion(f))
	cmds(root, f)
	return root
}
