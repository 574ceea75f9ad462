package cmdutil

import "testing"

// TestVersionFallsBackToTheBuildInformation checks the version of a build
// without one set at link time (`go install`, `go build`): the module's
// version from its build information, or "dev" for a build of a checkout.
func TestVersionFallsBackToTheBuildInformation(t *testing.T) {
	ios := &IOStreams{}
	if got := NewFactory(ios, func(string) string { return "" }, "v1.2.3").Version(); got != "v1.2.3" {
		t.Errorf("linked version: Version() = %q, want v1.2.3", got)
	}
	f := NewFactory(ios, func(string) string { return "" }, "")
	if got, want := f.Version(), buildVersion(); got != want || got == "" {
		t.Errorf("no linked version: Version() = %q, want %q (not empty)", got, want)
	}
}
