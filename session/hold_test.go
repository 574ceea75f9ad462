package session_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// selectAccount makes the session's selection a context of the account
// key as azc's State does: the hold first, then the selection, then the
// hold's settle.
func selectAccount(s *session.Session, state, key string) error {
	settle, err := s.Hold(state, key)
	if err != nil {
		return err
	}
	if err := s.UpdateSelections(func(sel *session.Selections) error {
		sel.Current = &session.Selection{Context: profile.Context{Name: "c", Account: key}}
		return nil
	}); err != nil {
		return err
	}
	return settle()
}

// TestHoldsCountWhileTheirShellLives: a live shell's hold keeps its
// account held; selecting another account releases the first; a shell
// that exits releases its own at the next sweep; nothing in the records
// but account keys and owners.
func TestHoldsCountWhileTheirShellLives(t *testing.T) {
	t.Parallel()
	rt, state := t.TempDir(), t.TempDir()
	const alice, bob = "emu|t|alice@contoso.test", "emu|t|bob@fabrikam.test"
	held := func(key string) bool {
		t.Helper()
		h, err := session.Held(state, key)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	release := func() []string {
		t.Helper()
		keys, err := session.ReleaseHolds(state)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(keys)
		return keys
	}
	if held(alice) || len(release()) != 0 {
		t.Fatal("no shell holds anything yet")
	}
	pid, end := shell(t)
	k, _, err := session.New(rt, pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := selectAccount(k, state, alice); err != nil {
		t.Fatal(err)
	}
	if !held(strings.ToUpper(alice)) {
		t.Fatal("a live shell's hold does not count (keys compare case-insensitively)")
	}
	if keys := release(); len(keys) != 0 || !held(alice) {
		t.Fatalf("a sweep released %q of a live shell", keys)
	}
	if keys, err := session.HeldAccounts(state); err != nil || !slices.Equal(keys, []string{alice}) {
		t.Fatalf("held accounts = %q, %v; want alice", keys, err)
	}
	// a switch to bob's context holds both until it settles
	settle, err := k.Hold(state, bob)
	if err != nil {
		t.Fatal(err)
	}
	if !held(alice) || !held(bob) {
		t.Fatal("a switch to bob's context not yet stored let alice go, or did not hold bob")
	}
	if keys := release(); len(keys) != 0 {
		t.Fatalf("a sweep during the switch released %q", keys)
	}
	if err := k.UpdateSelections(func(sel *session.Selections) error {
		sel.Current = &session.Selection{Context: profile.Context{Name: "b", Account: bob}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := settle(); err != nil {
		t.Fatal(err)
	}
	if held(alice) || !held(bob) {
		t.Fatal("selecting bob's context did not move the hold")
	}
	if keys := release(); !slices.Equal(keys, []string{alice}) {
		t.Fatalf("after the switch the sweep released %q, want alice", keys)
	}
	end()
	if held(bob) {
		t.Fatal("the hold of a shell that exited still counts")
	}
	if keys := release(); !slices.Equal(keys, []string{bob}) {
		t.Fatalf("after the shell exited the sweep released %q, want bob", keys)
	}
	entries, err := os.ReadDir(filepath.Join(state, "holds"))
	if err != nil || len(entries) != 0 {
		t.Fatalf("records left after the sweep: %v, %v", entries, err)
	}
	if fi, err := os.Stat(filepath.Join(state, "holds")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("holds dir: %v, %v", fi, err)
	}
}

// TestReleaseMarksTheAccountForTheSweep: a session that ends releases its
// hold at once (azc shell does, before its owner exits).
func TestReleaseMarksTheAccountForTheSweep(t *testing.T) {
	t.Parallel()
	rt, state := t.TempDir(), t.TempDir()
	s, _ := newSession(t, rt)
	const key = "emu|t|alice@contoso.test"
	if err := selectAccount(s, state, key); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(state); err != nil {
		t.Fatal(err)
	}
	if h, err := session.Held(state, key); err != nil || h {
		t.Fatalf("held after release: %v, %v", h, err)
	}
	if keys, err := session.ReleaseHolds(state); err != nil || !slices.Equal(keys, []string{key}) {
		t.Fatalf("sweep = %q, %v", keys, err)
	}
}

// TestReleaseMarksFollowTheNameRule: released marks are named by the
// profile.NameKey of their account key, the rule that tells accounts
// apart: two accounts ToLower equates but the rule does not (İ and i)
// keep a mark each, so the sweep reports both, while two spellings of one
// account (ſ and s) are one mark.
func TestReleaseMarksFollowTheNameRule(t *testing.T) {
	t.Parallel()
	rt, state := t.TempDir(), t.TempDir()
	release := func(keys ...string) []string {
		t.Helper()
		for _, k := range keys {
			s, _ := newSession(t, rt)
			if err := selectAccount(s, state, k); err != nil {
				t.Fatal(err)
			}
			if err := s.Release(state); err != nil {
				t.Fatal(err)
			}
		}
		got, err := session.ReleaseHolds(state)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		return got
	}
	const dotted, plain = "emu|t|\u0130v@x", "emu|t|iv@x"
	if got, want := release(dotted, plain), []string{plain, dotted}; !slices.Equal(got, want) {
		t.Errorf("sweep = %+q, want %+q: İ and i are two accounts", got, want)
	}
	if got := release("emu|t|sam@x", "emu|t|\u017fam@x"); len(got) != 1 {
		t.Errorf("sweep = %+q, want one of the two spellings of sam@x", got)
	}
}

// TestAHoldWriteRemovesStaleTemporaryFiles: a hold record's write stopped
// before its rename (a switch killed) leaves its temporary file in holds/;
// the next write of a hold record removes those over profile.StaleTempAge
// old, as the credential store's writes remove theirs, and leaves a young
// one (a write running now). They stayed for good, each a doctor warning.
func TestAHoldWriteRemovesStaleTemporaryFiles(t *testing.T) {
	t.Parallel()
	rt, state := t.TempDir(), t.TempDir()
	first, env := newSession(t, rt)
	if err := selectAccount(first, state, "emu|t|alice@contoso.test"); err != nil {
		t.Fatal(err)
	}
	holds := session.HoldsDir(state)
	stale, young := filepath.Join(holds, ".x.hold.tmp1a"), filepath.Join(holds, ".x.hold.tmp2b")
	for _, p := range []string{stale, young} {
		if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * profile.StaleTempAge)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	// the next command in the shell
	s, err := session.Open(rt, env)
	if err != nil {
		t.Fatal(err)
	}
	if err := selectAccount(s, state, "emu|t|bob@fabrikam.test"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the stale temporary file is still there (%v)", err)
	}
	if _, err := os.Lstat(young); err != nil {
		t.Errorf("the young temporary file went: %v", err)
	}
}

// TestAHoldRecordOfMoreValuesThanAzcReadsIsNotDecoded: a hold record is
// held to the limits every JSON file azc reads is held to
// (profile.Unmarshal): one of 4,000,001 pending switches, within the 64
// MiB a file may have, was decoded whole by every reader of the holds. It
// reads as an unreadable record does (no owner, so not alive), without
// being decoded.
func TestAHoldRecordOfMoreValuesThanAzcReadsIsNotDecoded(t *testing.T) {
	state := t.TempDir()
	holds := session.HoldsDir(state)
	if err := os.Mkdir(holds, 0o700); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(`{"owner":{"pid":1},"account":"a","pending":{`)
	for i := range 4_000_001 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%x":""`, i)
	}
	b.WriteString("}}")
	if err := os.WriteFile(filepath.Join(holds, "x.hold"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n, err := session.CheckHolds(state)
	runtime.ReadMemStats(&after)
	if err != nil || n != 1 {
		t.Fatalf("CheckHolds = %d, %v; want the one record", n, err)
	}
	if got, most := after.TotalAlloc-before.TotalAlloc, uint64(2*b.Len()); got > most {
		t.Errorf("reading a hold record of %d bytes allocated %d bytes, over %d: it decoded it", b.Len(), got, most)
	}
}

// TestAHoldRecordOverTheCapReadsAsAnUnreadableOne: a hold record over
// profile.MaxFileSize (a sparse file, damage) is refused unread, as every
// file azc reads is, and then reads as an unreadable record does (no
// owner, so not alive), which the next sweep removes. It failed every
// reader of the holds ("is larger than 64 MiB": context remove, logout,
// a shell's switch), with a hint about profiles and exports, and no sweep
// ever removed it.
func TestAHoldRecordOverTheCapReadsAsAnUnreadableOne(t *testing.T) {
	state := t.TempDir()
	holds := session.HoldsDir(state)
	if err := os.Mkdir(holds, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(holds, "x.hold")
	if err := os.WriteFile(path, []byte(`{"owner":{"pid":1},"account":"a"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, profile.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	if n, err := session.CheckHolds(state); err != nil || n != 1 {
		t.Fatalf("CheckHolds = %d, %v; want the one record", n, err)
	}
	if keys, err := session.HeldAccounts(state); err != nil || len(keys) != 0 {
		t.Fatalf("HeldAccounts = %q, %v; want none held", keys, err)
	}
	if _, err := session.ReleaseHolds(state); err != nil {
		t.Fatalf("ReleaseHolds: %v", err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the record over the cap after the sweep: %v, want it removed", err)
	}
}
