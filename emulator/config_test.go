package emulator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/emulator"
)

func TestExampleSeedParses(t *testing.T) {
	t.Parallel()
	cfg, err := emulator.LoadConfig("../examples/emulator-seed.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Tenants) != 2 || len(cfg.Apps) != 3 || time.Duration(cfg.TokenLifetime) != time.Hour || cfg.Generate.Tenants != 3 {
		t.Fatalf("parsed %+v", cfg)
	}
	if _, err := emulator.New(cfg); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultConfigIsValidAndFresh(t *testing.T) {
	t.Parallel()
	a := emulator.DefaultConfig()
	if _, err := emulator.New(a); err != nil {
		t.Fatal(err)
	}
	a.Tenants[0].DisplayName = "changed"
	if emulator.DefaultConfig().Tenants[0].DisplayName == "changed" {
		t.Fatal("DefaultConfig shares state between calls")
	}
}

func TestParseConfigRejects(t *testing.T) {
	t.Parallel()
	const tenant = `{"id":"11111111-1111-4111-8111-111111111111","defaultDomain":"a.test"}`
	cases := []struct{ name, json, want string }{
		{"an unknown field", `{"tenantz":[]}`, "unknown field"},
		{"trailing data", `{} {}`, "trailing data"},
		{"null", ` null `, "JSON object"},
		{"a tenant id that is not a GUID", `{"tenants":[{"id":"x","defaultDomain":"a.test"}]}`, "not a GUID"},
		{"a tenant name containing token", `{"tenants":[{"id":"11111111-1111-4111-8111-111111111111","defaultDomain":"mytoken.test"}]}`, "token"},
		{"a reserved tenant name", `{"tenants":[{"id":"11111111-1111-4111-8111-111111111111","defaultDomain":"organizations"}]}`, "reserved"},
		{"a duplicate domain", `{"tenants":[` + tenant + `,{"id":"21111111-1111-4111-8111-111111111111","defaultDomain":"a.test"}]}`, "used twice"},
		{"a user in an unknown tenant", `{"tenants":[` + tenant + `],"users":[{"upn":"u@a.test","homeTenant":"b.test"}]}`, "unknown tenant"},
		{"a user without @", `{"tenants":[` + tenant + `],"users":[{"upn":"u","homeTenant":"a.test"}]}`, "upn"},
		{"a public client with a secret", `{"apps":[{"appId":"31111111-1111-4111-8111-111111111111","public":true,"secrets":["s"]}]}`, "public client"},
		{"a confidential app without a tenant", `{"apps":[{"appId":"31111111-1111-4111-8111-111111111111","secrets":["s"]}]}`, "home tenant"},
		{"a bad certificate", `{"tenants":[` + tenant + `],"apps":[{"appId":"31111111-1111-4111-8111-111111111111","tenant":"a.test","certificates":["nope"]}]}`, "certificates[0]"},
		{"a federated credential without subject", `{"tenants":[` + tenant + `],"apps":[{"appId":"31111111-1111-4111-8111-111111111111","tenant":"a.test","federatedCredentials":[{"issuer":"x"}]}]}`, "issuer and subject"},
		{"a bad subscription state", `{"tenants":[` + tenant + `],"subscriptions":[{"id":"41111111-1111-4111-8111-111111111111","tenant":"a.test","state":"On"}]}`, "state"},
		{"a duplicate subscription", `{"tenants":[` + tenant + `],"subscriptions":[{"id":"41111111-1111-4111-8111-111111111111","tenant":"a.test"},{"id":"41111111-1111-4111-8111-111111111111","tenant":"a.test"}]}`, "twice"},
		{"a huge generator", `{"generate":{"tenants":10000,"subscriptionsPerTenant":10000}}`, "limits"},
		{"a negative generator", `{"generate":{"tenants":-1}}`, "limits"},
		{"a generator whose product overflows", `{"generate":{"tenants":4,"subscriptionsPerTenant":4611686018427387904}}`, "limits"},
		{"a bad duration", `{"tokenLifetime":"soon"}`, "invalid duration"},
		{"a too short token lifetime", `{"tokenLifetime":"1s"}`, "tokenLifetime"},
		{"a bad page size", `{"pageSize":-1}`, "pageSize"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := emulator.ParseConfig([]byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestTokenLifetimeReadsSecondsAndStrings(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{`300`: 5 * time.Minute, `"2h"`: 2 * time.Hour} {
		cfg, err := emulator.ParseConfig([]byte(`{"tokenLifetime":` + in + `}`))
		if err != nil || time.Duration(cfg.TokenLifetime) != want {
			t.Fatalf("%s: got %v, %v", in, cfg, err)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"tenants":[{"id":"11111111-1111-4111-8111-111111111111","defaultDomain":"a.test"}],"users":[{"upn":"u@a.test","homeTenant":"a.test"}],"generate":{"tenants":2,"subscriptionsPerTenant":3}}`))
	f.Add([]byte(`{"tokenLifetime":99999999999999999}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := emulator.ParseConfig(data)
		if err != nil {
			return
		}
		if cfg == nil {
			t.Fatal("nil config without error")
		}
	})
}

// TestLoadConfigRefusesAFileOverTheCapAndNamesTheFile: a seed larger than
// the cap (a sparse file here; /dev/zero in the field, which read forever)
// is refused with its path before it is read whole, and a seed that does
// not parse is named by its path, where "parse emulator config: EOF" said
// not which file.
func TestLoadConfigRefusesAFileOverTheCapAndNamesTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 16<<20+1); err != nil {
		t.Fatal(err)
	}
	if _, err := emulator.LoadConfig(big); err == nil || !strings.Contains(err.Error(), big+" is larger than 16 MiB") {
		t.Errorf("LoadConfig of a file over the cap: %v; want it refused, naming the file", err)
	}
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := emulator.LoadConfig(empty); err == nil || !strings.Contains(err.Error(), empty) {
		t.Errorf("LoadConfig of an empty file: %v; want an error naming the file", err)
	}
}
