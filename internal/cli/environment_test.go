package cli

import (
	"testing"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/environments"
)

func TestEnvironmentAddParsesFlags(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := cmdutil.Test()
	var got *environments.AddOptions
	cmd := newCmdEnvironmentAdd(&cmdutil.Factory{IOStreams: ios}, func(o *environments.AddOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"Emu", "--authority-host", "https://127.0.0.1:8443", "--arm-endpoint", "https://127.0.0.1:8443/arm", "--arm-audience", "aud", "--ca-file", "ca.pem", "--scope", "process"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := environments.AddOptions{Name: "Emu", AuthorityHost: "https://127.0.0.1:8443", ARMEndpoint: "https://127.0.0.1:8443/arm", ARMAudience: "aud", CAFile: "ca.pem", Scope: "process"}
	if *got != want {
		t.Fatalf("options = %+v, want %+v", *got, want)
	}
}
