package cli

import (
	"slices"
	"testing"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/execute"
)

func TestArgvToOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                          string
		argv                          []string
		wantArgs                      []string
		noServer, legacy, privateConf bool
		keep                          []string
		wantErr                       bool
	}{
		{name: "a command after -- is served with the legacy protocol and a private az config dir", argv: []string{"--", "terraform", "plan", "-out", "x"}, wantArgs: []string{"terraform", "plan", "-out", "x"}, legacy: true, privateConf: true},
		{name: "flags after the command belong to the command", argv: []string{"python3", "--no-server", "-c", "x"}, wantArgs: []string{"python3", "--no-server", "-c", "x"}, legacy: true, privateConf: true},
		{name: "--no-server has neither", argv: []string{"--no-server", "--", "env"}, wantArgs: []string{"env"}, noServer: true},
		{name: "--legacy-msi=false serves only the current protocol", argv: []string{"--legacy-msi=false", "--", "az"}, wantArgs: []string{"az"}, privateConf: true},
		{name: "--private-az-config=false leaves az's own config", argv: []string{"--private-az-config=false", "--", "az"}, wantArgs: []string{"az"}, legacy: true},
		{name: "--keep-env is repeatable", argv: []string{"--keep-env", "ARM_ACCESS_KEY", "--keep-env=AZURE_STORAGE_KEY", "--", "x"}, wantArgs: []string{"x"}, legacy: true, privateConf: true, keep: []string{"ARM_ACCESS_KEY", "AZURE_STORAGE_KEY"}},
		{name: "no command is a usage error", argv: []string{}, wantErr: true},
		{name: "--keep-env NAME=value is a usage error, not a variable kept", argv: []string{"--keep-env", "ARM_ACCESS_KEY=abc", "--", "x"}, wantErr: true},
		{name: "an empty --keep-env is a usage error", argv: []string{"--keep-env=", "--", "x"}, wantErr: true},
		{name: "a --keep-env holding a line break is a usage error", argv: []string{"--keep-env", "ARM_ACCESS_KEY\nAZURE_STORAGE_KEY", "--", "x"}, wantErr: true},
		{name: "--no-server and --legacy-msi exclude each other", argv: []string{"--no-server", "--legacy-msi", "--", "x"}, wantErr: true},
		{name: "--no-server and --private-az-config exclude each other", argv: []string{"--no-server", "--private-az-config", "--", "x"}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cmdutil.Test()
			var got *execute.ExecOptions
			cmd := newCmdExec(&cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}, func(o *execute.ExecOptions) error { got = o; return nil })
			cmd.SetArgs(tc.argv)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			err := cmd.Execute()
			if (err != nil) != tc.wantErr {
				t.Fatalf("Execute = %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if !slices.Equal(got.Args, tc.wantArgs) || got.NoServer != tc.noServer || got.LegacyMSI != tc.legacy || got.PrivateAzConfig != tc.privateConf || !slices.Equal(got.KeepEnv, tc.keep) {
				t.Errorf("options %+v", *got)
			}
		})
	}
}
