//go:build !unix

package execute

import (
	"github.com/azcontext/azc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// spawnServer hands the exec to azc-full, which serves in its own process.
func spawnServer(*cmdutil.Factory, *azc.State, *ServeSpec) (Server, error) {
	return nil, cmdutil.ErrNeedFull
}
