package profile_test

import (
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestCheckEndpointRefusesAHostNameNoDNSCanHold: a host name over 253
// bytes (`environment add x --arm-endpoint https://<70,000 a's>.test/`)
// is refused where it is given, not when azc first connects; one of 253
// bytes, or an address, is kept.
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

// TestCheckEndpointRefusesWhatNoEndpointCanHold: an endpoint with a port
// no TCP connection can have, a query or a fragment, or a user name and
// password is refused where it is given: kept, `--authority-host
// https://127.0.0.1:99999/` would fail its sign-in as "no answer from the
// identity provider … check the network", "https://host/?x=1" would
// become "https://host/?x=1/", every URL made from it a query, and
// "https://user:password@host/" would put the password in profile.json,
// which holds no secret. The error never shows the password.
func TestCheckEndpointRefusesWhatNoEndpointCanHold(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"https://127.0.0.1:65535/", "https://127.0.0.1:1/", "https://login.microsoftonline.com/", "http://[::1]:8080/arm/"} {
		if _, err := profile.CheckEndpoint(v); err != nil {
			t.Errorf("CheckEndpoint(%q) = %v, want nil", v, err)
		}
	}
	for v, want := range map[string]string{
		"https://127.0.0.1:99999/":           "port",
		"https://127.0.0.1:0/":               "port",
		"https://127.0.0.1:65536/":           "port",
		"https://127.0.0.1:/":                "port",
		"https://host/?x=1":                  "query",
		"https://host/?":                     "query",
		"https://host/#frag":                 "fragment",
		"https://user:s3cret-pw@host/":       "user name or password",
		"https://user@host/":                 "user name or password",
		"https://host/path?x=1#frag":         "query",
		"https://user:s3cret-pw@host:99999/": "user name or password",
	} {
		_, err := profile.CheckEndpoint(v)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckEndpoint(%q) = %v, want an error about its %s", v, err, want)
		} else if strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("CheckEndpoint(%q) = %v: the error shows the password", v, err)
		}
	}
}
