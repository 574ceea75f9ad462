package auth

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/profile"
)

// BenchmarkGetTokenWarm is azc's Credential serving a cached token; compare
// with BenchmarkAzidentityGetTokenWarm in the same run (docs/benchmarks.md:
// at least 10x faster, at most 2 allocations).
func BenchmarkGetTokenWarm(b *testing.B) {
	s := startEmulator(b, nil)
	m := newTestManager(s, nil)
	res := spLogin(b, s, m, LoginOptions{SkipPopulation: true})
	blobs := newMemBlobs()
	if err := res.Save(context.Background(), blobs, nil); err != nil {
		b.Fatal(err)
	}
	cred := m.Credential(blobs, emulatorEnv(s), res.Account, "")
	opts := policy.TokenRequestOptions{Scopes: []string{ARMScope(emulatorEnv(s))}}
	if _, err := cred.GetToken(context.Background(), opts); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := cred.GetToken(ctx, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAzidentityGetTokenWarm is azidentity's ClientSecretCredential
// serving its cached token for the same principal.
func BenchmarkAzidentityGetTokenWarm(b *testing.B) {
	s := startEmulator(b, nil)
	cred, err := azidentity.NewClientSecretCredential(emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, emulator.DefaultServicePrincipalSecret,
		&azidentity.ClientSecretCredentialOptions{
			ClientOptions:            policy.ClientOptions{Transport: s.Client(), Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: s.AuthorityHost()}},
			DisableInstanceDiscovery: true,
		})
	if err != nil {
		b.Fatal(err)
	}
	opts := policy.TokenRequestOptions{Scopes: []string{ARMScope(emulatorEnv(s))}}
	if _, err := cred.GetToken(context.Background(), opts); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := cred.GetToken(ctx, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoginPopulation signs a user in (device code) who reaches 100
// generated tenants of 100 subscriptions each (docs/benchmarks.md: at most
// 3 s; 6 s with 50 ms of latency on every call), and with 50 ms against an
// identity provider that rotates refresh tokens strictly, which makes the
// tenant tokens come one at a time.
func BenchmarkLoginPopulation(b *testing.B) {
	for _, bc := range []struct {
		latency time.Duration
		rotate  bool
	}{{0, false}, {50 * time.Millisecond, false}, {50 * time.Millisecond, true}} {
		latency := bc.latency
		name := fmt.Sprintf("10000subs/latency=%s", latency)
		if bc.rotate {
			name += "/rotating"
		}
		b.Run(name, func(b *testing.B) {
			cfg := emulator.DefaultConfig()
			cfg.Generate = &emulator.Generate{Tenants: 100, SubscriptionsPerTenant: 100}
			cfg.RotateRefreshTokens = bc.rotate
			s := startEmulator(b, cfg)
			s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
			if latency > 0 {
				for _, r := range []string{emulator.RouteToken, emulator.RouteDeviceCode, emulator.RouteTenants, emulator.RouteSubscriptions, emulator.RouteMetadata} {
					s.SetFault(r, emulator.Fault{Latency: latency})
				}
			}
			m := newTestManager(s, nil)
			b.ReportAllocs()
			for b.Loop() {
				res, err := m.Login(context.Background(), LoginOptions{Environment: emulatorEnv(s), Method: DeviceCode})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Subscriptions) < 10000 {
					b.Fatalf("%d subscriptions, warnings %q", len(res.Subscriptions), res.Warnings)
				}
			}
		})
	}
}

// BenchmarkApply10000 merges a sign-in of 10,000 subscriptions in 100
// tenants into a profile that already holds them (signing in again): the
// work `azc login` does under profile.lock besides reading and writing.
func BenchmarkApply10000(b *testing.B) {
	res := &LoginResult{Account: profile.Account{Type: profile.UserAccount, ID: "user@example.test", Environment: profile.DefaultEnvironment, HomeTenantID: "t000"}}
	for t := range 100 {
		tid := fmt.Sprintf("t%03d", t)
		res.Tenants = append(res.Tenants, profile.Tenant{ID: tid})
		for s := range 100 {
			res.Subscriptions = append(res.Subscriptions, profile.Subscription{ID: fmt.Sprintf("%s-s%03d", tid, s), Name: fmt.Sprintf("sub %d", t*100+s), TenantID: tid})
		}
	}
	base := profile.New()
	if _, err := res.Apply(base, ApplyOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		p := base.Clone()
		b.StartTimer()
		ar, err := res.Apply(p, ApplyOptions{})
		if err != nil || ar.Updated != 10000 {
			b.Fatalf("updated %d: %v", ar.Updated, err)
		}
	}
}
