package profile

import "testing"

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
	} {
		if got := ValidTenant(s); got != want {
			t.Errorf("ValidTenant(%q) = %v, want %v", s, got, want)
		}
	}
}
