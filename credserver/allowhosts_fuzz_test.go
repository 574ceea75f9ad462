package credserver_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/azcontext/azc/credserver"
)

// FuzzAllowHosts holds the resource check to net/url's reading of a
// resource: one AllowHosts accepts is an https URL without user
// information whose host is an allowed host or a subdomain of one (a host
// allowed with a port only with that port), so a child cannot pass a
// resource whose real host is another by spelling it oddly.
func FuzzAllowHosts(f *testing.F) {
	for _, r := range []string{
		"https://management.azure.com/", "https://x.vault.azure.net", "https://127.0.0.1:8443/",
		"https://attacker.example/?https://management.azure.com", "https://attacker.example#.vault.azure.net",
		"https://attacker.example%2F.vault.azure.net", "https://management.azure.com:443/",
		"https://[::1]:8443/", "HTTPS://management.azure.com", "https://management.azure.com./",
	} {
		f.Add(r)
	}
	allow := credserver.AllowHosts("management.azure.com", "vault.azure.net", "127.0.0.1:8443")
	f.Fuzz(func(t *testing.T, resource string) {
		if allow(resource) != nil {
			return
		}
		u, err := url.Parse(resource)
		if err != nil {
			return // no client reaches a host with what net/url cannot read
		}
		if u.Scheme != "https" || u.User != nil || u.Opaque != "" {
			t.Fatalf("AllowHosts accepted %q: scheme %q, user %v, opaque %q", resource, u.Scheme, u.User, u.Opaque)
		}
		if !allowedHost(strings.ToLower(u.Host)) {
			t.Fatalf("AllowHosts accepted %q, whose host is %q to net/url", resource, u.Host)
		}
	})
}

func allowedHost(h string) bool {
	if h == "127.0.0.1:8443" {
		return true
	}
	for _, a := range []string{"management.azure.com", "vault.azure.net"} {
		if h == a || strings.HasSuffix(h, "."+a) {
			return true
		}
	}
	return false
}
