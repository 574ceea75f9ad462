package profile

import "golang.org/x/sys/unix"

// mountedOnItsOwn reports whether path is the root of a mount
// (STATX_ATTR_MOUNT_ROOT, Linux 5.8 and later): a file mounted on its own,
// which no rename replaces. An older kernel, or a failed statx, says no.
func mountedOnItsOwn(path string) bool {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, 0, &st); err != nil {
		return false
	}
	return st.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT != 0 && st.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0
}
