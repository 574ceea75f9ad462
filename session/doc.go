// Package session implements azc's process scope: the state of one shell
// and everything it starts.
//
// A session is named by AZC_SESSION=<id>.<key>: id is 128 random bits in
// hex, key 256 random bits in unpadded base64url. Its state lives under
// <runtime dir>/azc/sessions/<id>/ — a profile.Profile (its own contexts,
// accounts, default context and autosave setting) and its own credential
// blobs — sealed with AES-256-GCM under the key, which exists only in the
// environment of the shell and its children. The package never reads the
// environment: callers pass the value in.
//
// A session records the process that owns it (its shell): pid, start time
// and boot id where the platform has them, so that a reused pid is not
// mistaken for the owner. GC removes the sessions whose owner is gone.
package session
