//go:build !unix

package execute

import (
	"log/slog"
	"time"
)

// lockPrivateDir does nothing here: Windows keeps a temporary directory
// per user, and its files cannot be removed while they are open.
func lockPrivateDir(string) (release func(), err error) { return func() {}, nil }

// sweepPrivateDirs does nothing here (see lockPrivateDir).
func sweepPrivateDirs(string, string, string, time.Time, *slog.Logger) {}
