package credblob

import (
	"fmt"
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
)

// manyEntries is an MSAL token cache whose RefreshToken section holds n
// empty entries: some ten bytes each, which decoding makes hundreds of
// bytes of.
func manyEntries(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"AccessToken":{},"RefreshToken":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%07x":{}`, i)
	}
	b.WriteString(`},"IdToken":{},"Account":{},"AppMetadata":{}}`)
	return []byte(b.String())
}

// TestATokenCacheOfMoreValuesThanAzcReadsIsRefused: a token cache an
// import brings (az's msal_token_cache.json, Azure PowerShell's CacheData,
// an export's credentials) is held to the limits of every JSON file azc
// decodes (profile.CheckValues). 55 MiB of empty entries, within
// profile.MaxFileSize, took 23 s and 1 GB to import and then 57 s and
// 2.2 GB of every `azc token`.
func TestATokenCacheOfMoreValuesThanAzcReadsIsRefused(t *testing.T) {
	cache := manyEntries(500_001)
	if _, err := profile.DecodeMSALCache(cache); err == nil || !strings.Contains(err.Error(), "more than 500,000 JSON objects") {
		t.Errorf("profile.DecodeMSALCache: %v; want the objects refused", err)
	}
	blob := append(append([]byte(`{"version":1,"msalCache":`), cache...), '}')
	if _, err := Unmarshal(blob); err == nil {
		t.Errorf("Unmarshal of a blob holding the cache: no error; want it refused")
	}
}
