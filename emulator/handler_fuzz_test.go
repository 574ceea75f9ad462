package emulator_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/emulator"
)

// FuzzServeHTTP sends arbitrary paths, form bodies and bearer tokens to the handler (no
// network): it must never panic, and never answer a 5xx.
func FuzzServeHTTP(f *testing.F) {
	s, err := emulator.New(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("POST", "/organizations/oauth2/v2.0/token", "grant_type=client_credentials&client_id="+emulator.DefaultServicePrincipalID+"&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion=eyJhbGciOiJQUzI1NiIsIng1dCNTMjU2IjoiYSJ9.eyJpc3MiOiJ4In0.c2ln&scope=x/.default", "")
	f.Add("POST", "/"+emulator.DefaultHomeTenantID+"/oauth2/v2.0/token", "grant_type=refresh_token&refresh_token=abc&client_id="+emulator.AzurePowerShellClientID+"&scope=openid", "")
	f.Add("POST", "/common/oauth2/v2.0/devicecode", "client_id="+emulator.AzurePowerShellClientID+"&scope=https://management.azure.com//.default", "")
	f.Add("GET", "/organizations/oauth2/v2.0/authorize?client_id="+emulator.AzurePowerShellClientID+"&redirect_uri=http://localhost:1&response_type=code&response_mode=form_post&code_challenge=x&code_challenge_method=S256", "", "")
	f.Add("GET", "/subscriptions?api-version=1&$skiptoken=5", "", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.AAAA")
	f.Add("GET", "/msi/token?api-version=2019-08-01&resource=x", "", "")
	f.Add("POST", "/_emulator/faults", `{"route":"token","status":429}`, "")
	f.Fuzz(func(t *testing.T, method, target, body, auth string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || method == "" || strings.ContainsAny(method, " \t\r\n") {
			return
		}
		if strings.HasPrefix(u.Path, emulator.HookPath) && strings.Contains(body, "hang") {
			return // a hang fault would block the next inputs by design
		}
		req := httptest.NewRequest(http.MethodGet, "https://127.0.0.1:1/", strings.NewReader(body))
		req.Method = method
		req.URL = u
		req.RequestURI = target
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		s.ClearFaults()
		if rec.Code >= 500 {
			t.Fatalf("%s %s: status %d: %s", method, target, rec.Code, rec.Body)
		}
	})
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
