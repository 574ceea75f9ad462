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

// TestAChangesMessageIsEscapedLineByLine: the plain output of a change
// (PrintChange's lines, on stderr) names texts of the profile or the
// network, an account's id among them, which may hold a terminal's control
// sequences: each line is escaped whole, a line break inside it too, so
// that such a text can neither drive the terminal nor add a line of its
// own (a forged hint). The question Confirm asks is escaped too.
func TestAChangesMessageIsEscapedLineByLine(t *testing.T) {
	t.Parallel()
	ios, _, _, errOut := Test()
	f := NewFactory(ios, func(string) string { return "" }, "")
	lines := []string{"removed context \"a\" (user scope)", "removed account evil\x1b]0;owned\a@x.com\nazc: hint: run it: it has no context left", "this shell now uses \"b\u202e\""}
	if err := (Output{Format: FormatTable}).PrintChange(f, nil, lines...); err != nil {
		t.Fatal(err)
	}
	want := "removed context \"a\" (user scope)\nremoved account evil\\x1b]0;owned\\a@x.com\\nazc: hint: run it: it has no context left\nthis shell now uses \"b\\u202e\"\n"
	if got := errOut.String(); got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}

	ios, in, _, errOut2 := Test()
	ios.stdinTTY, ios.stderrTTY = true, true
	in.WriteString("n\n")
	if _, err := Confirm(context.Background(), ios, "remove \x1b[2Jit?", "--force"); err != nil {
		t.Fatal(err)
	}
	if got := errOut2.String(); got != "remove \\x1b[2Jit? [y/N] " {
		t.Errorf("question %q", got)
	}
}
