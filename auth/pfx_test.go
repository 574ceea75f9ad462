package auth

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/azcontext/azc/secret"
)

// TestAPFXAskingForEndlessKeyDerivationIsRefused: a PFX whose clear-text
// parameters ask for more rounds of key derivation than any tool writes
// (here 2^31-1 in its MAC) is refused at once, where it held azc login
// at full CPU for minutes.
func TestAPFXAskingForEndlessKeyDerivationIsRefused(t *testing.T) {
	t.Parallel()
	_, bundle := selfSigned(t)
	blk, rest := pem.Decode(bundle)
	kb, _ := pem.Decode(rest)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	key, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pfx, err := pkcs12.LegacyDES.Encode(key, cert, nil, "pw")
	if err != nil {
		t.Fatal(err)
	}
	// PFX ::= SEQUENCE { version, authSafe ContentInfo, macData MacData }
	// MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER }
	var pdu struct {
		Version  int
		AuthSafe asn1.RawValue
		MacData  struct {
			Mac        asn1.RawValue
			Salt       []byte
			Iterations int `asn1:"optional,default:1"`
		}
	}
	if _, err := asn1.Unmarshal(pfx, &pdu); err != nil {
		t.Fatal(err)
	}
	pdu.MacData.Iterations = 1<<31 - 1
	evil, err := asn1.Marshal(pdu)
	if err != nil {
		t.Fatal(err)
	}
	_, err = normalizeCertificate(evil, secret.New("pw"))
	var ce *CertificateError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "rounds") {
		t.Fatalf("a PFX asking for 2^31-1 rounds: %v; want it refused", err)
	}
	// what a tool writes is taken
	if _, err := normalizeCertificate(pfx, secret.New("pw")); err != nil {
		t.Fatalf("a PFX of 2048 rounds: %v", err)
	}
}
