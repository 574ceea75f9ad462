package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// addScopeFlag adds --scope user|process to a command that changes state.
// The value is parsed with ParseScope, first before the command runs
// (validateScopeFlag), so that a bad one is a usage error before any work.
func addScopeFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "scope", "", "where the change is kept: user (the profile) or process (this shell's session); default: the autosave setting")
	_ = cmd.Flags().SetAnnotation("scope", scopeFlagAnnotation, []string{"true"})
	_ = cmd.RegisterFlagCompletionFunc("scope", completeWords("user", "process"))
}

// scopeFlagAnnotation marks the --scope of addScopeFlag (token's --scope
// is an OAuth scope).
const scopeFlagAnnotation = "azc-change-scope"

// validateScopeFlag checks cmd's --scope user|process, when it has one,
// so that a bad value fails with ExitUsage before the command does any
// work (reads a file, signs in).
func validateScopeFlag(cmd *cobra.Command) error {
	fl := cmd.Flags().Lookup("scope")
	if fl == nil || fl.Annotations[scopeFlagAnnotation] == nil {
		return nil
	}
	_, err := cmdutil.ParseScope(fl.Value.String())
	return err
}

// contextFlag returns the value of the global -c/--context flag.
func contextFlag(cmd *cobra.Command) string {
	if fl := cmd.Flags().Lookup("context"); fl != nil {
		return fl.Value.String()
	}
	return ""
}

// exactArgs accepts exactly n positional arguments, else fails with ExitUsage.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return cmdutil.UsageErrorf("%s takes %s, got %d", cmd.CommandPath(), cmdutil.Plural(n, "argument"), len(args))
		}
		return nil
	}
}

// maximumNArgs accepts at most n positional arguments, else fails with ExitUsage.
func maximumNArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return cmdutil.UsageErrorf("%s takes at most %s, got %d", cmd.CommandPath(), cmdutil.Plural(n, "argument"), len(args))
		}
		return nil
	}
}

// minimumNArgs accepts at least n positional arguments, else fails with ExitUsage.
func minimumNArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return cmdutil.UsageErrorf("%s needs at least %s", cmd.CommandPath(), cmdutil.Plural(n, "argument"))
		}
		return nil
	}
}

// noArgs refuses positional arguments with ExitUsage.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return cmdutil.UsageErrorf("%s takes no arguments, got %s", cmd.CommandPath(), profile.QuoteShort(args[0]))
	}
	return nil
}

// groupCommand makes cmd a command group: run bare it prints its help; run
// with an unknown subcommand it fails with ExitUsage.
func groupCommand(cmd *cobra.Command) *cobra.Command {
	cmd.Args = func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			return unknownCommand(c, args[0])
		}
		return nil
	}
	cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	return cmd
}

// unknownCommand is the usage error for name, which is no subcommand of c,
// with the subcommands it may have meant.
func unknownCommand(c *cobra.Command, name string) error {
	err := cmdutil.UsageErrorf("unknown command %s for %q", profile.QuoteShort(name), c.CommandPath())
	if h := azCommand(c.CommandPath() + " " + name); h != "" {
		err.Hints = []string{h}
		return err
	}
	var names []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	if h := cmdutil.DidYouMean(cmdutil.Suggest(name, names), func(s string) string { return "`" + c.CommandPath() + " " + s + "`" }); h != "" {
		err.Hints = []string{h}
	}
	return err
}

// newCmdHelp is `azc help [COMMAND…]`, cobra's help command except that a
// command that does not exist is a usage mistake with a suggestion, as
// when it is run, rather than the top-level help and exit 0.
func newCmdHelp(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "Help provides help for any command in the application.\nSimply type " + root.Name() + " help [path to command] for full details.",
		ValidArgsFunction: func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			cmd, _, err := root.Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(help *cobra.Command, args []string) error {
			cmd := root
			for _, name := range args {
				var next *cobra.Command
				for _, sub := range cmd.Commands() {
					// help is no available command to cobra, yet listed
					if (sub.IsAvailableCommand() || sub == help) && (sub.Name() == name || sub.HasAlias(name)) {
						next = sub
						break
					}
				}
				if next == nil {
					return unknownCommand(cmd, name)
				}
				cmd = next
			}
			return cmd.Help()
		},
	}
}
