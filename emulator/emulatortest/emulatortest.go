// Package emulatortest starts an in-process azc-emulator for a test.
package emulatortest

import (
	"testing"

	"github.com/azcontext/azc/emulator"
)

// Start starts an emulator seeded with cfg (nil means emulator.DefaultConfig()) on a free
// loopback port, closes it when the test ends, and fails the test if it cannot start.
func Start(t testing.TB, cfg *emulator.Config) *emulator.Server {
	t.Helper()
	s, err := emulator.New(cfg)
	if err != nil {
		t.Fatalf("emulatortest: %v", err)
	}
	if err := s.Start(); err != nil {
		t.Fatalf("emulatortest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("emulatortest: close: %v", err)
		}
	})
	return s
}
