package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"

	"github.com/azcontext/azc/secret"
)

// FuzzNormalizeCertificate holds normalizeCertificate, which reads the
// file `azc login --certificate` names (PEM or PFX), to its contract for
// any bytes and password: no panic; a file it cannot use is a
// *CertificateError (which the CLI names by its file); one it takes is
// PEM of a certificate and a key that MSAL reads back. The PFX seeds are
// in testdata (an RSA key made here would cost each fuzzing worker
// seconds of instrumented prime search).
func FuzzNormalizeCertificate(f *testing.F) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		f.Fatal(err)
	}
	k8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k8})...), "")
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"), "")
	f.Add([]byte{0x30, 0x80}, "")
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		out, err := normalizeCertificate(data, secret.New(password))
		if err != nil {
			var ce *CertificateError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T) is no *CertificateError", err, err)
			}
			return
		}
		certs, k, err := confidential.CertFromPEM([]byte(out.Reveal()), "")
		if err != nil || len(certs) == 0 || k == nil {
			t.Fatalf("the PEM it made does not read back: %v", err)
		}
	})
}
