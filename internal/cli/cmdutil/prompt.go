package cmdutil

import (
	"bufio"
	"context"
	"fmt"
	"strings"
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
	fmt.Fprintf(ios.ErrOut, "%s [y/N] ", question)
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

// PrintChange is the package's PrintChange for the output o.
func (o Output) PrintChange(f *Factory, value any, message string) error {
	if o.Plain() {
		if message != "" {
			fmt.Fprintln(f.IOStreams.ErrOut, message)
		}
		return nil
	}
	return o.Print(f, value, nil)
}
