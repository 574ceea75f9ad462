package cmdutil

import (
	"os"
	"path/filepath"
	"runtime"
)

// AzcPath is the azc program that scripts azc writes must call (azc init's
// prompt hook and session start): the azc that handed this invocation to
// azc-full, else the running program, except that an azc-full run directly
// names the azc beside it when there is one. The prompt runs it at every
// prompt, so it must be azc, which starts in a few milliseconds, not
// azc-full.
func AzcPath(f *Factory) string {
	if f.Front != "" {
		return f.Front
	}
	exe, err := os.Executable()
	if err != nil {
		return "azc"
	}
	full, azc := "azc-full", "azc"
	if runtime.GOOS == "windows" {
		full, azc = full+".exe", azc+".exe"
	}
	if filepath.Base(exe) == full {
		if sib := filepath.Join(filepath.Dir(exe), azc); isFile(sib) {
			return sib
		}
	}
	return exe
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
