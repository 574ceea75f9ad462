package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

const (
	certAppID = "66666666-6666-4666-8666-666666666666"
	fedAppID  = "77777777-7777-4777-8777-777777777777"
	fedSub    = "system:serviceaccount:ci:runner"
)

// selfSigned makes an RSA certificate and returns (certificate PEM, certificate + PKCS#8 key PEM).
func selfSigned(t *testing.T) (string, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "azc-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	k8, _ := x509.MarshalPKCS8PrivateKey(key)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k8})
	return string(certPEM), append(append([]byte(nil), certPEM...), keyPEM...)
}

func TestCertificateAndFederatedServicePrincipals(t *testing.T) {
	t.Parallel()
	certPEM, bundle := selfSigned(t)
	cfg := emulator.DefaultConfig()
	cfg.Apps = append(cfg.Apps,
		emulator.App{AppID: certAppID, Tenant: emulator.DefaultHomeTenantID, Certificates: []string{certPEM}},
		emulator.App{AppID: fedAppID, Tenant: emulator.DefaultHomeTenantID, FederatedCredentials: []emulator.FederatedCredential{{Issuer: emulator.FederationIssuer, Subject: fedSub}}},
	)
	s := startEmulator(t, cfg)
	m := newTestManager(s, nil)
	env := emulatorEnv(s)
	blobs := newMemBlobs()

	t.Run("a PEM certificate signs in and refreshes from the blob", func(t *testing.T) {
		res, err := m.Login(context.Background(), LoginOptions{Environment: env, Method: Certificate, TenantID: emulator.DefaultHomeTenantID, ClientID: certAppID, Certificate: bundle, SkipPopulation: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := res.Save(context.Background(), blobs, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Token(context.Background(), blobs, env, res.Account, TokenRequest{Scopes: []string{"https://storage.azure.com/.default"}}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a PFX signs in, with today's encryption and the legacy one", func(t *testing.T) {
		block, rest := pem.Decode(bundle)
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		kb, _ := pem.Decode(rest)
		key, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		for name, enc := range map[string]*pkcs12.Encoder{"AES-256 (OpenSSL 3)": pkcs12.Modern2023, "3DES (legacy)": pkcs12.LegacyDES} {
			pfx, err := enc.Encode(key, cert, nil, "pfx-password")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := normalizeCertificate(pfx, secret.New("guess-7f3a")); err == nil || strings.Contains(err.Error(), "guess-7f3a") || !strings.Contains(err.Error(), "password is wrong") {
				t.Fatalf("%s: a wrong password gave %v", name, err)
			}
			// none given: not "wrong", which sent users to check one
			if _, err := normalizeCertificate(pfx, secret.String{}); err == nil || !strings.Contains(err.Error(), "needs a password, and none was given") {
				t.Fatalf("%s: no password gave %v", name, err)
			}
			res, err := m.Login(context.Background(), LoginOptions{Environment: env, Method: Certificate, TenantID: emulator.DefaultHomeTenantID,
				ClientID: certAppID, Certificate: pfx, CertificatePassword: secret.New("pfx-password"), SkipPopulation: true})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			pfxBlobs := newMemBlobs()
			if err := res.Save(context.Background(), pfxBlobs, nil); err != nil {
				t.Fatal(err)
			}
			// The blob keeps the certificate and key, not the password: a
			// token for another resource needs no PFX.
			if _, err := m.Token(context.Background(), pfxBlobs, env, res.Account, TokenRequest{Scopes: []string{"https://storage.azure.com/.default"}}); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
	})

	t.Run("a federated token file is re-read on every request", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "token")
		write := func() {
			tok, err := s.FederatedToken(fedSub, emulator.DefaultFederatedAudience)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(tok), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		write()
		res, err := m.Login(context.Background(), LoginOptions{Environment: env, Method: FederatedToken, TenantID: emulator.DefaultHomeTenantID, ClientID: fedAppID, FederatedTokenFile: file, SkipPopulation: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := res.Save(context.Background(), blobs, nil); err != nil {
			t.Fatal(err)
		}
		// A garbage file makes the next request fail: proof it was re-read.
		if err := os.WriteFile(file, []byte("not-a-token"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Token(context.Background(), blobs, env, res.Account, TokenRequest{Scopes: []string{"https://vault.azure.net/.default"}}); err == nil {
			t.Fatal("a bad federated token was accepted: the file was not re-read")
		}
		// An empty file is named as such, not sent (the server's answer
		// named neither the file nor the problem).
		if err := os.WriteFile(file, []byte(" \n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Token(context.Background(), blobs, env, res.Account, TokenRequest{Scopes: []string{"https://vault.azure.net/.default"}}); err == nil || !strings.Contains(err.Error(), file+" is empty") {
			t.Fatalf("Token with an empty federated token file: %v, want it named as empty", err)
		}
		write()
		if _, err := m.Token(context.Background(), blobs, env, res.Account, TokenRequest{Scopes: []string{"https://vault.azure.net/.default"}}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestExpiredDeviceCodeFails(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	s.OnDeviceCode(func(code string) { _ = s.ExpireDeviceCode(code) })
	_, err := newTestManager(s, nil).Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode})
	var ae *AADError
	if !errors.As(err, &ae) || ae.Code != "expired_token" {
		t.Fatalf("err = %v", err)
	}
}

func TestPKCEMismatchIsRefused(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	s.SetInteractiveUser(emulator.DefaultUser)
	drive := browser(s)
	tamper := func(u string) error {
		pu, err := url.Parse(u)
		if err != nil {
			return err
		}
		q := pu.Query()
		q.Set("code_challenge", strings.Repeat("A", 43))
		pu.RawQuery = q.Encode()
		return drive(pu.String())
	}
	_, err := newTestManager(s, nil).Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: Interactive, SkipPopulation: true, UI: UI{OpenURL: tamper}})
	var ae *AADError
	if !errors.As(err, &ae) || ae.Code != "invalid_grant" {
		t.Fatalf("err = %v", err)
	}
}

func TestBadCertificateFilesAreRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	_, bundle := selfSigned(t)
	certOnly, keyOnly, _ := strings.Cut(string(bundle), "-----END CERTIFICATE-----\n")
	certOnly += "-----END CERTIFICATE-----\n"
	// an encrypted PKCS#8 key: its label is what tells (the body is not
	// read)
	encrypted := certOnly + strings.ReplaceAll(keyOnly, "PRIVATE KEY", "ENCRYPTED PRIVATE KEY")
	// what each says is wrong; none asks whether the password is right: a
	// PEM file has none azc uses
	tests := []struct {
		name, data, want string
	}{
		{"garbage", "not a certificate", "neither PEM"},
		{"a certificate without its key", certOnly, "it holds no private key"},
		{"a key without its certificate", keyOnly, "it holds no certificate"},
		{"an encrypted PKCS#8 key", encrypted, "its private key is encrypted"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := normalizeCertificate([]byte(tc.data), secret.String{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "password") && tc.want != "its private key is encrypted" {
				t.Fatalf("normalizeCertificate = %v, want an error saying %q", err, tc.want)
			}
		})
	}
	if _, err := normalizeCertificate(bundle, secret.String{}); err != nil {
		t.Fatalf("a good bundle: %v", err)
	}
}

func TestProcessScopeBlobsStaySeparate(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	user, session := newMemBlobs(), newMemBlobs()
	res := spLogin(t, s, m, LoginOptions{SkipPopulation: true})
	// A process-scope (or autosave-off) sign-in saves to the session's store only.
	if err := res.Save(context.Background(), session, nil); err != nil {
		t.Fatal(err)
	}
	p := &profile.Profile{}
	if _, err := res.Apply(p, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if user.len() != 0 {
		t.Fatal("a session sign-in reached the user store")
	}
	if _, err := m.Token(context.Background(), user, emulatorEnv(s), res.Account, TokenRequest{}); !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("user store token: %v", err)
	}
	if _, err := m.Token(context.Background(), session, emulatorEnv(s), res.Account, TokenRequest{}); err != nil {
		t.Fatal(err)
	}
}

func TestCustomEnvironmentTrustsOnlyItsCA(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	dir := t.TempDir()
	good, wrong := filepath.Join(dir, "good.pem"), filepath.Join(dir, "wrong.pem")
	if err := s.WriteCAFile(good); err != nil {
		t.Fatal(err)
	}
	otherCA, _ := selfSigned(t)
	if err := os.WriteFile(wrong, []byte(otherCA), 0o600); err != nil {
		t.Fatal(err)
	}
	login := func(ca string) error {
		env := emulatorEnv(s)
		env.CAFile = ca
		_, err := New(Config{}).Login(context.Background(), LoginOptions{
			Environment: env, Method: ClientSecret, TenantID: emulator.DefaultHomeTenantID, SkipPopulation: true,
			ClientID: emulator.DefaultServicePrincipalID, ClientSecret: secret.New(emulator.DefaultServicePrincipalSecret),
		})
		return err
	}
	if err := login(good); err != nil {
		t.Fatalf("with the emulator's CA: %v", err)
	}
	if err := login(wrong); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("with another CA: %v", err)
	}
}

// TestACAFileWithAByteOrderMarkIsTrusted: a CA file that a Windows editor
// saved with a UTF-8 byte order mark, which OpenSSL, curl and Python
// read, is read so too: it was "holds no PEM certificate".
func TestACAFileWithAByteOrderMarkIsTrusted(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, append([]byte("\xef\xbb\xbf"), s.CACertPEM()...), 0o600); err != nil {
		t.Fatal(err)
	}
	env := emulatorEnv(s)
	env.CAFile = ca
	_, err := New(Config{}).Login(context.Background(), LoginOptions{
		Environment: env, Method: ClientSecret, TenantID: emulator.DefaultHomeTenantID, SkipPopulation: true,
		ClientID: emulator.DefaultServicePrincipalID, ClientSecret: secret.New(emulator.DefaultServicePrincipalSecret),
	})
	if err != nil {
		t.Fatalf("with the emulator's CA after a byte order mark: %v", err)
	}
}
