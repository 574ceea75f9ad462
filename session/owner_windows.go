package session

import (
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/sys/windows"
)

const stillActive = 259

// ownerOf opens the process and reads its creation time.
func ownerOf(pid int) (Owner, error) {
	if pid <= 0 {
		return Owner{}, fmt.Errorf("invalid pid %d", pid)
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if errors.Is(err, windows.ERROR_INVALID_PARAMETER) {
		// what OpenProcess says of a pid no process has
		return Owner{}, noProcessError(pid)
	}
	if err != nil {
		return Owner{}, err
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return Owner{}, err
	}
	if code != stillActive {
		return Owner{}, noProcessError(pid)
	}
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(h, &created, &exited, &kernel, &user); err != nil {
		return Owner{PID: pid}, nil
	}
	return Owner{PID: pid, Start: strconv.FormatInt(created.Nanoseconds(), 10)}, nil
}

// parentOf is not known here.
func parentOf(int) (int, error) { return 0, errNoParents }
