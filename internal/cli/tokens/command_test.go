package tokens_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/internal/cli"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/front"
	"github.com/azcontext/azc/internal/cli/tokens"
	"github.com/azcontext/azc/profile"
)

// harness runs azc commands in-process against one emulator and one state
// directory, as azc-full (cli.Run) or as the azc binary (front.Run,
// whose token has no slow path).
type harness struct {
	t   *testing.T
	s   *emulator.Server
	env map[string]string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	s, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := s.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, s: s, env: map[string]string{"AZC_CONFIG_DIR": filepath.Join(dir, "azc"), "NO_COLOR": "1"}}
	h.full("environment", "add", "emu", "--authority-host", s.AuthorityHost(), "--arm-endpoint", s.ARMEndpoint(),
		"--arm-audience", s.ARMAudience(), "--ca-file", ca, "-o", "none")
	s.OnDeviceCode(func(code string) { _ = s.ApproveDeviceCode(code, emulator.DefaultUser) })
	h.full("login", "--environment", "emu", "--device-code", "-o", "none")
	return h
}

// result is one run: its exit code, its output, and the arguments it
// handed to azc-full (nil when none).
type result struct {
	code        int
	out, errOut string
	handedOver  []string
}

func (h *harness) run(light bool, args ...string) result {
	ios, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(k string) string { return h.env[k] }, "v0-test")
	var r result
	if light {
		f.ExecFull = func(args []string) int { r.handedOver = slices.Clone(args); return 0 }
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if light {
		// the azc binary: its fast path, or a hand-over
		r.code = front.Run(f, args)
	} else {
		r.code = cli.Run(ctx, f, args)
	}
	r.out, r.errOut = out.String(), errOut.String()
	return r
}

func (h *harness) full(args ...string) string {
	h.t.Helper()
	r := h.run(false, args...)
	if r.code != 0 {
		h.t.Fatalf("azc-full %s: exit %d: %s", strings.Join(args, " "), r.code, r.errOut)
	}
	return r.out
}

func requests(s *emulator.Server) int {
	n := 0
	for _, r := range []string{emulator.RouteToken, emulator.RouteDeviceCode, emulator.RouteAuthorize, emulator.RouteMetadata,
		emulator.RouteJWKS, emulator.RouteTenants, emulator.RouteSubscriptions, emulator.RouteEcho, emulator.RouteManagedIdentity} {
		n += s.Count(r, "")
	}
	return n
}

type azToken struct {
	AccessToken  string `json:"accessToken"`
	ExpiresOn    string `json:"expiresOn"`
	ExpiresOnSec int64  `json:"expires_on"`
	Subscription string `json:"subscription"`
	Tenant       string `json:"tenant"`
	TokenType    string `json:"tokenType"`
}

func TestWarmTokenIsServedWithoutARequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// The sign-in's own token is filed under "organizations": the first
	// token for the context's tenant comes from the identity provider (and
	// its expiry, straight from expires_in, has sub-second digits).
	first := accessToken(t, h.full("token", "-o", "json"))
	var outs []string
	for _, tc := range []struct {
		name  string
		light bool
	}{{"azc-full", false}, {"azc", true}} {
		before := requests(h.s)
		r := h.run(tc.light, "token", "-o", "json")
		if r.code != 0 || r.handedOver != nil {
			t.Fatalf("%s: exit %d, handed over %q: %s", tc.name, r.code, r.handedOver, r.errOut)
		}
		if n := requests(h.s) - before; n != 0 {
			t.Errorf("%s: a warm token made %d requests", tc.name, n)
		}
		if accessToken(t, r.out) != first {
			t.Errorf("%s: printed another token than the first run", tc.name)
		}
		outs = append(outs, r.out)
		var tok azToken
		if err := json.Unmarshal([]byte(r.out), &tok); err != nil || tok.AccessToken == "" || tok.TokenType != "Bearer" ||
			tok.Tenant != emulator.DefaultHomeTenantID || tok.Subscription == "" || tok.ExpiresOnSec < time.Now().Unix() {
			t.Errorf("%s: token JSON wrong (%v)", tc.name, err)
		}
	}
	if outs[0] != outs[1] {
		t.Error("azc-full and azc print the cached token differently")
	}
}

func accessToken(t *testing.T, out string) string {
	t.Helper()
	var tok azToken
	if err := json.Unmarshal([]byte(out), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("no token in the output (%v)", err)
	}
	return tok.AccessToken
}

func TestLightTokenHandsAMissToAzcFull(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.full("token", "-o", "none")
	for _, args := range [][]string{
		{"token", "--resource", "https://storage.azure.com"},
		{"token", "--scope", "https://storage.azure.com/.default", "-o", "json"},
		{"token", "--tenant", "not-a-tenant-of-alice"},
	} {
		before := requests(h.s)
		r := h.run(true, args...)
		if r.code != 0 || !slices.Equal(r.handedOver, args) {
			t.Errorf("%q: exit %d, handed over %q, want the same argv: %s", args, r.code, r.handedOver, r.errOut)
		}
		if r.out != "" || r.errOut != "" {
			t.Errorf("%q: azc printed before handing over: %q %q", args, r.out, r.errOut)
		}
		if n := requests(h.s) - before; n != 0 {
			t.Errorf("%q: azc made %d requests", args, n)
		}
	}
	// azc-full answers the same miss, and azc then serves it
	want := accessToken(t, h.full("token", "--resource", "https://storage.azure.com", "-o", "json"))
	r := h.run(true, "token", "--resource", "https://storage.azure.com", "-o", "json")
	if r.code != 0 || r.handedOver != nil || accessToken(t, r.out) != want {
		t.Fatalf("after azc-full fetched it: exit %d, handed over %q", r.code, r.handedOver)
	}
}

// TestTSVKeepsAzsColumns: `azc token -o tsv` prints the columns of az's
// `account get-access-token -o tsv` (2.45), in its order: accessToken,
// expiresOn, subscription, tenant, tokenType; with --tenant az has no
// subscription column.
func TestTSVKeepsAzsColumns(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var j azToken
	if err := json.Unmarshal([]byte(h.full("token", "-o", "json")), &j); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"token", "-o", "tsv"}, []string{j.AccessToken, "", j.Subscription, j.Tenant, "Bearer"}},
		{[]string{"token", "--tenant", emulator.DefaultGuestTenantID, "-o", "tsv"}, []string{"", "", emulator.DefaultGuestTenantID, "Bearer"}},
	} {
		got := strings.Split(strings.TrimSuffix(h.full(tc.args...), "\n"), "\t")
		if len(got) != len(tc.want) {
			t.Errorf("%v: %d columns, want %d", tc.args, len(got), len(tc.want))
			continue
		}
		for i, w := range tc.want {
			if w != "" && got[i] != w {
				t.Errorf("%v: column %d is %q, want %q", tc.args, i+1, got[i], w)
			}
		}
	}
}

// TestSubscriptionPicksItsContext: --subscription takes a subscription id
// or name, as az's does, and prints that subscription's token and ids.
func TestSubscriptionPicksItsContext(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, sub := range []string{"Fabrikam Shared", "fabrikam shared", emulator.DefaultGuestSubscriptionID} {
		var j azToken
		if err := json.Unmarshal([]byte(h.full("token", "--subscription", sub, "-o", "json")), &j); err != nil {
			t.Fatal(err)
		}
		if j.Subscription != emulator.DefaultGuestSubscriptionID || j.Tenant != emulator.DefaultGuestTenantID {
			t.Errorf("--subscription %q: subscription %s, tenant %s; want %s in %s", sub, j.Subscription, j.Tenant, emulator.DefaultGuestSubscriptionID, emulator.DefaultGuestTenantID)
		}
	}
	if r := h.run(false, "token", "--subscription", "No Such Subscription"); r.code != 1 || !strings.Contains(r.errOut, "No Such Subscription") {
		t.Errorf("an unknown subscription: exit %d, stderr %q; want 1 (not found, as a context) naming it", r.code, r.errOut)
	}
}

// TestSubscriptionPrefersTheCurrentAccountSpeltOtherwise: --subscription
// that two accounts' contexts hold picks the one of the current context's
// account, which is found by the one name rule (profile.SameName), so a
// context naming its account in another spelling of its key (upper case,
// a hand-edited file) is still that account's.
func TestSubscriptionPrefersTheCurrentAccountSpeltOtherwise(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	path := filepath.Join(h.env["AZC_CONFIG_DIR"], "profile.json")
	var p map[string]json.RawMessage
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	var accounts, contexts []map[string]any
	var def string
	if err := errors.Join(json.Unmarshal(p["accounts"], &accounts), json.Unmarshal(p["contexts"], &contexts), json.Unmarshal(p["defaultContext"], &def)); err != nil {
		t.Fatal(err)
	}
	// bob: another account with a context on the guest subscription
	bob := maps.Clone(accounts[0])
	bob["id"] = "bob@other.test"
	accounts = append(accounts, bob)
	var guest map[string]any
	for _, c := range contexts {
		if s, _ := c["subscription"].(map[string]any); s != nil && s["id"] == emulator.DefaultGuestSubscriptionID {
			guest = c
		}
		if c["name"] == def {
			c["account"] = strings.ToUpper(c["account"].(string))
		}
	}
	if guest == nil {
		t.Fatalf("no context of the guest subscription in %s", data)
	}
	other := maps.Clone(guest)
	other["name"] = "bob-guest"
	other["account"] = strings.ToLower(bob["environment"].(string) + "|" + bob["homeTenantId"].(string) + "|" + bob["id"].(string))
	contexts = append(contexts, other)
	p["accounts"], _ = json.Marshal(accounts)
	p["contexts"], _ = json.Marshal(contexts)
	if data, err = json.Marshal(p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r := h.run(false, "token", "--subscription", emulator.DefaultGuestSubscriptionID, "-o", "json")
	if r.code != 0 {
		t.Fatalf("token --subscription from a context of the account spelt in upper case: exit %d: %s", r.code, r.errOut)
	}
	var j azToken
	if err := json.Unmarshal([]byte(r.out), &j); err != nil || j.Subscription != emulator.DefaultGuestSubscriptionID {
		t.Fatalf("token: %v, %+v", err, j)
	}
}

// TestAccessTokenAccountsTheSameUnderTheNameRuleAreOne: two sign-ins with
// an access token whose --account-id are one id under the name rule (sam
// and ſam: strings.EqualFold equates ſ and s) are one account in the
// profile and one blob in the credential store; ids the rule tells apart
// (İv and iv) are two of each.
func TestAccessTokenAccountsTheSameUnderTheNameRuleAreOne(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var j azToken
	if err := json.Unmarshal([]byte(h.full("token", "-o", "json")), &j); err != nil {
		t.Fatal(err)
	}
	tokFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokFile, []byte(j.AccessToken), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := h.env["AZC_CONFIG_DIR"]
	blobs := func() int {
		t.Helper()
		entries, err := os.ReadDir(filepath.Join(dir, "credentials"))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if len(e.Name()) == 64 && strings.Trim(e.Name(), "0123456789abcdef") == "" {
				n++
			}
		}
		return n
	}
	accounts := func() int {
		t.Helper()
		var p struct{ Accounts []json.RawMessage }
		data, err := os.ReadFile(filepath.Join(dir, "profile.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatal(err)
		}
		return len(p.Accounts)
	}
	for _, tc := range []struct {
		a, b string
		n    int
	}{{"sam@x.test", "\u017fam@x.test", 1}, {"\u0130v@x.test", "iv@x.test", 2}} {
		a0, b0 := accounts(), blobs()
		for _, id := range []string{tc.a, tc.b} {
			h.full("login", "--environment", "emu", "--access-token-file", tokFile, "--account-id", id, "-o", "none")
		}
		if a, b := accounts()-a0, blobs()-b0; a != tc.n || b != tc.n {
			t.Errorf("--account-id %+q then %+q: %d accounts and %d blobs more, want %d of each", tc.a, tc.b, a, b, tc.n)
		}
	}
}

// TestASessionContextOfAUserAccountUsesTheUsersCredentials: a context
// that the shell's session holds (context set --scope process) of an
// account signed in at user scope has its account's tokens in the user's
// credential store (azc.Entry.Credentials), as azc token -c finds them:
// context export --with-credentials and azc token --subscription, which
// find the context among the merged view's contexts, look there too.
func TestASessionContextOfAUserAccountUsesTheUsersCredentials(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env["XDG_RUNTIME_DIR"] = t.TempDir()
	h.env["AZC_SESSION"] = strings.TrimSpace(h.full("session", "start", "--pid", strconv.Itoa(os.Getpid())))
	user := strings.TrimSpace(h.full("context", "list", "-o", "tsv", "--query", "[?subscription.name=='Fabrikam Shared'].name"))
	h.full("context", "set", "--subscription", "Fabrikam Shared", "--name", "scratch", "--scope", "process", "-o", "none")
	if got := strings.TrimSpace(h.full("context", "show", "scratch", "-o", "tsv", "--query", "scope")); got != "process" {
		t.Fatalf("scratch lives in scope %q, want process", got)
	}
	h.full("token", "-c", "scratch", "-o", "none")

	var b struct{ Credentials map[string]json.RawMessage }
	if err := json.Unmarshal([]byte(h.full("context", "export", "scratch", "--file", "-", "--with-credentials")), &b); err != nil {
		t.Fatal(err)
	}
	if len(b.Credentials) != 1 {
		t.Errorf("export --with-credentials of the session's context carries %d accounts' credentials, want 1", len(b.Credentials))
	}

	// the session's context alone holds the subscription now
	h.full("context", "remove", user, "--scope", "user", "-o", "none")
	if r := h.run(false, "token", "--subscription", "Fabrikam Shared", "-o", "json"); r.code != 0 {
		t.Errorf("token --subscription of the session's context: exit %d: %s", r.code, r.errOut)
	}
}

// TestRefreshOfASessionContextOfAUserAccountUsesTheUsersCredentials:
// context list --refresh asks ARM again with each account's tokens from the
// store that holds them (azc.Entry.Credentials): a user account whose only
// context the shell's session holds has them in the user's store.
func TestRefreshOfASessionContextOfAUserAccountUsesTheUsersCredentials(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env["XDG_RUNTIME_DIR"] = t.TempDir()
	h.env["AZC_SESSION"] = strings.TrimSpace(h.full("session", "start", "--pid", strconv.Itoa(os.Getpid())))
	// the session's copy of the first context takes its place in the
	// merged view: the account's first context is the session's
	var first []struct {
		Name         string
		Subscription struct{ ID string }
	}
	if err := json.Unmarshal([]byte(h.full("context", "list", "-o", "json")), &first); err != nil {
		t.Fatal(err)
	}
	h.full("context", "set", "--subscription", first[0].Subscription.ID, "--name", first[0].Name, "--scope", "process", "-o", "none")
	if got := strings.TrimSpace(h.full("context", "list", "-o", "tsv", "--query", "[0].scope")); got != "process" {
		t.Fatalf("the first context lives in scope %q, want process", got)
	}
	h.full("token", "-c", first[0].Name, "-o", "none")
	if r := h.run(false, "context", "list", "--refresh", "-o", "none"); r.code != 0 {
		t.Errorf("context list --refresh: exit %d: %s", r.code, r.errOut)
	}
}

// TestASessionBlobWhoseKeyIsGoneIsNotReplacedByTheUsers: an account signed
// in at both scopes whose session blob is sealed under a key the session
// does not have reads as signed out in the session's contexts; the tokens
// of the user's store are not used in its place.
func TestASessionBlobWhoseKeyIsGoneIsNotReplacedByTheUsers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rt := t.TempDir()
	h.env["XDG_RUNTIME_DIR"] = rt
	env := strings.TrimSpace(h.full("session", "start", "--pid", strconv.Itoa(os.Getpid())))
	h.env["AZC_SESSION"] = env
	h.full("login", "--environment", "emu", "--device-code", "--scope", "process", "-o", "none")
	var ctxs []struct{ Name, Scope string }
	if err := json.Unmarshal([]byte(h.full("context", "list", "-o", "json")), &ctxs); err != nil {
		t.Fatal(err)
	}
	name := ""
	for _, c := range ctxs {
		if c.Scope == "process" {
			name = c.Name
		}
	}
	if name == "" {
		t.Fatalf("no session context in %+v", ctxs)
	}
	data, err := os.ReadFile(filepath.Join(h.env["AZC_CONFIG_DIR"], "profile.json"))
	if err != nil {
		t.Fatal(err)
	}
	user, err := profile.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(user.Accounts) != 1 {
		t.Fatalf("the profile holds %d accounts, want 1", len(user.Accounts))
	}
	key := user.Accounts[0].Key() // the session's sign-in is of the same account
	id, _, _ := strings.Cut(env, ".")
	other, err := credstore.Open(filepath.Join(rt, "azc", "sessions", id), credstore.Options{Backend: credstore.FixedKey("other", make([]byte, 32)), LeaveTemps: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Put("blob:"+key, []byte("cache")); err != nil {
		t.Fatal(err)
	}
	if r := h.run(false, "token", "-c", name, "-o", "json"); r.code == 0 || !strings.Contains(r.errOut, "no longer available") {
		t.Errorf("token -c %s with its session blob's key gone: exit %d: %s; want the session's sign-in reported lost", name, r.code, r.errOut)
	}
}

// TestNotSignedInIsAuths: a context whose account is not in the profile
// fails `azc token` in the azc binary (which does not link auth) with the
// error auth.ErrNotSignedIn is, as azc-full's MSAL path fails a signed-out
// account: one sentinel, whichever binary answers.
func TestNotSignedInIsAuths(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "azc")
	s, err := profile.Open(dir, profile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(func(p *profile.Profile) error {
		_, err := p.UpsertContext(profile.Context{Name: "Orphan", Account: "azurecloud|t|gone@contoso.com", Environment: "AzureCloud",
			Tenant: profile.Tenant{ID: "t"}}, profile.UpsertOptions{})
		p.DefaultContext = "Orphan"
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(k string) string { return map[string]string{"AZC_CONFIG_DIR": dir}[k] }, "v0-test")
	err = tokens.Run(context.Background(), f, cmdutil.Output{Format: cmdutil.FormatJSON}, &tokens.Options{})
	if !errors.Is(err, auth.ErrNotSignedIn) {
		t.Fatalf("token of a context without its account: %v, want auth.ErrNotSignedIn", err)
	}
}

// TestAResourceIsOneAScopeSome: a --resource holding white space or a
// control character, and a --scope of white space alone or holding a
// control character, are refused as usage errors, by the azc binary and by
// azc-full alike, before any request. Sent on, "https://x/ y" became two
// scopes and the identity provider's error spoke of neither, and a blank
// scope had it answer of MSAL's own ("openid offline_access profile"). (A
// --scope may be several, as OAuth's scope parameter is.)
func TestAResourceIsOneAScopeSome(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const oneResource, someScopes = "give one, without white space or control characters", "give one or more, separated by spaces, without control characters"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"token", "--resource", "https://storage.azure.com/ https://vault.azure.net"}, oneResource},
		{[]string{"token", "--resource", "https://storage.azure.com/\thttps://vault.azure.net"}, oneResource},
		{[]string{"token", "--resource", "https://storage.azure.com/\n"}, oneResource},
		{[]string{"token", "--scope", "  "}, someScopes},
		{[]string{"token", "--scope", "https://vault.azure.net/.default\x00"}, someScopes},
		{[]string{"token", "--scope", "https://vault.azure.net/.default\x1b[2J"}, someScopes},
	} {
		for _, light := range []bool{true, false} {
			before := requests(h.s)
			r := h.run(light, tc.args...)
			if r.code != cmdutil.ExitUsage || r.handedOver != nil || !strings.Contains(r.errOut, tc.want) {
				t.Errorf("%q (azc binary %v): exit %d, handed over %q, stderr %q; want a usage error", tc.args, light, r.code, r.handedOver, r.errOut)
			}
			if n := requests(h.s) - before; n != 0 {
				t.Errorf("%q (azc binary %v): %d requests", tc.args, light, n)
			}
		}
	}
}
