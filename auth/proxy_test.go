package auth

import (
	"net/http"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestClientsHonourTheInjectedProxy: every client azc builds takes its proxy
// from azc's environment (HTTPS_PROXY, NO_PROXY, either case), and loopback
// goes direct.
func TestClientsHonourTheInjectedProxy(t *testing.T) {
	t.Parallel()
	cloud := profile.BuiltinEnvironments()[0]
	custom := profile.Environment{Name: "lab", AuthorityHost: "https://login.lab.test/", ARMEndpoint: "https://arm.lab.test/"}
	cases := []struct {
		name  string
		env   map[string]string
		envir profile.Environment
		url   string
		want  string
	}{
		{"HTTPS_PROXY for the public cloud", map[string]string{"HTTPS_PROXY": "http://127.0.0.1:3128"}, cloud, "https://login.microsoftonline.com/organizations/oauth2/v2.0/token", "http://127.0.0.1:3128"},
		{"https_proxy in lower case", map[string]string{"https_proxy": "http://127.0.0.1:3129"}, cloud, "https://management.azure.com/subscriptions", "http://127.0.0.1:3129"},
		{"upper case wins", map[string]string{"HTTPS_PROXY": "http://127.0.0.1:1", "https_proxy": "http://127.0.0.1:2"}, cloud, "https://management.azure.com/", "http://127.0.0.1:1"},
		{"a custom environment too", map[string]string{"HTTPS_PROXY": "http://proxy.corp.test:8080"}, custom, "https://arm.lab.test/tenants", "http://proxy.corp.test:8080"},
		{"NO_PROXY exempts a host", map[string]string{"HTTPS_PROXY": "http://127.0.0.1:3128", "NO_PROXY": "management.azure.com"}, cloud, "https://management.azure.com/", ""},
		{"no_proxy exempts a domain", map[string]string{"HTTPS_PROXY": "http://127.0.0.1:3128", "no_proxy": ".lab.test"}, custom, "https://arm.lab.test/", ""},
		{"loopback goes direct", map[string]string{"HTTPS_PROXY": "http://127.0.0.1:3128"}, cloud, "https://127.0.0.1:4443/msi/token", ""},
		{"no proxy set", nil, cloud, "https://login.microsoftonline.com/", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := New(Config{Getenv: func(k string) string { return c.env[k] }})
			hc, err := m.httpClient(c.envir)
			if err != nil {
				t.Fatal(err)
			}
			req, err := http.NewRequest(http.MethodGet, c.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := hc.Transport.(*http.Transport).Proxy(req)
			if err != nil {
				t.Fatal(err)
			}
			s := ""
			if got != nil {
				s = got.String()
			}
			if s != c.want {
				t.Errorf("proxy for %s = %q, want %q", c.url, s, c.want)
			}
		})
	}
}
