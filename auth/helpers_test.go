package auth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/profile"
)

// memBlobs is an in-memory Blobs with per-key locks, for one process.
type memBlobs struct {
	mu    sync.Mutex
	data  map[string][]byte
	locks map[string]chan struct{}
}

func newMemBlobs() *memBlobs {
	return &memBlobs{data: map[string][]byte{}, locks: map[string]chan struct{}{}}
}

func (b *memBlobs) Get(key string) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.data[key]
	if !ok {
		return nil, ErrBlobNotFound
	}
	return append([]byte(nil), d...), nil
}

func (b *memBlobs) Put(key string, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.data[key] = append([]byte(nil), data...)
	return nil
}

func (b *memBlobs) Delete(key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.data, key)
	return nil
}

func (b *memBlobs) Update(key string, fn func(old []byte) ([]byte, error)) error {
	unlock, err := b.Lock(context.Background(), key)
	if err != nil {
		return err
	}
	defer unlock()
	old, _ := b.Get(key)
	nw, err := fn(old)
	if err != nil {
		return err
	}
	return b.Put(key, nw)
}

func (b *memBlobs) Lock(ctx context.Context, key string) (func(), error) {
	b.mu.Lock()
	ch, ok := b.locks[key]
	if !ok {
		ch = make(chan struct{}, 1)
		b.locks[key] = ch
	}
	b.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (b *memBlobs) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.data)
}

// startEmulator starts an emulator seeded with cfg (nil: the default world).
func startEmulator(t testing.TB, cfg *emulator.Config) *emulator.Server {
	t.Helper()
	s, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func emulatorEnv(s *emulator.Server) profile.Environment {
	return profile.Environment{Name: "Emulator", AuthorityHost: s.AuthorityHost(), ARMEndpoint: s.ARMEndpoint(), ARMAudience: s.ARMAudience()}
}

func newTestManager(s *emulator.Server, getenv func(string) string) *Manager {
	return New(Config{
		HTTPClient: s.Client(),
		Getenv:     getenv,
		Retry:      policy.RetryOptions{RetryDelay: 1e6, MaxRetryDelay: 5e6},
	})
}

// newIdentityManager is newTestManager with s's managed identity endpoint
// in its environment (IDENTITY_ENDPOINT, IDENTITY_HEADER).
func newIdentityManager(s *emulator.Server) *Manager {
	endpoint, header := s.ManagedIdentityEndpoint()
	env := map[string]string{"IDENTITY_ENDPOINT": endpoint, "IDENTITY_HEADER": header}
	return newTestManager(s, func(k string) string { return env[k] })
}

// signInIdentityAndRawToken signs in the managed identity (m from
// newIdentityManager) and then, as raw@contoso.test, a raw access token:
// the identity's token for ARM, which it returns; the raw token's
// credentials are saved in the blobs it returns.
func signInIdentityAndRawToken(t *testing.T, m *Manager, env profile.Environment) (mi, raw *LoginResult, tok Token, blobs *memBlobs) {
	t.Helper()
	ctx := context.Background()
	mi, err := m.Login(ctx, LoginOptions{Environment: env, Method: ManagedIdentity, ClientID: emulator.DefaultManagedIdentityClientID})
	if err != nil {
		t.Fatal(err)
	}
	blobs = newMemBlobs()
	if tok, err = m.Token(ctx, blobs, env, mi.Account, TokenRequest{}); err != nil {
		t.Fatal(err)
	}
	if raw, err = m.Login(ctx, LoginOptions{Environment: env, Method: RawAccessToken, AccessToken: tok.AccessToken, AccountID: "raw@contoso.test"}); err != nil {
		t.Fatal(err)
	}
	if err := raw.Save(ctx, blobs, nil); err != nil {
		t.Fatal(err)
	}
	return mi, raw, tok, blobs
}

var (
	formAction = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)
	formInput  = regexp.MustCompile(`<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"`)
)

// browser plays the user's browser: it GETs the authorize URL from the
// emulator and submits the auto-posting form to MSAL's loopback listener.
func browser(s *emulator.Server) func(string) error {
	return func(u string) error {
		resp, err := s.Client().Get(u)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(body)
		m := formAction.FindStringSubmatch(page)
		if m == nil {
			return fmt.Errorf("authorize page has no form (status %d)", resp.StatusCode)
		}
		form := url.Values{}
		for _, in := range formInput.FindAllStringSubmatch(page, -1) {
			form.Set(unescapeHTML(in[1]), unescapeHTML(in[2]))
		}
		go func() {
			r, err := http.PostForm(unescapeHTML(m[1]), form)
			if err == nil {
				_, _ = io.Copy(io.Discard, r.Body)
				r.Body.Close()
			}
		}()
		return nil
	}
}

func unescapeHTML(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}
