package cli

import (
	"testing"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/tokens"
)

func TestFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want tokens.Options
		fail bool
	}{
		{name: "no flags asks for ARM in the context's tenant", args: nil, want: tokens.Options{}},
		{name: "resource and tenant are kept", args: []string{"--resource", "https://storage.azure.com", "--tenant", "t"},
			want: tokens.Options{Resource: "https://storage.azure.com", Tenant: "t"}},
		{name: "scope is kept", args: []string{"--scope", "s/.default"}, want: tokens.Options{Scope: "s/.default"}},
		{name: "resource and scope together are refused", args: []string{"--resource", "r", "--scope", "s"}, fail: true},
		{name: "arguments are refused", args: []string{"extra"}, fail: true},
		{name: "subscription is kept", args: []string{"--subscription", "Fabrikam Shared"}, want: tokens.Options{Subscription: "Fabrikam Shared"}},
		{name: "subscription and tenant together are refused, as az refuses them", args: []string{"--subscription", "s", "--tenant", "t"}, fail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cmdutil.Test()
			var got *tokens.Options
			cmd := newCmdToken(&cmdutil.Factory{IOStreams: ios}, func(o *tokens.Options) error { got = o; return nil })
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
			if err != nil || got == nil || *got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
