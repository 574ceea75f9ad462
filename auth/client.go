package auth

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"golang.org/x/net/http/httpproxy"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// Every request azc makes to Entra ID or ARM gives up when a step takes
// longer than these; ARM calls are then retried (Config.Retry), requests to
// the identity provider too (retryingClient).
const (
	// ConnectTimeout bounds the TCP connection.
	ConnectTimeout = 10 * time.Second
	// TLSTimeout bounds the TLS handshake.
	TLSTimeout = 10 * time.Second
	// ResponseTimeout bounds the wait for a response's headers once the
	// request is sent, and each try of an ARM request.
	ResponseTimeout = 30 * time.Second
)

// setTimeouts puts the connect, TLS and response timeouts on t.
func setTimeouts(t *http.Transport) {
	t.DialContext = (&net.Dialer{Timeout: ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = TLSTimeout
	t.ResponseHeaderTimeout = ResponseTimeout
}

// noForcedRegion is MSAL's value that switches off MSAL_FORCE_REGION, which
// would otherwise send confidential clients to a regional host.
const noForcedRegion = "DisableMsalForceRegion"

// proxyFunc picks the proxy for each request from HTTPS_PROXY, HTTP_PROXY
// and NO_PROXY (upper case first, as curl and Go do) in getenv, which is
// azc's environment rather than the process's: loopback never goes through a
// proxy.
func proxyFunc(getenv func(string) string) func(*http.Request) (*url.URL, error) {
	get := func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return getenv(strings.ToLower(name))
	}
	proxy := (&httpproxy.Config{
		HTTPProxy:  get("HTTP_PROXY"),
		HTTPSProxy: get("HTTPS_PROXY"),
		NoProxy:    get("NO_PROXY"),
	}).ProxyFunc()
	return func(r *http.Request) (*url.URL, error) { return proxy(r.URL) }
}

// publicClient is the MSAL client users sign in with.
func (m *Manager) publicClient(env profile.Environment, tenant string, acc cache.ExportReplace) (public.Client, error) {
	hc, err := m.httpClient(env)
	if err != nil {
		return public.Client{}, err
	}
	c, err := public.New(AzurePowerShellClientID,
		public.WithAuthority(authority(env, tenant)),
		public.WithCache(acc),
		public.WithHTTPClient(m.retryingHTTPClient(hc)),
		public.WithInstanceDiscovery(instanceDiscovery(env)),
	)
	if err != nil {
		return public.Client{}, fmt.Errorf("set up sign-in to %s: %w", env.Name, err)
	}
	return c, nil
}

// confidentialClient is the MSAL client a service principal signs in with.
func (m *Manager) confidentialClient(env profile.Environment, acct profile.Account, creds *credentials, acc cache.ExportReplace) (confidential.Client, error) {
	hc, err := m.httpClient(env)
	if err != nil {
		return confidential.Client{}, err
	}
	var cred confidential.Credential
	switch acct.Credential {
	case profile.CredentialSecret:
		cred, err = confidential.NewCredFromSecret(creds.clientSecret.Reveal())
	case profile.CredentialCertificate:
		var certs []*x509.Certificate
		var key any
		certs, key, err = confidential.CertFromPEM([]byte(creds.certificate.Reveal()), "")
		if err == nil {
			cred, err = confidential.NewCredFromCert(certs, key)
		}
	case profile.CredentialFederated:
		file := acct.FederatedTokenFile
		if file == "" {
			// an import leaves the file out (profile.Import)
			return confidential.Client{}, fmt.Errorf("service principal %s has no federated token file: %w", acct.ID, ErrNotSignedIn)
		}
		cred = confidential.NewCredFromAssertionCallback(func(context.Context, confidential.AssertionRequestOptions) (string, error) {
			// Re-read on every request: the platform rotates the file.
			b, err := m.cfg.ReadFile(file)
			if err != nil {
				return "", fmt.Errorf("read the federated token file: %w", err)
			}
			tok := strings.TrimSpace(string(b))
			if tok == "" {
				return "", fmt.Errorf("the federated token file %s is empty", file)
			}
			return tok, nil
		})
	case "":
		// An import from a file that holds none (az's azureProfile.json).
		return confidential.Client{}, fmt.Errorf("service principal %s has no stored secret or certificate: %w", acct.ID, ErrNotSignedIn)
	default:
		return confidential.Client{}, fmt.Errorf("service principal %s has unknown credential kind %q", acct.ID, acct.Credential)
	}
	if err != nil {
		return confidential.Client{}, fmt.Errorf("load the service principal's credential: %w", err)
	}
	c, err := confidential.New(authority(env, acct.HomeTenantID), acct.ID, cred,
		confidential.WithCache(acc),
		confidential.WithHTTPClient(m.retryingHTTPClient(hc)),
		confidential.WithInstanceDiscovery(instanceDiscovery(env)),
		confidential.WithAzureRegion(noForcedRegion),
	)
	if err != nil {
		return confidential.Client{}, fmt.Errorf("set up sign-in to %s: %w", env.Name, err)
	}
	return c, nil
}

// CertificateError is a certificate file that cannot be used, its
// problem said in words; the caller, which read the file, names it.
type CertificateError struct {
	Problem string
	Err     error // the decoder's error, if any
}

func (e *CertificateError) Error() string { return e.Problem }

func (e *CertificateError) Unwrap() error { return e.Err }

// normalizeCertificate turns a PEM or PFX file into PEM holding the
// certificate chain and the unencrypted RSA key, which is what the
// (encrypted) blob keeps, so the password is needed only at sign-in.
// A file it cannot use is a *CertificateError.
func normalizeCertificate(data []byte, password secret.String) (secret.String, error) {
	var certs []*x509.Certificate
	var key any
	var err error
	if isPEM(data) {
		if problem := pemProblem(data); problem != "" {
			return secret.String{}, &CertificateError{Problem: problem}
		}
		certs, key, err = confidential.CertFromPEM(data, password.Reveal())
		if err != nil {
			// The decoder errors name neither the password nor key material.
			return secret.String{}, &CertificateError{Problem: fmt.Sprintf("its PEM cannot be used: %v", err), Err: err}
		}
	} else {
		certs, key, err = decodePFX(data, password)
		switch {
		case (errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption)) && password.Reveal() == "":
			return secret.String{}, &CertificateError{Problem: "the PFX file needs a password, and none was given", Err: err}
		case errors.Is(err, pkcs12.ErrIncorrectPassword), errors.Is(err, pkcs12.ErrDecryption):
			return secret.String{}, &CertificateError{Problem: "the PFX file's password is wrong", Err: err}
		case errors.Is(err, errNotRSA), errors.Is(err, errPFXRounds):
			return secret.String{}, &CertificateError{Problem: err.Error(), Err: err}
		case err != nil:
			// The ASN.1 decoder's error is a dump of Go struct fields.
			return secret.String{}, &CertificateError{Problem: "it is neither PEM (no -----BEGIN line) nor a PFX (PKCS#12) file", Err: err}
		}
	}
	if len(certs) == 0 {
		return secret.String{}, &CertificateError{Problem: "it holds no certificate"}
	}
	if key == nil {
		return secret.String{}, &CertificateError{Problem: "it holds no private key"}
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return secret.String{}, fmt.Errorf("encode the certificate's key: %w", err)
	}
	var b strings.Builder
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	_ = pem.Encode(&b, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
	return secret.New(b.String()), nil
}

var errNotRSA = errors.New("the PFX key is not an RSA key")

// maxPFXRounds bounds the rounds of key derivation a PFX may ask for.
// Tools write 2,000 (Windows) to 600,000 (OWASP's advice for PBKDF2); each
// million costs about 0.1 s and a PFX asks for them about three times. A
// count up to 2^31-1 would hold a sign-in for many minutes.
const maxPFXRounds = 10_000_000

// errPFXRounds is a PFX that asks for more than maxPFXRounds rounds.
var errPFXRounds = errors.New("the PFX file asks for more than 10,000,000 rounds of key derivation, more than any tool writes")

// checkPFXRounds refuses (errPFXRounds) a PFX whose parameters in clear
// ask for more than maxPFXRounds rounds: the iteration count that follows
// a salt (OCTET STRING, then INTEGER) in a SEQUENCE, as MacData, PKCS#12's
// pbeParams and PBKDF2-params lay them out, in der and in the DER that its
// OCTET STRINGs wrap (ContentInfo data). What is not DER is left to the
// decoder, which says what is wrong; parameters inside encrypted content
// cannot be seen before it is decrypted.
func checkPFXRounds(der []byte, depth int) error {
	if depth > 32 {
		return nil
	}
	var prevSalt bool
	for len(der) > 0 {
		var v asn1.RawValue
		rest, err := asn1.Unmarshal(der, &v)
		if err != nil {
			return nil
		}
		der = rest
		universal := v.Class == asn1.ClassUniversal
		if universal && v.Tag == asn1.TagInteger && prevSalt {
			n := new(big.Int).SetBytes(v.Bytes)
			if len(v.Bytes) > 0 && v.Bytes[0]&0x80 == 0 && n.Cmp(big.NewInt(maxPFXRounds)) > 0 {
				return errPFXRounds
			}
		}
		prevSalt = universal && v.Tag == asn1.TagOctetString
		if v.IsCompound || prevSalt {
			if err := checkPFXRounds(v.Bytes, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func isPEM(data []byte) bool {
	return strings.Contains(string(data), "-----BEGIN ")
}

// pemProblem says what a PEM file lacks, by its blocks' labels, that
// confidential.CertFromPEM would report in its own words ("no private key
// found"), or "" when it has a certificate and a key it reads.
func pemProblem(data []byte) string {
	var cert, key, encrypted bool
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		switch b.Type {
		case "CERTIFICATE":
			cert = true
		case "PRIVATE KEY", "RSA PRIVATE KEY":
			key = true
		case "ENCRYPTED PRIVATE KEY":
			encrypted = true
		}
	}
	switch {
	case !cert:
		return "it holds no certificate (a CERTIFICATE block)"
	case !key && encrypted:
		return "its private key is encrypted (ENCRYPTED PRIVATE KEY), which azc does not read: give the key unencrypted (`openssl pkcs8 -in KEY -out PLAIN`), kept safe by the file's permissions, or the certificate and key as a password-protected PFX"
	case !key:
		return "it holds no private key (a PRIVATE KEY or RSA PRIVATE KEY block; the key must be RSA)"
	}
	return ""
}

// decodePFX reads a PKCS#12 file: its certificates (leaf first) and its
// key. Both the legacy encryption (3DES/RC2, SHA-1 MAC) and the one
// OpenSSL 3, Windows and Key Vault write today (PBES2: AES-256-CBC,
// PBKDF2, SHA-256 MAC) are read.
func decodePFX(data []byte, password secret.String) ([]*x509.Certificate, any, error) {
	if err := checkPFXRounds(data, 0); err != nil {
		return nil, nil, err
	}
	key, leaf, chain, err := pkcs12.DecodeChain(data, password.Reveal())
	if err != nil {
		return nil, nil, err
	}
	if _, ok := key.(*rsa.PrivateKey); !ok {
		return nil, nil, errNotRSA
	}
	return append([]*x509.Certificate{leaf}, chain...), key, nil
}
