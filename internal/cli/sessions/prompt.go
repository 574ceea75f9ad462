package sessions

import (
	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
	"github.com/azcontext/azc/internal/cli/contexts"
)

// newCmdPrompt is the prompt helper: it prints the current context's name
// and nothing else, and prints nothing (successfully) when there is none
// or anything fails, so a prompt never shows an error. It reads the
// profile and the session without locking.
func newCmdPrompt(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "prompt",
		Short: "Print the current context's name for a shell prompt",
		Long: `Print the current context's name (from -c, $AZC_CONTEXT, the session's
default, then the profile's) for a shell prompt. It prints nothing when no
context is selected and never fails. ` + "`azc init`" + ` puts it in your prompt.`,
		Args: cobrautil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			contexts.PromptRun(f, cobrautil.ContextRef(f, cmd))
			return nil
		},
	}
}
