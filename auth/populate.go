package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azcontext/azc/profile"
)

// tokenFunc serves population's ARM tokens, per tenant ("" = the sign-in's).
type tokenFunc func(ctx context.Context, tenant string) (Token, error)

// namedTenant is the tenant that name, given to --tenant, names where the
// tenant list names none by it: a domain other than a tenant's default one
// (a verified custom domain) is the tenant of the id its token's tid claim
// carries, so that contexts name the tenant by its id, as they do when
// --tenant gives the id or the default domain. Without that claim the name
// stays.
func namedTenant(ctx context.Context, name string, listed []profile.Tenant, tokenFor tokenFunc) profile.Tenant {
	if profile.IsTenantID(name) {
		return profile.Tenant{ID: name}
	}
	tok, err := tokenFor(ctx, name)
	if err != nil {
		return profile.Tenant{ID: name}
	}
	tid := claimString(tok.AccessToken.Reveal(), "tid")
	if !profile.IsTenantID(tid) {
		return profile.Tenant{ID: name}
	}
	for _, t := range listed {
		if t.Named(tid) {
			return t
		}
	}
	return profile.Tenant{ID: tid, DefaultDomain: name}
}

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
// the Manager's HTTP client and retry policy, for any ARM client
// (armsubscriptions and the like).
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
			// a population reports each try sent again (Progress.Retry)
			PerCallPolicies:  []policy.Policy{retryCounting{}},
			PerRetryPolicies: []policy.Policy{retryNotice{tryTimeout: m.cfg.Retry.TryTimeout, maxTries: armTries(m.cfg.Retry)}},
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

// Status is the HTTP status of ARM's answer, or 0 when none came.
func (e *PopulateError) Status() int {
	var re *azcore.ResponseError
	if errors.As(e.Err, &re) {
		return re.StatusCode
	}
	return 0
}

// Refused reports whether ARM refused the sign-in's token (401, 403),
// which no retry cures.
func (e *PopulateError) Refused() bool {
	return e.Status() == http.StatusUnauthorized || e.Status() == http.StatusForbidden
}

// describeARMError shortens azcore's multi-line response errors to their
// status and ARM error code, and a request that got no answer (after its
// retries) to ARM's host and what went wrong; request URLs and bodies stay
// out.
func describeARMError(err error) string {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		if re.ErrorCode != "" {
			return fmt.Sprintf("ARM answered %d %s", re.StatusCode, re.ErrorCode)
		}
		return fmt.Sprintf("ARM answered %d %s", re.StatusCode, http.StatusText(re.StatusCode))
	}
	var ue *url.Error
	if errors.As(err, &ue) && !errors.Is(err, context.Canceled) {
		host := ue.URL
		if u, perr := url.Parse(ue.URL); perr == nil {
			host = u.Host
		}
		if ue.Timeout() {
			return "ARM at " + host + " did not answer in time"
		}
		return "no answer from ARM at " + host + ": " + ue.Err.Error()
	}
	return err.Error()
}

// armAPIVersion is the version of the Microsoft.Resources tenants and
// subscriptions APIs population calls (armsubscriptions v1.3.0's).
const armAPIVersion = "2022-12-01"

// armTenant and armSubscription are the fields population reads of ARM's
// tenant and subscription objects; decoding only these keeps the listing
// of 10,000 subscriptions off the CPU the token chain needs.
type armTenant struct {
	TenantID      string `json:"tenantId"`
	DefaultDomain string `json:"defaultDomain"`
	DisplayName   string `json:"displayName"`
}

type armSubscription struct {
	SubscriptionID string `json:"subscriptionId"`
	DisplayName    string `json:"displayName"`
	State          string `json:"state"`
}

// maxListed bounds the items of one listing: a profile holds at most
// 500,000 objects, and each subscription's context is several. maxPages
// bounds its pages: ARM pages a listing by a hundred items or more, so a
// listing within maxListed takes at most 5,000.
const (
	maxListed = 500_000
	maxPages  = 10_000
)

// listARM GETs path from ARM with cred through the Manager's pipeline
// (retries included) and hands each page's items to page, following
// nextLink.
func listARM[T any](ctx context.Context, cred azcore.TokenCredential, copts *arm.ClientOptions, path string, page func([]T)) error {
	c, err := arm.NewClient("azc", "v1.0.0", cred, copts)
	if err != nil {
		return err
	}
	next := runtime.JoinPaths(c.Endpoint(), path) + "?api-version=" + armAPIVersion
	seen := map[string]bool{}
	listed := 0
	for next != "" {
		// An ARM that misbehaves (a nextLink back to a page read before, or
		// pages past what a profile can hold) would keep the sign-in
		// listing for ever, its memory growing.
		if seen[next] {
			return fmt.Errorf("ARM's pages loop: the next page of %s is %s, a page it gave before", path, profile.QuoteShort(next))
		}
		if len(seen) == maxPages {
			return fmt.Errorf("ARM gave more than %d pages of %s", maxPages, path)
		}
		seen[next] = true
		req, err := runtime.NewRequest(ctx, http.MethodGet, next)
		if err != nil {
			return err
		}
		req.Raw().Header["Accept"] = []string{"application/json"}
		resp, err := c.Pipeline().Do(req)
		if err != nil {
			return err
		}
		if !runtime.HasStatusCode(resp, http.StatusOK) {
			return runtime.NewResponseError(resp)
		}
		var body struct {
			Value    []T    `json:"value"`
			NextLink string `json:"nextLink"`
		}
		payload, err := runtime.Payload(resp)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(payload, &body); err != nil {
			return fmt.Errorf("ARM's answer could not be read: %w", err)
		}
		if listed += len(body.Value); listed > maxListed {
			return fmt.Errorf("ARM listed more than %d items of %s, more than a profile can hold", maxListed, path)
		}
		page(body.Value)
		next = body.NextLink
	}
	return nil
}

// tenantWork is one tenant's part of a population.
type tenantWork struct {
	tenant  profile.Tenant
	subs    []profile.Subscription
	skipped error // the tenant's token needs interaction, or ARM refused it
	// unexportable says why each subscription left out was: azc exec could
	// not give its id to a child (profile.CheckExported).
	unexportable []error
}

// populate lists tenants and each tenant's subscriptions. A tenant's work
// (its token, then its subscriptions) starts as soon as the page naming it
// arrives, at most Config.Parallelism tenants at a time, so that when
// tokens are redeemed one after another (a rotating refresh token) each
// tenant's listing overlaps the next tenant's redemption.
func (m *Manager) populate(ctx context.Context, env profile.Environment, res *LoginResult, opts LoginOptions, tokenFor tokenFunc) error {
	tokenFor = memoize(tokenFor)
	copts, err := m.ARMClientOptions(env)
	if err != nil {
		return err
	}
	// Keep only the tenants this sign-in can use: the named one, or for
	// single-tenant identities their own.
	only := opts.TenantID
	if res.Account.OneTenant() {
		only = res.Account.HomeTenantID
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex // also orders the tenants' reports of progress
		work     []*tenantWork
		listed   bool // every tenant is known: progress may report the total
		done     int
		total    int
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
	}
	progress := func() {
		if listed {
			opts.UI.progress(Progress{TenantsDone: done, Tenants: len(work), Subscriptions: total})
		}
	}
	// A retry's report, from any tenant's request, takes mu as a count's
	// does: UI.Progress is called one report at a time.
	ctx = withRetryNotice(ctx, func(r Retry) {
		mu.Lock()
		defer mu.Unlock()
		opts.UI.progress(Progress{Retry: &r})
	})
	sem := make(chan struct{}, m.cfg.Parallelism)
	start := func(t profile.Tenant) {
		w := &tenantWork{tenant: t}
		mu.Lock()
		work = append(work, w)
		mu.Unlock()
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
				// The sign-in's own token when it named the tenant by its id.
				// Not when --tenant gave its default domain (which the filter
				// below accepts, Tenant.Named): MSAL files that token under
				// the domain, where no later command looks, so the tenant's
				// token is asked for by its id here, once, rather than by the
				// first command after the sign-in.
				tenant = opts.TenantID
			}
			if _, err := tokenFor(ctx, tenant); err != nil {
				if ctx.Err() != nil {
					return
				}
				// A tenant that needs interaction (MFA, consent) is skipped, as
				// az and Azure PowerShell do.
				mu.Lock()
				w.skipped = err
				done++
				progress()
				mu.Unlock()
				return
			}
			var subs []profile.Subscription
			var unexportable []error
			err := listARM(ctx, tenantCredential{tenant: tenant, get: tokenFor}, copts, "/subscriptions", func(page []armSubscription) {
				for _, s := range page {
					if s.SubscriptionID == "" {
						continue
					}
					if err := profile.CheckExported(s.SubscriptionID); err != nil {
						unexportable = append(unexportable, err)
						continue
					}
					subs = append(subs, profile.Subscription{ID: s.SubscriptionID, Name: s.DisplayName, State: s.State, TenantID: t.ID})
				}
			})
			if err != nil {
				pe := &PopulateError{Tenant: t.ID, Err: err}
				if ctx.Err() == nil && pe.Refused() {
					// ARM refuses this tenant (no retry cures that): it is
					// skipped with a warning, as a tenant whose token needs
					// interaction is, and the others still populate.
					mu.Lock()
					w.skipped = pe
					done++
					progress()
					mu.Unlock()
					return
				}
				fail(pe)
				return
			}
			mu.Lock()
			w.subs, w.unexportable = subs, unexportable
			done++
			total += len(subs)
			progress()
			mu.Unlock()
		}()
	}

	opts.UI.progress(Progress{Listing: true})
	matched := false
	var others []profile.Tenant // listed, not named by only
	err = listARM(ctx, tenantCredential{tenant: opts.TenantID, get: tokenFor}, copts, "/tenants", func(page []armTenant) {
		for _, t := range page {
			if t.TenantID == "" {
				continue
			}
			pt := profile.Tenant{ID: t.TenantID, DefaultDomain: t.DefaultDomain, DisplayName: t.DisplayName}
			if only != "" && !pt.Named(only) {
				others = append(others, pt)
				continue
			}
			matched = true
			start(pt)
		}
	})
	if err != nil {
		fail(&PopulateError{Err: err})
	} else if only != "" && !matched {
		start(namedTenant(ctx, only, others, tokenFor))
	}
	mu.Lock()
	listed = true
	if err == nil {
		progress()
	}
	mu.Unlock()
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The home tenant goes first.
	for i, w := range work {
		if strings.EqualFold(w.tenant.ID, res.Account.HomeTenantID) && i > 0 {
			work[0], work[i] = work[i], work[0]
		}
	}
	for _, w := range work {
		if w.skipped != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("skipped tenant %s: %v", firstNonEmpty(w.tenant.DefaultDomain, w.tenant.ID), w.skipped))
			continue
		}
		for _, err := range w.unexportable {
			res.Warnings = append(res.Warnings, fmt.Sprintf("skipped a subscription of tenant %s: its id %v, which azc exec cannot export", firstNonEmpty(w.tenant.DefaultDomain, w.tenant.ID), err))
		}
		res.Tenants = append(res.Tenants, w.tenant)
		res.Subscriptions = append(res.Subscriptions, w.subs...)
	}
	if len(res.Tenants) == 0 && len(work) > 0 {
		return fmt.Errorf("signed in, but every tenant was skipped: %w", work[0].skipped)
	}
	if opts.Subscription != "" {
		// The chosen subscription goes first: Apply makes it the default.
		// A name that two subscriptions hold names neither, as every
		// --subscription takes one (profile.SubscriptionIndex).
		i, ids, seen := -1, []string{}, map[string]bool{}
		for j, s := range res.Subscriptions {
			if !Enabled(s) || !s.Named(opts.Subscription) {
				continue
			}
			if i < 0 {
				i = j
			}
			if k := profile.NameKey(s.ID); !seen[k] {
				seen[k] = true
				ids = append(ids, s.ID)
			}
		}
		if i < 0 {
			tenants := "the tenant"
			if n := len(res.Tenants); n != 1 {
				tenants = fmt.Sprintf("the %d tenants", n)
			}
			return fmt.Errorf("no enabled subscription %s in %s of %s", profile.QuoteShort(opts.Subscription), tenants, res.Account.ID)
		}
		if len(ids) > 1 {
			more := ""
			if len(ids) > 10 {
				ids, more = ids[:10], fmt.Sprintf(" and %d more", len(ids)-10)
			}
			return fmt.Errorf("subscription %s is ambiguous: it names the subscriptions %s%s of %s; sign in again with --subscription and one of the ids",
				profile.QuoteShort(opts.Subscription), strings.Join(ids, ", "), more, res.Account.ID)
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
					kept := fmt.Sprintf("kept the first %d subscriptions (--max-contexts)", opts.MaxContexts)
					if opts.MaxContexts == 1 {
						kept = "kept the first subscription (--max-contexts)"
					}
					res.Warnings = append(res.Warnings, kept)
					res.Subscriptions = res.Subscriptions[:i]
					break
				}
			}
		}
	}
	return nil
}

// Enabled reports whether s gets a context: an enabled subscription, or a
// warned one (a billing warning; it still works), as Azure PowerShell's
// sign-in takes "Enabled or Warned" subscriptions (docs/auth.md).
func Enabled(s profile.Subscription) bool {
	return s.State == "" || strings.EqualFold(s.State, "Enabled") || strings.EqualFold(s.State, "Warned")
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
