package profile

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
)

// zeros is a stream with no end, as /dev/zero is.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestAStreamOverTheCapTakesNoMoreThanTheCap: a stream with no end
// (`azc context import /dev/zero`, or it on standard input) is refused
// having allocated about MaxFileSize, not a multiple of it (a buffer
// grown and copied over would allocate several times the cap for an
// input azc refuses). Not parallel: it counts the bytes the whole process
// allocates.
func TestAStreamOverTheCapTakesNoMoreThanTheCap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ReadLimited(zeros{}, "standard input")
	runtime.ReadMemStats(&after)
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("ReadLimited of an endless stream: %v, want a *TooLargeError", err)
	}
	if got, most := after.TotalAlloc-before.TotalAlloc, uint64(MaxFileSize)*5/4; got > most {
		t.Errorf("ReadLimited of an endless stream allocated %d MiB before refusing it, want at most %d MiB", got>>20, most>>20)
	}
}

// TestReadLimitedKeepsEveryByte: a stream read in pieces of odd sizes
// comes back whole and in order, at every size around the buffers'.
func TestReadLimitedKeepsEveryByte(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 511, 512, 513, 4 << 10, 1<<20 - 1, 1 << 20, 1<<20 + 1, 5<<20 + 3} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i * 7 / 3)
		}
		got, err := ReadLimited(&oddReader{r: bytes.NewReader(data)}, "x")
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("ReadLimited of %d bytes: %d bytes back, equal %v, %v", n, len(got), bytes.Equal(got, data), err)
		}
		got, err = readLimited(&oddReader{r: bytes.NewReader(data)}, "x", int64(n/2))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("readLimited of %d bytes with a size of %d: %d bytes back, %v", n, n/2, len(got), err)
		}
	}
	exact := make([]byte, MaxFileSize)
	if got, err := ReadLimited(&oddReader{r: bytes.NewReader(exact)}, "x"); err != nil || len(got) != MaxFileSize {
		t.Fatalf("ReadLimited of exactly MaxFileSize bytes: %d, %v", len(got), err)
	}
}

// oddReader hands out at most 1, 2, … 9999 bytes a read, in turn.
type oddReader struct {
	r *bytes.Reader
	i int
}

func (o *oddReader) Read(p []byte) (int, error) {
	o.i = o.i%9999 + 1
	return o.r.Read(p[:min(len(p), o.i)])
}

var _ io.Reader = (*oddReader)(nil)
