package cmdutil

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

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
