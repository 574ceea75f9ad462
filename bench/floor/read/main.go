//go:build unix

// Command read is a floor for the cost of reading profile.json into memory
// in a fresh process (docs/benchmarks.md, "What was measured and dropped"):
// it reads the file named by its second argument the way its first names,
// and does nothing else.
//
//	none     opens nothing: the process alone
//	builder  io.Copy into a strings.Builder grown to the file's size (the Store's read)
//	exact    one read of the file's size into a []byte
//	mmap     a populated read-only mapping, unmapped before exit (Linux)
//	chunk    reads through one reused 64 KB buffer, keeping nothing
//	view     opens the Store of the file's directory and its View, as
//	         `azc context show` does before it decodes a context
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/azcontext/azc/profile"
)

func main() {
	mode, path := os.Args[1], os.Args[2]
	n := 0
	if mode == "view" {
		s, err := profile.Open(filepath.Dir(path), profile.Options{})
		check(err)
		v, err := s.View()
		check(err)
		n = v.Len()
	} else if mode != "none" {
		f, err := os.Open(path)
		check(err)
		fi, err := f.Stat()
		check(err)
		switch mode {
		case "builder":
			var b strings.Builder
			b.Grow(int(fi.Size()) + 512)
			_, err = io.Copy(&b, f)
			n = b.Len()
		case "exact":
			buf := make([]byte, fi.Size()+1)
			n, err = f.Read(buf)
		case "mmap":
			n, err = mapped(f, int(fi.Size()))
		case "chunk":
			buf := make([]byte, 64<<10)
			for {
				k, rerr := f.Read(buf)
				n += k
				if rerr == io.EOF {
					break
				}
				check(rerr)
			}
		default:
			err = fmt.Errorf("unknown mode %q", mode)
		}
		check(err)
	}
	fmt.Println(n)
}

func check(err error) {
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}
