package cli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/manpage"
	"github.com/azcontext/azc/profile"
)

func newCmdMan(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write a man page for every command into DIR (section 1)",
		Long: `Write a man page for every command into DIR (created if missing): azc.1,
azc-context-list.1 and so on, each with the command's description, flags and
examples. Put them in a directory of MANPATH, such as
~/.local/share/man/man1, and read them with man azc-use. The release
archives and the .deb carry them already. SOURCE_DATE_EPOCH, when set,
dates them.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			date, err := manDate(f)
			if err != nil {
				return fmt.Errorf("write man pages: %w", err)
			}
			if err := manpage.Write(args[0], f.Version(), date); err != nil {
				return fmt.Errorf("write man pages: %w", err)
			}
			return nil
		},
	}
}

// manDate is the date the man pages carry: $SOURCE_DATE_EPOCH (seconds
// since 1970, for reproducible builds) when set, else today.
func manDate(f *cmdutil.Factory) (time.Time, error) {
	epoch := f.Getenv("SOURCE_DATE_EPOCH")
	if epoch == "" {
		return f.Now(), nil
	}
	sec, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid SOURCE_DATE_EPOCH %s: want a whole number of seconds since 1970", profile.QuoteShort(epoch))
	}
	return time.Unix(sec, 0), nil
}
