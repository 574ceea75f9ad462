package profile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf16"
)

// TestAWideProfileSaysItsEncoding: a profile.json saved as UTF-16 or
// UTF-32 (an editor's or PowerShell's Out-File's doing) is unusable, and
// every read says why as an import of such a file does (ErrUTF16,
// ErrUTF32, with the way out), where it said "invalid character 'ÿ'
// looking for beginning of value".
func TestAWideProfileSaysItsEncoding(t *testing.T) {
	t.Parallel()
	const text = `{"version": 1, "contexts": []}`
	utf16le := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(text)) {
		utf16le = append(utf16le, byte(u), byte(u>>8))
	}
	utf32be := []byte{}
	for _, r := range text {
		utf32be = append(utf32be, 0, 0, 0, byte(r))
	}
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{{"UTF-16", utf16le, ErrUTF16}, {"UTF-32", utf32be, ErrUTF32}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "azc")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, FileName), tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			reads := map[string]func() error{
				"Load":        func() error { _, err := s.Load(); return err },
				"View":        func() error { _, err := s.View(); return err },
				"Settings":    func() error { _, err := s.Settings(); return err },
				"ViewKeeping": func() error { _, err := s.ViewKeeping(""); return err },
				"ViewColumns": func() error { _, err := s.ViewColumns(); return err },
				"SetDefault":  func() error { _, err := s.SetDefault("x"); return err },
				"Update":      func() error { _, err := s.Update(func(*Profile) error { return nil }); return err },
			}
			for name, read := range reads {
				err := read()
				var ce *CorruptError
				if !errors.As(err, &ce) || !errors.Is(err, tc.want) {
					t.Errorf("%s: %v; want a *CorruptError saying %v", name, err, tc.want)
				}
			}
		})
	}
}
