package oneproc

import (
	"runtime"
	"testing"
)

// TestOneProc checks that importing the package leaves one P: the package
// init has run by the time a test does.
func TestOneProc(t *testing.T) {
	if n := runtime.GOMAXPROCS(0); n != 1 {
		t.Fatalf("GOMAXPROCS = %d after init, want 1", n)
	}
}
