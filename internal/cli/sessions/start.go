package sessions

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/cobrautil"
	"github.com/azcontext/azc/secret"
	"github.com/azcontext/azc/session"
)

func newCmdSession(f *cmdutil.Factory) *cobra.Command {
	cmd := cobrautil.GroupCommand(&cobra.Command{
		Use:    "session",
		Short:  "Low-level session commands used by `azc init`",
		Hidden: true,
	})
	var pid int
	start := &cobra.Command{
		Use:   "start --pid PID",
		Short: "Print the AZC_SESSION value for the shell PID: the inherited session when it is valid, else a new one",
		Args:  cobrautil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if pid <= 0 {
				return cmdutil.UsageErrorf("--pid is required")
			}
			rt := cmdutil.RuntimeDir(f)
			if v := f.Getenv(session.EnvVar); v != "" {
				if _, err := session.Open(rt, secret.New(v)); err == nil {
					fmt.Fprintln(f.IOStreams.Out, v)
					return nil
				}
			}
			if n, err := session.GC(rt, nil); err != nil {
				f.Logger.Debug("session gc", "err", err)
			} else if n > 0 {
				f.Logger.Debug("session gc", "removed", strconv.Itoa(n))
			}
			sess, env, err := session.New(rt, pid)
			if err != nil {
				return err
			}
			adoptDefault(f, sess)
			fmt.Fprintln(f.IOStreams.Out, env.Reveal())
			return nil
		},
	}
	start.Flags().IntVar(&pid, "pid", 0, "the shell's process id: the session ends when it exits")
	cmd.AddCommand(start)
	return cmd
}

// adoptDefault gives the new session the user default as its own
// selection (azc.State.AdoptDefault). A profile that cannot be read does
// not stop the shell from getting its session: the commands that need the
// profile report it.
func adoptDefault(f *cmdutil.Factory, sess *session.Session) {
	st, err := f.State()
	if err == nil {
		err = st.WithSession(sess).AdoptDefault()
	}
	if err != nil {
		fmt.Fprintf(f.IOStreams.ErrOut, "azc: warning: this shell starts with no context: %v\n", err)
	}
}
