package cmdutil

import (
	"bufio"
	"fmt"
	"strings"
)

// Confirm asks question on the terminal and reports whether the user said
// yes. Without a terminal it fails with ExitInteraction and a hint naming
// forceFlag, the flag that skips the question.
func Confirm(ios *IOStreams, question, forceFlag string) (bool, error) {
	if !ios.CanPrompt() {
		return false, &ExitError{
			Code:  ExitInteraction,
			Err:   fmt.Errorf("%s: confirmation needed and there is no terminal to ask on", strings.TrimSuffix(question, "?")),
			Hints: []string{"pass " + forceFlag + " to go ahead without asking"},
		}
	}
	fmt.Fprintf(ios.ErrOut, "%s [y/N] ", question)
	line, _ := bufio.NewReader(ios.In).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
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
