package emulator_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"

	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/emulator/emulatortest"
)

// startImpersonating starts an emulator with its impersonating proxy.
func startImpersonating(t *testing.T, cfg *emulator.Config) *emulator.Server {
	t.Helper()
	s := emulatortest.Start(t, cfg)
	if err := s.ListenProxy("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	return s
}

// proxyClient sends every request through the emulator's proxy and trusts only its CA,
// as a tool configured with nothing but HTTPS_PROXY and the CA does.
func proxyClient(t *testing.T, s *emulator.Server) *http.Client {
	t.Helper()
	pu, err := url.Parse(s.ProxyURL())
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: &http.Transport{
		Proxy:           http.ProxyURL(pu),
		TLSClientConfig: &tls.Config{RootCAs: s.CertPool(), MinVersion: tls.VersionTLS12},
	}}
}

func getThrough(t *testing.T, c *http.Client, u string) (int, map[string]any) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("%s: answer is not a JSON object: %v", u, err)
	}
	return resp.StatusCode, m
}

func TestTheAzureSDKSignsInToThePublicCloudThroughTheProxy(t *testing.T) {
	t.Parallel()
	s := startImpersonating(t, nil)
	c := proxyClient(t, s)
	// The SDK's defaults: the public cloud, instance discovery on.
	cred, err := azidentity.NewClientSecretCredential(emulator.DefaultHomeTenantID, emulator.DefaultServicePrincipalID,
		emulator.DefaultServicePrincipalSecret, &azidentity.ClientSecretCredentialOptions{ClientOptions: azcore.ClientOptions{Transport: c}})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := armsubscriptions.NewClient(cred, &arm.ClientOptions{ClientOptions: policy.ClientOptions{Transport: c}})
	if err != nil {
		t.Fatal(err)
	}
	pager := subs.NewListPager(nil)
	var ids []string
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, sub := range page.Value {
			ids = append(ids, *sub.SubscriptionID)
		}
	}
	if !slices.Contains(ids, emulator.DefaultSubscriptionID) {
		t.Fatalf("subscriptions through management.azure.com = %v, want %s among them", ids, emulator.DefaultSubscriptionID)
	}
	if s.Count(emulator.RouteToken, "client_credentials") != 1 || s.Count(emulator.RouteSubscriptions, "") == 0 {
		t.Fatal("the emulator did not answer the sign-in and the list")
	}

	// MSAL Go with an authority on login.microsoftonline.com: the issuer it checks is the public host.
	cc, err := confidential.NewCredFromSecret(emulator.DefaultServicePrincipalSecret)
	if err != nil {
		t.Fatal(err)
	}
	app, err := confidential.New("https://login.microsoftonline.com/"+emulator.DefaultHomeTenantDomain, emulator.DefaultServicePrincipalID, cc,
		confidential.WithHTTPClient(c), confidential.WithAzureRegion("DisableMsalForceRegion"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.AcquireTokenByCredential(context.Background(), []string{"https://management.azure.com/.default"}); err != nil {
		t.Fatal(err)
	}
	status, m := getThrough(t, c, "https://login.microsoftonline.com/"+emulator.DefaultHomeTenantID+"/v2.0/.well-known/openid-configuration")
	if status != http.StatusOK || m["issuer"] != "https://login.microsoftonline.com/"+emulator.DefaultHomeTenantID+"/v2.0" ||
		m["token_endpoint"] != "https://login.microsoftonline.com/"+emulator.DefaultHomeTenantID+"/oauth2/v2.0/token" ||
		m["cloud_instance_name"] != "microsoftonline.com" {
		t.Fatalf("openid configuration through the proxy: %d %v", status, m)
	}
}

// rawProxy sends one request line to the proxy and reads its answer.
func rawProxy(t *testing.T, s *emulator.Server, request string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.ProxyURL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func TestTheProxyRefusesWhatItDoesNotImpersonate(t *testing.T) {
	t.Parallel()
	s := startImpersonating(t, nil)
	var mu sync.Mutex
	var refused []string
	s.OnRefusedConnect(func(target string) {
		mu.Lock()
		refused = append(refused, target)
		mu.Unlock()
	})
	for _, target := range []string{"example.com:443", "graph.microsoft.com:443", "login.microsoftonline.com:80", "management.azure.com"} {
		resp, body := rawProxy(t, s, "CONNECT "+target+" HTTP/1.1\r\nHost: "+target+"\r\n\r\n")
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "refusing CONNECT to \""+target+"\"") || !strings.Contains(body, "login.microsoftonline.com") {
			t.Errorf("CONNECT %s: %s %q", target, resp.Status, body)
		}
	}
	resp, body := rawProxy(t, s, "GET http://management.azure.com/tenants HTTP/1.1\r\nHost: management.azure.com\r\n\r\n")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "only tunnels HTTPS") {
		t.Errorf("plain GET through the proxy: %s %q", resp.Status, body)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(refused) != 4 || refused[0] != "example.com:443" {
		t.Errorf("refused CONNECTs reported: %q", refused)
	}
	// The emulator's own address is tunnelled, for clients that proxy loopback too.
	status, m := getThrough(t, proxyClient(t, s), s.URL()+emulator.HookPath+"/devicecodes")
	if status != http.StatusOK || m["pending"] == nil {
		t.Errorf("hook through the proxy: %d %v", status, m)
	}
}

func TestInstanceDiscoveryAnswersAsEntraID(t *testing.T) {
	t.Parallel()
	s := startImpersonating(t, nil)
	c := proxyClient(t, s)
	own := strings.TrimPrefix(s.URL(), "https://")
	discover := func(authorize string) (int, map[string]any) {
		q := url.Values{"api-version": {"1.1"}}
		if authorize != "" {
			q.Set("authorization_endpoint", authorize)
		}
		return getThrough(t, c, "https://login.microsoftonline.com/common/discovery/instance?"+q.Encode())
	}
	cases := []struct {
		authorize, tenantDiscovery, firstAlias string
	}{
		{"https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize", "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration", "login.microsoftonline.com"},
		{"https://login.windows.net/contoso.test/oauth2/authorize", "https://login.windows.net/contoso.test/.well-known/openid-configuration", "login.microsoftonline.com"},
		{"https://login.microsoftonline.us/common/oauth2/v2.0/authorize", "https://login.microsoftonline.us/common/v2.0/.well-known/openid-configuration", "login.microsoftonline.com"},
		{"https://" + own + "/organizations/oauth2/v2.0/authorize", "https://" + own + "/organizations/v2.0/.well-known/openid-configuration", own},
		// MSAL Python drops the port from the authority's host.
		{"https://127.0.0.1/" + emulator.DefaultHomeTenantID + "/oauth2/v2.0/authorize", "https://" + own + "/" + emulator.DefaultHomeTenantID + "/v2.0/.well-known/openid-configuration", own},
	}
	for _, tc := range cases {
		status, m := discover(tc.authorize)
		meta, _ := m["metadata"].([]any)
		if status != http.StatusOK || m["tenant_discovery_endpoint"] != tc.tenantDiscovery || len(meta) < 5 {
			t.Errorf("%s: %d %v", tc.authorize, status, m)
			continue
		}
		if first := meta[0].(map[string]any)["aliases"].([]any)[0]; first != tc.firstAlias {
			t.Errorf("%s: first alias %v, want %s", tc.authorize, first, tc.firstAlias)
		}
	}
	if status, m := discover("https://login.example.test/common/oauth2/v2.0/authorize"); status != http.StatusBadRequest || m["error"] != "invalid_instance" || aadsts(m) != "50049" {
		t.Errorf("unknown instance: %d %v", status, m)
	}
	if status, m := discover(""); status != http.StatusBadRequest || m["error"] != "invalid_request" {
		t.Errorf("no authorization_endpoint: %d %v", status, m)
	}
}

func TestCloudMetadataEndpoints(t *testing.T) {
	t.Parallel()
	s := startImpersonating(t, nil)
	c := proxyClient(t, s)
	status, m := getThrough(t, c, "https://management.azure.com/metadata/endpoints?api-version=2015-01-01")
	auth, _ := m["authentication"].(map[string]any)
	if status != http.StatusOK || auth["loginEndpoint"] != "https://login.windows.net/" || m["graphEndpoint"] != "https://graph.windows.net/" ||
		auth["audiences"].([]any)[0] != "https://management.core.windows.net/" {
		t.Errorf("public cloud, 2015-01-01: %d %v", status, m)
	}
	// az cloud register joins "https://host/" and "/metadata/endpoints".
	status, m = getThrough(t, c, s.URL()+"//metadata/endpoints?api-version=2015-01-01")
	auth, _ = m["authentication"].(map[string]any)
	if status != http.StatusOK || auth["loginEndpoint"] != s.URL()+"/" || auth["audiences"].([]any)[0] != s.ARMAudience() {
		t.Errorf("the emulator itself, 2015-01-01: %d %v", status, m)
	}
	resp, err := c.Get("https://management.azure.com/metadata/endpoints?api-version=2019-05-01")
	if err != nil {
		t.Fatal(err)
	}
	var clouds []map[string]any
	err = json.NewDecoder(resp.Body).Decode(&clouds)
	resp.Body.Close()
	if err != nil || len(clouds) != 1 || clouds[0]["name"] != "AzureCloud" || clouds[0]["resourceManager"] != "https://management.azure.com/" {
		t.Errorf("public cloud, 2019-05-01: %v %v", err, clouds)
	}
	status, m = getThrough(t, c, s.URL()+"/metadata/endpoints?api-version=2022-09-01")
	auth, _ = m["authentication"].(map[string]any)
	if status != http.StatusOK || m["resourceManager"] != s.URL()+"/" || auth["loginEndpoint"] != s.URL()+"/" {
		t.Errorf("the emulator itself, 2022-09-01: %d %v", status, m)
	}
}

func TestTheDeviceCodesHookWaitsForACode(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	got := make(chan []string, 1)
	go func() {
		defer close(got)
		resp, err := s.Client().Get(s.URL() + emulator.HookPath + "/devicecodes?wait=30s")
		if err != nil {
			return
		}
		defer resp.Body.Close()
		var m struct{ Pending []string }
		if json.NewDecoder(resp.Body).Decode(&m) == nil {
			got <- m.Pending
		}
	}()
	status, m := postForm(t, s, "/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {emulator.AzureCLIClientID}, "scope": {armScope}})
	if status != http.StatusOK {
		t.Fatalf("devicecode: %d %v", status, m)
	}
	if codes := <-got; len(codes) != 1 || codes[0] != m["user_code"] {
		t.Fatalf("waited for %v, issued %v", codes, m["user_code"])
	}
	if status, m := getJSON(t, s, emulator.HookPath+"/devicecodes?wait=2h"); status != http.StatusBadRequest {
		t.Fatalf("a wait over a minute: %d %v", status, m)
	}
}

// TestDeviceCodePollWithoutScope: MSAL Python polls for the device code without scope,
// which Entra ID accepts.
func TestDeviceCodePollWithoutScope(t *testing.T) {
	t.Parallel()
	s := emulatortest.Start(t, nil)
	status, m := postForm(t, s, "/organizations/oauth2/v2.0/devicecode", url.Values{
		"client_id": {emulator.AzureCLIClientID}, "scope": {"https://management.core.windows.net//.default offline_access openid profile"}})
	if status != http.StatusOK {
		t.Fatalf("devicecode: %d %v", status, m)
	}
	if err := s.ApproveDeviceCode(m["user_code"].(string), emulator.DefaultUser); err != nil {
		t.Fatal(err)
	}
	status, tok := postForm(t, s, "/organizations/oauth2/v2.0/token", url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "client_id": {emulator.AzureCLIClientID},
		"device_code": {m["device_code"].(string)}})
	if status != http.StatusOK {
		t.Fatalf("poll without scope: %d %v", status, tok)
	}
	if claims := whoami(t, s, tok["access_token"].(string)); claims["aud"] != "https://management.core.windows.net/" || claims["upn"] != emulator.DefaultUser {
		t.Fatalf("token from a poll without scope: %v", claims)
	}
}

// TestARMChallengesNameALoginHostOnThePublicCloud: on management.azure.com, the
// authorization_uri of ARM's 401 challenge names the public cloud's login host, as
// Azure's does, never the ARM host, which is no authority; on the emulator's own address
// it names the emulator, which is both.
func TestARMChallengesNameALoginHostOnThePublicCloud(t *testing.T) {
	t.Parallel()
	s := startImpersonating(t, nil)
	guest := "/subscriptions/" + emulator.DefaultGuestSubscriptionID + "?api-version=2022-12-01"
	for _, tc := range []struct{ name, base, token, want string }{
		{"no token, public cloud", "https://management.azure.com", "", `authorization_uri="https://login.windows.net/`},
		{"a bad token, public cloud", "https://management.azure.com", "Bearer x.y.z", `authorization_uri="https://login.windows.net/`},
		{"another tenant's subscription, public cloud", "https://management.azure.com", "Bearer " + armTokenFor(t, s), `authorization_uri="https://login.windows.net/` + emulator.DefaultGuestTenantID + `"`},
		{"no token, the emulator's address", s.URL(), "", `authorization_uri="` + s.URL() + `/`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, tc.base+guest, nil)
			if tc.token != "" {
				req.Header.Set("Authorization", tc.token)
			}
			resp, err := proxyClient(t, s).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if challenge := resp.Header.Get("WWW-Authenticate"); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(challenge, tc.want) {
				t.Fatalf("%d, WWW-Authenticate %q; want it to contain %q", resp.StatusCode, challenge, tc.want)
			}
		})
	}
}
