package cmdutil

import (
	"io"
	"log/slog"
	"strings"

	"github.com/azcontext/azc/secret"
)

// DiscardLogger is the logger commands get without --debug.
func DiscardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// DebugLogger logs at debug level to w with redaction: attributes whose key
// names a token, secret, password, assertion or Authorization header, and
// any string value holding what secret.Scrub takes for a secret (a JWT, a
// bearer token, client_secret=…), are replaced by [REDACTED].
// secret.String values redact themselves as well.
func DebugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		Level:       slog.LevelDebug,
		ReplaceAttr: redactAttr,
	}))
}

var sensitiveKeys = []string{"token", "secret", "password", "passwd", "assertion", "authorization", "cookie", "session"}

func redactAttr(_ []string, a slog.Attr) slog.Attr {
	k := strings.ToLower(a.Key)
	for _, s := range sensitiveKeys {
		if strings.Contains(k, s) {
			return slog.String(a.Key, "[REDACTED]")
		}
	}
	if a.Value.Kind() == slog.KindString {
		if v := a.Value.String(); secret.Scrub(v) != v {
			return slog.String(a.Key, "[REDACTED]")
		}
	}
	return a
}

// StartDebug turns on --debug's logging for the command at path ("azc
// context show") and logs the invocation.
func StartDebug(f *Factory, path string) {
	f.Logger = DebugLogger(f.IOStreams.ErrOut)
	f.Logger.Debug("azc", "version", f.Version(), "command", path, "stateDir", f.StateDir)
}
