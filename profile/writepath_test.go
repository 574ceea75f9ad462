package profile_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestOneWritePath: a file is replaced in one place, profile's
// writeAtomic (WriteFile for files written without profile.lock); no
// other package of azc renames a file into place or makes its own
// temporary file. bench/floor reproduces the write as the benchmarks'
// floor, and a new session's directory is renamed into place whole.
func TestOneWritePath(t *testing.T) {
	t.Parallel()
	allowed := map[string]bool{
		"session/session.go:os.Rename": true, // a directory
	}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, ".."+string(filepath.Separator)))
		if d.IsDir() {
			switch rel {
			case "bench", "emulator", "cmd/azc-emulator", "profile", "interop", "examples":
				return filepath.SkipDir
			}
			if strings.HasPrefix(d.Name(), ".") && path != ".." || d.Name() == "testdata" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			call := pkg.Name + "." + sel.Sel.Name
			switch call {
			case "os.Rename", "os.CreateTemp", "syscall.Rename", "unix.Rename", "unix.Renameat", "unix.Renameat2", "windows.MoveFileEx":
				if !allowed[rel+":"+call] {
					t.Errorf("%s: %s: files are replaced by profile.WriteFile", fset.Position(sel.Pos()), call)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
