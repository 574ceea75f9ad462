package session

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

	"github.com/azcontext/azc/internal/sysfile"
)

// ownerOf reads the start time (field 22 of /proc/<pid>/stat, clock ticks
// since boot) and the boot id.
func ownerOf(pid int) (Owner, error) {
	if pid <= 0 {
		return Owner{}, fmt.Errorf("invalid pid %d", pid)
	}
	stat, err := sysfile.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return Owner{}, err
	}
	// The command name (field 2) may hold spaces and parentheses: fields
	// are counted after the last ')'.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return Owner{}, errors.New("unexpected /proc stat format")
	}
	fields := bytes.Fields(stat[i+1:])
	const startField = 22 - 3 // fields after ')' start at field 3
	if len(fields) <= startField {
		return Owner{}, errors.New("unexpected /proc stat format")
	}
	o := Owner{PID: pid, Start: string(fields[startField])}
	if b, err := sysfile.ReadFile("/proc/sys/kernel/random/boot_id"); err == nil {
		o.Boot = string(bytes.TrimSpace(b))
	}
	return o, nil
}

// parentOf reads the parent's pid (field 4 of /proc/<pid>/stat); 0 when the
// parent is outside this pid namespace.
func parentOf(pid int) (int, error) {
	stat, err := sysfile.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("unexpected /proc stat format")
	}
	fields := bytes.Fields(stat[i+1:])
	const ppidField = 4 - 3 // fields after ')' start at field 3
	if len(fields) <= ppidField {
		return 0, errors.New("unexpected /proc stat format")
	}
	return strconv.Atoi(string(fields[ppidField]))
}
