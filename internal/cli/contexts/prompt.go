package contexts

import (
	"fmt"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/termsafe"
)

// PromptOptions are the inputs of `azc prompt`.
type PromptOptions struct {
	// Ref names the context (-c, $AZC_CONTEXT, the default when empty).
	Ref string
}

// PromptRun prints the name of the context opts.Ref names, or nothing:
// `azc prompt` once its arguments are parsed. It never fails.
func PromptRun(f *cmdutil.Factory, opts *PromptOptions) {
	st, err := f.State()
	if err != nil {
		return
	}
	c, err := st.Resolve(opts.Ref)
	if err != nil {
		return
	}
	fmt.Fprintln(f.IOStreams.Out, termsafe.Escape(c.Name))
}
