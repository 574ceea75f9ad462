package cmdutil

import (
	"context"

	"github.com/azcontext/azc/profile"
)

// ReadFile reads the file path that a command line names as
// profile.ReadFile does (up to profile.MaxFileSize; a FIFO to its end).
// When ctx ends first (Ctrl-C) it returns ctx's error at once, with which
// the command ends (Run: exit ExitInterrupted): a FIFO that no one opens
// or writes to blocks the open or the read in the kernel, where Ctrl-C
// does not reach it. The read is left to a goroutine, as Confirm leaves
// its own.
func ReadFile(ctx context.Context, path string) ([]byte, error) {
	return readUntilDone(ctx, func() ([]byte, error) { return profile.ReadFile(path) })
}

// ReadStdin reads standard input as profile.ReadLimited does, named
// "standard input" in its errors, and returns as ReadFile does when ctx
// ends first: a terminal where the user types nothing, or a pipe whose
// writer sends nothing, blocks the read.
func ReadStdin(ctx context.Context, ios *IOStreams) ([]byte, error) {
	return readUntilDone(ctx, func() ([]byte, error) { return profile.ReadLimited(ios.In, "standard input") })
}

func readUntilDone(ctx context.Context, read func() ([]byte, error)) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := read()
		done <- result{data, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-done:
		return r.data, r.err
	}
}
