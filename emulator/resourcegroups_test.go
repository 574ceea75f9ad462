package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/emulator/emulatortest"
)

func groupsClient(t *testing.T, s *emulator.Server, cred azcore.TokenCredential, sub string) *armresources.ResourceGroupsClient {
	t.Helper()
	c, err := armresources.NewResourceGroupsClient(sub, cred, &arm.ClientOptions{ClientOptions: policy.ClientOptions{Cloud: cloudConfig(s), Transport: s.Client()}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func armCode(err error) (int, string) {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode, re.ErrorCode
	}
	return 0, ""
}

func groupNames(t *testing.T, c *armresources.ResourceGroupsClient) []string {
	t.Helper()
	var names []string
	pager := c.NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.Value {
			names = append(names, *g.Name)
		}
	}
	return names
}

func TestResourceGroupsWithTheGoSDK(t *testing.T) {
	t.Parallel()
	cfg := emulator.DefaultConfig()
	cfg.PageSize = 2
	s := emulatortest.Start(t, cfg)
	ctx := context.Background()
	cred := spCredential(t, s, emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, emulator.DefaultServicePrincipalSecret)
	c := groupsClient(t, s, cred, emulator.DefaultSubscriptionID)

	created, err := c.CreateOrUpdate(ctx, "rg-b", armresources.ResourceGroup{Location: to.Ptr("West US"), Tags: map[string]*string{"env": to.Ptr("ci")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if *created.ID != "/subscriptions/"+emulator.DefaultSubscriptionID+"/resourceGroups/rg-b" || *created.Location != "westus" ||
		*created.Properties.ProvisioningState != "Succeeded" || *created.Tags["env"] != "ci" {
		t.Fatalf("created %+v", created)
	}
	for _, n := range []string{"rg-a", "RG.c(1)"} {
		if _, err := c.CreateOrUpdate(ctx, n, armresources.ResourceGroup{Location: to.Ptr("westus")}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := groupNames(t, c); !slices.Equal(got, []string{"rg-a", "rg-b", "RG.c(1)"}) {
		t.Fatalf("list over pages of 2 = %v", got)
	}
	if _, err := c.Update(ctx, "RG-B", armresources.ResourceGroupPatchable{Tags: map[string]*string{"env": to.Ptr("prod")}}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(ctx, "rg-b", nil)
	if err != nil || *got.Tags["env"] != "prod" {
		t.Fatalf("get after update: %v %+v", err, got)
	}
	if _, err := c.CreateOrUpdate(ctx, "rg-b", armresources.ResourceGroup{Location: to.Ptr("eastus")}, nil); !codeIs(err, http.StatusConflict, "InvalidResourceGroupLocation") {
		t.Fatalf("moving a group: %v", err)
	}
	if ok, err := c.CheckExistence(ctx, "rg-a", nil); err != nil || !ok.Success {
		t.Fatalf("check existence: %v %+v", err, ok)
	}
	poller, err := c.BeginDelete(ctx, "rg-a", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := poller.PollUntilDone(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.CheckExistence(ctx, "rg-a", nil); err != nil || ok.Success {
		t.Fatalf("check existence after delete: %v %+v", err, ok)
	}
	if _, err := c.Get(ctx, "rg-a", nil); !codeIs(err, http.StatusNotFound, "ResourceGroupNotFound") {
		t.Fatalf("get after delete: %v", err)
	}
	if _, err := c.BeginDelete(ctx, "rg-a", nil); !codeIs(err, http.StatusNotFound, "ResourceGroupNotFound") {
		t.Fatalf("delete twice: %v", err)
	}
	if _, err := c.CreateOrUpdate(ctx, "no-location", armresources.ResourceGroup{}, nil); !codeIs(err, http.StatusBadRequest, "LocationRequired") {
		t.Fatalf("no location: %v", err)
	}
	if _, err := c.CreateOrUpdate(ctx, "ends-in-a-dot.", armresources.ResourceGroup{Location: to.Ptr("westus")}, nil); !codeIs(err, http.StatusBadRequest, "InvalidResourceGroup") {
		t.Fatalf("bad name: %v", err)
	}
}

func codeIs(err error, status int, code string) bool {
	st, c := armCode(err)
	return st == status && c == code
}

func TestResourceGroupsFollowSubscriptionVisibility(t *testing.T) {
	t.Parallel()
	const secondSub = "5a5a5a5a-0000-4000-8000-0000000000aa"
	cfg := emulator.DefaultConfig()
	cfg.Subscriptions = append(cfg.Subscriptions, emulator.Subscription{ID: secondSub, Name: "Second", Tenant: emulator.DefaultHomeTenantID})
	s := emulatortest.Start(t, cfg)
	ctx := context.Background()
	sp := spCredential(t, s, emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, emulator.DefaultServicePrincipalSecret)
	// The guest tenant's subscription is not in the token's tenant.
	if _, err := groupsClient(t, s, sp, emulator.DefaultGuestSubscriptionID).CreateOrUpdate(ctx, "x", armresources.ResourceGroup{Location: to.Ptr("westus")}, nil); !codeIs(err, http.StatusUnauthorized, "InvalidAuthenticationTokenTenant") {
		t.Fatalf("another tenant's subscription: %v", err)
	}
	// Contoso Prod names its principals, and this service principal is not one of them.
	if _, err := groupsClient(t, s, sp, "5a5a5a5a-0000-4000-8000-000000000002").Get(ctx, "x", nil); !codeIs(err, http.StatusNotFound, "SubscriptionNotFound") {
		t.Fatalf("a subscription the principal may not see: %v", err)
	}
	// A disabled subscription is read-only.
	disabled := groupsClient(t, s, sp, emulator.DefaultDisabledSubscriptionID)
	if _, err := disabled.CreateOrUpdate(ctx, "x", armresources.ResourceGroup{Location: to.Ptr("westus")}, nil); !codeIs(err, http.StatusConflict, "ReadOnlyDisabledSubscription") {
		t.Fatalf("a disabled subscription: %v", err)
	}
	if got := groupNames(t, disabled); len(got) != 0 {
		t.Fatalf("a disabled subscription lists %v", got)
	}
	// Groups are per subscription: one made in the first is not in the second.
	if _, err := groupsClient(t, s, sp, emulator.DefaultSubscriptionID).CreateOrUpdate(ctx, "only-here", armresources.ResourceGroup{Location: to.Ptr("westus")}, nil); err != nil {
		t.Fatal(err)
	}
	if got := groupNames(t, groupsClient(t, s, sp, secondSub)); len(got) != 0 {
		t.Fatalf("the second subscription lists %v", got)
	}
}

func TestUnservedARMRoutesAnswerARMErrors(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	token := spToken(t, s)
	cases := []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/subscriptions/" + emulator.DefaultSubscriptionID + "/providers/Microsoft.Compute/virtualMachines?api-version=2023-01-01", 404, "NotFound"},
		{"GET", "/subscriptions/" + emulator.DefaultSubscriptionID + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts?api-version=1", 404, "NotFound"},
		{"PUT", "/subscriptions/" + emulator.DefaultSubscriptionID + "/resourcegroups?api-version=1", 405, "MethodNotAllowed"},
		{"DELETE", "/subscriptions?api-version=1", 405, "MethodNotAllowed"},
		{"POST", "/tenants?api-version=1", 405, "MethodNotAllowed"},
		{"GET", "/subscriptions/" + emulator.DefaultSubscriptionID + "/resourcegroups?api-version=1&$filter=tagName%20eq%20%27a%27", 400, "InvalidFilterInQueryString"},
		{"PUT", "/subscriptions/" + emulator.DefaultSubscriptionID + "/resourcegroups/rg?api-version=1", 400, "InvalidRequestContent"},
		{"GET", "/providers/Microsoft.Resources/operations?api-version=1", 404, "NotFound"},
	}
	for _, tc := range cases {
		req, err := http.NewRequest(tc.method, s.URL()+tc.path, strings.NewReader("{not json"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		status, body := do(t, s, req)
		var m struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(body, &m); err != nil || status != tc.status || m.Error.Code != tc.code || m.Error.Message == "" {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, status, body)
		}
	}
}

// TestARMPathsAreCaseInsensitive: ARM reads its own path segments without regard to case,
// so `az rest --url /Subscriptions/{id}/resourceGroups` works on Azure; the emulator
// answered 404 for every spelling but its own.
func TestARMPathsAreCaseInsensitive(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	token := spToken(t, s)
	sub := emulator.DefaultSubscriptionID
	for _, tc := range []struct{ method, path string }{
		{"GET", "/Tenants?api-version=2022-12-01"},
		{"GET", "/SUBSCRIPTIONS?api-version=2022-12-01"},
		{"GET", "/Subscriptions/" + sub + "?api-version=2022-12-01"},
		{"PUT", "/Subscriptions/" + sub + "/ResourceGroups/rg-case?api-version=2021-04-01"},
		{"GET", "/subscriptions/" + sub + "/RESOURCEGROUPS?api-version=2021-04-01"},
		{"GET", "/SubScriptions/" + sub + "/Locations?api-version=2022-12-01"},
	} {
		req, err := http.NewRequest(tc.method, s.URL()+tc.path, strings.NewReader(`{"location":"westus"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if status, body := do(t, s, req); status != http.StatusOK && status != http.StatusCreated {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, status, body)
		}
	}
}

func spToken(t *testing.T, s *emulator.Server) string {
	t.Helper()
	tok, err := spCredential(t, s, emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, emulator.DefaultServicePrincipalSecret).
		GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	return tok.Token
}

func TestLocationsWithTheGoSDK(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	cred := spCredential(t, s, emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID, emulator.DefaultServicePrincipalSecret)
	subs, _ := armClients(t, s, cred)
	names := map[string]string{}
	pager := subs.NewListLocationsPager(emulator.DefaultSubscriptionID, nil)
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range page.Value {
			names[*l.DisplayName] = *l.Name
		}
	}
	if names["West Europe"] != "westeurope" || names["East US"] != "eastus" {
		t.Fatalf("locations: %v", names)
	}
	pager = subs.NewListLocationsPager(emulator.DefaultGuestSubscriptionID, nil)
	if _, err := pager.NextPage(context.Background()); !codeIs(err, http.StatusUnauthorized, "InvalidAuthenticationTokenTenant") {
		t.Fatalf("locations of another tenant's subscription: %v", err)
	}
}

// TestAResourceGroupARMWouldRefuseIsRefused: a body ARM refuses gets ARM's
// 400, and nothing is kept: JSON with more after it, a location that is no
// region, and tags past ARM's lengths (512 for a name, 256 for a value),
// which also bound what 980 groups of a subscription hold in memory.
func TestAResourceGroupARMWouldRefuseIsRefused(t *testing.T) {
	t.Parallel()
	s, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	token := armTokenFor(t, s)
	groups := "https://127.0.0.1:1/subscriptions/" + emulator.DefaultSubscriptionID + "/resourcegroups"
	send := func(method, target, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target+"?api-version=2021-04-01", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, tc := range []struct {
		name, body, code string
	}{
		{"JSON with text after it", `{"location":"westus"} and more`, "InvalidRequestContent"},
		{"two JSON objects", `{"location":"westus"}{"location":"eastus"}`, "InvalidRequestContent"},
		{"a location that is no region", `{"location":"nowhere"}`, "LocationNotAvailableForResourceGroup"},
		{"a location with a NUL", `{"location":"west\u0000us"}`, "LocationNotAvailableForResourceGroup"},
		{"a location of 900 KB", `{"location":"` + long(900<<10) + `"}`, "LocationNotAvailableForResourceGroup"},
		{"a tag name of 513 characters", `{"location":"westus","tags":{"` + long(513) + `":"v"}}`, "InvalidTagNameLength"},
		{"a tag value of 257 characters", `{"location":"westus","tags":{"k":"` + long(257) + `"}}`, "InvalidTagValueLength"},
		{"a tag of 900 KB", `{"location":"westus","tags":{"k":"` + long(900<<10) + `"}}`, "InvalidTagValueLength"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := send(http.MethodPut, groups+"/refused", tc.body)
			var got struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusBadRequest || got.Error.Code != tc.code {
				t.Errorf("status %d, body %.300s; want 400 %s", rec.Code, rec.Body, tc.code)
			}
			if rec.Body.Len() > 4<<10 {
				t.Errorf("the answer is %d bytes long: it repeats the request", rec.Body.Len())
			}
		})
	}
	if rec := send(http.MethodGet, groups+"/refused", ""); rec.Code != http.StatusNotFound {
		t.Errorf("a refused group was kept: status %d, body %.300s", rec.Code, rec.Body)
	}
	if rec := send(http.MethodPut, groups+"/kept", `{"location":"West Europe","tags":{"`+long(512)+`":"`+long(256)+`"}}`); rec.Code != http.StatusCreated {
		t.Errorf("a group at ARM's limits: status %d, body %.300s; want 201", rec.Code, rec.Body)
	}
	if rec := send(http.MethodPatch, groups+"/kept", `{"tags":{"k":"`+long(257)+`"}}`); rec.Code != http.StatusBadRequest {
		t.Errorf("a PATCH with a tag past ARM's limit: status %d, body %.300s; want 400", rec.Code, rec.Body)
	}
}
