package execute

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/azcontext/azc/credserver/endpoint"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// serveRequest is a ServeSpec as the azc binary gives it to the azc-full
// it starts to serve (spawnServer), on that process's standard input.
type serveRequest struct {
	Context     profile.Context     `json:"context"`
	Account     profile.Account     `json:"account"`
	Environment profile.Environment `json:"environment"`
	Scope       profile.Scope       `json:"scope"`
	LegacyMSI   bool                `json:"legacyMSI"`
	Identity    TokenIdentity       `json:"identity"`
	Host        string              `json:"host"`
	Path        string              `json:"path"`
	Secret      string              `json:"secret"`
}

// maxServeRequest bounds what ReadSpec reads: a request is a context, an
// account and an environment, a few kilobytes.
const maxServeRequest = 1 << 20

// writeSpec writes spec for ReadSpec.
func writeSpec(w io.Writer, spec *ServeSpec) error {
	return json.NewEncoder(w).Encode(serveRequest{
		Context: spec.Context, Account: spec.Account, Environment: spec.Environment, Scope: spec.Scope, LegacyMSI: spec.LegacyMSI,
		Identity: spec.Identity, Host: spec.Endpoint.Host, Path: spec.Endpoint.Path, Secret: spec.Endpoint.Secret.Reveal(),
	})
}

// ReadSpec reads from r the ServeSpec the azc binary wrote for the azc-full
// it started to serve on listener (its descriptor 3).
func ReadSpec(r io.Reader, listener *os.File) (*ServeSpec, error) {
	var req serveRequest
	if err := json.NewDecoder(io.LimitReader(r, maxServeRequest)).Decode(&req); err != nil {
		return nil, fmt.Errorf("reading what to serve: %w", err)
	}
	if req.Host == "" || req.Path == "" || req.Secret == "" {
		return nil, errors.New("reading what to serve: no endpoint")
	}
	return &ServeSpec{
		Context: req.Context, Account: req.Account, Environment: req.Environment, Scope: req.Scope, LegacyMSI: req.LegacyMSI,
		Identity: req.Identity, Listener: listener,
		Endpoint: endpoint.Endpoint{Host: req.Host, Path: req.Path, Secret: secret.New(req.Secret)},
	}, nil
}

// ServeEnv, set in azc-full's environment, makes it the credential server
// of an exec the azc binary runs (spawnServer) rather than a command line:
// cli.Main reads and unsets it.
const ServeEnv = "AZC_EXEC_SERVE"

// TokenIdentity is what an access token names of the identity it was
// issued to, by the ids a credential server's identity selectors may name
// it with: its object id (oid), its client id (appid: a service
// principal's or managed identity's, a user's sign-in app's for a user)
// and, for a user-assigned managed identity, its resource id (xms_mirid).
type TokenIdentity struct {
	ObjectID   string `json:"oid,omitempty"`
	ClientID   string `json:"appid,omitempty"`
	ResourceID string `json:"xms_mirid,omitempty"`
}

// ReadTokenIdentity reads the claims of a JWT without verifying them: the
// token came from the identity provider, and the claims only label it. A
// token that is no JWT names nothing.
func ReadTokenIdentity(jwt string) TokenIdentity {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return TokenIdentity{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return TokenIdentity{}
	}
	var claims TokenIdentity
	if json.Unmarshal(payload, &claims) != nil {
		return TokenIdentity{}
	}
	return claims
}
