// Package execserve is the credential server of `azc exec`, which links
// MSAL and net/http: azc-full runs it in its own process for an exec it
// runs (execute.ExecOptions.Serve), and as a process of its own, beside
// the child, for an exec the azc binary runs (Main).
package execserve

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"sync"

	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/credserver"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/accounts"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/execute"
	"github.com/azcontext/azc/internal/cli/tokens"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// Serve starts the credential server of spec in this process, on spec's
// listener and endpoint when it has them: execute.ExecOptions.Serve in
// azc-full, and the server Main runs for the azc binary.
func Serve(ctx context.Context, f *cmdutil.Factory, spec *execute.ServeSpec) (execute.Server, error) {
	st, err := f.State()
	if err != nil {
		return nil, err
	}
	bf := f
	if spec.Listener != nil {
		// azc opened this store before it started the server and has said
		// what opening it says (the unencrypted store's warning,
		// tokens.Cached): said again here, it would come twice, and in the
		// middle of what the child writes.
		bf = cmdutil.WithStderr(f, io.Discard)
	}
	blobs, err := cmdutil.Blobs(bf, st, spec.Scope)
	if err != nil {
		return nil, err
	}
	c, env, acct := &spec.Context, spec.Environment, &spec.Account
	m := auth.New(auth.Config{Logger: f.Logger, Getenv: f.Getenv, Now: f.Now, NotFound: func(err error) bool { return errors.Is(err, credstore.ErrNotFound) }})
	cred := m.Credential(blobs, env, *acct, c.Tenant.ID)
	// The account's ARM token, whose oid names the identity served: in
	// azc-full's own exec this fails it before the child starts when no
	// token can be had at all, so the user sees why once, not from inside
	// the child. The cached one, when there is one, is the token MSAL would
	// serve (credblob.CachedToken); MSAL is then set up only when the child
	// asks for a token. The azc binary read that token before it started
	// the child and this server, and gives its ids (spec.Identity): the
	// child, already running, may have signed the account out since, which
	// the child's requests are then told (refuseSignedOut), not a server
	// that ended.
	ids := spec.Identity
	if spec.Listener == nil {
		var access secret.String
		if tok, err := tokens.CachedIn(f, tokens.Request{Environment: env, Account: *acct, Blobs: blobs, Scope: spec.Scope, TenantID: c.Tenant.ID}); err == nil {
			access = tok.AccessToken
		} else {
			tok, err := credserver.CredentialSource(cred, c.Tenant.ID).Token(ctx, env.ARMAudience)
			if err != nil {
				return nil, accounts.TokenError(err, acct, c.Tenant.ID, spec.Scope)
			}
			access = tok.AccessToken
		}
		ids = execute.ReadTokenIdentity(access.Reveal())
	}
	opts := credserver.Options{
		Source:        warnOnError(refuseSignedOut(credserver.CredentialSource(cred, c.Tenant.ID)), f.IOStreams),
		AllowResource: credserver.AllowHosts(allowedHosts(env)...),
		LegacyMSI:     spec.LegacyMSI,
		Account:       acct.Key(),
		Identity:      identity(acct, ids),
		Logger:        f.Logger.With(slog.String("context", c.Name)),
		Now:           f.Now,
	}
	if spec.Listener != nil {
		ln, err := net.FileListener(spec.Listener)
		_ = spec.Listener.Close() // ln has its own descriptor
		if err != nil {
			return nil, fmt.Errorf("exec: serving on azc's socket: %w", err)
		}
		opts.Listener, opts.Endpoint = ln, spec.Endpoint
	}
	return credserver.Start(opts)
}

// refuseSignedOut makes the errors of src that no retry mends, the
// account signed out (in another shell, while the child runs: azc logout,
// or its last context removed) or its sign-in needing the user again, a
// credserver.RefusedError: the child gets 400 and what to do, which its
// SDK shows at once, rather than a 500 it retries. The description names
// no account and holds nothing of the error's text.
func refuseSignedOut(src credserver.TokenSource) credserver.TokenSource {
	return credserver.TokenSourceFunc(func(ctx context.Context, resource string) (credserver.Token, error) {
		tok, err := src.Token(ctx, resource)
		switch {
		case err == nil:
		case errors.Is(err, auth.ErrNotSignedIn):
			err = &credserver.RefusedError{Code: "interaction_required", Err: err,
				Description: "azc: this context's account is not signed in any more (it was signed out, or its last context removed, while this program ran): sign in again with `azc login`, then run the program again under azc exec"}
		case errors.Is(err, auth.ErrInteractionRequired):
			err = &credserver.RefusedError{Code: "interaction_required", Err: err,
				Description: "azc: this context's sign-in needs you again (it expired or was revoked): sign in again with `azc login`, then run the program again under azc exec"}
		}
		return tok, err
	})
}

// warnOnError tells the user on stderr why a token the child asked for
// could not be had; the child itself learns only "token_unavailable", or
// what to do when no retry would get it one (refuseSignedOut).
func warnOnError(src credserver.TokenSource, ios *cmdutil.IOStreams) credserver.TokenSource {
	var mu sync.Mutex
	return credserver.TokenSourceFunc(func(ctx context.Context, resource string) (credserver.Token, error) {
		tok, err := src.Token(ctx, resource)
		if err != nil && ctx.Err() == nil {
			mu.Lock()
			cmdutil.Warn(ios, "exec: "+err.Error())
			mu.Unlock()
		}
		return tok, err
	})
}

// identity is what the served identity answers to: a service principal's
// or managed identity's client id, a managed identity's resource id, and
// the object id its tokens carry (oid, ids being what its ARM token names).
// A managed identity answers to every id of it, also those it was not
// signed in by (or all of them, for a system-assigned one), which its
// token names (appid, xms_mirid), as App Service serves an identity by any
// of them. A user is no managed identity and answers to no selector.
func identity(a *profile.Account, ids execute.TokenIdentity) credserver.Identity {
	switch a.Type {
	case profile.ServicePrincipal:
		return credserver.Identity{ClientID: a.ID, ObjectID: ids.ObjectID}
	case profile.ManagedIdentity:
		return credserver.Identity{ClientID: cmp.Or(a.ClientID, ids.ClientID), ObjectID: ids.ObjectID, ResourceID: cmp.Or(a.ResourceID, ids.ResourceID)}
	}
	return credserver.Identity{}
}

// allowedHosts are the resource hosts (and their subdomains) a context of
// env may get tokens for: its own ARM endpoint and audience, for a
// built-in cloud the DNS zones of that cloud's services, and for a custom
// one (an emulator, Azure Stack) both spellings of the public ARM audience,
// which its SDK clients ask for by default.
func allowedHosts(env profile.Environment) []string {
	var hosts []string
	for _, u := range []string{env.ARMEndpoint, env.ARMAudience} {
		if pu, err := url.Parse(u); err == nil && pu.Host != "" {
			hosts = append(hosts, pu.Host)
		}
	}
	if !env.BuiltIn {
		return append(hosts, "management.azure.com", "management.core.windows.net")
	}
	switch env.Name { // a built-in environment has its own spelling
	case "AzureCloud":
		hosts = append(hosts, "azure.com", "azure.net", "windows.net", "graph.microsoft.com",
			"loganalytics.io", "azurecr.io", "azuredatabricks.net", "azuresynapse.net", "azure-api.net", "powerbi.com")
	case "AzureChinaCloud":
		hosts = append(hosts, "chinacloudapi.cn", "azure.cn", "azurecr.cn", "azuresynapse.azure.cn")
	case "AzureUSGovernment":
		hosts = append(hosts, "usgovcloudapi.net", "azure.us", "microsoft.us", "azurecr.us", "loganalytics.us")
	}
	return hosts
}
