package credstore

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestAMetaOfMoreValuesThanAzcReadsIsNotDecoded: credentials/meta.json is
// held to the limits every JSON file azc reads is held to
// (profile.CheckValues): a hand-made meta.json of 4,000,001 keys, within
// the 64 MiB a file may have, was decoded whole by every command that
// opened the store (some 26 s at 64 MB). It reads as no meta, as an
// unreadable one does, without being decoded.
func TestAMetaOfMoreValuesThanAzcReadsIsNotDecoded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"version":1,"backend":"plaintext","keys":{`)
	for i := range 4_000_001 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%x":""`, i)
	}
	b.WriteString("}}")
	path := filepath.Join(t.TempDir(), "meta.json")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m, err := readMeta(path)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if m.Backend != "" || m.Keys != nil {
		t.Errorf("readMeta of %d keys = backend %q, %d keys; want it read as no meta", 4_000_001, m.Backend, len(m.Keys))
	}
	if got, most := after.TotalAlloc-before.TotalAlloc, uint64(2*b.Len()); got > most {
		t.Errorf("readMeta of %d bytes allocated %d bytes, over %d: it decoded them", b.Len(), got, most)
	}
}
