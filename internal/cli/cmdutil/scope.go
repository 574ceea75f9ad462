package cmdutil

import (
	"strings"

	"github.com/azcontext/azc/profile"
)

// ParseScope turns a --scope value into a profile.Scope. The empty string
// gives 0, which asks the library to pick the scope (docs/sessions.md).
// Azure PowerShell's CurrentUser and Process are accepted, in any case.
func ParseScope(s string) (profile.Scope, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case "user", "currentuser":
		return profile.ScopeUser, nil
	case "process":
		return profile.ScopeProcess, nil
	}
	return 0, UsageErrorf("invalid --scope %s: want user or process", profile.QuoteShort(s))
}

// ScopeName is the name --scope takes for s.
func ScopeName(s profile.Scope) string {
	if s == profile.ScopeProcess {
		return "process"
	}
	return "user"
}
