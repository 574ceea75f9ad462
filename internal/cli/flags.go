package cli

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// addScopeFlag adds --scope user|process to a command that changes state.
// The value is parsed with ParseScope.
func addScopeFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "scope", "", "where the change is kept: user (the profile) or process (this shell's session); default: the autosave setting")
	_ = cmd.RegisterFlagCompletionFunc("scope", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"user", "process"}, cobra.ShellCompDirectiveNoFileComp
	})
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
			return cmdutil.UsageErrorf("%s takes %s, got %d", cmd.CommandPath(), plural(n, "argument"), len(args))
		}
		return nil
	}
}

// maximumNArgs accepts at most n positional arguments, else fails with ExitUsage.
func maximumNArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return cmdutil.UsageErrorf("%s takes at most %s, got %d", cmd.CommandPath(), plural(n, "argument"), len(args))
		}
		return nil
	}
}

// minimumNArgs accepts at least n positional arguments, else fails with ExitUsage.
func minimumNArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return cmdutil.UsageErrorf("%s needs at least %s", cmd.CommandPath(), plural(n, "argument"))
		}
		return nil
	}
}

// noArgs refuses positional arguments with ExitUsage.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return cmdutil.UsageErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// groupCommand makes cmd a command group: run bare it prints its help; run
// with an unknown subcommand it fails with ExitUsage.
func groupCommand(cmd *cobra.Command) *cobra.Command {
	cmd.Args = func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			err := cmdutil.UsageErrorf("unknown command %q for %q", args[0], c.CommandPath())
			var names []string
			for _, sub := range c.Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, sub.Name())
				}
			}
			if h := cmdutil.DidYouMean(cmdutil.Suggest(args[0], names), func(s string) string { return "`" + c.CommandPath() + " " + s + "`" }); h != "" {
				err.Hints = []string{h}
			}
			return err
		}
		return nil
	}
	cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	return cmd
}
