package execute

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/azcontext/azc/credserver/endpoint"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// TestASpecReachesTheServerWhole: what azc writes for the azc-full that
// serves is what that azc-full reads, secret included.
func TestASpecReachesTheServerWhole(t *testing.T) {
	spec := &ServeSpec{
		Context: profile.Context{Name: "Dev ✓", Account: "azurecloud|t|app", Environment: "Emu",
			Tenant:       profile.Tenant{ID: "t", DefaultDomain: "t.test"},
			Subscription: &profile.Subscription{ID: "s", Name: "Sub", State: "Enabled", TenantID: "t"}, StorageAccount: "st"},
		Account:     profile.Account{ID: "app", Type: profile.ServicePrincipal, Environment: "Emu", HomeTenantID: "t"},
		Environment: profile.Environment{Name: "Emu", AuthorityHost: "https://127.0.0.1:1/", ARMEndpoint: "https://127.0.0.1:1/", ARMAudience: "https://management.azure.com/", CAFile: "/ca.pem"},
		Scope:       profile.ScopeProcess,
		LegacyMSI:   true,
		Identity:    TokenIdentity{ObjectID: "o", ClientID: "app", ResourceID: "/mi"},
		Endpoint:    endpoint.Endpoint{Host: "127.0.0.1:9", Path: "/p/msi/token", Secret: secret.New("s3cret")},
	}
	var buf bytes.Buffer
	if err := writeSpec(&buf, spec); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSpec(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, spec) {
		t.Errorf("read %+v\nwrote %+v", got, spec)
	}
}

func TestReadSpecRefusesWhatIsNoSpec(t *testing.T) {
	for name, in := range map[string]string{
		"empty":       "",
		"not JSON":    "serve me",
		"no endpoint": `{"context":{"name":"Dev"}}`,
		"no secret":   `{"host":"127.0.0.1:9","path":"/p"}`,
		"too long":    `{"context":{"name":"` + strings.Repeat("x", maxServeRequest) + `"}}`,
		"wrong type":  `{"scope":"user"}`,
	} {
		if _, err := ReadSpec(strings.NewReader(in), nil); err == nil || !strings.HasPrefix(err.Error(), "reading what to serve") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzReadSpec(f *testing.F) {
	var buf bytes.Buffer
	_ = writeSpec(&buf, &ServeSpec{Endpoint: endpoint.Endpoint{Host: "h", Path: "/p", Secret: secret.New("s")}})
	f.Add(buf.Bytes())
	f.Add([]byte(`{"host":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := ReadSpec(bytes.NewReader(data), nil)
		if err == nil && (spec.Endpoint.Host == "" || spec.Endpoint.Path == "" || spec.Endpoint.Secret.IsZero()) {
			t.Errorf("ReadSpec(%q) gave a spec without an endpoint", data)
		}
	})
}
