package session

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/azcontext/azc/secret"
)

// EnvVar is the environment variable that carries a session.
const EnvVar = "AZC_SESSION"

const (
	idBytes  = 16
	keyBytes = 32
)

var (
	// ErrMalformed reports an AZC_SESSION value that is not <id>.<key>.
	ErrMalformed = errors.New("malformed " + EnvVar + " value")
	// ErrNotFound reports a session whose state is gone: it ended, was
	// garbage-collected, or the runtime directory was cleared (a reboot).
	ErrNotFound = errors.New("session not found")
	// ErrExpired reports a session whose owning shell has exited.
	ErrExpired = errors.New("session expired: the shell that started it has exited")
	// ErrWrongKey reports a key that does not open the session's state.
	ErrWrongKey = errors.New("the session key does not open this session")
	// ErrDamaged reports a session whose own state (its profile, its
	// selection, its owner record or its directory) is damaged or refused:
	// the way out is a new session.
	ErrDamaged = errors.New("the session's state is damaged")
)

// ParseEnv splits an AZC_SESSION value into the session id and its key.
// Errors match ErrMalformed and never contain the value.
func ParseEnv(v secret.String) (id string, key []byte, err error) {
	s := v.Reveal()
	id, k, ok := strings.Cut(s, ".")
	if !ok {
		return "", nil, fmt.Errorf("%w: want <id>.<key>", ErrMalformed)
	}
	if !validID(id) {
		return "", nil, fmt.Errorf("%w: the id is not %d hex digits", ErrMalformed, 2*idBytes)
	}
	// The length check also refuses CR and LF, which the decoder skips.
	if len(k) != base64.RawURLEncoding.EncodedLen(keyBytes) {
		return "", nil, fmt.Errorf("%w: the key is not %d bytes of unpadded base64url", ErrMalformed, keyBytes)
	}
	key, err = base64.RawURLEncoding.Strict().DecodeString(k)
	if err != nil || len(key) != keyBytes {
		return "", nil, fmt.Errorf("%w: the key is not %d bytes of unpadded base64url", ErrMalformed, keyBytes)
	}
	return id, key, nil
}

func validID(id string) bool {
	if len(id) != 2*idBytes {
		return false
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func newIDAndKey() (id string, key []byte, err error) {
	b := make([]byte, idBytes+keyBytes)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	return hex.EncodeToString(b[:idBytes]), b[idBytes:], nil
}

func formatEnv(id string, key []byte) secret.String {
	return secret.New(id + "." + base64.RawURLEncoding.EncodeToString(key))
}
