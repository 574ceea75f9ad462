package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
)

// TestAManagedIdentityAnswerIsReadUpToACap: the managed identity
// endpoint's answer is read up to 1 MiB, as azc caps what it reads: an
// endpoint that sent a body without end grew azc login --identity past
// 3 GB in 20 s. An answer over the cap (a 2 MiB "token" here) is refused.
func TestAManagedIdentityAnswerIsReadUpToACap(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"` + strings.Repeat("a", 2<<20) + `","expires_in":3600}`))
	}))
	defer srv.Close()
	env := map[string]string{"IDENTITY_ENDPOINT": srv.URL + "/msi/token", "IDENTITY_HEADER": "h"}
	m := New(Config{Getenv: func(k string) string { return env[k] }})
	e, err := profile.New().Environment("AzureCloud")
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Login(context.Background(), LoginOptions{Environment: e, Method: ManagedIdentity, SkipPopulation: true})
	if err == nil || !strings.Contains(err.Error(), "managed identity endpoint") {
		t.Fatalf("Login with a 2 MiB answer: %v; want it refused", err)
	}
}
