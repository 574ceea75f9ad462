package session

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"syscall"

	"github.com/azcontext/azc/internal/sysfile"
)

// ownerOf reads the start time (field 22 of /proc/<pid>/stat, clock ticks
// since boot) and the boot id.
func ownerOf(pid int) (Owner, error) {
	if pid <= 0 {
		return Owner{}, fmt.Errorf("invalid pid %d", pid)
	}
	start, err := statField(pid, 22)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
		// ESRCH: the process ended between the open and the read
		return Owner{}, noProcessError(pid)
	}
	if err != nil {
		return Owner{}, err
	}
	o := Owner{PID: pid, Start: start}
	if b, err := sysfile.ReadFile("/proc/sys/kernel/random/boot_id"); err == nil {
		o.Boot = string(bytes.TrimSpace(b))
	}
	return o, nil
}

// parentOf reads the parent's pid (field 4 of /proc/<pid>/stat); 0 when the
// parent is outside this pid namespace.
func parentOf(pid int) (int, error) {
	ppid, err := statField(pid, 4)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(ppid)
}

// statField returns field n (counted from 1, as proc(5) does) of
// /proc/<pid>/stat, n > 2.
func statField(pid, n int) (string, error) {
	stat, err := sysfile.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", err
	}
	// The command name (field 2) may hold spaces and parentheses: fields
	// are counted after the last ')'.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return "", errors.New("unexpected /proc stat format")
	}
	fields := bytes.Fields(stat[i+1:])
	if len(fields) <= n-3 { // fields after ')' start at field 3
		return "", errors.New("unexpected /proc stat format")
	}
	return string(fields[n-3]), nil
}
