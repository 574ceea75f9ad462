// Package endpoint is where a credential server (package credserver)
// listens and what its child must present: the loopback address, the
// random path and the 256-bit random secret, and the variables that give
// them to the child. It links no network code (the listening socket is
// made with system calls), so that the azc binary can make an exec's
// endpoint and start the child while azc-full, which links the server,
// starts serving on it (docs/exec.md).
package endpoint

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"

	"github.com/azcontext/azc/secret"
)

// Loopback is the address every credential server listens on: the host
// of Endpoint.Host, and what a child's NO_PROXY must name so that its
// token requests do not go to an HTTP proxy.
const Loopback = "127.0.0.1"

// AccountHeader is the header of every answer a credential server gives
// a request that presented its secret: the key (profile.Account.Key) of
// the account it serves, query-escaped. An azc the child runs, asked for
// a managed identity's token, finds IDENTITY_ENDPOINT pointing at the
// server, and tells by it whether the server serves that identity or
// another account, whose tokens it must not take for the managed
// identity's.
const AccountHeader = "X-Azc-Account"

// Endpoint is a credential server's address and secret.
type Endpoint struct {
	// Host is "127.0.0.1:<port>", the only Host header the server accepts.
	Host string
	// Path is "/<random>/msi/token", the only path it serves.
	Path string
	// Secret is what a request presents in X-IDENTITY-HEADER (or
	// x-ms-identity, or secret).
	Secret secret.String
}

// New returns an endpoint on host with a random path and secret read from
// r (nil: crypto/rand).
func New(host string, r io.Reader) (Endpoint, error) {
	if r == nil {
		r = rand.Reader
	}
	var pathBytes [16]byte
	var secretBytes [32]byte
	if _, err := io.ReadFull(r, pathBytes[:]); err != nil {
		return Endpoint{}, fmt.Errorf("read randomness: %w", err)
	}
	if _, err := io.ReadFull(r, secretBytes[:]); err != nil {
		return Endpoint{}, fmt.Errorf("read randomness: %w", err)
	}
	return Endpoint{
		Host:   host,
		Path:   "/" + base64.RawURLEncoding.EncodeToString(pathBytes[:]) + "/msi/token",
		Secret: secret.New(base64.RawURLEncoding.EncodeToString(secretBytes[:])),
	}, nil
}

// URL is the URL the child sends token requests to:
// http://127.0.0.1:<port>/<random>/msi/token.
func (e Endpoint) URL() string { return "http://" + e.Host + e.Path }

// Env returns the variables, as "NAME=value", that point a child's Azure
// SDKs at the endpoint: IDENTITY_ENDPOINT, IDENTITY_HEADER, ARM_USE_MSI and
// ARM_MSI_ENDPOINT, and with legacy (the 2017-09-01 form of the protocol)
// also APPSETTING_WEBSITE_SITE_NAME, MSI_ENDPOINT and MSI_SECRET. The
// result holds the secret in clear: it is meant for the child's
// environment only.
func (e Endpoint) Env(legacy bool) []string {
	u, sec := e.URL(), e.Secret.Reveal()
	env := []string{
		"IDENTITY_ENDPOINT=" + u,
		"IDENTITY_HEADER=" + sec,
		"ARM_USE_MSI=true",
		"ARM_MSI_ENDPOINT=" + u,
	}
	if legacy {
		env = append(env,
			"APPSETTING_WEBSITE_SITE_NAME=azc",
			"MSI_ENDPOINT="+u,
			"MSI_SECRET="+sec,
		)
	}
	return env
}
