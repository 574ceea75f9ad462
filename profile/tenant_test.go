package profile

import (
	"strings"
	"testing"
)

// TestValidTenant: a tenant id or domain, and nothing else, as it ends
// the authority URL; a domain within DNS's bounds: sent, `azc token
// --tenant` of 100,000 letters would make a URL the identity provider
// refuses, which reads as "no answer from the identity provider".
func TestValidTenant(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"11111111-1111-4111-8111-111111111111": true,
		"contoso.onmicrosoft.com":              true,
		"organizations":                        true,
		"adfs":                                 true,
		"":                                     false,
		"../../x":                              false,
		"a/b":                                  false,
		"a?b=c":                                false,
		"a#b":                                  false,
		"a b":                                  false,
		"a\x01":                                false,
		"\xff":                                 false,
		"a..b":                                 false,
		".a":                                   false,
		"a-":                                   false,
		// DNS's bounds: a label of at most 63 bytes, a name of at most 253
		strings.Repeat("a", 63) + ".com":                      true,
		strings.Repeat("a", 64) + ".com":                      false,
		strings.Repeat(strings.Repeat("a", 62)+".", 4) + "a":  true,
		strings.Repeat(strings.Repeat("a", 62)+".", 4) + "ab": false,
		strings.Repeat("a", 100_000):                          false,
	} {
		if got := ValidTenant(s); got != want {
			t.Errorf("ValidTenant(%.80q, %d bytes) = %v, want %v", s, len(s), got, want)
		}
	}
}
