package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/profile"
)

// The helper process: `go test` re-runs this binary with helperEnv set to
// make it get one token and exit, as `azc token` would.
const helperEnv = "AZC_AUTH_TEST_HELPER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(helperEnv); spec != "" {
		os.Exit(tokenHelper(spec))
	}
	os.Exit(m.Run())
}

type helperSpec struct {
	Dir     string              `json:"dir"`
	Key     []byte              `json:"key"`
	Env     profile.Environment `json:"env"`
	Account profile.Account     `json:"account"`
	// Timeout is the helper's Config.TokenTimeout (0: the default).
	Timeout time.Duration `json:"timeout"`
}

func tokenHelper(spec string) int {
	var h helperSpec
	if err := json.Unmarshal([]byte(spec), &h); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	store, err := credstore.Open(h.Dir, credstore.Options{Backend: credstore.FixedKey("test", h.Key)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	m := New(Config{NotFound: isCredstoreNotFound, TokenTimeout: h.Timeout})
	if _, err := m.Token(context.Background(), store, h.Env, h.Account, TokenRequest{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func openTestStore(t *testing.T) (*credstore.Store, string, []byte) {
	t.Helper()
	dir := t.TempDir()
	key := bytes.Repeat([]byte{7}, 32)
	store, err := credstore.Open(dir, credstore.Options{Backend: credstore.FixedKey("test", key)})
	if err != nil {
		t.Fatal(err)
	}
	return store, dir, key
}

func TestSixteenProcessesRefreshOnce(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := deviceLogin(t, s, m, emulator.DefaultUser)
	store, dir, key := openTestStore(t)
	if err := res.Save(context.Background(), store, nil); err != nil {
		t.Fatal(err)
	}
	expireAccessTokens(t, store, res.Account.Key())

	env := emulatorEnv(s)
	env.CAFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := s.WriteCAFile(env.CAFile); err != nil {
		t.Fatal(err)
	}
	spec, _ := json.Marshal(helperSpec{Dir: dir, Key: key, Env: env, Account: res.Account})
	s.ResetCounts()
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+string(spec))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("helper: %v: %s", err, out)
			}
		}()
	}
	wg.Wait()
	if n := s.Count(emulator.RouteToken, "refresh_token"); n != 1 {
		t.Fatalf("refresh grants = %d, want exactly 1", n)
	}
}

func TestTokenCacheOnDiskIsEncrypted(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := deviceLogin(t, s, m, emulator.DefaultUser)
	store, dir, _ := openTestStore(t)
	if err := res.Save(context.Background(), store, nil); err != nil {
		t.Fatal(err)
	}
	tok, err := m.Token(context.Background(), store, emulatorEnv(s), res.Account, TokenRequest{TenantID: emulator.DefaultGuestTenantID})
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{tok.AccessToken.Reveal()}
	data, _ := store.Get(res.Account.Key())
	var b blobJSON
	_ = json.Unmarshal(data, &b)
	var c struct {
		RefreshToken map[string]struct {
			Secret string `json:"secret"`
		}
	}
	_ = json.Unmarshal(b.MSALCache, &c)
	for _, rt := range c.RefreshToken {
		secrets = append(secrets, rt.Secret)
	}
	if len(secrets) < 2 {
		t.Fatal("no refresh token in the cache")
	}
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, sec := range secrets {
			if strings.Contains(string(raw), sec) || strings.Contains(string(raw), emulator.DefaultUser) {
				t.Errorf("%s holds a token or the user name in plaintext", filepath.Base(path))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func isCredstoreNotFound(err error) bool { return errors.Is(err, credstore.ErrNotFound) }
