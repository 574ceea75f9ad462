package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/contexts"
	"github.com/azcontext/azc/internal/cli/sessions"
)

// newCmdInit is `azc init`.
func newCmdInit(f *cmdutil.Factory) *cobra.Command {
	opts := &sessions.InitOptions{}
	cmd := &cobra.Command{
		Use:   "init bash|zsh|fish|pwsh",
		Short: "Print shell integration: a session for this shell, completions and a prompt",
		Long: `Print the shell code that ties azc to one shell. Add to your shell's start-up file:

  bash  (~/.bashrc)                     eval "$(azc init bash)"
  zsh   (~/.zshrc)                      eval "$(azc init zsh)"
  fish  (~/.config/fish/config.fish)    azc init fish | source
  pwsh  ($PROFILE)                      azc init pwsh | Out-String | Invoke-Expression

The code gives the shell a session (AZC_SESSION, inherited by everything the
shell starts; it ends when the shell exits), so ` + "`azc use --scope process`" + `
and autosave-off changes stay in this shell. A shell that already has a valid
session (a subshell, ` + "`azc shell`" + `) keeps it. It also loads completions and
puts the current context in front of the prompt (--no-prompt leaves the
prompt alone; the function __azc_ps1 is defined either way).`,
		ValidArgs: []string{"bash", "zsh", "fish", "pwsh"},
		Args:      exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Shell = args[0]
			opts.Completion = func(shell string, w io.Writer) error {
				_, err := genCompletion(cmd.Root(), shell, w)
				return err
			}
			return sessions.InitRun(f, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NoPrompt, "no-prompt", false, "do not add the current context to the prompt")
	return cmd
}

// newCmdPrompt is the prompt helper: it prints the current context's name
// and nothing else, and prints nothing (successfully) when there is none
// or anything fails, so a prompt never shows an error. It reads the
// profile and the session without locking.
func newCmdPrompt(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "prompt",
		Short: "Print the current context's name for a shell prompt",
		Long: `Print the current context's name (from -c, $AZC_CONTEXT, the session's
default, then the profile's) for a shell prompt. It prints nothing when no
context is selected and never fails. ` + "`azc init`" + ` puts it in your prompt.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			contexts.PromptRun(f, &contexts.PromptOptions{Ref: contextRef(f, cmd)})
			return nil
		},
	}
}

// newCmdSession is the hidden `session` group of `azc init`'s code.
func newCmdSession(f *cmdutil.Factory) *cobra.Command {
	cmd := groupCommand(&cobra.Command{
		Use:    "session",
		Short:  "Low-level session commands used by `azc init`",
		Hidden: true,
	})
	opts := &sessions.StartOptions{}
	start := &cobra.Command{
		Use:   "start --pid PID",
		Short: "Print the AZC_SESSION value for the shell PID: the inherited session when it is valid, else a new one",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case !cmd.Flags().Changed("pid"):
				return cmdutil.UsageErrorf("--pid is required")
			case opts.PID <= 0:
				return cmdutil.UsageErrorf("--pid %d is no process id: give the shell's, a number above 0", opts.PID)
			}
			return sessions.StartRun(cmd.Context(), f, opts)
		},
	}
	start.Flags().IntVar(&opts.PID, "pid", 0, "the shell's process id: the session ends when it exits")
	cmd.AddCommand(start)
	return cmd
}

// newCmdShell is `azc shell`.
func newCmdShell(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "shell [NAME]",
		Short: "Start a subshell with a fresh session, optionally with context NAME selected",
		Long: `Start $SHELL with a fresh session: changes made with --scope process or
with autosave off stay in it and are gone when it exits. With NAME, that
context is the session's default. The subshell's exit code is azc's.
A subshell of ` + "`azc shell`" + ` cannot start another (AZC_SHELL_DEPTH is set in it).`,
		Args:              maximumNArgs(1),
		ValidArgsFunction: completeFirstContextName(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &sessions.ShellOptions{}
			if len(args) == 1 {
				opts.Name = args[0]
			}
			return sessions.ShellRun(cmd.Context(), f, opts)
		},
	}
}

// newCmdDoctor is `azc doctor`.
func newCmdDoctor(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check where state lives, the key store, permissions, locks and the session",
		Long: `Each check is a line: ok, warn or fail, and what to do about it.

  - the state directory and the profile's files: yours, not links, not open to others
  - the profile: readable (missing, a backup that holds its contexts), its default
    one of its contexts, its environments defined, its accounts of kinds azc
    knows, its lock free
  - the autosave variables: each unset or a boolean
  - the credential store: its key store, whether it encrypts, each blob readable,
    every account of a context with its credentials, no blob of no account
  - the CA bundles azc exec keeps, and the shells' hold records
  - in a shell: its session's files
  - the context commands use (in a shell, or named by AZC_CONTEXT): whether it has
    its account's credentials; where autosave off hides the profile's contexts,
    that none is selected
  - the temporary files of a write that was stopped

Doctor waits for no lock. It exits 1 when a check fails; warnings alone exit 0.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return sessions.DoctorRun(f, outputOf(cmd))
		},
	}
}

// newCmdAutosave returns `autosave` and its show, enable and disable.
func newCmdAutosave(f *cmdutil.Factory) *cobra.Command {
	cmd := groupCommand(&cobra.Command{
		Use:   "autosave",
		Short: "Show or change whether context changes persist (Enable-/Disable-AzContextAutosave)",
		Long: `Autosave on (the default): sign-ins and context changes are kept in the profile
and seen by every shell. Off: they stay in this shell's session and end with it.

The setting in effect comes from, first that applies: --scope; the session's
setting; $AZC_AUTOSAVE (also AzContextAutoSave, Azure_Profile_Autosave); the
profile's setting; on. enable and disable change the setting of --scope, by
default the one in effect (the session's if it has one, else the profile's).
Enabling while a session holds contexts moves them, with their tokens, into
the profile.`,
	})
	cmd.AddCommand(newCmdAutosaveShow(f), newCmdAutosaveSet(f, true), newCmdAutosaveSet(f, false))
	return cmd
}

func newCmdAutosaveShow(f *cmdutil.Factory) *cobra.Command {
	opts := &sessions.AutosaveOptions{}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the autosave setting in effect (Get-AzContextAutosaveSetting)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return sessions.AutosaveShowRun(f, outputOf(cmd), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Scope, "scope", "", "show the setting of this scope: user (the profile) or process (this shell's session); default: the one in effect")
	_ = cmd.RegisterFlagCompletionFunc("scope", completeWords("user", "process"))
	return cmd
}

func newCmdAutosaveSet(f *cmdutil.Factory, on bool) *cobra.Command {
	opts := &sessions.AutosaveOptions{Enable: on}
	verb, ps := "disable", "Disable-AzContextAutosave"
	if on {
		verb, ps = "enable", "Enable-AzContextAutosave"
	}
	cmd := &cobra.Command{
		Use:   verb,
		Short: strings.ToUpper(verb[:1]) + verb[1:] + " autosave (" + ps + ")",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return sessions.AutosaveSetRun(f, outputOf(cmd), opts)
		},
	}
	addScopeFlag(cmd, &opts.Scope)
	return cmd
}
