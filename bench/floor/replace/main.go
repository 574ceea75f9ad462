// Command replace is a floor for bench/contexts.sh: it replaces the file
// named by its argument with its own bytes the way docs/locking.md says azc
// makes every write (temporary file, fsync, rename, fsync of the directory), and
// does nothing else.
package main

import (
	"os"
	"path/filepath"
)

func main() {
	path := os.Args[1]
	data, err := os.ReadFile(path)
	check(err)
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	check(err)
	_, err = f.Write(data)
	check(err)
	check(f.Sync())
	check(f.Close())
	check(os.Rename(tmp, path))
	d, err := os.Open(filepath.Dir(path))
	check(err)
	check(d.Sync())
}

func check(err error) {
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}
