package cli

import (
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// completeContextNames completes context names for flags and arguments:
// those a prefix of which the word typed names, as lookup reads it
// (profile.TrimRef, HasNamePrefix). It reads the names as `context list`
// does (azc.List), decoding no context of the profile. A name holding a
// control character is not offered: the completion protocol gives a
// candidate a line, a tab ending it, so a shell would insert a piece of
// it, which names no context.
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
		prefix = profile.TrimRef(prefix)
		var out []string
		var c profile.Columns
		for r := range ml.Len() {
			ml.Row(r, &c)
			if profile.HasNamePrefix(c.Name, prefix) && !strings.ContainsFunc(c.Name, unicode.IsControl) {
				out = append(out, c.Name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeFirstContextName completes a command's one context name, its
// first argument (completeFirst): the NEW of rename is a name no context
// has.
func completeFirstContextName(f *cmdutil.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return completeFirst(completeContextNames(f))
}

// completeFirst completes a command's first argument with complete, and
// nothing after it: a second is a usage error.
func completeFirst(complete func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return complete(cmd, args, toComplete)
	}
}

// completeEnvironmentNames completes environment names, built-in and
// custom, for flags and arguments: those that start with the word typed,
// as the lookup compares them (profile.TrimRef, HasNamePrefix); a name
// holding a control character is not offered, as with context names.
func completeEnvironmentNames(f *cmdutil.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		st, err := f.State()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		p, err := st.Profile()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		prefix = profile.TrimRef(prefix)
		var out []string
		for _, e := range p.AllEnvironments() {
			if profile.HasNamePrefix(e.Name, prefix) && !strings.ContainsFunc(e.Name, unicode.IsControl) {
				out = append(out, e.Name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeWords completes a flag whose values are words: those that start
// with what was typed, ignoring case as completion of names does, so that
// every candidate azc offers matches the word (the bash script offers all
// azc offers when they share what was typed).
func completeWords(words ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, w := range words {
			if profile.HasNamePrefix(w, prefix) {
				out = append(out, w)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
