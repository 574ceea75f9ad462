package auth

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/azcontext/azc/emulator"
)

// TestAPopulationSaysWhenItSendsARequestToARMAgain: a request to ARM that
// got no answer in time, or a 5xx, is sent again, and the sign-in's
// progress says so, why and which try it is, rather than wait on in
// silence (a hung ARM: four tries of 30 s each).
func TestAPopulationSaysWhenItSendsARequestToARMAgain(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		route string
		fault emulator.Fault
		why   string
	}{
		"a tenant list that hangs":       {emulator.RouteTenants, emulator.Fault{Hang: true, Times: 1}, "did not answer in 300ms"},
		"a subscription list that fails": {emulator.RouteSubscriptions, emulator.Fault{Status: http.StatusServiceUnavailable, Times: 2}, "answered 503 Service Unavailable"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := startEmulator(t, nil)
			m := New(Config{HTTPClient: s.Client(), Retry: policy.RetryOptions{TryTimeout: 300 * time.Millisecond, RetryDelay: 1e6, MaxRetryDelay: 5e6}})
			s.SetFault(tc.route, tc.fault)
			var (
				mu      sync.Mutex
				retries []Retry
			)
			res := spLogin(t, s, m, LoginOptions{UI: UI{Progress: func(p Progress) {
				if p.Retry != nil {
					mu.Lock()
					retries = append(retries, *p.Retry)
					mu.Unlock()
				}
			}}})
			if len(res.Subscriptions) == 0 {
				t.Fatal("no subscription listed")
			}
			want := tc.fault.Times
			if len(retries) != want {
				t.Fatalf("%d retries reported, want %d: %+v", len(retries), want, retries)
			}
			for i, r := range retries {
				host := strings.TrimPrefix(s.URL(), "https://")
				if r.Try != i+2 || r.Tries != 4 || !strings.Contains(r.Why, "ARM at "+host+" ") || !strings.HasSuffix(r.Why, tc.why) {
					t.Errorf("retry %d reported as %+v, want try %d of 4, why ending %q", i, r, i+2, tc.why)
				}
			}
		})
	}
}

// TestAPopulationReportsItsProgressOneAtATime: the tenants' subscription
// lists are asked for at once, but UI.Progress is called by one of them
// at a time, a retry's report as each count: a callback needs no lock of
// its own (run with -race).
func TestAPopulationReportsItsProgressOneAtATime(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	s.SetFault(emulator.RouteSubscriptions, emulator.Fault{Status: http.StatusServiceUnavailable, Times: 2})
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	var reports []Progress // no lock: Progress is called one at a time
	res, err := m.Login(context.Background(), LoginOptions{
		Environment: emulatorEnv(s), Method: DeviceCode,
		UI: UI{DisplayMessage: func(string) {}, Progress: func(p Progress) { reports = append(reports, p) }},
	})
	if err != nil {
		t.Fatal(err)
	}
	tenants := map[string]bool{}
	for _, sub := range res.Subscriptions {
		tenants[sub.TenantID] = true
	}
	retries := 0
	for _, p := range reports {
		if p.Retry != nil {
			retries++
		}
	}
	if len(tenants) < 2 || retries != 2 {
		t.Errorf("subscriptions of %d tenants, %d retries reported; want two tenants or more, and 2", len(tenants), retries)
	}
}
