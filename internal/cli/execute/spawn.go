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
	ObjectID    string              `json:"objectId,omitempty"`
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
		ObjectID: spec.ObjectID, Host: spec.Endpoint.Host, Path: spec.Endpoint.Path, Secret: spec.Endpoint.Secret.Reveal(),
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
		ObjectID: req.ObjectID, Listener: listener,
		Endpoint: endpoint.Endpoint{Host: req.Host, Path: req.Path, Secret: secret.New(req.Secret)},
	}, nil
}

// ServeEnv, set in azc-full's environment, makes it the credential server
// of an exec the azc binary runs (spawnServer) rather than a command line:
// cli.Main reads and unsets it.
const ServeEnv = "AZC_EXEC_SERVE"

// ObjectID reads the oid claim of a JWT without verifying it: the token
// came from the identity provider, and the claim only labels it.
func ObjectID(jwt string) string {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims struct {
		OID string `json:"oid"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	return claims.OID
}
