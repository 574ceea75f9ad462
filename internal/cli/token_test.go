package cli

import (
	"reflect"
	"testing"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/tokens"
)

// TestTokenFlags: token's argv becomes its Options, with the context from
// $AZC_CONTEXT and MSAL as the slow path.
func TestTokenFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want tokens.Options
		fail bool
	}{
		{name: "no flags asks for ARM in the context's tenant", args: nil, want: tokens.Options{Ref: "FromEnv"}},
		{name: "resource and tenant are kept", args: []string{"--resource", "https://storage.azure.com", "--tenant", "t"},
			want: tokens.Options{Ref: "FromEnv", Resource: "https://storage.azure.com", Tenant: "t"}},
		{name: "scope is kept", args: []string{"--scope", "s/.default"}, want: tokens.Options{Ref: "FromEnv", Scope: "s/.default"}},
		// tokens.Run refuses the flags that exclude each other (exit 2), for
		// azc and azc-full alike: error_wording.txtar
		{name: "resource and scope together reach the run function, which refuses them", args: []string{"--resource", "r", "--scope", "s"},
			want: tokens.Options{Ref: "FromEnv", Resource: "r", Scope: "s"}},
		{name: "arguments are refused", args: []string{"extra"}, fail: true},
		{name: "subscription is kept", args: []string{"--subscription", "Fabrikam Shared"}, want: tokens.Options{Ref: "FromEnv", Subscription: "Fabrikam Shared"}},
		{name: "subscription and tenant together reach the run function, which refuses them, as az does", args: []string{"--subscription", "s", "--tenant", "t"},
			want: tokens.Options{Ref: "FromEnv", Subscription: "s", Tenant: "t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cmdutil.Test()
			var got *tokens.Options
			getenv := func(k string) string {
				if k == "AZC_CONTEXT" {
					return "FromEnv"
				}
				return ""
			}
			cmd := newCmdToken(&cmdutil.Factory{IOStreams: ios, Getenv: getenv}, func(o *tokens.Options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			err := cmd.Execute()
			if tt.fail {
				if err == nil {
					t.Fatal("accepted")
				}
				return
			}
			if err != nil || got == nil || got.Slow == nil {
				t.Fatalf("got %+v, %v; want options with a slow path", got, err)
			}
			opts := *got
			opts.Slow = nil
			if !reflect.DeepEqual(opts, tt.want) {
				t.Fatalf("got %+v, want %+v", opts, tt.want)
			}
		})
	}
}
