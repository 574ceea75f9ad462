package credstore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// Blob layout, version 1:
//
//	magic "azcb" | version 0x01 | alg
//	alg 0x00 (plaintext): SHA-256 (32) | payload
//	alg 0x01 (AES-256-GCM): key id (8) | nonce (12) | ciphertext+tag
//
// The additional data of the seal is the header (magic to nonce) followed
// by a zero byte and the blob's key name, so a blob cannot be moved to
// another key or have its header changed unnoticed. A plaintext blob
// carries the SHA-256 of the same string and its payload instead: that
// catches damage, moves and a sealed blob's alg byte flipped to plaintext
// (plaintext offers no secrecy, so it need not resist forgery).
const (
	blobMagic   = "azcb"
	blobVersion = 1

	algPlain  = 0
	algAESGCM = 1

	keyIDLen  = 8
	nonceLen  = 12
	plainHdr  = len(blobMagic) + 2
	sealedHdr = plainHdr + keyIDLen + nonceLen
	sumLen    = sha256.Size
)

// ErrCorrupt reports a blob that is malformed or fails authentication:
// it was truncated, tampered with, or written by something else.
var ErrCorrupt = errors.New("credential blob is corrupt or was tampered with")

// CorruptError is Store.Get's error for a damaged blob: it names the blob's
// key (an account key, not a secret) and file, and matches ErrCorrupt.
type CorruptError struct {
	Key  string
	Path string
	Err  error // what is wrong, matching ErrCorrupt
}

func (e *CorruptError) Error() string { return fmt.Sprintf("credential store: %s: %v", e.Path, e.Err) }

func (e *CorruptError) Unwrap() error { return e.Err }

type keyID [keyIDLen]byte

// keyIDOf names a data key without revealing it.
func keyIDOf(key []byte) keyID {
	h := sha256.New()
	h.Write([]byte("azc credstore key id\x00"))
	h.Write(key)
	var id keyID
	copy(id[:], h.Sum(nil))
	return id
}

// blob is a decoded blob file.
type blob struct {
	alg     byte
	keyID   keyID
	header  []byte // magic .. nonce, the AAD prefix
	nonce   []byte
	sum     []byte // plaintext only
	payload []byte // plaintext or ciphertext+tag
}

// decodeBlob parses a blob file without decrypting it.
func decodeBlob(b []byte) (blob, error) {
	if len(b) < plainHdr || string(b[:len(blobMagic)]) != blobMagic {
		return blob{}, fmt.Errorf("%w: bad header", ErrCorrupt)
	}
	if v := b[len(blobMagic)]; v != blobVersion {
		return blob{}, fmt.Errorf("%w: unknown format version %d", ErrCorrupt, v)
	}
	switch alg := b[plainHdr-1]; alg {
	case algPlain:
		if len(b) < plainHdr+sumLen {
			return blob{}, fmt.Errorf("%w: truncated", ErrCorrupt)
		}
		return blob{alg: alg, header: b[:plainHdr], sum: b[plainHdr : plainHdr+sumLen], payload: b[plainHdr+sumLen:]}, nil
	case algAESGCM:
		if len(b) < sealedHdr+16 {
			return blob{}, fmt.Errorf("%w: truncated", ErrCorrupt)
		}
		var id keyID
		copy(id[:], b[plainHdr:plainHdr+keyIDLen])
		return blob{
			alg:     alg,
			keyID:   id,
			header:  b[:sealedHdr],
			nonce:   b[plainHdr+keyIDLen : sealedHdr],
			payload: b[sealedHdr:],
		}, nil
	default:
		return blob{}, fmt.Errorf("%w: unknown algorithm %d", ErrCorrupt, alg)
	}
}

func aad(header []byte, name string) []byte {
	a := make([]byte, 0, len(header)+1+len(name))
	a = append(a, header...)
	a = append(a, 0)
	return append(a, name...)
}

// sealer encrypts and decrypts blobs under one data key; a nil *sealer
// writes plaintext blobs.
type sealer struct {
	id   keyID
	aead cipher.AEAD
}

func newSealer(key []byte) (*sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("data key is %d bytes, want 32", len(key))
	}
	c, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(c)
	if err != nil {
		return nil, err
	}
	return &sealer{id: keyIDOf(key), aead: g}, nil
}

// seal encodes data as the blob for name.
func (s *sealer) seal(name string, data []byte) ([]byte, error) {
	if s == nil {
		out := make([]byte, 0, plainHdr+sumLen+len(data))
		out = append(out, blobMagic...)
		out = append(out, blobVersion, algPlain)
		out = append(out, plainSum(out, name, data)...)
		return append(out, data...), nil
	}
	out := make([]byte, sealedHdr, sealedHdr+len(data)+s.aead.Overhead())
	copy(out, blobMagic)
	out[len(blobMagic)] = blobVersion
	out[plainHdr-1] = algAESGCM
	copy(out[plainHdr:], s.id[:])
	nonce := make([]byte, nonceLen)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	copy(out[plainHdr+keyIDLen:], nonce)
	return s.aead.Seal(out, nonce, data, aad(out[:sealedHdr], name)), nil
}

// plainSum is the checksum of a plaintext blob.
func plainSum(header []byte, name string, data []byte) []byte {
	h := sha256.New()
	h.Write(aad(header, name))
	h.Write(data)
	return h.Sum(nil)
}
