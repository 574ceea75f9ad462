// Package credstore keeps azc's secrets — MSAL token caches, client secrets,
// certificate keys and raw access tokens — as one encrypted blob per key.
//
// Each blob is sealed with AES-256-GCM under a 32-byte data key held by the
// operating system: the Secret Service (Linux desktops), the Linux kernel
// keyring (headless Linux), the macOS Keychain, or DPAPI (Windows). Only the
// data key lives there, so the OS stores' size limits never matter. Without
// an OS key store the blobs are written in plaintext at 0600 after one
// warning, or Open fails with ErrEncryptionRequired when the caller demands
// encryption.
//
// The Secret Service and the Keychain are reached through a client of
// their own, package credstore/desktopkey (go-keyring, and on Linux a
// D-Bus client), which the caller passes as Options.Desktop. Where the
// platform's key stores begin with the desktop's (macOS; Linux where
// Options.Env gives a DBUS_SESSION_BUS_ADDRESS), Open without it fails
// with a *DesktopNotLinkedError: a program that opens the user's store
// there passes desktopkey.Backend().
//
// Readers never lock: every write replaces the blob by write-temp → fsync →
// rename → fsync dir. Read-modify-write (Update) and callers that must
// serialise a longer operation, such as a token refresh (Lock), hold an
// exclusive lock on a never-deleted sidecar file per blob.
//
// A data key that disappeared (the kernel keyring does not survive a
// reboot) makes the blobs it sealed read as *KeyLostError, which matches
// both ErrKeyLost and ErrNotFound: the account reads as signed out.
package credstore
