package profile

import "strings"

// ValidTenant reports whether s can name a tenant to the identity
// provider: a tenant id (a GUID), a domain (contoso.onmicrosoft.com), or
// one of its names (organizations, common, consumers, adfs): ASCII letters,
// digits, hyphens and dots, not starting or ending with a dot or hyphen,
// with no empty label, and within DNS's bounds (a label of at most 63
// bytes, the whole at most maxHostName). The tenant ends the authority
// URL, so a /, ?, #, "..", space or control character would name another
// URL.
func ValidTenant(s string) bool {
	if s == "" || len(s) > maxHostName || strings.Contains(s, "..") {
		return false
	}
	label := 0 // the length of the label so far
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
		if !ok {
			return false
		}
		if label++; c == '.' {
			label = 0
		} else if label > maxLabel {
			return false
		}
	}
	return s[0] != '.' && s[0] != '-' && s[len(s)-1] != '.' && s[len(s)-1] != '-'
}

// IsTenantID reports whether s is a tenant id: a GUID,
// xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in hexadecimal digits.
func IsTenantID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// maxLabel is the longest a label of a DNS name can be, in bytes.
const maxLabel = 63
