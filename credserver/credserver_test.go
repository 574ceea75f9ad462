package credserver_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/azcontext/azc/credserver"
	"github.com/azcontext/azc/secret"
)

// fixedSource serves one minted token and records what it was asked for.
type fixedSource struct {
	token     string
	expiresOn time.Time
	calls     atomic.Int64
	mu        sync.Mutex
	resources []string
}

func (f *fixedSource) Token(_ context.Context, resource string) (credserver.Token, error) {
	f.calls.Add(1)
	f.mu.Lock()
	f.resources = append(f.resources, resource)
	f.mu.Unlock()
	return credserver.Token{AccessToken: secret.New(f.token), ExpiresOn: f.expiresOn}, nil
}

func (f *fixedSource) asked() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.resources)
}

// mintJWT builds an unsigned JWT-shaped token with the given claims; the
// clients under test never verify access tokens.
func mintJWT(t testing.TB, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "none", "typ": "JWT"}) + "." + enc(claims) + ".c2ln"
}

var fixedNow = time.Unix(1_800_000_000, 0)

func newSource(t testing.TB, marker string) *fixedSource {
	return &fixedSource{
		token: mintJWT(t, map[string]any{
			"tid": "tenant-" + marker, "oid": "object-" + marker, "aud": "https://management.azure.com",
			"exp": fixedNow.Add(time.Hour).Unix(),
		}),
		expiresOn: fixedNow.Add(time.Hour),
	}
}

func start(t testing.TB, opts credserver.Options) *credserver.Server {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	s, err := credserver.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func client(t testing.TB) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

type answer struct {
	status int
	body   []byte
}

func do(t testing.TB, c *http.Client, req *http.Request) answer {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, body}
}

func tokenRequest(t testing.TB, s *credserver.Server, query string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.Endpoint()+"?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-IDENTITY-HEADER", s.Secret().Reveal())
	return req
}

const armQuery = "api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com%2F"

func TestStartListensOnLoopbackWithRandomPathAndSecret(t *testing.T) {
	t.Parallel()
	a := start(t, credserver.Options{Source: newSource(t, "a")})
	b := start(t, credserver.Options{Source: newSource(t, "b")})
	u, err := url.Parse(a.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "http" || u.Hostname() != "127.0.0.1" || u.Port() == "" || u.Port() == "0" {
		t.Errorf("endpoint %q is not http://127.0.0.1:<port>", a.Endpoint())
	}
	if !strings.HasSuffix(u.Path, "/msi/token") || len(strings.Split(u.Path, "/")) != 4 {
		t.Errorf("endpoint path %q is not /<random>/msi/token", u.Path)
	}
	if a.Endpoint() == b.Endpoint() || a.Secret().Equal(b.Secret()) {
		t.Error("two servers share an endpoint or a secret")
	}
	raw, err := base64.RawURLEncoding.DecodeString(a.Secret().Reveal())
	if err != nil || len(raw) != 32 {
		t.Errorf("secret is not 256 bits of base64url: %d bytes, %v", len(raw), err)
	}
}

func TestStartNeedsASource(t *testing.T) {
	t.Parallel()
	if _, err := credserver.Start(credserver.Options{}); err == nil {
		t.Fatal("Start without a source succeeded")
	}
}

func TestEnv(t *testing.T) {
	t.Parallel()
	for _, legacy := range []bool{false, true} {
		t.Run(fmt.Sprintf("legacy=%v", legacy), func(t *testing.T) {
			t.Parallel()
			s := start(t, credserver.Options{Source: newSource(t, "x"), LegacyMSI: legacy})
			want := []string{
				"IDENTITY_ENDPOINT=" + s.Endpoint(),
				"IDENTITY_HEADER=" + s.Secret().Reveal(),
				"ARM_USE_MSI=true",
				"ARM_MSI_ENDPOINT=" + s.Endpoint(),
			}
			if legacy {
				want = append(want, "APPSETTING_WEBSITE_SITE_NAME=azc", "MSI_ENDPOINT="+s.Endpoint(), "MSI_SECRET="+s.Secret().Reveal())
			}
			if got := s.Env(); !slices.Equal(got, want) {
				t.Errorf("Env() = %q, want %q", got, want)
			}
		})
	}
}

func TestServesAnAccessToken(t *testing.T) {
	t.Parallel()
	src := newSource(t, "a")
	s := start(t, credserver.Options{Source: src, Identity: credserver.Identity{
		ClientID:   "11111111-2222-3333-4444-555555555555",
		ObjectID:   "66666666-7777-8888-9999-000000000000",
		ResourceID: "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi",
	}})
	c := client(t)
	for _, tc := range []struct {
		name, query, header, wantResource string
	}{
		{"2019-08-01 with X-IDENTITY-HEADER", armQuery, "X-IDENTITY-HEADER", "https://management.azure.com/"},
		{"a scope is turned into its resource", "api-version=2019-08-01&resource=https://vault.azure.net/.default", "X-IDENTITY-HEADER", "https://vault.azure.net"},
		{"Terraform's IMDS form with x-ms-identity", "api-version=2018-02-01&resource=https://management.azure.com/", "x-ms-identity", "https://management.azure.com/"},
		{"the secret header", armQuery, "secret", "https://management.azure.com/"},
		{"a matching client_id in another case", armQuery + "&client_id=11111111-2222-3333-4444-555555555555", "X-IDENTITY-HEADER", "https://management.azure.com/"},
		{"the identity's own object_id, principal_id and mi_res_id", armQuery + "&object_id=66666666-7777-8888-9999-000000000000&principal_id=66666666-7777-8888-9999-000000000000&mi_res_id=%2Fsubscriptions%2Fs%2FresourceGroups%2Fg%2Fproviders%2FMicrosoft.ManagedIdentity%2FuserAssignedIdentities%2Fmi", "X-IDENTITY-HEADER", "https://management.azure.com/"},
		{"an empty client_id names no identity", armQuery + "&client_id=", "X-IDENTITY-HEADER", "https://management.azure.com/"},
		{"parameter names in another case", "API-Version=2019-08-01&Resource=https://management.azure.com/&CLIENT_ID=11111111-2222-3333-4444-555555555555", "X-IDENTITY-HEADER", "https://management.azure.com/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, s.Endpoint()+"?"+tc.query, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header[tc.header] = []string{s.Secret().Reveal()} // exactly as sent, not canonicalised
			a := do(t, c, req)
			if a.status != http.StatusOK {
				t.Fatalf("status %d, body %s", a.status, a.body)
			}
			var got map[string]any
			if err := json.Unmarshal(a.body, &got); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"access_token": src.token,
				"expires_on":   strconv.FormatInt(fixedNow.Add(time.Hour).Unix(), 10),
				"expires_in":   float64(3600),
				"resource":     tc.wantResource,
				"token_type":   "Bearer",
				"client_id":    "11111111-2222-3333-4444-555555555555",
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("answer %v, want exactly %v", got, want)
			}
			if asked := src.asked(); asked[len(asked)-1] != tc.wantResource {
				t.Errorf("source asked for %q, want %q", asked[len(asked)-1], tc.wantResource)
			}
		})
	}
}

func TestLegacyMSIServesTheAzCLI245Request(t *testing.T) {
	t.Parallel()
	for _, legacy := range []bool{true, false} {
		t.Run(fmt.Sprintf("legacy=%v", legacy), func(t *testing.T) {
			t.Parallel()
			src := newSource(t, "legacy")
			s := start(t, credserver.Options{Source: src, LegacyMSI: legacy})
			// msrestazure: '{}/?resource={}&api-version=2017-09-01'.format(MSI_ENDPOINT, resource),
			// resource unencoded, header "secret: MSI_SECRET".
			req, err := http.NewRequest(http.MethodGet, s.Endpoint()+"/?resource=https://management.core.windows.net/&api-version=2017-09-01", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header["secret"] = []string{s.Secret().Reveal()}
			a := do(t, client(t), req)
			if !legacy {
				if a.status != http.StatusBadRequest || src.calls.Load() != 0 {
					t.Fatalf("without LegacyMSI: status %d, %d source calls; want 400 and none", a.status, src.calls.Load())
				}
				return
			}
			var got struct {
				AccessToken string `json:"access_token"`
				TokenType   string `json:"token_type"`
				ExpiresOn   string `json:"expires_on"`
			}
			if a.status != http.StatusOK {
				t.Fatalf("status %d, body %s", a.status, a.body)
			}
			if err := json.Unmarshal(a.body, &got); err != nil {
				t.Fatal(err)
			}
			if got.AccessToken != src.token || got.TokenType != "Bearer" {
				t.Errorf("answer %s", a.body)
			}
			if _, err := strconv.ParseInt(got.ExpiresOn, 10, 64); err != nil {
				t.Errorf("expires_on %q is not an epoch: az does int() on it", got.ExpiresOn)
			}
		})
	}
}

// TestRefusals covers every refusal: each is a bare status code with an
// empty body, and the token source is never asked.
func TestRefusals(t *testing.T) {
	t.Parallel()
	src := newSource(t, "refused")
	s := start(t, credserver.Options{Source: src})
	c := client(t)
	u, err := url.Parse(s.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	port := u.Port()
	for _, tc := range []struct {
		name   string
		status int
		edit   func(*http.Request)
	}{
		{"a request without the secret", 401, func(r *http.Request) { r.Header.Del("X-IDENTITY-HEADER") }},
		{"a wrong secret", 401, func(r *http.Request) { r.Header.Set("X-IDENTITY-HEADER", "wrong") }},
		{"an empty secret", 401, func(r *http.Request) { r.Header.Set("X-IDENTITY-HEADER", "") }},
		{"a secret that is a prefix of the real one", 401, func(r *http.Request) {
			r.Header.Set("X-IDENTITY-HEADER", s.Secret().Reveal()[:10])
		}},
		{"the right secret beside a wrong one in another header", 401, func(r *http.Request) { r.Header.Set("Secret", "wrong") }},
		{"the right secret twice and a wrong one", 401, func(r *http.Request) {
			r.Header.Add("X-IDENTITY-HEADER", "wrong")
		}},
		{"the secret in the query instead of a header", 401, func(r *http.Request) {
			r.Header.Del("X-IDENTITY-HEADER")
			r.URL.RawQuery += "&secret=" + url.QueryEscape(s.Secret().Reveal())
		}},
		{"a Host of localhost", 403, func(r *http.Request) { r.Host = "localhost:" + port }},
		{"a Host with another port", 403, func(r *http.Request) { r.Host = "127.0.0.1:1" }},
		{"a Host without the port", 403, func(r *http.Request) { r.Host = "127.0.0.1" }},
		{"a rebinding Host", 403, func(r *http.Request) { r.Host = "attacker.example:" + port }},
		{"an Origin of the server itself", 403, func(r *http.Request) { r.Header.Set("Origin", "http://127.0.0.1:"+port) }},
		{"an Origin of null", 403, func(r *http.Request) { r.Header.Set("Origin", "null") }},
		{"an empty Origin", 403, func(r *http.Request) { r.Header["Origin"] = []string{""} }},
		{"a POST", 405, func(r *http.Request) { r.Method = http.MethodPost }},
		{"a PUT", 405, func(r *http.Request) { r.Method = http.MethodPut }},
		{"an OPTIONS preflight", 405, func(r *http.Request) { r.Method = http.MethodOptions }},
		{"the well-known path without the random part", 404, func(r *http.Request) { r.URL.Path = "/msi/token" }},
		{"the random part alone", 404, func(r *http.Request) { r.URL.Path = strings.TrimSuffix(u.Path, "/msi/token") }},
		{"the root", 404, func(r *http.Request) { r.URL.Path = "/" }},
		{"a path below the endpoint", 404, func(r *http.Request) { r.URL.Path = u.Path + "/x" }},
		{"the path in another case", 404, func(r *http.Request) { r.URL.Path = strings.ToUpper(u.Path) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := tokenRequest(t, s, armQuery)
			tc.edit(req)
			a := do(t, c, req)
			if a.status != tc.status || len(a.body) != 0 {
				t.Errorf("status %d, body %q; want %d and an empty body", a.status, a.body, tc.status)
			}
		})
	}
	t.Run("a request in absolute form naming another host", func(t *testing.T) {
		status, _ := raw(t, s, "GET http://attacker.example"+u.RequestURI()+"?"+armQuery+" HTTP/1.1\r\nHost: "+u.Host+"\r\nX-IDENTITY-HEADER: "+s.Secret().Reveal()+"\r\n\r\n")
		if status != 403 {
			t.Errorf("status %d, want 403", status)
		}
	})
	t.Run("a request in absolute form naming the server, with a foreign Host header", func(t *testing.T) {
		status, _ := raw(t, s, "GET http://"+u.Host+u.RequestURI()+"?"+armQuery+" HTTP/1.1\r\nHost: evil.com\r\nX-IDENTITY-HEADER: "+s.Secret().Reveal()+"\r\n\r\n")
		if status != 403 {
			t.Errorf("status %d, want 403", status)
		}
	})
	t.Run("an HTTP/1.0 request without Host", func(t *testing.T) {
		status, _ := raw(t, s, "GET "+u.RequestURI()+"?"+armQuery+" HTTP/1.0\r\nX-IDENTITY-HEADER: "+s.Secret().Reveal()+"\r\n\r\n")
		if status != 403 {
			t.Errorf("status %d, want 403", status)
		}
	})
	if n := src.calls.Load(); n != 0 {
		t.Errorf("the token source was asked %d times by refused requests", n)
	}
}

// TestADeclaredBodyNeverSentHoldsNoConnection: no request of this protocol
// has a body, so one that declares a body and never sends it (a slowloris
// that needs no secret) gets its answer at once and its connection closed,
// secret or not, rather than a connection held open waiting for the body.
func TestADeclaredBodyNeverSentHoldsNoConnection(t *testing.T) {
	t.Parallel()
	src := newSource(t, "body")
	s := start(t, credserver.Options{Source: src})
	u, err := url.Parse(s.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, head string
		status     int
	}{
		{"a refused request with a Content-Length", "GET /elsewhere HTTP/1.1\r\nContent-Length: 1000\r\n", 404},
		{"a refused request with a chunked body", "GET " + u.Path + " HTTP/1.1\r\nTransfer-Encoding: chunked\r\n", 401},
		{"a refused request that expects 100-continue", "GET " + u.Path + " HTTP/1.1\r\nContent-Length: 10\r\nExpect: 100-continue\r\n", 401},
		{"a token request with a Content-Length", "GET " + u.Path + "?" + armQuery + " HTTP/1.1\r\nX-IDENTITY-HEADER: " + s.Secret().Reveal() + "\r\nContent-Length: 1000\r\n", 200},
		{"a token request with a chunked body", "GET " + u.Path + "?" + armQuery + " HTTP/1.1\r\nX-IDENTITY-HEADER: " + s.Secret().Reveal() + "\r\nTransfer-Encoding: chunked\r\n", 200},
	} {
		t.Run(tc.name, func(t *testing.T) { answeredThenClosed(t, u.Host, tc.head, tc.status) })
	}
}

// TestARefusedRequestHoldsNoConnection: a peer without the secret keeps no
// connection open after its refusal, so it cannot pile up idle connections
// (and their goroutines) while the child runs.
func TestARefusedRequestHoldsNoConnection(t *testing.T) {
	t.Parallel()
	s := start(t, credserver.Options{Source: newSource(t, "refused-conn")})
	u, err := url.Parse(s.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, head string
		status     int
	}{
		{"no secret", "GET " + u.Path + "?" + armQuery + " HTTP/1.1\r\n", 401},
		{"a wrong secret", "GET " + u.Path + "?" + armQuery + " HTTP/1.1\r\nX-IDENTITY-HEADER: wrong\r\n", 401},
		{"a wrong path", "GET /msi/token?" + armQuery + " HTTP/1.1\r\n", 404},
		{"a POST", "POST " + u.Path + "?" + armQuery + " HTTP/1.1\r\n", 405},
		{"an Origin", "GET " + u.Path + "?" + armQuery + " HTTP/1.1\r\nOrigin: null\r\n", 403},
	} {
		t.Run(tc.name, func(t *testing.T) { answeredThenClosed(t, u.Host, tc.head, tc.status) })
	}
}

// answeredThenClosed sends head (a request line and headers, without Host
// and the blank line) to the server at host and requires the answer status
// and then the connection closed. The read deadline is a guard, not a
// synchronisation: the answer and the close come at once, or after the
// server's idle timeout of minutes, or never.
func answeredThenClosed(t *testing.T, host, head string, status int) {
	t.Helper()
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, head+"Host: "+host+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != status {
		t.Errorf("status %d, want %d", resp.StatusCode, status)
	}
	if n, err := br.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("after the answer: %d bytes, %v; want the connection closed", n, err)
	}
}

// raw sends one hand-written request and returns the status code.
func raw(t *testing.T, s *credserver.Server, request string) (int, string) {
	t.Helper()
	u, err := url.Parse(s.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
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
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// TestBadRequestsAfterTheSecret covers requests that prove the secret but
// cannot be served: they get a JSON error naming what to change, never the
// token, and the source is not asked.
func TestBadRequestsAfterTheSecret(t *testing.T) {
	t.Parallel()
	src := newSource(t, "bad")
	s := start(t, credserver.Options{
		Source:        src,
		Identity:      credserver.Identity{ClientID: "client-a", ObjectID: "object-a", ResourceID: "/mi/a"},
		AllowResource: credserver.AllowHosts("management.azure.com", "vault.azure.net"),
	})
	c := client(t)
	for _, tc := range []struct {
		name, query, wantError string
	}{
		{"no resource", "api-version=2019-08-01", "invalid_request"},
		{"two resources", armQuery + "&resource=https://vault.azure.net", "invalid_request"},
		{"a bare /.default", "api-version=2019-08-01&resource=/.default", "invalid_request"},
		{"no api-version", "resource=https://management.azure.com/", "invalid_request"},
		{"an unknown api-version", "api-version=2099-01-01&resource=https://management.azure.com/", "invalid_request"},
		{"the 2017-09-01 form without LegacyMSI", "api-version=2017-09-01&resource=https://management.azure.com/", "invalid_request"},
		{"another identity's client_id", armQuery + "&client_id=client-b", "invalid_request"},
		{"another identity's clientid (2017 spelling)", armQuery + "&clientid=client-b", "invalid_request"},
		{"another identity's object_id", armQuery + "&object_id=object-b", "invalid_request"},
		{"another identity's principal_id", armQuery + "&principal_id=object-b", "invalid_request"},
		{"another identity's mi_res_id", armQuery + "&mi_res_id=%2Fmi%2Fb", "invalid_request"},
		{"another identity's msi_res_id (IMDS spelling)", armQuery + "&msi_res_id=%2Fmi%2Fb", "invalid_request"},
		{"the identity's client_id twice", armQuery + "&client_id=client-a&client_id=client-a", "invalid_request"},
		{"the identity's client_id with another's object_id", armQuery + "&client_id=client-a&object_id=object-b", "invalid_request"},
		{"a resource of another cloud", "api-version=2019-08-01&resource=https://management.chinacloudapi.cn/", "invalid_resource"},
		{"a resource whose host only ends like an allowed one", "api-version=2019-08-01&resource=https://evilmanagement.azure.com/", "invalid_resource"},
		{"a plain-http resource", "api-version=2019-08-01&resource=http://management.azure.com/", "invalid_resource"},
		{"an unparseable query", armQuery + "&%zz", "invalid_request"},
		{"a second scope after a space", "api-version=2019-08-01&resource=https://management.azure.com/%20https://vault.azure.net/.default", "invalid_request"},
		{"a second scope after a newline", "api-version=2019-08-01&resource=https://management.azure.com/%0Aoffline_access", "invalid_request"},
		{"a tab in the resource", "api-version=2019-08-01&resource=https://management.azure.com/%09", "invalid_request"},
		{"a NUL in the resource", "api-version=2019-08-01&resource=https://management.azure.com/%00", "invalid_request"},
		{"a no-break space in the resource", "api-version=2019-08-01&resource=https://management.azure.com/%C2%A0x", "invalid_request"},
		{"another identity's client_id with its name in another case", armQuery + "&Client_Id=client-b", "invalid_request"},
		{"another identity's mi_res_id with its name in capitals", armQuery + "&MI_RES_ID=%2Fmi%2Fb", "invalid_request"},
		{"a second resource with its name in another case", armQuery + "&Resource=https://vault.azure.net", "invalid_request"},
		{"a second api-version with its name in another case", armQuery + "&API-VERSION=2017-09-01", "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, c, tokenRequest(t, s, tc.query))
			var got struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			if err := json.Unmarshal(a.body, &got); err != nil {
				t.Fatalf("status %d, body %q: %v", a.status, a.body, err)
			}
			if a.status != http.StatusBadRequest || got.Error != tc.wantError || got.Description == "" {
				t.Errorf("status %d, body %s; want 400 and error %q with a description", a.status, a.body, tc.wantError)
			}
			if strings.Contains(string(a.body), src.token) || strings.Contains(string(a.body), s.Secret().Reveal()) {
				t.Error("an error answer leaks the token or the secret")
			}
		})
	}
	if n := src.calls.Load(); n != 0 {
		t.Errorf("the token source was asked %d times by bad requests", n)
	}
	if a := do(t, c, tokenRequest(t, s, "api-version=2019-08-01&resource=https://myvault.vault.azure.net")); a.status != http.StatusOK {
		t.Errorf("a subdomain of an allowed host: status %d, body %s", a.status, a.body)
	}
}

// TestAUserIsNoManagedIdentity: a user's context has no client, object or
// resource id a managed identity selector could name, so every selector is
// refused, as App Service refuses an identity it does not have.
func TestAUserIsNoManagedIdentity(t *testing.T) {
	t.Parallel()
	src := newSource(t, "user")
	s := start(t, credserver.Options{Source: src})
	c := client(t)
	for _, sel := range []string{"client_id", "clientid", "object_id", "principal_id", "mi_res_id", "msi_res_id"} {
		if a := do(t, c, tokenRequest(t, s, armQuery+"&"+sel+"=x")); a.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, body %s; want 400", sel, a.status, a.body)
		}
	}
	if a := do(t, c, tokenRequest(t, s, armQuery)); a.status != http.StatusOK {
		t.Errorf("no selector: status %d, body %s; want 200", a.status, a.body)
	}
	if n := src.calls.Load(); n != 1 {
		t.Errorf("the token source was asked %d times, want once", n)
	}
}

func TestSourceFailureIsAnOpaqueError(t *testing.T) {
	t.Parallel()
	s := start(t, credserver.Options{Source: credserver.TokenSourceFunc(func(context.Context, string) (credserver.Token, error) {
		return credserver.Token{}, errors.New("refresh token for user@example.com expired")
	})})
	a := do(t, client(t), tokenRequest(t, s, armQuery))
	if a.status != http.StatusInternalServerError || !strings.Contains(string(a.body), "token_unavailable") {
		t.Errorf("status %d, body %s; want 500 token_unavailable", a.status, a.body)
	}
	if strings.Contains(string(a.body), "user@example.com") {
		t.Error("the answer repeats the source's error")
	}
}

// TestASourceRefusalIsA400WithItsDescription: a source that knows no retry
// makes a token (the identity signed out in another shell) refuses with a
// RefusedError, answered 400 with its code and description, which the
// child's SDK shows and does not retry, where a 500 is retried and says
// only to look at azc's output; the source's own error stays out of it.
func TestASourceRefusalIsA400WithItsDescription(t *testing.T) {
	t.Parallel()
	s := start(t, credserver.Options{Source: credserver.TokenSourceFunc(func(context.Context, string) (credserver.Token, error) {
		return credserver.Token{}, &credserver.RefusedError{Code: "interaction_required", Description: "the account is signed out: sign in again", Err: errors.New("user@example.com: not signed in")}
	})})
	a := do(t, client(t), tokenRequest(t, s, armQuery))
	var got struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal(a.body, &got); err != nil || a.status != http.StatusBadRequest || got.Error != "interaction_required" || got.Description != "the account is signed out: sign in again" {
		t.Errorf("status %d, body %s (%v); want 400 interaction_required with the refusal's description", a.status, a.body, err)
	}
	if strings.Contains(string(a.body), "user@example.com") {
		t.Error("the answer repeats the source's error")
	}
}

func TestAnEmptyTokenIsNeverServed(t *testing.T) {
	t.Parallel()
	s := start(t, credserver.Options{Source: credserver.TokenSourceFunc(func(context.Context, string) (credserver.Token, error) {
		return credserver.Token{ExpiresOn: fixedNow.Add(time.Hour)}, nil
	})})
	if a := do(t, client(t), tokenRequest(t, s, armQuery)); a.status != http.StatusInternalServerError {
		t.Errorf("status %d, body %s; want 500", a.status, a.body)
	}
}

func TestExpiredTokenHasZeroExpiresIn(t *testing.T) {
	t.Parallel()
	s := start(t, credserver.Options{Source: credserver.TokenSourceFunc(func(context.Context, string) (credserver.Token, error) {
		return credserver.Token{AccessToken: secret.New("t"), ExpiresOn: fixedNow.Add(-time.Minute)}, nil
	})})
	a := do(t, client(t), tokenRequest(t, s, armQuery))
	var got struct {
		ExpiresIn int64 `json:"expires_in"`
	}
	if err := json.Unmarshal(a.body, &got); err != nil || got.ExpiresIn != 0 {
		t.Errorf("body %s: expires_in %d, %v; want 0", a.body, got.ExpiresIn, err)
	}
}

func TestCloseStopsTheServer(t *testing.T) {
	t.Parallel()
	s, err := credserver.Start(credserver.Options{Source: newSource(t, "close")})
	if err != nil {
		t.Fatal(err)
	}
	c := client(t)
	if a := do(t, c, tokenRequest(t, s, armQuery)); a.status != http.StatusOK {
		t.Fatalf("status %d before Close", a.status)
	}
	u, err := url.Parse(s.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	// The kept-alive connection from before was cut, and no new one opens.
	if resp, err := c.Do(tokenRequest(t, s, armQuery)); err == nil {
		resp.Body.Close()
		t.Fatalf("a request after Close got status %d", resp.StatusCode)
	}
	if conn, err := net.Dial("tcp", u.Host); err == nil {
		conn.Close()
		t.Fatal("the port still accepts connections after Close")
	}
}

func TestCloseCancelsRequestsInFlight(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	s, err := credserver.Start(credserver.Options{Source: credserver.TokenSourceFunc(func(ctx context.Context, _ string) (credserver.Token, error) {
		close(entered)
		<-ctx.Done()
		return credserver.Token{}, ctx.Err()
	})})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		resp, err := client(t).Do(tokenRequest(t, s, armQuery))
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-entered
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil {
		t.Error("the request in flight got an answer after Close")
	}
}

func TestAllowHosts(t *testing.T) {
	t.Parallel()
	allow := credserver.AllowHosts("management.azure.com", "Vault.Azure.Net.", "127.0.0.1:8443", "")
	for _, tc := range []struct {
		resource string
		ok       bool
	}{
		{"https://management.azure.com/", true},
		{"https://management.azure.com", true},
		{"https://MANAGEMENT.azure.com/", true},
		{"https://x.vault.azure.net", true},
		{"https://vault.azure.net/", true},
		{"https://127.0.0.1:8443/", true},
		{"https://127.0.0.1:8444/", false},
		{"https://127.0.0.1/", false},
		{"https://x.127.0.0.1:8443/", false},
		{"https://management.azure.com.attacker.example/", false},
		{"https://attacker.example/?https://management.azure.com", false},
		{"https://user@management.azure.com/", false},
		{"https://attacker.example\\@management.azure.com/", false},
		{"http://management.azure.com/", false},
		{"api://11111111-2222-3333-4444-555555555555", false},
		{"", false},
		{"https://", false},
	} {
		err := allow(tc.resource)
		if (err == nil) != tc.ok {
			t.Errorf("AllowHosts(...)(%q) = %v, want ok=%v", tc.resource, err, tc.ok)
		}
		if err != nil && !errors.Is(err, credserver.ErrResourceNotAllowed) {
			t.Errorf("error %v is not ErrResourceNotAllowed", err)
		}
	}
}

type recordingCredential struct {
	opts policy.TokenRequestOptions
}

func (r *recordingCredential) GetToken(_ context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	r.opts = opts
	if opts.Scopes[0] == "https://fail/.default" {
		return azcore.AccessToken{}, errors.New("no")
	}
	return azcore.AccessToken{Token: "tok", ExpiresOn: fixedNow}, nil
}

func TestCredentialSourceAsksForTheResourceScopeInTheTenant(t *testing.T) {
	t.Parallel()
	cred := &recordingCredential{}
	src := credserver.CredentialSource(cred, "tenant-1")
	tok, err := src.Token(t.Context(), "https://management.core.windows.net/")
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken.Reveal() != "tok" || !tok.ExpiresOn.Equal(fixedNow) {
		t.Errorf("token %v expiring %v", tok.AccessToken.Reveal(), tok.ExpiresOn)
	}
	// The double slash is what ARM expects for this v1 resource (as az does).
	if got := cred.opts.Scopes; len(got) != 1 || got[0] != "https://management.core.windows.net//.default" || cred.opts.TenantID != "tenant-1" {
		t.Errorf("asked for %q in %q", got, cred.opts.TenantID)
	}
	if _, err := src.Token(t.Context(), "https://fail"); err == nil {
		t.Error("an error of the credential was lost")
	}
}
