package credstore

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// platformBackends lists the Linux key stores, best first: the Secret
// Service (desktop, Options.Desktop) survives reboots but needs a desktop
// session bus; the kernel keyring works headless but forgets at reboot.
func platformBackends(env func(string) string, desktop KeyBackend) ([]KeyBackend, error) {
	var bs []KeyBackend
	if env("DBUS_SESSION_BUS_ADDRESS") != "" {
		if desktop == nil {
			return nil, &DesktopNotLinkedError{Backend: SecretServiceName}
		}
		bs = append(bs, desktop)
	}
	return append(bs, KernelKeyring()), nil
}

// KernelKeyring returns the backend that keeps the data key as a "user"
// key in the Linux kernel's per-user keyring (@u). The key lives until
// reboot; containers whose seccomp profile refuses keyctl make it
// unavailable.
func KernelKeyring() KeyBackend { return kernelKeyring{} }

type kernelKeyring struct{}

// Key permissions: everything for the possessor; view, read and search
// for the owning user, so that processes whose session keyring does not
// link @u (containers, cron, ssh without pam_keyinit) find the key too.
const keyPerm = 0x3f000000 | 0x00010000 | 0x00020000 | 0x00080000

func (kernelKeyring) Name() string { return kernelKeyringName }

func userKeyring() (int, error) {
	ring, err := unix.KeyctlGetKeyringID(unix.KEY_SPEC_USER_KEYRING, true)
	if err != nil {
		return 0, fmt.Errorf("%w: keyctl refused: %v", ErrUnavailable, err)
	}
	return ring, nil
}

func (kernelKeyring) LoadKey(ref KeyRef) ([]byte, error) {
	ring, err := userKeyring()
	if err != nil {
		return nil, err
	}
	id, err := unix.KeyctlSearch(ring, "user", ref.ID, 0)
	switch {
	case errors.Is(err, unix.ENOKEY), errors.Is(err, unix.EKEYREVOKED), errors.Is(err, unix.EKEYEXPIRED):
		return nil, ErrNoKey
	case err != nil:
		return nil, fmt.Errorf("%w: keyctl search refused: %v", ErrUnavailable, err)
	}
	buf := make([]byte, 64)
	n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, id, buf, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: keyctl read refused: %v", ErrUnavailable, err)
	}
	if n != 32 {
		clear(buf)
		return nil, fmt.Errorf("%w: the kernel keyring key %s holds %d bytes, want 32; remove it (`keyctl purge user %s`) and azc makes a new one (the accounts it sealed then sign in again)", ErrDamagedKey, ref.ID, n, ref.ID)
	}
	return buf[:32], nil
}

func (kernelKeyring) StoreKey(ref KeyRef, key []byte) error {
	ring, err := userKeyring()
	if err != nil {
		return err
	}
	id, err := unix.AddKey("user", ref.ID, key, ring)
	if err != nil {
		return fmt.Errorf("%w: keyctl add refused: %v", ErrUnavailable, err)
	}
	if err := unix.KeyctlSetperm(id, keyPerm); err != nil {
		return fmt.Errorf("%w: keyctl setperm refused: %v", ErrUnavailable, err)
	}
	return nil
}
