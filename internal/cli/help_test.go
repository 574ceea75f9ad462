package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// allCommands is every command of azc-full's tree, root first.
func allCommands(root *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{root}
	for _, c := range root.Commands() {
		out = append(out, allCommands(c)...)
	}
	return out
}

// TestEveryCommandHasExamples: `azc CMD --help` shows an Examples section
// for every command, and every entry of examples names a command, each
// once.
func TestEveryCommandHasExamples(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
	root := NewCmdRoot(f, func() {})
	paths := map[string]bool{}
	for _, c := range allCommands(root) {
		paths[c.CommandPath()] = true
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no examples", c.CommandPath())
		}
	}
	named := map[string]bool{}
	for _, ex := range examples {
		if !paths[ex.path] {
			t.Errorf("examples has %q, which is no command", ex.path)
		}
		if named[ex.path] {
			t.Errorf("examples has %q twice", ex.path)
		}
		named[ex.path] = true
	}

	for _, args := range [][]string{{"--help"}, {"context", "use", "--help"}, {"help", "init"}} {
		ios, _, out, _ := cmdutil.Test()
		f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
		if code := Run(context.Background(), f, args); code != 0 {
			t.Fatalf("azc %v: exit %d", args, code)
		}
		if !strings.Contains(out.String(), "\nExamples:\n  ") {
			t.Errorf("azc %v shows no examples:\n%s", args, out)
		}
	}
}

// TestManPages: `azc-full man DIR` writes a page for every command users
// see, each with its examples.
func TestManPages(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "man1")
	ios, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
	if code := Run(context.Background(), f, []string{"man", dir}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out.Len() != 0 {
		t.Fatalf("stdout %q", out)
	}
	root := NewCmdRoot(f, func() {})
	n := 0
	for _, c := range allCommands(root) {
		if hidden(c) || c.Name() == "help" { // cobra writes no page for help
			continue
		}
		n++
		name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
		page, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", c.CommandPath(), err)
			continue
		}
		if !strings.Contains(string(page), ".SH EXAMPLE") || !strings.Contains(string(page), `.TH "AZC" "1"`) {
			t.Errorf("%s lacks a title or examples:\n%s", name, page)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != n {
		t.Errorf("%d pages for %d commands", len(entries), n)
	}
	use, err := os.ReadFile(filepath.Join(dir, "azc-use.1"))
	if err != nil || !strings.Contains(string(use), "azc use -  ") {
		t.Errorf("azc-use.1 (%v) lacks its examples:\n%s", err, use)
	}
}

// hidden tells whether c or a parent is hidden (no man page).
func hidden(c *cobra.Command) bool {
	for ; c != nil; c = c.Parent() {
		if c.Hidden {
			return true
		}
	}
	return false
}

// TestHelpShowsNoValueForASwitch: pflag takes a back-quoted word of a
// flag's usage for the name of its value, so a switch whose usage quotes a
// command (`azc version`) showed as `--version azc version` in --help.
func TestHelpShowsNoValueForASwitch(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
	for _, c := range allCommands(NewCmdRoot(f, func() {})) {
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(fl *pflag.Flag) {
				if fl.Value.Type() != "bool" {
					return
				}
				if name, _ := pflag.UnquoteUsage(fl); name != "" {
					t.Errorf("%s --%s shows a value %q in --help", c.CommandPath(), fl.Name, name)
				}
			})
		}
	}
}

// TestAutosaveShowsScopeAsWhatItShows: autosave show changes nothing, so
// its --scope is the scope whose setting it shows, not where a change is
// kept.
func TestAutosaveShowsScopeAsWhatItShows(t *testing.T) {
	t.Parallel()
	ios, _, out, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
	if code := Run(context.Background(), f, []string{"autosave", "show", "--help"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(out.String(), "change is kept") || !strings.Contains(out.String(), "--scope string") {
		t.Errorf("autosave show --help:\n%s", out)
	}
}

// TestHelpShowsEachExampleOnce: --help prints Long, then Examples; a
// description that lists the examples again showed each twice.
func TestHelpShowsEachExampleOnce(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
	for _, c := range allCommands(NewCmdRoot(f, func() {})) {
		for _, line := range strings.Split(c.Example, "\n") {
			if line = strings.TrimSpace(line); line != "" && strings.Contains(c.Long, line) {
				t.Errorf("%s: its description repeats the example %q", c.CommandPath(), line)
			}
		}
	}
}

// TestHelpListsTheExitCodes: `azc --help`, and so `man azc`, say what each
// exit code means, as docs/cli.md does: a script tells "not signed in" (3)
// from a failure (1) and a usage error (2) by them.
func TestHelpListsTheExitCodes(t *testing.T) {
	t.Parallel()
	ios, _, out, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
	if code := Run(context.Background(), f, []string{"--help"}); code != 0 {
		t.Fatalf("azc --help: exit %d", code)
	}
	_, codes, ok := strings.Cut(out.String(), "Exit codes:")
	if !ok {
		t.Fatalf("azc --help lists no exit codes:\n%s", out)
	}
	codes, _, _ = strings.Cut(codes, "\n\n")
	codes = strings.Join(strings.Fields(codes), " ")
	for _, want := range []string{
		fmt.Sprintf("%d done", cmdutil.ExitOK),
		fmt.Sprintf("%d failed", cmdutil.ExitFailure),
		fmt.Sprintf("%d a usage error", cmdutil.ExitUsage),
		fmt.Sprintf("%d not signed in", cmdutil.ExitInteraction),
		fmt.Sprintf("%d interrupted", cmdutil.ExitInterrupted),
	} {
		if !strings.Contains(codes, want) {
			t.Errorf("azc --help's exit codes say no %q:\n%s", want, codes)
		}
	}
}
