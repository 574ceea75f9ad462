package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"

	"github.com/azcontext/azc/profile"
)

// tokenFunc serves population's ARM tokens, per tenant ("" = the sign-in's).
type tokenFunc func(ctx context.Context, tenant string) (Token, error)

// tenantCredential adapts a tokenFunc bound to one tenant to azcore.
type tenantCredential struct {
	tenant string
	get    tokenFunc
}

func (c tenantCredential) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	t, err := c.get(ctx, c.tenant)
	if err != nil {
		return azcore.AccessToken{}, err
	}
	return azcore.AccessToken{Token: t.AccessToken.Reveal(), ExpiresOn: t.ExpiresOn}, nil
}

// ARMClientOptions returns the azcore options that reach env's ARM with
// the Manager's HTTP client and retry policy: for armsubscriptions and any
// other ARM client.
func (m *Manager) ARMClientOptions(env profile.Environment) (*arm.ClientOptions, error) {
	hc, err := m.httpClient(env)
	if err != nil {
		return nil, err
	}
	return &arm.ClientOptions{
		ClientOptions: policy.ClientOptions{
			Cloud: cloud.Configuration{
				ActiveDirectoryAuthorityHost: env.AuthorityHost,
				Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
					cloud.ResourceManager: {Endpoint: env.ARMEndpoint, Audience: env.ARMAudience},
				},
			},
			Transport: hc,
			Retry:     m.cfg.Retry,
			Logging:   policy.LogOptions{IncludeBody: false},
		},
		DisableRPRegistration: true,
	}, nil
}

// PopulateError says which part of listing tenants or subscriptions failed.
type PopulateError struct {
	Tenant string // empty when listing tenants failed
	Err    error
}

func (e *PopulateError) Error() string {
	if e.Tenant == "" {
		return "list tenants: " + describeARMError(e.Err)
	}
	return "list subscriptions of tenant " + e.Tenant + ": " + describeARMError(e.Err)
}

func (e *PopulateError) Unwrap() error { return e.Err }

// describeARMError shortens azcore's multi-line response errors to their
// status and ARM error code; request URLs and bodies stay out.
func describeARMError(err error) string {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		if re.ErrorCode != "" {
			return fmt.Sprintf("ARM answered %d %s", re.StatusCode, re.ErrorCode)
		}
		return fmt.Sprintf("ARM answered %d %s", re.StatusCode, http.StatusText(re.StatusCode))
	}
	return err.Error()
}

// populate lists tenants, then each tenant's subscriptions in parallel.
func (m *Manager) populate(ctx context.Context, env profile.Environment, res *LoginResult, opts LoginOptions, tokenFor tokenFunc) error {
	tokenFor = memoize(tokenFor)
	copts, err := m.ARMClientOptions(env)
	if err != nil {
		return err
	}
	tc, err := armsubscriptions.NewTenantsClient(tenantCredential{tenant: opts.TenantID, get: tokenFor}, copts)
	if err != nil {
		return err
	}
	var tenants []profile.Tenant
	pager := tc.NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return &PopulateError{Err: err}
		}
		for _, t := range page.Value {
			if t == nil || t.TenantID == nil {
				continue
			}
			tenants = append(tenants, profile.Tenant{ID: *t.TenantID, DefaultDomain: deref(t.DefaultDomain), DisplayName: deref(t.DisplayName)})
		}
	}
	// Keep only the tenants this sign-in can use: the named one, or for
	// single-tenant identities their own; put the home tenant first.
	only := opts.TenantID
	if res.Account.Type == profile.ManagedIdentity || res.Account.Type == profile.AccessToken {
		only = res.Account.HomeTenantID
	}
	if only != "" {
		kept := tenants[:0:0]
		for _, t := range tenants {
			if strings.EqualFold(t.ID, only) || strings.EqualFold(t.DefaultDomain, only) {
				kept = append(kept, t)
			}
		}
		if len(kept) == 0 {
			kept = []profile.Tenant{{ID: only}}
		}
		tenants = kept
	}
	for i, t := range tenants {
		if strings.EqualFold(t.ID, res.Account.HomeTenantID) && i > 0 {
			tenants[0], tenants[i] = tenants[i], tenants[0]
		}
	}

	subs := make([][]profile.Subscription, len(tenants))
	skipped := make([]error, len(tenants))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		done     int
		total    int
		firstErr error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, m.cfg.Parallelism)
	opts.UI.progress(Progress{Tenants: len(tenants)})
	for i, t := range tenants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			tenant := t.ID
			if only != "" && strings.EqualFold(tenant, only) {
				tenant = opts.TenantID // the sign-in's own token when it named the tenant
			}
			if _, err := tokenFor(ctx, tenant); err != nil {
				// A tenant that needs interaction (MFA, consent) is skipped, as
				// az and Azure PowerShell do.
				skipped[i] = err
				return
			}
			list, err := m.listSubscriptions(ctx, copts, tenantCredential{tenant: tenant, get: tokenFor}, t.ID)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = &PopulateError{Tenant: t.ID, Err: err}
					cancel()
				}
				return
			}
			subs[i] = list
			done++
			total += len(list)
			opts.UI.progress(Progress{TenantsDone: done, Tenants: len(tenants), Subscriptions: total})
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, t := range tenants {
		if skipped[i] != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("skipped tenant %s: %v", firstNonEmpty(t.DefaultDomain, t.ID), skipped[i]))
			continue
		}
		res.Tenants = append(res.Tenants, t)
		res.Subscriptions = append(res.Subscriptions, subs[i]...)
	}
	if len(res.Tenants) == 0 && len(tenants) > 0 {
		return fmt.Errorf("signed in, but no tenant gave a token without interaction: %w", skipped[0])
	}
	if opts.Subscription != "" {
		// The chosen subscription goes first: Apply makes it the default.
		i := slices.IndexFunc(res.Subscriptions, func(s profile.Subscription) bool {
			return Enabled(s) && (strings.EqualFold(s.ID, opts.Subscription) || strings.EqualFold(s.Name, opts.Subscription))
		})
		if i < 0 {
			return fmt.Errorf("no enabled subscription %q in the %d tenant(s) of %s", opts.Subscription, len(res.Tenants), res.Account.ID)
		}
		chosen := res.Subscriptions[i]
		res.Subscriptions = append([]profile.Subscription{chosen}, slices.Delete(res.Subscriptions, i, i+1)...)
	}
	if opts.MaxContexts > 0 {
		n := 0
		for i, s := range res.Subscriptions {
			if Enabled(s) {
				n++
				if n > opts.MaxContexts {
					res.Warnings = append(res.Warnings, fmt.Sprintf("kept the first %d subscriptions (--max-contexts)", opts.MaxContexts))
					res.Subscriptions = res.Subscriptions[:i]
					break
				}
			}
		}
	}
	return nil
}

func (m *Manager) listSubscriptions(ctx context.Context, copts *arm.ClientOptions, cred azcore.TokenCredential, tenantID string) ([]profile.Subscription, error) {
	c, err := armsubscriptions.NewClient(cred, copts)
	if err != nil {
		return nil, err
	}
	var out []profile.Subscription
	pager := c.NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range page.Value {
			if s == nil || s.SubscriptionID == nil {
				continue
			}
			sub := profile.Subscription{ID: *s.SubscriptionID, Name: deref(s.DisplayName), TenantID: tenantID}
			if s.State != nil {
				sub.State = string(*s.State)
			}
			out = append(out, sub)
		}
	}
	return out, nil
}

// Enabled reports whether s gets a context (DESIGN section 4: one context
// per enabled subscription).
func Enabled(s profile.Subscription) bool {
	return s.State == "" || strings.EqualFold(s.State, "Enabled")
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// memoize keeps each tenant's token for the rest of the population, so the
// ARM pipelines' token requests never queue behind another tenant's
// refresh.
func memoize(get tokenFunc) tokenFunc {
	var mu sync.Mutex
	tokens := map[string]Token{}
	return func(ctx context.Context, tenant string) (Token, error) {
		mu.Lock()
		t, ok := tokens[tenant]
		mu.Unlock()
		if ok {
			return t, nil
		}
		t, err := get(ctx, tenant)
		if err != nil {
			return Token{}, err
		}
		mu.Lock()
		tokens[tenant] = t
		mu.Unlock()
		return t, nil
	}
}
