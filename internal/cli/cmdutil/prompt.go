package cmdutil

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/azcontext/azc/internal/termsafe"
	"github.com/azcontext/azc/profile"
)

// Confirm asks question on the terminal and reports whether the user said
// yes. Without a terminal it fails with ExitInteraction and a hint naming
// forceFlag, the flag that skips the question. When ctx ends first (Ctrl-C)
// it returns at once with an error ending the command with
// ExitInterrupted; the answer is read by a goroutine that then stays
// blocked on the terminal until the process exits.
func Confirm(ctx context.Context, ios *IOStreams, question, forceFlag string) (bool, error) {
	if !ios.CanPrompt() {
		return false, &ExitError{
			Code:  ExitInteraction,
			Err:   fmt.Errorf("%s: confirmation needed and there is no terminal to ask on", strings.TrimSuffix(question, "?")),
			Hints: []string{"pass " + forceFlag + " to go ahead without asking"},
		}
	}
	fmt.Fprintf(ios.ErrOut, "%s [y/N] ", termsafe.Escape(question))
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(ios.In).ReadString('\n')
		answer <- line
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(ios.ErrOut)
		return false, &SilentExit{Code: ExitInterrupted}
	case line := <-answer:
		if !strings.HasSuffix(line, "\n") {
			// ended by end of input (Ctrl-D), which the terminal does not
			// echo as a line break
			fmt.Fprintln(ios.ErrOut)
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true, nil
		}
		return false, nil
	}
}

// AskSecret asks for what ("client secret") on the terminal and reads one
// line of it without echoing it, as a password is read, so that it
// reaches neither the screen nor its scrollback. The terminal is in raw
// mode while it reads: Backspace and Ctrl-U edit the line, Enter ends it,
// Ctrl-D on an empty line gives an empty secret, and Ctrl-C, or ctx ending
// (kill -INT), ends the command with ExitInterrupted, the terminal's mode
// restored first. It is for standard input that CanPrompt says is a
// terminal.
func AskSecret(ctx context.Context, ios *IOStreams, what string) ([]byte, error) {
	in, ok := ios.In.(*os.File)
	if !ok || !ios.CanPrompt() {
		return nil, errors.New("no terminal to ask for the " + what + " on")
	}
	fd := int(in.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return nil, fmt.Errorf("ask for the %s: %w", what, err)
	}
	fmt.Fprintf(ios.ErrOut, "%s: ", what)
	type result struct {
		line        []byte
		interrupted bool
		err         error
	}
	done := make(chan result, 1)
	go func() {
		var line []byte
		b := make([]byte, 1)
		for {
			if _, err := in.Read(b); err != nil {
				done <- result{line: line, err: err}
				return
			}
			switch c := b[0]; c {
			case '\r', '\n':
				done <- result{line: line}
				return
			case 0x03: // Ctrl-C
				clear(line)
				done <- result{interrupted: true}
				return
			case 0x04: // Ctrl-D: the end, on an empty line
				if len(line) == 0 {
					done <- result{}
					return
				}
			case 0x7f, 0x08: // Backspace: the last character, whole
				if len(line) > 0 {
					_, n := utf8.DecodeLastRune(line)
					clear(line[len(line)-n:])
					line = line[:len(line)-n]
				}
			case 0x15: // Ctrl-U
				clear(line)
				line = line[:0]
			default:
				line = append(line, c)
			}
		}
	}()
	select {
	case <-ctx.Done():
		_ = term.Restore(fd, old)
		fmt.Fprintln(ios.ErrOut)
		return nil, &SilentExit{Code: ExitInterrupted}
	case r := <-done:
		_ = term.Restore(fd, old)
		fmt.Fprintln(ios.ErrOut)
		if r.interrupted {
			return nil, &SilentExit{Code: ExitInterrupted}
		}
		return r.line, r.err
	}
}

// PrintChange is the package's PrintChange for the output o: the output of
// a command that has changed state; lines, the plain output's message, are
// written one to a line, each escaped whole (termsafe.Escape): a line break
// inside a text of the profile or the network a line names is spelled out,
// and adds no line. A --query that fails on it (an unknown
// function, an argument of the wrong type) fails the command with
// ExitFailure, saying that the change was made, not with ExitUsage, which
// would say that nothing happened.
func (o Output) PrintChange(f *Factory, value any, lines ...string) error {
	if o.Plain() {
		for _, line := range lines {
			fmt.Fprintln(f.IOStreams.ErrOut, termsafe.Escape(line))
		}
		return nil
	}
	return AfterChange(o.Print(f, value, nil))
}

// AfterChange is err, the error of printing the output of a command that
// has changed state (PrintChange; a list that refreshed the profile
// first), with a --query that failed on the output worded as what it is:
// a failure after the change was made (ExitFailure), not a usage error.
func AfterChange(err error) error {
	var qf *queryFailure
	if errors.As(err, &qf) {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("the change was made; --query %s failed: %s", profile.QuoteShort(qf.query), qf.reason),
			Hints: []string{"the change stands, only its output is missing: fix the --query"}}
	}
	return err
}
