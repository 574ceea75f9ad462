package cli

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// completeContextNames completes context names for flags and arguments.
// It reads the names as `context list` does (azc.List), decoding no
// context of the profile.
func completeContextNames(f *cmdutil.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		st, err := f.State()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		ml, err := st.List()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var out []string
		var c profile.Columns
		for r := range ml.Len() {
			ml.Row(r, &c)
			if profile.HasNamePrefix(c.Name, prefix) {
				out = append(out, c.Name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
