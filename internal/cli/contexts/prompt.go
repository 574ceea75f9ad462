package contexts

import (
	"fmt"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/termtext"
)

// PromptRun prints the name of the context ref names (the default chain
// when ref is empty), or nothing: `azc prompt` once its arguments are
// parsed. It never fails.
func PromptRun(f *cmdutil.Factory, ref string) {
	st, err := f.State()
	if err != nil {
		return
	}
	c, err := st.Resolve(ref)
	if err != nil {
		return
	}
	fmt.Fprintln(f.IOStreams.Out, termtext.Escape(c.Name))
}
