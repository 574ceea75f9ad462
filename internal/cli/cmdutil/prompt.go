package cmdutil

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
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

// OutputFormat returns the -o value and whether --query was given.
func OutputFormat(cmd *cobra.Command) (format string, query bool) {
	o := OutputOf(cmd)
	return o.Format, o.Query != ""
}

// PrintChange reports the result of a state-changing command: with the
// default table output, message goes to stderr and stdout stays empty; with
// any other format (or --query), value is printed as Print does.
func PrintChange(f *Factory, cmd *cobra.Command, value any, message string) error {
	return OutputOf(cmd).PrintChange(f, value, message)
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
