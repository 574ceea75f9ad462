package cmdutil

import (
	"fmt"
	"testing"

	"github.com/azcontext/azc/auth"
)

// TestAnErrorsOwnHintIsShown: an error that says what to do (Hint) gives
// azc's one hint, however deep it is wrapped, unless the command gave its
// own.
func TestAnErrorsOwnHintIsShown(t *testing.T) {
	t.Parallel()
	refused := fmt.Errorf("exec: get a token for ARM: %w", &auth.AADError{Op: "refresh", Code: "temporarily_unavailable", Status: 503})
	if _, hints := Classify(refused); len(hints) != 1 || hints[0] != refused.(interface{ Unwrap() error }).Unwrap().(*auth.AADError).Hint() {
		t.Errorf("hints %q, want the refusal's own", hints)
	}
	own := WithHint(refused, ExitFailure, "the command's own")
	if _, hints := Classify(own); len(hints) != 1 || hints[0] != "the command's own" {
		t.Errorf("hints %q, want the command's own only", hints)
	}
}
