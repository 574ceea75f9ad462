package session

import (
	"errors"
	"fmt"
)

// Owner identifies the process a session belongs to, robustly against pid
// reuse where the platform allows: Start is the process's start time as
// the OS reports it and Boot the boot id (Linux), empty where unknown.
type Owner struct {
	PID   int    `json:"pid"`
	Start string `json:"start,omitempty"`
	Boot  string `json:"boot,omitempty"`
}

// OwnerOf describes the running process pid, or returns an error
// matching ErrNoProcess when no running process has it.
func OwnerOf(pid int) (Owner, error) { return ownerOf(pid) }

// ErrNoProcess reports a pid that no running process has: the owner
// given for a session has exited, or never was.
var ErrNoProcess = errors.New("no such process")

// noProcessError is ErrNoProcess for a pid: "no process 999999 is
// running".
type noProcessError int

func (e noProcessError) Error() string { return fmt.Sprintf("no process %d is running", int(e)) }

func (noProcessError) Is(target error) bool { return target == ErrNoProcess }

// Alive reports whether o still runs: the pid exists and, where known,
// has the same start time and boot id.
func (o Owner) Alive() bool {
	cur, err := ownerOf(o.PID)
	if err != nil {
		return false
	}
	if o.Start != "" && cur.Start != "" && o.Start != cur.Start {
		return false
	}
	return o.Boot == "" || cur.Boot == "" || o.Boot == cur.Boot
}

// Encloses reports whether pid is o's process or runs below it: o is its
// parent, its parent's parent, and so on. A shell started by another keeps
// that shell's session; one that a daemon started (a tmux or screen
// server, which hands every pane the environment of the shell that
// started it) does not. Where the platform does not tell a process's
// parent, it reports true.
func (o Owner) Encloses(pid int) bool {
	// A chain of parents is short; the bound only guards against a loop
	// read from a changing process table.
	for i := 0; i < 1024 && pid > 0; i++ {
		if pid == o.PID {
			return true
		}
		ppid, err := parentOf(pid)
		if errors.Is(err, errNoParents) {
			return true
		}
		if err != nil || ppid == pid {
			return false
		}
		pid = ppid
	}
	return false
}

// errNoParents is parentOf's answer where the platform does not tell.
var errNoParents = errors.New("the parent of a process is not known here")
