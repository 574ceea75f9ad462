// Package accounts is what the sign-in commands do once their arguments
// are parsed: login/connect, logout/disconnect, subscription list and
// tenant list, with token's slow path (MSALToken) and what the context
// commands need of sign-in (DropCredentials, SignOutCredentials,
// DropReleased, RefreshAll, FindSubscription). Each command has an Options
// struct and a run function that calls package auth; nothing here talks to
// Entra ID or ARM itself. It links MSAL, so only azc-full links it.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/contexts"
	"github.com/azcontext/azc/internal/cli/termtext"
	"github.com/azcontext/azc/internal/termsafe"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// LoginOptions is argv of `azc login`.
type LoginOptions struct {
	DeviceCode         bool
	ServicePrincipal   bool
	Identity           bool
	ClientID           string
	ClientSecretFile   string
	Certificate        string
	CertificatePwdFile string
	FederatedTokenFile string
	ResourceID         string
	AccessTokenFile    string
	AccountID          string
	Tenant             string
	Subscription       string
	Environment        string
	ContextName        string
	Force              bool
	Scope              string
	MaxContexts        int
	SkipPopulation     bool
}

// Check refuses, as a usage error, flags of two ways of signing in, and a
// flag of one way given without it: they would be ignored, and the sign-in
// would be another than the one asked for.
func (o *LoginOptions) Check() error {
	type flag struct {
		name string
		set  bool
	}
	given := func(flags ...flag) (names []string) {
		for _, fl := range flags {
			if fl.set {
				names = append(names, fl.name)
			}
		}
		return names
	}
	if ways := given(flag{"--identity", o.Identity}, flag{"--service-principal", o.ServicePrincipal},
		flag{"--access-token-file", o.AccessTokenFile != ""}, flag{"--device-code", o.DeviceCode}); len(ways) > 1 {
		return cmdutil.UsageErrorf("%s and %s are two ways of signing in: give one", ways[0], ways[1])
	}
	creds := []flag{{"--client-secret-file", o.ClientSecretFile != ""}, {"--certificate", o.Certificate != ""},
		{"--federated-token-file", o.FederatedTokenFile != ""}}
	if sp := given(append(creds, flag{"--certificate-password-file", o.CertificatePwdFile != ""})...); len(sp) > 0 && !o.ServicePrincipal {
		return cmdutil.UsageErrorf("%s is for a service principal: add --service-principal", sp[0])
	}
	if c := given(creds...); len(c) > 1 {
		return cmdutil.UsageErrorf("%s and %s are two credentials of a service principal: give one", c[0], c[1])
	}
	switch {
	case o.ResourceID != "" && !o.Identity:
		return cmdutil.UsageErrorf("--resource-id is for --identity")
	case o.ResourceID != "" && o.ClientID != "":
		return cmdutil.UsageErrorf("--client-id and --resource-id both name the user-assigned identity: give one")
	case o.CertificatePwdFile != "" && o.Certificate == "":
		return cmdutil.UsageErrorf("--certificate-password-file is for --certificate")
	case o.ClientID != "" && !o.ServicePrincipal && !o.Identity:
		return cmdutil.UsageErrorf("--client-id is for --service-principal or --identity")
	case o.AccountID != "" && o.AccessTokenFile == "":
		return cmdutil.UsageErrorf("--account-id is for --access-token-file")
	case o.Subscription != "" && o.SkipPopulation:
		return cmdutil.WithHint(cmdutil.UsageErrorf("--subscription picks one of the subscriptions the sign-in lists, and --skip-population lists none"), cmdutil.ExitUsage,
			"to make that subscription's context alone (as Connect-AzAccount -Subscription S -SkipContextPopulation does), sign in with --subscription S --max-contexts 1")
	case o.MaxContexts < 0:
		return cmdutil.UsageErrorf("--max-contexts %d: give a number of contexts, 1 or more (0, the default, keeps every subscription)", o.MaxContexts)
	}
	if o.ContextName != "" {
		if err := profile.CheckName(o.ContextName); err != nil {
			return fmt.Errorf("--context-name %w", err)
		}
	}
	return nil
}

// LoginRun signs in and creates or updates a context per subscription:
// `azc login` once its arguments are parsed.
func LoginRun(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, o *LoginOptions) error {
	if err := o.Check(); err != nil {
		return err
	}
	if err := cmdutil.CheckTenantFlag(o.Tenant); err != nil {
		return err
	}
	st, scope, err := cmdutil.StateAndScope(f, o.Scope)
	if err != nil {
		return err
	}
	p, err := st.Profile()
	if err != nil {
		return err
	}
	env, err := p.FindEnvironment(o.Environment)
	if err != nil {
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "`azc environment list` shows the clouds; `azc environment add` adds one")
	}
	blobs, err := cmdutil.Blobs(f, st, scope)
	if err != nil {
		return err
	}
	opts := auth.LoginOptions{
		Environment: env, TenantID: o.Tenant, ClientID: o.ClientID, ResourceID: o.ResourceID,
		Subscription: o.Subscription, SkipPopulation: o.SkipPopulation, MaxContexts: o.MaxContexts,
		AccountID: o.AccountID, FederatedTokenFile: o.FederatedTokenFile,
	}
	var endUI func()
	opts.UI, endUI = loginUI(ctx, f)
	switch {
	case o.Identity:
		opts.Method = auth.ManagedIdentity
	case o.AccessTokenFile != "":
		opts.Method = auth.RawAccessToken
		tok, err := readSecret(ctx, f, o.AccessTokenFile, "", "access token")
		if err != nil {
			return err
		}
		if err := auth.CheckAccessToken(tok); err != nil {
			return cmdutil.WithHint(cmdutil.Errorf("%s holds no access token: %w", sourceName(o.AccessTokenFile, "access token"), err), cmdutil.ExitFailure, "nothing was changed; give the file of an access token (a JWT), e.g. from `az account get-access-token --query accessToken -o tsv`")
		}
		opts.AccessToken = tok
	case o.ServicePrincipal:
		switch {
		case o.Certificate != "":
			opts.Method = auth.Certificate
			data, err := cmdutil.ReadFile(ctx, o.Certificate)
			if err != nil {
				return cmdutil.Errorf("read the certificate: %w", err)
			}
			opts.Certificate = data
			if o.CertificatePwdFile != "" || f.Getenv("AZURE_CLIENT_CERTIFICATE_PASSWORD") != "" {
				pw, err := readSecret(ctx, f, o.CertificatePwdFile, "AZURE_CLIENT_CERTIFICATE_PASSWORD", "")
				if err != nil {
					return err
				}
				opts.CertificatePassword = pw
			}
		case o.FederatedTokenFile != "":
			opts.Method = auth.FederatedToken
			// read again at every refresh, from wherever azc then runs
			abs, err := filepath.Abs(o.FederatedTokenFile)
			if err != nil {
				return cmdutil.Errorf("--federated-token-file: %w", err)
			}
			opts.FederatedTokenFile = abs
		default:
			opts.Method = auth.ClientSecret
			s, err := readSecret(ctx, f, o.ClientSecretFile, "AZURE_CLIENT_SECRET", "client secret")
			if errors.Is(err, errNoSecret) {
				return cmdutil.WithHint(err, cmdutil.ExitUsage, "give --client-secret-file FILE (or - for stdin), or set AZURE_CLIENT_SECRET")
			}
			if err != nil {
				return err
			}
			opts.ClientSecret = s
		}
	case o.DeviceCode:
		opts.Method = auth.DeviceCode
	default:
		opts.Method = auth.Interactive
	}

	m := newManager(f)
	res, err := m.Login(ctx, opts)
	if errors.Is(err, auth.ErrNoBrowser) && opts.Method == auth.Interactive && ctx.Err() == nil {
		endUI()
		fmt.Fprintln(f.IOStreams.ErrOut, "azc: no browser could be opened; signing in with a device code instead")
		opts.Method = auth.DeviceCode
		res, err = m.Login(ctx, opts)
	}
	endUI()
	var ce *auth.CertificateError
	if errors.As(err, &ce) {
		return cmdutil.WithHint(cmdutil.Errorf("--certificate %s: %w", o.Certificate, err), cmdutil.ExitFailure, "nothing was changed; give a PEM file of the certificate and its private key, or a PFX file and its password (--certificate-password-file or AZURE_CLIENT_CERTIFICATE_PASSWORD)")
	}
	if err != nil {
		return loginError(err, opts.Method, env)
	}
	for _, w := range res.Warnings {
		cmdutil.Warn(f.IOStreams, w)
	}
	apply := auth.ApplyOptions{ContextName: o.ContextName, Force: o.Force}
	if want, ok := res.Named(apply); ok && o.Force {
		probe := func(ctx context.Context, st *azc.State, scope profile.Scope, keys []string) error {
			return ProbeCredentialLocks(ctx, f, st, scope, keys)
		}
		if err := contexts.ProbeReplaced(ctx, st, scope, &want, probe); err != nil {
			return err
		}
	}
	var ar auth.ApplyResult
	var named []azc.Rename // --context-name, which gave way to a distinct name
	err = res.Save(ctx, blobs, func() error {
		ch, err := st.ChangeDefault(scope, func(p *profile.Profile) (bool, error) {
			var err error
			ar, err = res.Apply(p, apply)
			return ar.Default.Name != "", err
		})
		if err == nil {
			// the default by the name it has: a name the other scope's
			// context of another identity holds gave it a distinct one
			named = nil
			for _, r := range ch.Renamed {
				if ar.Default.Name == r.Old {
					ar.Default.Name = r.New
					if o.ContextName != "" {
						named = append(named, r)
					}
				}
			}
		}
		return err
	})
	if errors.Is(err, profile.ErrNameTaken) {
		return cmdutil.WithHint(err, cmdutil.ExitUsage, "pass --force to replace it, or choose another --context-name")
	}
	if err != nil {
		return err
	}
	if err := DropCredentials(ctx, f, st, scope, ar.Replaced.OrphanedAccounts); err != nil {
		return err
	}
	for _, r := range named {
		cmdutil.Warn(f.IOStreams, contexts.RenameWarning(scope, r, "saved"))
	}
	result := loginOutput{Account: contexts.Account{ID: res.Account.ID, Type: string(res.Account.Type)}, Tenants: len(res.Tenants),
		Subscriptions: len(res.Subscriptions), ContextsCreated: ar.Created, ContextsUpdated: ar.Updated, Default: ar.Default.Name}
	return out.PrintChange(f, result, fmt.Sprintf("Signed in as %s (%s): %s created, %d updated; current context %s.",
		res.Account.ID, contexts.Where(st, scope), cmdutil.Plural(ar.Created, "context"), ar.Updated, profile.QuoteShort(ar.Default.Name)))
}

// loginOutput is the JSON shape of a sign-in; its account is shaped as a
// context's.
type loginOutput struct {
	Account         contexts.Account `json:"account"`
	Tenants         int              `json:"tenants"`
	Subscriptions   int              `json:"subscriptions"`
	ContextsCreated int              `json:"contextsCreated"`
	ContextsUpdated int              `json:"contextsUpdated"`
	Default         string           `json:"default"`
}

// loginUI prints device-code instructions and progress to stderr and opens
// the browser only when a user is at a terminal. Call end when the work is
// over, whatever its outcome: on a terminal it erases a progress line the
// work left unfinished (an interrupt, an error), so that neither the
// shell's prompt nor the error follows it on that line.
func loginUI(ctx context.Context, f *cmdutil.Factory) (ui auth.UI, end func()) {
	// the message is the identity provider's text: escaped, as every
	// text from the network is
	ui = auth.UI{DisplayMessage: func(msg string) { fmt.Fprintln(f.IOStreams.ErrOut, termsafe.Escape(msg)) }}
	if !f.IOStreams.IsStderrTTY() {
		ui.Progress = plainProgress(f.IOStreams.ErrOut, f.Now)
		return ui, func() {}
	}
	ui.OpenURL = func(u string) error {
		if err := openBrowser(ctx, u); err != nil {
			return err
		}
		fmt.Fprintln(f.IOStreams.ErrOut, "azc: a browser window opened to sign in; if it did not, open:\n"+u)
		return nil
	}
	if !f.IOStreams.CanDrawErr() {
		// TERM=dumb: a terminal, but one that draws no line in place
		ui.Progress = plainProgress(f.IOStreams.ErrOut, f.Now)
		return ui, func() {}
	}
	// One line, rewritten in place, says what azc waits for. It is cut to
	// the terminal's width: the carriage return and the erase reach only
	// the last row of a line that wrapped, and each rewrite would leave a
	// row.
	var (
		mu   sync.Mutex
		open bool // the line is drawn and not ended
	)
	draw := func(text string) {
		if w := f.IOStreams.ErrWidth(); w > 1 && termtext.Width(text) >= w {
			text = termtext.Truncate(text, w-1)
		}
		fmt.Fprint(f.IOStreams.ErrOut, "\r\x1b[K"+text)
	}
	ui.Progress = func(p auth.Progress) {
		mu.Lock()
		defer mu.Unlock()
		open = true
		switch {
		case p.Starting:
			draw("azc: contacting the identity provider (Ctrl-C to stop)…")
		case p.Approval:
			draw("azc: waiting for the sign-in to be approved (Ctrl-C to stop)…")
		case p.Listing:
			draw("azc: listing tenants (Ctrl-C to stop)…")
		case p.Retry != nil:
			draw(retryText(p.Retry) + ", Ctrl-C to stop)…")
		default:
			text := fmt.Sprintf("azc: listing subscriptions: tenants %d/%d, subscriptions %d", p.TenantsDone, p.Tenants, p.Subscriptions)
			if p.TenantsDone == p.Tenants {
				// the last count stays, whole: nothing rewrites it
				fmt.Fprintln(f.IOStreams.ErrOut, "\r\x1b[K"+text)
				open = false
				return
			}
			draw(text)
		}
	}
	end = func() {
		mu.Lock()
		defer mu.Unlock()
		if open {
			fmt.Fprint(f.IOStreams.ErrOut, "\r\x1b[K")
			open = false
		}
	}
	// what the sign-in shows ends the line that waited for it
	show, openURL := ui.DisplayMessage, ui.OpenURL
	ui.DisplayMessage = func(msg string) { end(); show(msg) }
	ui.OpenURL = func(u string) error { end(); return openURL(u) }
	return ui, end
}

// plainProgressEvery is how often plainProgress reports the subscription
// listing's count.
const plainProgressEvery = 5 * time.Second

// plainProgress reports a sign-in's progress to a stderr that is not a
// terminal (a CI log, a pipe, a file) in whole lines, without control
// bytes: one line when the identity provider is asked to begin, one when
// the sign-in (a device code, the page in a browser) waits for approval,
// one when the tenants are being listed, one for each request to ARM sent
// again (after a timeout, a 429 or a 5xx), then the subscription listing's
// count at once, at most every plainProgressEvery by now's clock, and
// when it ends.
func plainProgress(w io.Writer, now func() time.Time) func(auth.Progress) {
	var (
		mu   sync.Mutex
		last time.Time
	)
	return func(p auth.Progress) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case p.Starting:
			fmt.Fprintln(w, "azc: contacting the identity provider")
		case p.Approval:
			fmt.Fprintln(w, "azc: waiting for the sign-in to be approved (Ctrl-C to stop)")
		case p.Listing:
			fmt.Fprintln(w, "azc: listing tenants")
		case p.Retry != nil:
			fmt.Fprintln(w, retryText(p.Retry)+")")
		default:
			t := now()
			if p.TenantsDone < p.Tenants && !last.IsZero() && t.Sub(last) < plainProgressEvery {
				return
			}
			last = t
			fmt.Fprintf(w, "azc: listing subscriptions: tenants %d/%d, subscriptions %d\n", p.TenantsDone, p.Tenants, p.Subscriptions)
		}
	}
}

// retryText says that a request to ARM is sent again, and why, up to the
// try's count, whose parenthesis the caller closes.
func retryText(r *auth.Retry) string {
	return fmt.Sprintf("azc: %s; trying again (try %d of %d", termsafe.Escape(r.Why), r.Try, r.Tries)
}

// errNoSecret is readSecret's error when neither a file nor the variable
// gives the secret.
var errNoSecret = errors.New("no secret given")

// readSecret reads a secret from file ("-" = stdin) or, with no file, from
// the environment variable env. A file that holds nothing but white space
// is an error naming it when what names the secret (a certificate's
// password may be empty).
func readSecret(ctx context.Context, f *cmdutil.Factory, file, env, what string) (secret.String, error) {
	var data []byte
	var err error
	switch {
	case file == "-" && f.IOStreams.CanPrompt():
		// typed at the terminal: asked for, and not echoed
		label := what
		if label == "" {
			label = "certificate password"
		}
		data, err = cmdutil.AskSecret(ctx, f.IOStreams, label)
	case file == "-":
		data, err = cmdutil.ReadStdin(ctx, f.IOStreams)
	case file != "":
		data, err = cmdutil.ReadFile(ctx, file)
	case env != "" && f.Getenv(env) != "":
		return secret.New(f.Getenv(env)), nil
	default:
		return secret.String{}, &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: errNoSecret}
	}
	if err != nil {
		return secret.String{}, cmdutil.Errorf("read the secret: %w", err)
	}
	if err := profile.WideText(data); err != nil {
		clear(data)
		return secret.String{}, cmdutil.Errorf("%s: %w", sourceName(file, "secret"), err)
	}
	// A UTF-8 byte order mark (Notepad's, Windows PowerShell's
	// Set-Content -Encoding utf8) is no part of a secret: Entra ID's are
	// ASCII.
	s := secret.New(strings.TrimSpace(strings.TrimPrefix(string(data), "\ufeff")))
	clear(data)
	if s.IsZero() && what != "" {
		if file == "-" {
			return s, cmdutil.Errorf("standard input is empty: it holds no %s", what)
		}
		return s, cmdutil.Errorf("%s is empty", sourceName(file, what))
	}
	return s, nil
}

// sourceName names the file ("-": standard input) that a secret, what,
// was read from.
func sourceName(file, what string) string {
	if file == "-" {
		return "standard input"
	}
	return "the " + what + " file " + file
}

// loginError adds the next step to a failed sign-in to env with method;
// the profile is untouched.
func loginError(err error, method auth.Method, env profile.Environment) error {
	var ae *auth.AADError
	var se *auth.StatusError
	var pe *auth.PopulateError
	var ue *url.Error
	switch {
	case errors.Is(err, auth.ErrNoManagedIdentity):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; --identity speaks the App Service protocol (App Service, Functions, Container Apps), not a virtual machine's IMDS: there, sign in as a service principal or a user")
	case errors.As(err, &pe) && pe.Refused() && method == auth.RawAccessToken:
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; ARM refused the token: give one for ARM, of this tenant, that has not expired")
	case errors.As(err, &pe) && !env.BuiltIn && pe.Status() == http.StatusUnauthorized:
		// ARM refuses every token of an audience it does not accept: a
		// custom environment added without the right --arm-audience
		name := termsafe.ShellWord(env.Name)
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; ARM refused the token: check the environment's ARM audience (`azc environment show "+name+
			"`); `azc environment add "+name+" … --arm-audience AUD` corrects it")
	case errors.As(err, &pe) && pe.Refused():
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; ARM refused the account's token, which no retry cures: check the account's access to the tenant, or sign in with --skip-population")
	case errors.As(err, &pe):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; retry, or sign in with --skip-population")
	case errors.As(err, &se) && method == auth.ManagedIdentity && !unavailable(se.Status):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; the managed identity endpoint refused the request: check --client-id or --resource-id (an identity assigned to this app) and that IDENTITY_HEADER is the one the platform set")
	case errors.As(err, &ae) && unavailable(ae.Status), errors.As(err, &se) && unavailable(se.Status):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; the identity provider is unavailable or throttling (it failed every retry): try again in a while")
	case errors.As(err, &ue) && !errors.Is(err, context.Canceled):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; no answer from the identity provider (after retries): check the network and any proxy, then try again")
	case errors.As(err, &ae) && ae.Code == "invalid_client":
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; check the client id, the tenant and the secret or certificate")
	case errors.As(err, &ae) && (ae.Code == "invalid_request" || ae.Code == "invalid_tenant" || ae.Code == "unauthorized_client"):
		// A tenant that does not exist (AADSTS90002, invalid_tenant from
		// its OpenID configuration, invalid_request from the token
		// endpoint), an application not registered in it (AADSTS700016):
		// what the user typed, not the sign-in, needs changing.
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; check the tenant, the client id and the environment")
	case errors.As(err, &ae):
		return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed; sign in again")
	}
	return cmdutil.WithHint(err, cmdutil.ExitFailure, "nothing was changed")
}

// unavailable reports whether an identity provider's answer says it is
// down or throttling (429, 5xx) rather than refusing the sign-in.
func unavailable(status int) bool {
	return status == http.StatusTooManyRequests || status >= http.StatusInternalServerError
}

func newManager(f *cmdutil.Factory) *auth.Manager {
	return auth.New(auth.Config{Logger: f.Logger, Getenv: f.Getenv, Now: f.Now, NotFound: blobNotFound})
}

// DropCredentials deletes the credential blobs of the accounts keys that
// scope's profile, as just written, no longer names, after a removal of
// contexts (auth.DropCredentials): in the user scope, an account that a
// live shell's selection uses keeps its tokens (azc.State.Held).
func DropCredentials(ctx context.Context, f *cmdutil.Factory, st *azc.State, scope profile.Scope, keys []string) error {
	var held func(string) (bool, error)
	if scope == profile.ScopeUser {
		held = st.Held
	}
	return dropCredentials(ctx, f, st, scope, keys, held)
}

// DropUnused deletes the blobs of the user's credential store of no
// account of the profile and of no live shell (credstore.Store.DropUnnamed),
// for `azc logout --all`: a sign-out or a sign-in stopped (killed) before it
// finished leaves one, which nothing reads and no other command removes
// (azc doctor reports them). It returns how many it deleted.
func DropUnused(ctx context.Context, f *cmdutil.Factory, st *azc.State) (int, error) {
	if cmdutil.UserStoreUnmade(f) {
		return 0, nil // no store yet: no blob, and opening one would make it
	}
	cs, err := cmdutil.UserBlobs(f)
	if err != nil {
		return 0, err
	}
	return cs.DropUnnamed(ctx, func() ([]string, error) {
		p, err := st.Store().Load()
		if err != nil {
			return nil, err
		}
		held, err := st.HeldAccounts()
		if err != nil {
			return nil, err
		}
		return auth.UsedBlobKeys(p, held), nil
	})
}

// SignOutCredentials deletes the credential blobs of the accounts keys
// that scope's profile, as just written, no longer names, after a
// sign-out (logout, context clear): from the shells that hold the
// accounts too.
func SignOutCredentials(ctx context.Context, f *cmdutil.Factory, st *azc.State, scope profile.Scope, keys []string) error {
	return dropCredentials(ctx, f, st, scope, keys, nil)
}

// DropReleased drops the credentials of the accounts whose holds ended
// shells, or shells that selected another, gave up (azc.State.ReleaseHolds),
// where nothing names or holds them any more.
func DropReleased(ctx context.Context, f *cmdutil.Factory, st *azc.State) error {
	keys, err := st.ReleaseHolds()
	if err != nil {
		return err
	}
	return DropCredentials(ctx, f, st, profile.ScopeUser, keys)
}

func dropCredentials(ctx context.Context, f *cmdutil.Factory, st *azc.State, scope profile.Scope, keys []string, held func(string) (bool, error)) error {
	if len(keys) == 0 {
		return nil
	}
	blobs, err := cmdutil.Blobs(f, st, scope)
	if err != nil {
		return err
	}
	return auth.DropCredentials(ctx, blobs, keys, func() (*profile.Profile, error) {
		return cmdutil.ScopeProfile(st, scope)
	}, held)
}

// ProbeCredentialLocks takes and releases the credential locks of the
// accounts keys in scope's store (credstore.LockKeys), so that a command
// that removes contexts and then their credentials fails before it changes
// anything when a lock cannot be taken. Its error names the account as
// scope's profile does (profile.Profile.AccountName). It reads the shells'
// hold records too, which the removal of credentials then consults, so
// that one azc refuses (a link, another user's) stops the command here.
func ProbeCredentialLocks(ctx context.Context, f *cmdutil.Factory, st *azc.State, scope profile.Scope, keys []string) error {
	if _, err := st.HeldAccounts(); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	blobs, err := cmdutil.Blobs(f, st, scope)
	if err != nil {
		return err
	}
	unlock, err := credstore.LockKeys(ctx, blobs, keys)
	var le *credstore.AccountLockError
	if errors.As(err, &le) {
		if p, perr := cmdutil.ScopeProfile(st, scope); perr == nil {
			return &credstore.AccountLockError{Key: le.Key, Name: p.AccountName(le.Key), Err: le.Err}
		}
	}
	if err != nil {
		return err
	}
	unlock()
	return nil
}

// blobNotFound is the store's "no such blob" (a lost key reads as one too:
// the account is then signed out, never crashed).
func blobNotFound(err error) bool { return errors.Is(err, credstore.ErrNotFound) }
