package credstore

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
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

// TestAMetaOverTheCapReadsAsNoneAndIsWrittenAfresh: a meta.json over
// profile.MaxFileSize (a sparse file, damage) is refused unread, as every
// file azc reads is, and then reads as no meta, as one of more values
// than azc reads does: it holds no secret and Open writes it afresh. It
// failed every command that opened the store ("is larger than 64 MiB"),
// with a hint about profiles and exports.
func TestAMetaOverTheCapReadsAsNoneAndIsWrittenAfresh(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key := randomKey(t)
	s := openFixed(t, dir, key)
	if err := s.Put("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "credentials", "meta.json")
	if err := os.Truncate(path, profile.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	if m, err := readMeta(path); err != nil || m.Backend != "" || m.Keys != nil {
		t.Fatalf("readMeta of a meta.json over the cap = %+v, %v; want it read as no meta", m, err)
	}
	s = openFixed(t, dir, key)
	if got, err := s.Get("k"); err != nil || string(got) != "v" {
		t.Fatalf("Get after Open over a meta.json over the cap = %q, %v", got, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() > 4096 {
		t.Fatalf("meta.json after Open: %v, %v; want it written afresh", fi.Size(), err)
	}
}
