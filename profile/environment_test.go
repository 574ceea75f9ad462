package profile_test

import (
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestCheckEndpointRefusesAHostNameNoDNSCanHold: `environment add x
// --arm-endpoint https://<70,000 a's>.test/` was kept, and failed only when
// azc connected; a host name over 253 bytes is refused where it is given,
// and one of 253 bytes, or an address, is kept.
func TestCheckEndpointRefusesAHostNameNoDNSCanHold(t *testing.T) {
	t.Parallel()
	label := strings.Repeat("a", 63)
	longest := strings.Join([]string{label, label, label, strings.Repeat("a", 61)}, ".") // 253 bytes
	for _, v := range []string{"https://" + longest + "/", "https://" + longest + ":8443/", "https://127.0.0.1:1/", "https://[::1]:1/"} {
		if _, err := profile.CheckEndpoint(v); err != nil {
			t.Errorf("CheckEndpoint(%.40q…) = %v, want nil", v, err)
		}
	}
	for _, v := range []string{"https://" + longest + "a/", "https://" + strings.Repeat("a", 70000) + ".test/"} {
		_, err := profile.CheckEndpoint(v)
		if err == nil || !strings.Contains(err.Error(), "host name") || len(err.Error()) > 300 {
			t.Errorf("CheckEndpoint(%.40q…) = %.300v, want a short error that the host name is too long", v, err)
		}
	}
}
