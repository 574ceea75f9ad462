package profile

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"unicode"
)

// lockHolder names the process that holds the flock(2) lock of the open
// file f, from /proc/locks: the line of a granted lock (not a waiter's,
// marked "->") on f's device and inode gives its pid, and
// /proc/<pid>/comm its command name. "" when none is found (the lock was
// let go meanwhile, or the holder is in another pid namespace, which
// /proc/locks gives as pid 0 or -1).
func lockHolder(f *os.File) string {
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return ""
	}
	dev := uint64(st.Dev)
	major := (dev>>8)&0xfff | (dev>>32)&^uint64(0xfff)
	minor := dev&0xff | (dev>>12)&^uint64(0xff)
	want := fmt.Sprintf("%02x:%02x:%d", major, minor, st.Ino)
	locks, err := os.Open("/proc/locks")
	if err != nil {
		return ""
	}
	defer locks.Close()
	sc := bufio.NewScanner(locks)
	for sc.Scan() {
		// 1: FLOCK  ADVISORY  WRITE 12788 fe:00:10019214 0 EOF
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] != "FLOCK" || fields[5] != want {
			continue
		}
		pid, err := strconv.Atoi(fields[4])
		if err != nil || pid <= 0 {
			continue
		}
		name := ""
		if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil {
			name = strings.TrimSpace(string(comm))
		}
		return describeHolder(pid, name)
	}
	return ""
}

// describeHolder is how LockHolder names a process: its pid and, when
// known, its command name.
func describeHolder(pid int, name string) string {
	// another process of the user's may give itself any name
	name = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, name)
	if name == "" {
		return fmt.Sprintf("pid %d", pid)
	}
	return fmt.Sprintf("pid %d (%s)", pid, name)
}
