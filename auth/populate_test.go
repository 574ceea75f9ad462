package auth

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/azcontext/azc/emulator"
)

func TestPopulationFollowsEveryPageAndReportsTheTotalLast(t *testing.T) {
	t.Parallel()
	cfg := emulator.DefaultConfig()
	cfg.PageSize = 2
	cfg.Generate = &emulator.Generate{Tenants: 5, SubscriptionsPerTenant: 3}
	s := startEmulator(t, cfg)
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	var (
		mu    sync.Mutex
		steps []Progress
	)
	res, err := newTestManager(s, nil).Login(context.Background(), LoginOptions{
		Environment: emulatorEnv(s), Method: DeviceCode,
		UI: UI{Progress: func(p Progress) { mu.Lock(); steps = append(steps, p); mu.Unlock() }},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tenants) != 7 || res.Tenants[0].ID != emulator.DefaultHomeTenantID || len(res.Warnings) != 0 {
		t.Fatalf("tenants %+v, warnings %q", res.Tenants, res.Warnings)
	}
	perTenant := map[string]int{}
	for _, sub := range res.Subscriptions {
		perTenant[sub.TenantID]++
	}
	for _, tn := range res.Tenants {
		if tn.ID != emulator.DefaultHomeTenantID && tn.ID != emulator.DefaultGuestTenantID && perTenant[tn.ID] != 3 {
			t.Errorf("tenant %s: %d subscriptions, want 3", tn.ID, perTenant[tn.ID])
		}
	}
	if len(steps) < 4 || !steps[0].Starting || !steps[1].Approval || !steps[2].Listing {
		t.Fatalf("progress %+v does not start by saying the identity provider is asked, then that the device code awaits approval, then that the tenants are being listed", steps)
	}
	steps = steps[3:]
	for i, p := range steps {
		if p.Tenants != 7 {
			t.Fatalf("progress %d reports %d tenants before the list was complete: %+v", i, p.Tenants, steps)
		}
		if p.TenantsDone == p.Tenants && i != len(steps)-1 {
			t.Fatalf("progress %d reports the end early: %+v", i, steps)
		}
	}
	if last := steps[len(steps)-1]; last.TenantsDone != 7 || last.Subscriptions != len(res.Subscriptions) {
		t.Fatalf("last progress %+v, %d subscriptions", last, len(res.Subscriptions))
	}
}

func TestFailedSubscriptionPageNamesTheTenant(t *testing.T) {
	t.Parallel()
	cfg := emulator.DefaultConfig()
	cfg.PageSize = 1
	s := startEmulator(t, cfg)
	s.SetFault(emulator.RouteSubscriptions, emulator.Fault{Status: 403})
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	_, err := newTestManager(s, nil).Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode})
	var pe *PopulateError
	if !errors.As(err, &pe) || pe.Tenant == "" {
		t.Fatalf("err = %v", err)
	}
}

// TestATenantWhoseARMRefusesIsSkipped: a tenant whose subscription list
// ARM refuses (401, 403: no retry cures it) is skipped with a warning
// naming it, as a tenant whose token needs interaction is, and the other
// tenants still populate: one guest tenant that refuses must not keep the
// account from signing in.
func TestATenantWhoseARMRefusesIsSkipped(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	s.SetFault(emulator.RouteSubscriptions, emulator.Fault{Status: 403, Times: 1})
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	res, err := newTestManager(s, nil).Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tenants) != 1 || len(res.Subscriptions) == 0 {
		t.Fatalf("tenants %+v, subscriptions %+v", res.Tenants, res.Subscriptions)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "skipped tenant") || !strings.Contains(res.Warnings[0], "403") {
		t.Fatalf("warnings %q", res.Warnings)
	}
}

func TestTransientTokenFaultsAreRetried(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := deviceLogin(t, s, m, emulator.DefaultUser)
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	expireAccessTokens(t, blobs, res.Account.Key())
	s.SetFault(emulator.RouteToken, emulator.Fault{Status: 503, Times: 2})
	again, err := m.Refresh(context.Background(), blobs, emulatorEnv(s), res.Account, UI{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Tenants) != len(res.Tenants) || len(again.Warnings) != 0 {
		t.Fatalf("tenants %+v, warnings %q", again.Tenants, again.Warnings)
	}
}

func TestTenantNeedingInteractionIsSkippedNotRetried(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, nil)
	m := newTestManager(s, nil)
	res := deviceLogin(t, s, m, emulator.DefaultUser)
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		t.Fatal(err)
	}
	expireAccessTokens(t, blobs, res.Account.Key())
	s.ResetCounts()
	s.SetFault(emulator.RouteToken, emulator.Fault{Status: 400})
	_, err := m.Refresh(context.Background(), blobs, emulatorEnv(s), res.Account, UI{})
	if err == nil {
		t.Fatal("refresh succeeded with every token refused")
	}
	if n := s.Count(emulator.RouteToken, ""); n > 2 {
		t.Fatalf("%d token requests for a refusal that retrying cannot cure", n)
	}
}

// TestATenantListThatHangsTimesOut: a /tenants answer that never comes
// ends each try at the try timeout (ResponseTimeout unless set), is
// retried a bounded number of times, and fails the sign-in with nothing
// kept.
func TestATenantListThatHangsTimesOut(t *testing.T) {
	t.Parallel()
	if got := New(Config{}).cfg.Retry.TryTimeout; got != ResponseTimeout {
		t.Errorf("default try timeout %s, want %s", got, ResponseTimeout)
	}
	s := startEmulator(t, nil)
	m := New(Config{
		HTTPClient: s.Client(),
		Retry:      policy.RetryOptions{TryTimeout: 200 * time.Millisecond, MaxRetries: 2, RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond},
	})
	s.SetFault(emulator.RouteTenants, emulator.Fault{Hang: true})
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	var steps []Progress
	_, err := m.Login(context.Background(), LoginOptions{
		Environment: emulatorEnv(s), Method: DeviceCode,
		UI: UI{Progress: func(p Progress) { steps = append(steps, p) }},
	})
	var pe *PopulateError
	if !errors.As(err, &pe) || pe.Tenant != "" {
		t.Fatalf("Login = %v, want the tenant list's PopulateError", err)
	}
	if n := s.Count(emulator.RouteTenants, ""); n != 3 {
		t.Errorf("/tenants asked %d times, want 3 (a try and two retries)", n)
	}
	retried := func(p Progress, try int) bool {
		return p.Retry != nil && p.Retry.Try == try && p.Retry.Tries == 3 && strings.HasSuffix(p.Retry.Why, "did not answer in 200ms")
	}
	if len(steps) != 5 || !steps[0].Starting || !steps[2].Listing || !retried(steps[3], 2) || !retried(steps[4], 3) {
		t.Errorf("progress %+v does not end saying the tenants are being listed, then each try sent again (no subscription listing follows a failed tenant list)", steps)
	}
	// said in words, with ARM's host: not Go's request line and its
	// "http2: timeout awaiting response headers"
	host := strings.TrimPrefix(strings.TrimSuffix(s.ARMEndpoint(), "/"), "https://")
	if want := "list tenants: ARM at " + host + " did not answer in time"; err.Error() != want {
		t.Errorf("Login = %q, want %q", err, want)
	}
}

// TestASignInLeavesTheNamedTenantsTokenInTheCache: whether --tenant names
// the tenant by its id or by its default domain, the first token asked
// for that tenant (by its id, as contexts name it) after the sign-in
// comes from the cache. A sign-in that names it by domain therefore asks
// for the tenant's token by id while listing its subscriptions, rather
// than listing them with its own token, which MSAL files under the domain.
func TestASignInLeavesTheNamedTenantsTokenInTheCache(t *testing.T) {
	t.Parallel()
	for _, ref := range []string{emulator.DefaultGuestTenantID, emulator.DefaultGuestTenantDomain, strings.ToUpper(emulator.DefaultGuestTenantDomain)} {
		s := startEmulator(t, nil)
		m := newTestManager(s, nil)
		s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
		res, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode, TenantID: ref})
		if err != nil {
			t.Fatalf("--tenant %s: %v", ref, err)
		}
		if len(res.Tenants) != 1 || res.Tenants[0].ID != emulator.DefaultGuestTenantID || len(res.Subscriptions) == 0 {
			t.Errorf("--tenant %s: tenants %+v, %d subscriptions; want the guest tenant's", ref, res.Tenants, len(res.Subscriptions))
		}
		blobs := newMemBlobs()
		if err := res.Save(context.Background(), blobs, nil); err != nil {
			t.Fatal(err)
		}
		redeemed := s.Count(emulator.RouteToken, "refresh_token")
		if _, err := m.Token(context.Background(), blobs, emulatorEnv(s), res.Account, TokenRequest{TenantID: emulator.DefaultGuestTenantID}); err != nil {
			t.Fatal(err)
		}
		if n := s.Count(emulator.RouteToken, "refresh_token") - redeemed; n != 0 {
			t.Errorf("--tenant %s: the first token for the tenant after the sign-in redeemed %d refresh tokens", ref, n)
		}
	}
}

// TestASubscriptionExecCannotExportIsSkipped: a subscription whose id
// holds a control character (profile.CheckExported: a NUL, which no
// environment variable can hold) is left out of a sign-in with a warning
// naming it, and the others populate: it became a context, and every
// `azc exec` under it failed with exit 126. (The emulator serves GUIDs
// only: the subscription list is rewritten on its way to azc.)
func TestASubscriptionExecCannotExportIsSkipped(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.DefaultConfig())
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	client := *s.Client()
	client.Transport = rewriteSubscriptions{next: client.Transport, from: emulator.DefaultSubscriptionID, to: `abc\u0000def`}
	m := New(Config{HTTPClient: &client, Retry: policy.RetryOptions{RetryDelay: 1e6, MaxRetryDelay: 5e6}})
	res, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, sub := range res.Subscriptions {
		ids = append(ids, sub.ID)
	}
	if slices.Contains(ids, "abc\x00def") || !slices.Contains(ids, emulator.DefaultGuestSubscriptionID) {
		t.Errorf("subscriptions %q: want the guest tenant's and not the one holding a NUL", ids)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), `"abc\x00def"`) {
		t.Errorf("warnings %q do not name the subscription", res.Warnings)
	}
}

// rewriteSubscriptions replaces from by to in the bodies of ARM's
// subscription lists.
type rewriteSubscriptions struct {
	next     http.RoundTripper
	from, to string
}

func (r rewriteSubscriptions) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, "/subscriptions") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	body = bytes.ReplaceAll(body, []byte(r.from), []byte(r.to))
	resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}
