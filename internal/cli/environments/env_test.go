package environments

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/profile"
)

func TestAddOptionsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    AddOptions
		wantErr bool
		wantAud string
	}{
		{"the audience defaults to the ARM endpoint, with a final slash", AddOptions{Name: "E", AuthorityHost: "https://a", ARMEndpoint: "https://m/x"}, false, "https://m/x/"},
		{"an explicit audience is kept", AddOptions{Name: "E", AuthorityHost: "https://a/", ARMEndpoint: "https://m/", ARMAudience: "api://x"}, false, "api://x"},
		{"a missing authority host is an error", AddOptions{Name: "E", ARMEndpoint: "https://m/"}, true, ""},
		{"a relative URL is an error", AddOptions{Name: "E", AuthorityHost: "login", ARMEndpoint: "https://m/"}, true, ""},
		{"a blank name is an error", AddOptions{Name: " ", AuthorityHost: "https://a/", ARMEndpoint: "https://m/"}, true, ""},
		{"a missing CA file is an error", AddOptions{Name: "E", AuthorityHost: "https://a/", ARMEndpoint: "https://m/", CAFile: "/nonexistent/ca.pem"}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := tt.opts.Validate()
			if (err != nil) != tt.wantErr {
				t.Fatalf("Validate() error = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && e.ARMAudience != tt.wantAud {
				t.Fatalf("audience = %q, want %q", e.ARMAudience, tt.wantAud)
			}
		})
	}
}

// TestACAFileWithAByteOrderMarkIsTaken: a CA file that a Windows editor
// saved with a UTF-8 byte order mark, which OpenSSL, curl and Python read,
// is taken: it was "holds no PEM certificate".
func TestACAFileWithAByteOrderMarkIsTaken(t *testing.T) {
	t.Parallel()
	s, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, append([]byte("\xef\xbb\xbf"), s.CACertPEM()...), 0o600); err != nil {
		t.Fatal(err)
	}
	o := AddOptions{Name: "E", AuthorityHost: "https://a/", ARMEndpoint: "https://m/", CAFile: ca}
	if _, err := o.Validate(); err != nil {
		t.Fatalf("Validate of a CA file with a byte order mark: %v", err)
	}
}

// TestTheShapeShowsEveryFieldOfTheModel fills every field of a
// profile.Environment by reflection (a field added to the model is filled
// without a change here) and requires each value in the environment's
// JSON shape (`environment show -o json`, `environment list`), which is
// written out field by field.
func TestTheShapeShowsEveryFieldOfTheModel(t *testing.T) {
	t.Parallel()
	var e profile.Environment
	v := reflect.ValueOf(&e).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString(fmt.Sprintf("value%d", i))
		case reflect.Bool:
			f.SetBool(true)
		default:
			t.Fatalf("profile.Environment.%s is a %s: fill it here", v.Type().Field(i).Name, f.Kind())
		}
	}
	out, err := json.Marshal(fromProfile(e))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	shown := slices.Collect(maps.Values(got))
	for i := range v.NumField() {
		if want := v.Field(i).Interface(); !slices.Contains(shown, want) {
			t.Errorf("profile.Environment.%s (%v) is not in the JSON shape %s", v.Type().Field(i).Name, want, out)
		}
	}
}
