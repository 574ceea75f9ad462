// Package cli is azc-full's command line: process set-up (the environment
// is read here and nowhere below) and all of azc's cobra wiring — every
// command, its flags, arguments, completion, help and examples. Each
// command turns argv into an Options struct and calls the run function of
// a cobra-free package named for what it holds (contexts, accounts,
// tokens, sessions, environments, execute), which package front, the azc
// binary, calls too; cmdutil holds what they share.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/azcontext/azc/childproc"
	"github.com/azcontext/azc/credstore/desktopkey"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/execserve"
	"github.com/azcontext/azc/internal/cli/execute"
	"github.com/azcontext/azc/profile"
)

// Main runs azc-full with args (without
// the program name) on the process's standard streams and environment,
// and returns the exit code. (The azc binary that users run is package
// front: it runs its few commands without cobra and hands every other
// invocation, whole, to azc-full.)
func Main(version string, args []string) int {
	// The hand-over's marks are for azc-full alone: the programs it starts
	// (azc exec, a browser) and the azc they may run in turn must not
	// inherit them.
	_ = os.Unsetenv(cmdutil.HandedOverEnv)
	front := os.Getenv(cmdutil.FrontEnv)
	_ = os.Unsetenv(cmdutil.FrontEnv)
	frontVersion := os.Getenv(cmdutil.FrontVersionEnv)
	_ = os.Unsetenv(cmdutil.FrontVersionEnv)
	serve := os.Getenv(execute.ServeEnv) != ""
	_ = os.Unsetenv(execute.ServeEnv)
	if serve {
		// before anything is written to the terminal, whose background
		// the server is in (even the version check's error)
		execserve.IgnoreTerminalStops()
	}
	// Ctrl-C (or kill -INT) cancels network calls, waits and questions;
	// the command then returns and azc exits 130 (Run). Not in a process
	// started with INT ignored, which keeps ignoring it.
	ctx, stop := childproc.InterruptContext(context.Background())
	defer stop()
	ios := cmdutil.System()
	f := cmdutil.NewFactory(ios, os.Getenv, version)
	f.Front = front
	self, _ := os.Executable()
	if err := cmdutil.CheckFrontVersion(front, frontVersion, self, f.Version()); err != nil {
		return cmdutil.Finish(f, args, err, true, "")
	}
	if serve {
		// the credential server of an exec the azc binary runs
		f.Desktop = desktopkey.Backend()
		cmdutil.AttachSession(f)
		return execserve.Main(f)
	}
	return Run(ctx, f, args)
}

// Run executes azc with args under f and returns the exit code. Errors are
// printed to f.IOStreams.ErrOut as "azc: error: …" with "azc: hint: …"
// lines; nothing but the result goes to stdout. A command that fails once
// ctx has ended (Ctrl-C) exits ExitInterrupted and prints nothing more.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	f.Interrupt = ctx.Done()
	if f.Desktop == nil {
		f.Desktop = desktopkey.Backend()
	}
	started := false
	cmdutil.AttachSession(f)
	root := NewCmdRoot(f, func() { started = true })
	root.SetArgs(args)
	root.SetIn(f.IOStreams.In)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	cmd, err := root.ExecuteContextC(ctx)
	path := ""
	if cmd != nil {
		if cmd.Name() == "help" && cmd.HasParent() {
			// help's mistake is in the topic asked: its usage is the
			// deepest command the topic names
			topic, _, ferr := cmd.Parent().Find(cmd.Flags().Args())
			if ferr != nil {
				topic = cmd.Parent()
			}
			cmd = topic
		}
		path = cmd.CommandPath()
	}
	if cmdutil.Interrupted(ctx, err) {
		return cmdutil.ExitInterrupted
	}
	return cmdutil.Finish(f, args, err, started, path)
}

// NewCmdRoot builds the azc command tree. started is called once flags and
// arguments have been accepted, just before the command runs.
func NewCmdRoot(f *cmdutil.Factory, started func()) *cobra.Command {
	root := groupCommand(&cobra.Command{
		Use:   "azc",
		Short: "Named Azure contexts for every shell and program",
		Long: `azc keeps named Azure contexts (account + tenant + subscription + cloud),
switches between them per user or per shell, and runs any program under one.

Exit codes: 0 done; 1 failed (not found, a name taken, a lock timeout, a
question answered no); 2 a usage error (an unknown command or flag, wrong
arguments, an ambiguous context name); 3 not signed in or no context
selected, or a question with no terminal to ask it on (pass --force); 130
interrupted (Ctrl-C). exec and shell exit with their program's code.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	})
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if debug, _ := cmd.Flags().GetBool("debug"); debug {
			cmdutil.StartDebug(f, cmd.CommandPath())
		}
		if err := validateOutputFlags(cmd); err != nil {
			return err
		}
		if err := validateScopeFlag(cmd); err != nil {
			return err
		}
		started()
		return nil
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		// `azc account set -s X`: the root parses az's flags before it
		// finds no command "account"; the command is what to name
		if args := cmd.Flags().Args(); cmd == root && len(args) > 0 && azCommand("azc "+args[0]) != "" {
			return unknownCommand(root, args[0])
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: flagValueError(err), Hints: flagHint(cmd, err)}
	})
	root.Flags().Bool("version", false, "print azc's version (as azc version does)")
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if v, _ := cmd.Flags().GetBool("version"); v {
			return cmdutil.PrintVersion(f, outputOf(cmd))
		}
		return cmd.Help()
	}
	pf := root.PersistentFlags()
	pf.StringP("context", "c", "", "the context to use (name, subscription id or name, or a unique prefix); default $AZC_CONTEXT, then the session's and the profile's default")
	pf.StringP("output", "o", cmdutil.FormatTable, "output format: "+strings.Join(cmdutil.Formats, ", "))
	pf.String("query", "", "JMESPath query applied to the JSON output")
	pf.Bool("debug", false, "log diagnostics to stderr (secrets redacted)")
	_ = root.RegisterFlagCompletionFunc("output", completeWords(cmdutil.Formats...))
	_ = root.RegisterFlagCompletionFunc("context", completeContextNames(f))
	root.AddCommand(newCmdContext(f), newCmdUse(f, nil))
	root.AddCommand(newCmdEnvironment(f))
	root.AddCommand(newCmdExec(f, nil))
	root.AddCommand(newCmdLogin(f, nil), newCmdLogout(f, nil), newCmdSubscription(f), newCmdTenant(f))
	root.AddCommand(newCmdToken(f, nil), newCmdVersion(f))
	root.AddCommand(newCmdInit(f), newCmdSession(f), newCmdPrompt(f), newCmdShell(f), newCmdAutosave(f), newCmdDoctor(f))
	root.AddCommand(newCmdCompletion(f), newCmdMan(f))
	root.SetHelpCommand(newCmdHelp(root))
	root.InitDefaultHelpCmd() // now, so that addExamples sees it
	addExamples(root)
	return root
}

// azFlag is the hint for a flag of az's command that azc's namesake does
// without ("azc login --allow-no-subscriptions"), or "".
func azFlag(commandAndFlag string) string {
	switch commandAndFlag {
	case "azc login --allow-no-subscriptions":
		return "leave it out: azc signs in without subscriptions as it is (an account with none gets a context of its tenant), and `azc context set --tenant T` makes one for another tenant"
	}
	return ""
}

// azCommand is the hint for a command group of az's that azc has under
// another name ("azc account"), or "".
func azCommand(commandPath string) string {
	switch commandPath {
	case "azc account":
		return "az account's work is azc's contexts: `azc context show`, `azc context list`, `azc use NAME` (account set), `azc token` (account get-access-token)"
	case "azc cloud":
		return "az cloud's work is azc's environments: `azc environment list`, `azc environment show NAME`, `azc environment add NAME` (cloud register)"
	}
	return ""
}

// flagValueError is err, pflag's refusal of a flag's value, said as azc
// says a value is wrong, with what the flag takes in place of Go's parser
// error ("strconv.ParseInt: parsing \"abc\": invalid syntax"); any other
// error is left as it is.
func flagValueError(err error) error {
	var ive *pflag.InvalidValueError
	if !errors.As(err, &ive) {
		return err
	}
	want := ""
	switch ive.GetFlag().Value.Type() {
	case "bool":
		want = "true or false"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "count":
		want = "a whole number"
	default:
		return err
	}
	return fmt.Errorf("invalid --%s %s: want %s", ive.GetFlag().Name, profile.QuoteShort(ive.GetValue()), want)
}

// flagHint suggests the flag of cmd that an unknown flag's error may have
// meant: "did you mean --refresh?".
func flagHint(cmd *cobra.Command, err error) []string {
	typed, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return nil
	}
	typed, _, _ = strings.Cut(typed, "=")
	if h := azFlag(cmd.CommandPath() + " --" + typed); h != "" {
		return []string{h}
	}
	var names []string
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if !fl.Hidden {
			names = append(names, fl.Name)
		}
	})
	if h := cmdutil.DidYouMean(cmdutil.Suggest(typed, names), func(s string) string { return "--" + s }); h != "" {
		return []string{h}
	}
	return nil
}
