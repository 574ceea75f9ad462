package cli

import (
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// completeContextNames completes context names for flags and arguments.
// It reads the names as `context list` does (azc.List), decoding no
// context of the profile.
func completeContextNames(f *cmdutil.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return completeNames(f, func(st *azc.State) ([]string, error) {
		ml, err := st.List()
		if err != nil {
			return nil, err
		}
		names := make([]string, 0, ml.Len())
		var c profile.Columns
		for r := range ml.Len() {
			ml.Row(r, &c)
			names = append(names, c.Name)
		}
		return names, nil
	})
}

// completeFirstContextName completes a command's one context name, its
// first argument: after it, nothing (a second is a usage error, and the
// NEW of rename is a name no context has).
func completeFirstContextName(f *cmdutil.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return completeFirst(completeContextNames(f))
}

// completeEnvironmentNames completes environment names, built-in and
// custom, for flags and arguments.
func completeEnvironmentNames(f *cmdutil.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return completeNames(f, func(st *azc.State) ([]string, error) {
		p, err := st.Profile()
		if err != nil {
			return nil, err
		}
		var names []string
		for _, e := range p.AllEnvironments() {
			names = append(names, e.Name)
		}
		return names, nil
	})
}

// completeAccountIDs completes logout's ACCOUNT, its one argument: the ids
// of the accounts of the view the shell sees (an identity signed in to two
// clouds is two accounts of one id, offered once).
func completeAccountIDs(f *cmdutil.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return completeFirst(completeNames(f, func(st *azc.State) ([]string, error) {
		p, err := st.Profile()
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, a := range p.Accounts {
			ids = append(ids, a.ID)
		}
		return ids, nil
	}))
}

// completeNames completes names, read by names from the state, for flags
// and arguments: those that start with the word typed, as the lookup
// compares them (profile.TrimRef, HasNamePrefix), each once under SameName.
// A name holding a control character is not offered: the completion
// protocol gives a candidate a line, a tab ending it, so a shell would
// insert a piece of it, which names nothing.
func completeNames(f *cmdutil.Factory, names func(*azc.State) ([]string, error)) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		st, err := f.State()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		all, err := names(st)
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		prefix = profile.TrimRef(prefix)
		var out []string
		seen := map[string]bool{}
		for _, n := range all {
			if profile.HasNamePrefix(n, prefix) && !strings.ContainsFunc(n, unicode.IsControl) && !seen[profile.NameKey(n)] {
				seen[profile.NameKey(n)] = true
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeFirst is complete for a command's first argument alone: after
// it, nothing.
func completeFirst(complete func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return complete(cmd, args, toComplete)
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
