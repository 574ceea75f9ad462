package contexts

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/azcontext/azc/profile"
)

// ParseProperty parses a --property argument "key=value". The key is
// trimmed and must be non-empty; the value is kept as given and may be
// empty, which removes the key.
func ParseProperty(s string) (key, value string, err error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return "", "", fmt.Errorf("invalid --property %s: want key=value", profile.QuoteShort(s))
	}
	k = strings.TrimSpace(k)
	if k == "" {
		return "", "", fmt.Errorf("invalid --property %s: empty key", profile.QuoteShort(s))
	}
	if strings.ContainsAny(k, "\x00\n\r") {
		return "", "", fmt.Errorf("invalid --property %s: control character in key", profile.QuoteShort(s))
	}
	if !utf8.ValidString(s) {
		// JSON holds UTF-8 only: it would be saved as another value
		return "", "", fmt.Errorf("invalid --property %s: not UTF-8", profile.QuoteShort(s))
	}
	return k, v, nil
}

// applyProperties returns base with each key=value of props applied (an
// empty value deletes the key). base is not modified.
func applyProperties(base map[string]string, props []string) (map[string]string, error) {
	out := make(map[string]string, len(base)+len(props))
	for k, v := range base {
		out[k] = v
	}
	for _, p := range props {
		k, v, err := ParseProperty(p)
		if err != nil {
			return nil, err
		}
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out, nil
}
