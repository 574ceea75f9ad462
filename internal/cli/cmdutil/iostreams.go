package cmdutil

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is all the terminal I/O a command may do. stdout (Out) carries
// only the requested result; progress, warnings and hints go to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool
	noColor   bool
	// dumb is TERM=dumb: a terminal that understands no escape sequence
	// (Emacs's shell, some CI consoles): no colour, no line drawn in place.
	dumb     bool
	width    func() int
	errWidth func() int
}

// System returns streams over the process's standard files, detecting
// terminals. NO_COLOR set to anything but "" (no-color.org) and TERM=dumb
// turn colour off.
func System() *IOStreams {
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
		noColor:   os.Getenv("NO_COLOR") != "",
		dumb:      os.Getenv("TERM") == "dumb",
		width:     func() int { return termWidth(os.Stdout) },
		errWidth:  func() int { return termWidth(os.Stderr) },
	}
}

// termWidth is the width of the terminal f is, in columns; 0 when unknown.
func termWidth(f *os.File) int {
	if w, _, err := term.GetSize(int(f.Fd())); err == nil {
		return w
	}
	return 0
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// Test returns streams over in-memory buffers, none of them a terminal.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// TerminalWidth is the width of the terminal stdout writes to, in
// columns; 0 when stdout is not a terminal (output then has no width
// limit).
func (s *IOStreams) TerminalWidth() int {
	if !s.stdoutTTY || s.width == nil {
		return 0
	}
	return s.width()
}

// IsStdinTTY reports whether stdin is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// CanDrawErr reports whether stderr is a terminal that understands the
// escape sequences of a line rewritten in place or of the picker (not
// TERM=dumb).
func (s *IOStreams) CanDrawErr() bool { return s.stderrTTY && !s.dumb }

// IsDumb reports TERM=dumb: a terminal that understands no escape sequence.
func (s *IOStreams) IsDumb() bool { return s.dumb }

// ErrWidth is the width of the terminal stderr writes to, in columns; 0
// when stderr is not a terminal or its width is unknown.
func (s *IOStreams) ErrWidth() int {
	if !s.stderrTTY || s.errWidth == nil {
		return 0
	}
	return s.errWidth()
}

// CanPrompt reports whether the user can be asked a question: stdin and
// stderr are both terminals.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stderrTTY }

// ColorEnabled reports whether stdout may carry colour: a terminal, not
// TERM=dumb, and no NO_COLOR.
func (s *IOStreams) ColorEnabled() bool { return s.stdoutTTY && !s.noColor && !s.dumb }

// ErrColorEnabled reports whether stderr may carry colour: a terminal, not
// TERM=dumb, and no NO_COLOR.
func (s *IOStreams) ErrColorEnabled() bool { return s.stderrTTY && !s.noColor && !s.dumb }
