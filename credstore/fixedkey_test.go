package credstore

import (
	"fmt"
	"strings"
	"testing"
)

// TestAFixedKeyPrintsWithoutItsKey: a program that prints its Options, or
// the backend itself (a session's key is a FixedKey), in any verb, shows
// the backend's name and never the key.
func TestAFixedKeyPrintsWithoutItsKey(t *testing.T) {
	t.Parallel()
	key := []byte{0xc9, 0xca, 0xcb, 0xcc}
	k := FixedKey("session", key)
	leaks := []string{fmt.Sprint(key), fmt.Sprintf("%x", key), fmt.Sprintf("%#v", key), "0xc9", string(key)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q", "%d"} {
		for _, v := range []any{k, Options{Backend: k}, &Options{Backend: k}} {
			out := fmt.Sprintf(verb, v)
			for _, leak := range leaks {
				if strings.Contains(out, leak) {
					t.Errorf("%s of %T shows the key (%q): %s", verb, v, leak, out)
				}
			}
		}
	}
	if got, _ := k.LoadKey(KeyRef{}); string(got) != string(key) {
		t.Errorf("LoadKey = %x, want %x", got, key)
	}
}
