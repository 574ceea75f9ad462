package light_test

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/full"
	"github.com/azcontext/azc/internal/cli/light"
)

func tree(t *testing.T, cmds cli.Commands) map[string]*cobra.Command {
	t.Helper()
	ios, _, _, _ := cmdutil.Test()
	f := cli.NewFactory(ios, func(string) string { return "" }, "v0-test")
	root := cli.NewCmdRoot(f, cmds, func() {})
	m := map[string]*cobra.Command{}
	for _, c := range root.Commands() {
		m[c.Name()] = c
	}
	return m
}

// TestCommandSetsAgree checks that azc offers every command of azc-full,
// either itself or as a hand-over entry that azc-full describes the same
// way, and hands over nothing azc-full lacks.
func TestCommandSetsAgree(t *testing.T) {
	l, f := tree(t, light.Commands), tree(t, full.Commands)
	for name, fc := range f {
		lc, ok := l[name]
		if !ok {
			t.Errorf("azc lacks %q, which azc-full has", name)
			continue
		}
		if lc.Annotations[cmdutil.HandOverAnnotation] == "" {
			continue
		}
		if lc.Use != fc.Use || lc.Short != fc.Short || !slices.Equal(lc.Aliases, fc.Aliases) || lc.Hidden != fc.Hidden {
			t.Errorf("hand-over entry %q = {%q %q %v}, azc-full has {%q %q %v}", name, lc.Use, lc.Short, lc.Aliases, fc.Use, fc.Short, fc.Aliases)
		}
	}
	for name := range l {
		if _, ok := f[name]; !ok {
			t.Errorf("azc has %q, which azc-full lacks", name)
		}
	}
	handed := 0
	for _, e := range light.FullOnly() {
		c := l[(&cobra.Command{Use: e.Use}).Name()]
		if c == nil || c.Annotations[cmdutil.HandOverAnnotation] == "" {
			t.Errorf("FullOnly entry %q is not a hand-over command of azc", e.Use)
		}
		handed++
	}
	if handed == 0 {
		t.Fatal("azc hands nothing to azc-full")
	}
}

// TestHandOver checks that running, asking help for and completing a
// hand-over command all reach ExecFull with the arguments untouched, and
// that a light command does not.
func TestHandOver(t *testing.T) {
	for _, args := range [][]string{
		{"login", "--tenant", "x"},
		{"-c", "ctx", "logout", "--help"},
		{"help", "logout"},
		{"subscription", "list", "--refresh"},
		{"context", "list", "--refresh", "-o", "json"},
		{cobra.ShellCompRequestCmd, "login", "--te"},
		{cobra.ShellCompNoDescRequestCmd, "-o", "json", "exec", "--"},
	} {
		ios, _, out, errOut := cmdutil.Test()
		f := cli.NewFactory(ios, func(string) string { return "" }, "v0-test")
		f.StateDir = t.TempDir()
		var got []string
		f.ExecFull = func(a []string) int { got = a; return 42 }
		if code := cli.Run(t.Context(), f, light.Commands, args); code != 42 {
			t.Errorf("%q: exit %d, want azc-full's 42 (stderr %q)", args, code, errOut)
		}
		if !slices.Equal(got, args) {
			t.Errorf("%q: azc-full got %q", args, got)
		}
		if out.Len() != 0 {
			t.Errorf("%q: azc printed %q before handing over", args, out)
		}
	}
	ios, _, _, _ := cmdutil.Test()
	f := cli.NewFactory(ios, func(string) string { return "" }, "v0-test")
	f.ExecFull = func(a []string) int { t.Errorf("version handed over: %q", a); return 1 }
	if code := cli.Run(t.Context(), f, light.Commands, []string{"version"}); code != 0 {
		t.Errorf("version: exit %d", code)
	}
}
