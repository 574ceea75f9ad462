package credserver_test

import (
	"context"
	"errors"
	"testing"

	"github.com/azcontext/azc/credserver"
)

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// TestStartErrorsNameNoPackage: what azc exec prints when the server
// cannot start says what failed in words, with no package name in front,
// and keeps its cause.
func TestStartErrorsNameNoPackage(t *testing.T) {
	t.Parallel()
	src := credserver.TokenSourceFunc(func(context.Context, string) (credserver.Token, error) { return credserver.Token{}, nil })
	cause := errors.New("entropy exhausted")
	for _, tc := range []struct {
		name string
		opts credserver.Options
		want string
	}{
		{"no token source", credserver.Options{}, "the credential server has no token source"},
		{"no randomness", credserver.Options{Source: src, Rand: failingReader{cause}}, "start the credential server: read randomness: entropy exhausted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := credserver.Start(tc.opts)
			if err == nil {
				_ = s.Close()
				t.Fatal("Start succeeded")
			}
			if err.Error() != tc.want {
				t.Errorf("error %q, want %q", err, tc.want)
			}
		})
	}
}
