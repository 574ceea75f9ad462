package session

// Owner identifies the process a session belongs to, robustly against pid
// reuse where the platform allows: Start is the process's start time as
// the OS reports it and Boot the boot id (Linux), empty where unknown.
type Owner struct {
	PID   int    `json:"pid"`
	Start string `json:"start,omitempty"`
	Boot  string `json:"boot,omitempty"`
}

// OwnerOf describes the running process pid, or returns an error when it
// does not exist.
func OwnerOf(pid int) (Owner, error) { return ownerOf(pid) }

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
