package cmdutil

import (
	"context"
	"strings"
	"testing"
)

// TestConfirmEndsTheQuestionsLine: whatever ends the answer — Enter, or
// Ctrl-D (end of input) with nothing typed — the question's line is ended,
// so that the error a refusal leads to starts a line of its own.
func TestConfirmEndsTheQuestionsLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typed string
		want  bool
	}{{"y\n", true}, {"n\n", false}, {"", false}, {"y", true}} {
		ios, in, _, errOut := Test()
		ios.stdinTTY, ios.stderrTTY = true, true
		in.WriteString(tc.typed)
		ok, err := Confirm(context.Background(), ios, "remove it?", "--force")
		if err != nil || ok != tc.want {
			t.Errorf("typed %q: Confirm = %v, %v; want %v", tc.typed, ok, err, tc.want)
		}
		if !strings.HasSuffix(tc.typed, "\n") && !strings.HasSuffix(errOut.String(), "\n") {
			t.Errorf("typed %q: stderr %q leaves the line open", tc.typed, errOut)
		}
	}
}
