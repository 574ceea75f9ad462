package profile

import "strings"

// ValidTenant reports whether s can name a tenant to the identity
// provider: a tenant id (a GUID), a domain (contoso.onmicrosoft.com), or
// one of its names (organizations, common, consumers, adfs): ASCII letters,
// digits, hyphens and dots, not starting or ending with a dot or hyphen,
// with no empty label. The tenant ends the authority URL, so a /, ?, #,
// "..", space or control character would name another URL.
func ValidTenant(s string) bool {
	if s == "" || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
		if !ok {
			return false
		}
	}
	return s[0] != '.' && s[0] != '-' && s[len(s)-1] != '.' && s[len(s)-1] != '-'
}
