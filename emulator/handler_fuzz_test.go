package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/emulator"
)

// FuzzServeHTTP sends arbitrary methods, hosts, paths, form or JSON bodies and bearer
// tokens to the handler (no network): it must never panic, and never answer a 5xx. The
// bearer "valid" is replaced by a real ARM token, so the fuzzer reaches past ARM's
// authentication into the resource group routes.
func FuzzServeHTTP(f *testing.F) {
	s, err := emulator.New(nil)
	if err != nil {
		f.Fatal(err)
	}
	valid := "Bearer " + armTokenFor(f, s)
	sub := "/subscriptions/" + emulator.DefaultSubscriptionID
	f.Add("POST", "", "/organizations/oauth2/v2.0/token", "grant_type=client_credentials&client_id="+emulator.DefaultServicePrincipalID+"&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion=eyJhbGciOiJQUzI1NiIsIng1dCNTMjU2IjoiYSJ9.eyJpc3MiOiJ4In0.c2ln&scope=x/.default", "")
	f.Add("POST", "login.microsoftonline.com", "/"+emulator.DefaultHomeTenantID+"/oauth2/v2.0/token", "grant_type=refresh_token&refresh_token=abc&client_id="+emulator.AzurePowerShellClientID+"&scope=openid", "")
	f.Add("POST", "", "/common/oauth2/v2.0/devicecode", "client_id="+emulator.AzurePowerShellClientID+"&scope=https://management.azure.com//.default", "")
	f.Add("POST", "", "/organizations/oauth2/v2.0/token", "grant_type=device_code&device_code=x&client_id="+emulator.AzureCLIClientID, "")
	f.Add("GET", "", "/organizations/oauth2/v2.0/authorize?client_id="+emulator.AzurePowerShellClientID+"&redirect_uri=http://localhost:1&response_type=code&response_mode=form_post&code_challenge=x&code_challenge_method=S256", "", "")
	f.Add("GET", "", "/subscriptions?api-version=1&$skiptoken=5", "", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.AAAA")
	f.Add("GET", "", "/msi/token?api-version=2019-08-01&resource=x", "", "")
	f.Add("POST", "", "/_emulator/faults", `{"route":"token","status":429}`, "")
	f.Add("POST", "", "/_emulator/open-url", `{"url":"https://login.microsoftonline.com/common/oauth2/v2.0/authorize"}`, "")
	f.Add("GET", "login.microsoftonline.com", "/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.microsoftonline.com/common/oauth2/v2.0/authorize", "", "")
	f.Add("GET", "login.windows.net:443", "/common/discovery/instance?authorization_endpoint=https://x/", "", "")
	f.Add("GET", "management.azure.com", "/metadata/endpoints?api-version=2015-01-01", "", "")
	f.Add("GET", "", "/metadata/endpoints?api-version=2022-09-01", "", "")
	f.Add("PUT", "management.azure.com", sub+"/resourcegroups/rg1?api-version=2021-04-01", `{"location":"westus","tags":{"a":"b"}}`, "valid")
	f.Add("PATCH", "", sub+"/resourceGroups/rg1?api-version=2021-04-01", `{"tags":null}`, "valid")
	f.Add("GET", "", sub+"/resourcegroups?api-version=2021-04-01&$skiptoken=1", "", "valid")
	f.Add("HEAD", "", sub+"/resourcegroups/rg1?api-version=2021-04-01", "", "valid")
	f.Add("DELETE", "", sub+"/resourcegroups/rg1?api-version=2021-04-01", "", "valid")
	f.Add("GET", "", sub+"/resourcegroups/rg1/providers/Microsoft.Web/sites?api-version=1", "", "valid")
	f.Add("GET", "", sub+"/locations?api-version=2022-12-01", "", "valid")
	f.Fuzz(func(t *testing.T, method, host, target, body, auth string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || method == "" || strings.ContainsAny(method, " \t\r\n") {
			return
		}
		if strings.HasPrefix(u.Path, emulator.HookPath) && (strings.Contains(body, "hang") || strings.Contains(body, "url")) {
			return // a hang fault would block the next inputs by design; open-url dials out
		}
		req := httptest.NewRequest(http.MethodGet, "https://127.0.0.1:1/", strings.NewReader(body))
		req.Method = method
		req.URL = u
		req.RequestURI = target
		if host != "" {
			req.Host = host
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth == "valid" {
			auth = valid
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		s.ClearFaults()
		if rec.Code >= 500 {
			t.Fatalf("%s %s%s: status %d: %s", method, host, target, rec.Code, rec.Body)
		}
	})
}

// armTokenFor gets an ARM token for the default service principal from s's handler.
func armTokenFor(tb testing.TB, s *emulator.Server) string {
	tb.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {emulator.DefaultServicePrincipalID},
		"client_secret": {emulator.DefaultServicePrincipalSecret}, "scope": {armScope}}
	req := httptest.NewRequest(http.MethodPost, "https://127.0.0.1:1/"+emulator.DefaultHomeTenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		tb.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	return tok.AccessToken
}

func TestAppOnlyTokensAreReusedOnlyWithinOneSecond(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	cfg := emulator.DefaultConfig()
	cfg.Now = clock.Now
	s, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	get := func(scope string) string {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {emulator.DefaultServicePrincipalID},
			"client_secret": {emulator.DefaultServicePrincipalSecret}, "scope": {scope}}
		req := httptest.NewRequest(http.MethodPost, "https://127.0.0.1:1/"+emulator.DefaultHomeTenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	token := func(body string) string {
		i := strings.Index(body, `"access_token":"`)
		return strings.SplitN(body[i+len(`"access_token":"`):], `"`, 2)[0]
	}
	a := token(get(armScope))
	if b := token(get(armScope)); a != b {
		t.Fatal("an identical request within the same second got a different token")
	}
	if c := token(get("https://graph.microsoft.com/.default")); c == a {
		t.Fatal("another resource got the same token")
	}
	clock.Advance(time.Second)
	if d := token(get(armScope)); d == a {
		t.Fatal("a request a second later got the same token")
	}
}
