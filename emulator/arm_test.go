package emulator_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"github.com/google/go-cmp/cmp"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/emulator/emulatortest"
)

func cloudConfig(s *emulator.Server) cloud.Configuration {
	return cloud.Configuration{
		ActiveDirectoryAuthorityHost: s.AuthorityHost(),
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Audience: s.ARMAudience(), Endpoint: s.ARMEndpoint()},
		},
	}
}

func armClients(t *testing.T, s *emulator.Server, cred azcore.TokenCredential) (*armsubscriptions.Client, *armsubscriptions.TenantsClient) {
	t.Helper()
	opts := &arm.ClientOptions{ClientOptions: policy.ClientOptions{Cloud: cloudConfig(s), Transport: s.Client()}}
	subs, err := armsubscriptions.NewClient(cred, opts)
	if err != nil {
		t.Fatal(err)
	}
	tenants, err := armsubscriptions.NewTenantsClient(cred, opts)
	if err != nil {
		t.Fatal(err)
	}
	return subs, tenants
}

func spCredential(t *testing.T, s *emulator.Server, tenant, clientID, secret string) azcore.TokenCredential {
	t.Helper()
	cred, err := azidentity.NewClientSecretCredential(tenant, clientID, secret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            azcore.ClientOptions{Cloud: cloudConfig(s), Transport: s.Client()},
		DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return cred
}

func TestARMPagesThroughAThousandSubscriptions(t *testing.T) {
	t.Parallel()
	cfg := emulator.DefaultConfig()
	cfg.Generate = &emulator.Generate{Tenants: 1, SubscriptionsPerTenant: 1000}
	cfg.PageSize = 100
	s := emulatortest.Start(t, cfg)
	ctx := context.Background()
	cred := spCredential(t, s, "generated-0001.test", emulator.DefaultServicePrincipalID, emulator.DefaultServicePrincipalSecret)
	subs, tenants := armClients(t, s, cred)

	seen := map[string]bool{}
	pager := subs.NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, sub := range page.Value {
			if seen[*sub.SubscriptionID] {
				t.Fatalf("subscription %s listed twice", *sub.SubscriptionID)
			}
			seen[*sub.SubscriptionID] = true
		}
	}
	if len(seen) != 1000 {
		t.Fatalf("listed %d subscriptions, want 1000", len(seen))
	}
	if n := s.Count(emulator.RouteSubscriptions, ""); n != 10 {
		t.Fatalf("%d subscription pages, want 10", n)
	}

	var got []string
	tp := tenants.NewListPager(nil)
	for tp.More() {
		page, err := tp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tn := range page.Value {
			got = append(got, *tn.DefaultDomain)
		}
	}
	slices.Sort(got)
	if diff := cmp.Diff([]string{emulator.DefaultHomeTenantDomain, "generated-0001.test"}, got); diff != "" {
		t.Fatalf("tenants (-want +got):\n%s", diff)
	}
}

func listSubscriptions(t *testing.T, s *emulator.Server, token string) []string {
	t.Helper()
	status, body := armGet(t, s, s.URL()+"/subscriptions?api-version=2016-06-01", token)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var page struct {
		Value []struct {
			DisplayName string `json:"displayName"`
			State       string `json:"state"`
		} `json:"value"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range page.Value {
		names = append(names, v.DisplayName+"/"+v.State)
	}
	return names
}

func TestARMShowsEachPrincipalOnlyItsSubscriptions(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	ctx := context.Background()
	secret, _ := confidential.NewCredFromSecret(emulator.DefaultServicePrincipalSecret)
	sp, err := newConfidential(t, s, emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, secret).AcquireTokenByCredential(ctx, []string{armScope})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Contoso Dev/Enabled", "Contoso Legacy/Disabled"}, listSubscriptions(t, s, sp.AccessToken)); diff != "" {
		t.Errorf("service principal (-want +got):\n%s", diff)
	}

	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	c := newPublic(t, s, "organizations")
	dc, err := c.AcquireTokenByDeviceCode(ctx, []string{armScope})
	if err != nil {
		t.Fatal(err)
	}
	home, err := dc.AuthenticationResult(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Contoso Dev/Enabled", "Contoso Prod/Enabled", "Contoso Legacy/Disabled"}, listSubscriptions(t, s, home.AccessToken)); diff != "" {
		t.Errorf("user in home tenant (-want +got):\n%s", diff)
	}
	guest, err := c.AcquireTokenSilent(ctx, []string{armScope}, public.WithSilentAccount(home.Account), public.WithTenantID(emulator.DefaultGuestTenantID))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Fabrikam Shared/Enabled"}, listSubscriptions(t, s, guest.AccessToken)); diff != "" {
		t.Errorf("user in guest tenant (-want +got):\n%s", diff)
	}
	status, body := armGet(t, s, s.URL()+"/subscriptions/"+emulator.DefaultSubscriptionID+"?api-version=2022-12-01", home.AccessToken)
	if status != http.StatusOK {
		t.Errorf("get subscription: %d %s", status, body)
	}
	status, _ = armGet(t, s, s.URL()+"/subscriptions/"+emulator.DefaultGuestSubscriptionID+"?api-version=2022-12-01", home.AccessToken)
	if status != http.StatusUnauthorized {
		t.Errorf("get subscription of another tenant: %d, want 401 (InvalidAuthenticationTokenTenant)", status)
	}
}

func TestARMRefusesBadTokens(t *testing.T) {
	t.Parallel()
	s, clock := startWithClock(t, emulator.DefaultConfig())
	other := emulatortest.Start(t, nil)
	ctx := context.Background()
	token := func(s *emulator.Server, scope string) string {
		secret, _ := confidential.NewCredFromSecret(emulator.DefaultServicePrincipalSecret)
		res, err := newConfidential(t, s, emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, secret).AcquireTokenByCredential(ctx, []string{scope})
		if err != nil {
			t.Fatal(err)
		}
		return res.AccessToken
	}
	expiring := token(s, armScope)
	clock.Advance(2 * time.Hour)
	graph := token(s, "https://graph.microsoft.com/.default")
	foreign := token(other, armScope)
	cases := []struct {
		name, header, code string
	}{
		{"a missing header", "", "AuthenticationFailed"},
		{"a non-bearer scheme", "Basic abc", "AuthenticationFailed"},
		{"garbage", "Bearer abc", "InvalidAuthenticationToken"},
		{"a token for another audience", "Bearer " + graph, "InvalidAuthenticationToken"},
		{"a token signed by another emulator", "Bearer " + foreign, "InvalidAuthenticationToken"},
		{"an expired token", "Bearer " + expiring, "ExpiredAuthenticationToken"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" gets 401 "+tc.code, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, s.URL()+"/tenants?api-version=2022-12-01", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			status, body := do(t, s, req)
			var e struct {
				Error struct{ Code string } `json:"error"`
			}
			_ = json.Unmarshal(body, &e)
			if status != http.StatusUnauthorized || e.Error.Code != tc.code {
				t.Fatalf("status %d body %s", status, body)
			}
		})
	}
}

// TestARMRefusesARequestWithoutAPIVersion: ARM answers a signed-in request without
// api-version with 400 MissingApiVersionParameter (a request without a token gets its 401
// first); the emulator answered 200 and a nextLink with an empty api-version, so a client
// that forgot the parameter worked here and failed against Azure.
func TestARMRefusesARequestWithoutAPIVersion(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	token := armTokenFor(t, s)
	sub := "/subscriptions/" + emulator.DefaultSubscriptionID
	for _, path := range []string{"/tenants", "/subscriptions", sub, sub + "/locations", sub + "/resourcegroups", sub + "/resourcegroups/rg", "/tenants?api-version="} {
		status, body := armGet(t, s, s.URL()+path, token)
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		if status != http.StatusBadRequest || e.Error.Code != "MissingApiVersionParameter" {
			t.Errorf("GET %s: %d %s", path, status, body)
		}
	}
	if status, body := armGet(t, s, s.URL()+"/subscriptions", ""); status != http.StatusUnauthorized {
		t.Errorf("GET /subscriptions without a token or api-version: %d %s", status, body)
	}
}

// TestARMSaysWhichTenantASubscriptionIsIn: a token for one tenant used on a subscription
// of another gets ARM's 401 InvalidAuthenticationTokenTenant, whose message and
// WWW-Authenticate header name the authority to ask instead, as on Azure; the emulator
// answered 404 SubscriptionNotFound, as if the subscription did not exist.
func TestARMSaysWhichTenantASubscriptionIsIn(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	token := armTokenFor(t, s)
	guest := "/subscriptions/" + emulator.DefaultGuestSubscriptionID
	for _, path := range []string{guest, guest + "/locations", guest + "/resourcegroups", guest + "/resourcegroups/rg"} {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+path+"?api-version=2022-12-01", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		authority := s.URL() + "/" + emulator.DefaultGuestTenantID
		if resp.StatusCode != http.StatusUnauthorized || e.Error.Code != "InvalidAuthenticationTokenTenant" ||
			!strings.Contains(e.Error.Message, "'https://sts.windows.net/"+emulator.DefaultGuestTenantID+"/' associated with this subscription") ||
			!strings.Contains(e.Error.Message, "'"+authority+"'") ||
			!strings.Contains(resp.Header.Get("WWW-Authenticate"), `authorization_uri="`+authority+`"`) {
			t.Errorf("GET %s: %d %+v, WWW-Authenticate %q", path, resp.StatusCode, e.Error, resp.Header.Get("WWW-Authenticate"))
		}
	}
	if status, body := armGet(t, s, s.URL()+"/subscriptions/5a5a5a5a-0000-4000-8000-00000000dead?api-version=2022-12-01", token); status != http.StatusNotFound {
		t.Errorf("a subscription that does not exist: %d %s", status, body)
	}
}

// TestSubscriptionPrincipalsNameObjectIDsInAnyCase: a subscription's principals may name
// an app's or a managed identity's object id, compared without case as user object ids
// are, whichever case the seed writes either in.
func TestSubscriptionPrincipalsNameObjectIDsInAnyCase(t *testing.T) {
	t.Parallel()
	const appOID, miOID = "BBBBBBBB-0000-4000-8000-00000000000A", "BBBBBBBB-0000-4000-8000-00000000000B"
	cfg := emulator.DefaultConfig()
	cfg.Apps[0].ObjectID = appOID
	cfg.ManagedIdentities[0].ObjectID = miOID
	cfg.Subscriptions = append(cfg.Subscriptions, emulator.Subscription{ID: "5a5a5a5a-0000-4000-8000-0000000000aa", Name: "By Object ID",
		Tenant: emulator.DefaultHomeTenantID, Principals: []string{strings.ToLower(appOID), strings.ToLower(miOID)}})
	s := emulatortest.Start(t, cfg)
	endpoint, header := s.ManagedIdentityEndpoint()
	req, _ := http.NewRequest(http.MethodGet, endpoint+"?api-version=2019-08-01&resource=https://management.azure.com", nil)
	req.Header.Set("X-IDENTITY-HEADER", header)
	status, body := do(t, s, req)
	var mi struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &mi); err != nil || status != http.StatusOK {
		t.Fatalf("managed identity token: %d %s", status, body)
	}
	for who, token := range map[string]string{"service principal": spToken(t, s), "managed identity": mi.AccessToken} {
		if got := listSubscriptions(t, s, token); !slices.Contains(got, "By Object ID/Enabled") {
			t.Errorf("the %s sees %v, not the subscription that names its object id", who, got)
		}
	}
}
