package tokens

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/secret"
)

// TestTheTSVRowIsTheJSONShapeWithoutExpiresOn holds azRow to
// credblob.AzToken: the same fields in the same order, less expires_on.
func TestTheTSVRowIsTheJSONShapeWithoutExpiresOn(t *testing.T) {
	t.Parallel()
	tok := credblob.Token{AccessToken: secret.New("a"), ExpiresOn: time.Unix(1e9, 0), TenantID: "t"}
	az := tok.AzCompatible("s", time.UTC)
	full, row := keys(t, az), keys(t, tsvRow(az))
	want := slices.DeleteFunc(full, func(k string) bool { return k == "expires_on" })
	if !slices.Equal(row, want) {
		t.Errorf("tsv row fields %v, want %v", row, want)
	}
}

// keys returns the field names of v's JSON object, in order.
func keys(t *testing.T, v any) []string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
