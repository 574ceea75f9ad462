package cli

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/contexts"
)

// runArgs runs cmd on args with f's streams and a root's -c flag, as the
// tree does.
func runArgs(f *cmdutil.Factory, cmd *cobra.Command, args ...string) error {
	root := &cobra.Command{Use: "azc", SilenceErrors: true, SilenceUsage: true}
	root.PersistentFlags().StringP("context", "c", "", "")
	root.AddCommand(cmd)
	root.SetArgs(append([]string{cmd.Name()}, args...))
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	return root.Execute()
}

// TestContextCommandsFillTheirOptions: each context command turns argv
// into its Options and hands them to its run function untouched.
func TestContextCommandsFillTheirOptions(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := cmdutil.Test()
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(k string) string {
		if k == "AZC_CONTEXT" {
			return "FromEnv"
		}
		return ""
	}}
	t.Run("show takes NAME over -c and -c over $AZC_CONTEXT", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			want string
		}{{[]string{"Dev"}, "Dev"}, {[]string{"-c", "Prod"}, "Prod"}, {nil, "FromEnv"}} {
			var got *contexts.ShowOptions
			if err := runArgs(f, newCmdContextShow(f, func(o *contexts.ShowOptions) error { got = o; return nil }), tc.args...); err != nil || got.Ref != tc.want {
				t.Errorf("%q: ref %+v, %v; want %q", tc.args, got, err, tc.want)
			}
		}
	})
	t.Run("list sets Refresh only with --refresh", func(t *testing.T) {
		var got *contexts.ListOptions
		if err := runArgs(f, newCmdContextList(f, func(o *contexts.ListOptions) error { got = o; return nil })); err != nil || got.Refresh != nil {
			t.Errorf("no --refresh: %+v, %v", got, err)
		}
		if err := runArgs(f, newCmdContextList(f, func(o *contexts.ListOptions) error { got = o; return nil }), "--refresh"); err != nil || got.Refresh == nil {
			t.Errorf("--refresh: %+v, %v", got, err)
		}
	})
	t.Run("set keeps its flags and refuses a bad --property before running", func(t *testing.T) {
		var got *contexts.SetOptions
		run := func(o *contexts.SetOptions) error { got = o; return nil }
		err := runArgs(f, newCmdContextSet(f, run), "--subscription", "Sub", "--tenant", "T", "--name", "N", "--property", "a=1", "--property", "b=", "--force", "--scope", "user")
		if err != nil || got.Ref != "FromEnv" || got.Subscription != "Sub" || got.Tenant != "T" || got.Name != "N" ||
			!slices.Equal(got.Properties, []string{"a=1", "b="}) || !got.Force || got.Scope != "user" || got.FindSubscription == nil || got.Credentials.Drop == nil || got.Credentials.Probe == nil {
			t.Errorf("options %+v, %v", got, err)
		}
		got = nil
		if err := runArgs(f, newCmdContextSet(f, run), "--property", "novalue"); err == nil || got != nil {
			t.Errorf("a bad --property: ran with %+v, error %v", got, err)
		}
	})
	t.Run("rename, remove and clear carry the way to drop credentials", func(t *testing.T) {
		var ren *contexts.RenameOptions
		if err := runArgs(f, newCmdContextRename(f, func(o *contexts.RenameOptions) error { ren = o; return nil }), "Old", "New", "--force"); err != nil ||
			ren.Old != "Old" || ren.New != "New" || !ren.Force || ren.Credentials.Drop == nil {
			t.Errorf("rename: %+v, %v", ren, err)
		}
		var rem *contexts.RemoveOptions
		if err := runArgs(f, newCmdContextRemove(f, func(o *contexts.RemoveOptions) error { rem = o; return nil }), "A", "B", "-f", "--scope", "process"); err != nil ||
			!slices.Equal(rem.Refs, []string{"A", "B"}) || !rem.Force || rem.Scope != "process" || rem.Credentials.Drop == nil {
			t.Errorf("remove: %+v, %v", rem, err)
		}
		var clr *contexts.ClearOptions
		if err := runArgs(f, newCmdContextClear(f, func(o *contexts.ClearOptions) error { clr = o; return nil }), "--force"); err != nil || !clr.Force || clr.Credentials.SignOut == nil {
			t.Errorf("clear: %+v, %v", clr, err)
		}
	})
	t.Run("export needs --file; import takes FILE", func(t *testing.T) {
		var exp *contexts.ExportOptions
		if err := runArgs(f, newCmdContextExport(f, func(o *contexts.ExportOptions) error { exp = o; return nil }), "Dev"); err == nil || exp != nil {
			t.Errorf("export without --file: ran with %+v, error %v", exp, err)
		}
		if err := runArgs(f, newCmdContextExport(f, func(o *contexts.ExportOptions) error { exp = o; return nil }), "Dev", "--file", "-", "--with-credentials"); err != nil ||
			!slices.Equal(exp.Refs, []string{"Dev"}) || exp.File != "-" || !exp.WithCredentials {
			t.Errorf("export: %+v, %v", exp, err)
		}
		var imp *contexts.ImportOptions
		if err := runArgs(f, newCmdContextImport(f, func(o *contexts.ImportOptions) error { imp = o; return nil }), "ctx.json", "--scope", "user"); err != nil ||
			imp.File != "ctx.json" || imp.Scope != "user" || imp.Credentials.Probe == nil {
			t.Errorf("import: %+v, %v", imp, err)
		}
	})
}
