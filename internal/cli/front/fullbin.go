package front

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// FullName is the program name of azc-full.
const FullName = "azc-full"

// findFull locates azc-full: $AZC_FULL when set, else beside the running
// azc (after resolving symlinks), else on PATH.
func findFull(getenv func(string) string) (string, error) {
	if p := getenv("AZC_FULL"); p != "" {
		if _, err := os.Stat(p); err != nil {
			if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
				err = pe.Err // "stat PATH: " would name the path twice
			}
			return "", &cmdutil.ExitError{
				Code:  cmdutil.ExitFailure,
				Err:   fmt.Errorf("AZC_FULL names %s: %w", p, err),
				Hints: []string{"install it beside azc (go install github.com/azcontext/azc/cmd/azc-full@latest), or unset AZC_FULL to look beside azc and on PATH"},
			}
		}
		return p, nil
	}
	name := FullName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	dir := ""
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		dir = filepath.Dir(exe)
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(FullName); err == nil {
		return p, nil
	}
	where := "on PATH"
	if dir != "" {
		where = "beside azc (in " + dir + ") nor on PATH"
	}
	return "", &cmdutil.ExitError{
		Code:  cmdutil.ExitFailure,
		Err:   fmt.Errorf("this command needs %s, which is neither %s", FullName, where),
		Hints: []string{"install it beside azc (go install github.com/azcontext/azc/cmd/azc-full@latest), or set AZC_FULL to its path"},
	}
}

// execFull runs args in azc-full (see runFull, per OS) and returns the
// exit code azc should end with.
func execFull(f *cmdutil.Factory, args []string) int {
	path, env, err := full(f)
	if err == nil {
		f.Logger.Debug("running azc-full", "path", path)
		var code int
		if code, err = runFull(path, args, env); err == nil {
			return code
		}
		err = fmt.Errorf("run %s: %w", path, err)
	}
	code, hints := cmdutil.Classify(err)
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) {
		err = ee.Err
	}
	cmdutil.PrintError(f.IOStreams, err, hints)
	return code
}

// fullCommand is f.FullCommand: azc-full, not started.
func fullCommand(f *cmdutil.Factory) (*exec.Cmd, error) {
	path, env, err := full(f)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path)
	cmd.Env = env
	return cmd, nil
}

// full finds azc-full (findFull) and returns it with the environment it
// runs in: azc's, with the hand-over's marks, which tell it which azc
// handed it the command and that azc's version.
func full(f *cmdutil.Factory) (path string, env []string, err error) {
	path, err = findFull(f.Getenv)
	if err == nil && f.Getenv(cmdutil.HandedOverEnv) != "" {
		err = &cmdutil.ExitError{
			Code:  cmdutil.ExitFailure,
			Err:   fmt.Errorf("%s is not azc-full: it handed this command back", f.Getenv(cmdutil.HandedOverEnv)),
			Hints: []string{"install azc-full beside azc: go install github.com/azcontext/azc/cmd/azc-full@latest"},
		}
	}
	if err != nil {
		return "", nil, err
	}
	env = withEnv(os.Environ(), cmdutil.HandedOverEnv, path)
	env = withEnv(env, cmdutil.FrontVersionEnv, f.Version())
	if self, err := os.Executable(); err == nil {
		env = withEnv(env, cmdutil.FrontEnv, self)
	}
	return path, env, nil
}

// withEnv is env with name set to value, replacing any earlier setting
// (the first of two would win).
func withEnv(env []string, name, value string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return append(out, name+"="+value)
}
