package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/credserver"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// TestAManagedIdentityIsNotServedAnotherAccountsTokens: under `azc exec`,
// IDENTITY_ENDPOINT is azc's credential server for the exec's context. A
// managed identity's token asked for there (`azc token -c MI`, `azc login
// --identity` in the child) got the exec's account's token, a user's, as
// the managed identity's. The server names the account it serves; a
// managed identity takes its tokens only when that is the identity itself
// (the exec's own context), and is told why otherwise.
func TestAManagedIdentityIsNotServedAnotherAccountsTokens(t *testing.T) {
	t.Parallel()
	e, err := profile.New().Environment("AzureCloud")
	if err != nil {
		t.Fatal(err)
	}
	mi := profile.Account{ID: "systemAssignedIdentity", Type: profile.ManagedIdentity, Environment: e.Name, HomeTenantID: "aaaaaaaa-0000-0000-0000-000000000001"}
	user := profile.Account{ID: "alice@contoso.com", Type: profile.UserAccount, Environment: e.Name, HomeTenantID: mi.HomeTenantID}
	serve := func(t *testing.T, served profile.Account) map[string]string {
		srv, err := credserver.Start(credserver.Options{
			Source: credserver.TokenSourceFunc(func(context.Context, string) (credserver.Token, error) {
				return credserver.Token{AccessToken: secret.New("token-of-" + served.ID), ExpiresOn: time.Now().Add(time.Hour)}, nil
			}),
			Account: served.Key(),
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		return map[string]string{"IDENTITY_ENDPOINT": srv.Endpoint(), "IDENTITY_HEADER": srv.Secret().Reveal()}
	}
	t.Run("an exec of another account", func(t *testing.T) {
		t.Parallel()
		env := serve(t, user)
		m := New(Config{Getenv: func(k string) string { return env[k] }})
		tok, err := m.Token(context.Background(), nil, e, mi, TokenRequest{})
		if !errors.Is(err, ErrExecServer) {
			t.Fatalf("Token of the managed identity from an exec of %s: err %v, token of %d bytes; want ErrExecServer", user.ID, err, len(tok.AccessToken.Reveal()))
		}
		if _, err := m.Login(context.Background(), LoginOptions{Environment: e, Method: ManagedIdentity, SkipPopulation: true}); !errors.Is(err, ErrExecServer) {
			t.Fatalf("Login --identity in an exec of %s: %v; want ErrExecServer", user.ID, err)
		}
		if !strings.Contains(ErrExecServer.Error(), "outside that azc exec") {
			t.Errorf("ErrExecServer = %q; want the way out", ErrExecServer)
		}
	})
	t.Run("an exec of the managed identity itself", func(t *testing.T) {
		t.Parallel()
		env := serve(t, mi)
		m := New(Config{Getenv: func(k string) string { return env[k] }})
		tok, err := m.Token(context.Background(), nil, e, mi, TokenRequest{})
		if err != nil || tok.AccessToken.Reveal() != "token-of-"+mi.ID {
			t.Fatalf("Token of the managed identity from its own exec: err %v; want its token", err)
		}
	})
}
