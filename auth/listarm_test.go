package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// staticToken stands in for a sign-in's token: what is tested is how
// listARM follows the pages of an ARM that misbehaves, which the emulator,
// paging as ARM does, never does.
type staticToken struct{}

func (staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// armServing starts a TLS server answering every GET with page(r) and
// returns the options that make listARM use it as ARM.
func armServing(t *testing.T, page func(r *http.Request) any) *arm.ClientOptions {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page(r))
	}))
	t.Cleanup(srv.Close)
	return &arm.ClientOptions{
		ClientOptions: policy.ClientOptions{
			Cloud: cloud.Configuration{Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
				cloud.ResourceManager: {Endpoint: srv.URL, Audience: "https://management.core.windows.net/"},
			}},
			Transport: srv.Client(),
		},
		DisableRPRegistration: true,
	}
}

// A nextLink that leads back to a page already read is an error naming
// it: followed, it would list the same subscriptions for ever, the sign-in
// never ending and its memory growing.
func TestListingStopsAtANextLinkThatLoops(t *testing.T) {
	t.Parallel()
	copts := armServing(t, func(r *http.Request) any {
		n, _ := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
		link := "https://" + r.Host + r.URL.Path + "?api-version=" + armAPIVersion + "&$skiptoken=" + strconv.Itoa((n+1)%3)
		return map[string]any{"value": []armSubscription{{SubscriptionID: "s" + strconv.Itoa(n)}}, "nextLink": link}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pages := 0
	err := listARM(ctx, staticToken{}, copts, "/subscriptions", func([]armSubscription) { pages++ })
	if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "loop") {
		t.Fatalf("after %d pages: %v, want an error saying the pages loop", pages, err)
	}
}

// A listing of more items than a profile can hold is refused as it
// grows, not kept in memory until the write refuses it.
func TestListingStopsPastWhatAProfileCanHold(t *testing.T) {
	t.Parallel()
	const perPage = 100_000
	items := make([]struct{}, perPage)
	copts := armServing(t, func(r *http.Request) any {
		n, _ := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
		return map[string]any{"value": items, "nextLink": "https://" + r.Host + r.URL.Path + "?api-version=" + armAPIVersion + "&$skiptoken=" + strconv.Itoa(n+1)}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	total := 0
	err := listARM(ctx, staticToken{}, copts, "/subscriptions", func(page []armSubscription) { total += len(page) })
	if err == nil || ctx.Err() != nil || total > maxListed {
		t.Fatalf("after %d items: %v, want an error before more than %d", total, err, maxListed)
	}
}
