// Package execute is what `azc exec` does once its arguments are parsed:
// run any program under a context, with the context's credentials served
// to it by a credential server (package credserver) for exactly as long as
// it runs (docs/exec.md).
package execute

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/childproc"
	"github.com/azcontext/azc/credserver/endpoint"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/credblob"
	"github.com/azcontext/azc/internal/termsafe"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// ExecOptions is argv of `azc exec`.
type ExecOptions struct {
	// Ref names the context (-c, $AZC_CONTEXT, the default).
	Ref string
	// Args is the child's command line.
	Args []string
	// NoServer exports the context's variables without a credential server.
	NoServer bool
	// LegacyMSI also serves the 2017-09-01 protocol and sets its variables
	// (the az CLI 2.45). Default: on with a server.
	LegacyMSI bool
	// PrivateAzConfig gives the child a fresh AZURE_CONFIG_DIR signed in to
	// the context, removed when it ends. Default: on with a server.
	PrivateAzConfig bool
	// KeepEnv names inherited variables the child keeps although azc would
	// remove them.
	KeepEnv []string

	// Environ is the environment the child's is built from (os.Environ).
	Environ func() []string
	// Serve starts the credential server in this process: azc-full's
	// (package execserve). Nil in the azc binary, which links no server:
	// there the server is azc-full, started beside the child on a socket
	// azc made (spawnServer).
	Serve ServeFunc
}

// Defaults sets LegacyMSI and PrivateAzConfig where their flags were not
// given (legacySet, privateSet false): on with a server, off without.
func (o *ExecOptions) Defaults(legacySet, privateSet bool) {
	if !legacySet {
		o.LegacyMSI = !o.NoServer
	}
	if !privateSet {
		o.PrivateAzConfig = !o.NoServer
	}
}

// Server is a running credential server.
type Server interface {
	// Env is the variables that point the child at the server
	// (credserver.Server.Env).
	Env() []string
	// Close stops the server.
	Close() error
}

// ServeFunc starts the credential server of spec.
type ServeFunc func(ctx context.Context, f *cmdutil.Factory, spec *ServeSpec) (Server, error)

// ServeSpec is what an exec's credential server serves.
type ServeSpec struct {
	Context     profile.Context
	Account     profile.Account
	Environment profile.Environment
	// Scope is the scope whose credential store holds the account's
	// tokens (azc.Entry.Credentials).
	Scope     profile.Scope
	LegacyMSI bool
	// Listener, when set, is the socket to serve on (endpoint.Listen), at
	// Endpoint, which the child already has; nil: the server listens on a
	// port and endpoint of its own.
	Listener *os.File
	Endpoint endpoint.Endpoint
	// Identity is what the account's ARM token names of it, which the azc
	// binary read before it started the child and the server on Listener
	// (spawnServer): that server serves without asking for one first.
	Identity TokenIdentity
}

// ExecRun runs the child under the context and returns once it has ended
// and everything azc set up for it is gone: `azc exec` once its arguments
// are parsed. A child that fails leaves azc with its exit code.
func ExecRun(ctx context.Context, f *cmdutil.Factory, o *ExecOptions) error {
	code, err := runChild(ctx, f, o)
	if err != nil {
		return err
	}
	if code != 0 {
		// Every clean-up of runChild has run: the server is closed and the
		// private directory gone. Leave with the child's code, silently.
		return &cmdutil.SilentExit{Code: code}
	}
	return nil
}

// runChild serves the context to the child and returns the child's exit
// code once the server is closed and temporary files are removed.
func runChild(ctx context.Context, f *cmdutil.Factory, o *ExecOptions) (int, error) {
	// From here until the private directory is gone again, the signals the
	// child will get must not end azc on the spot, which would leave the
	// directory behind: during the start they stop it (the child is not
	// run, azc exits 128+N), once the child runs they are its (childproc).
	sigs := make(chan os.Signal, 16)
	childproc.Notify(sigs)
	defer signal.Stop(sigs)
	startCtx, watch := watchStart(ctx, sigs)
	defer watch.cancel()
	// started says the child ran: only then does exec look for the
	// private directories of killed ones (sweepPrivateDirs), so that an
	// exec that fails before its child starts leaves nothing.
	started := false
	st, err := f.State()
	if err != nil {
		return 0, err
	}
	p, e, err := st.ResolveEntry(o.Ref)
	if err != nil {
		return 0, err
	}
	c := &e.Context
	if err := c.CheckExported(); err != nil {
		return 0, unexportable(st, e, err)
	}
	env, err := p.Environment(c.Environment)
	if err != nil {
		return 0, err
	}
	base := o.Environ()
	vars := childproc.Vars{Context: c.Name, ContextKey: azc.ContextKey(c), TenantID: c.Tenant.ID, StorageAccount: c.StorageAccount, ARMEnvironment: armEnvironment(env), Keep: o.KeepEnv}
	if c.Subscription != nil {
		vars.SubscriptionID = c.Subscription.ID
	}
	if !o.NoServer {
		acct := p.Account(c.Account)
		if acct == nil {
			return 0, cmdutil.WithHint(credblob.ErrNotSignedIn, cmdutil.ExitInteraction, "sign in with `azc login`")
		}
		spec := &ServeSpec{Context: *c, Account: *acct, Environment: env, Scope: e.Credentials, LegacyMSI: o.LegacyMSI}
		var srv Server
		if o.Serve == nil {
			// azc: azc-full serves, started before anything is written, so
			// that a hand-over (a token only MSAL gets) finds nothing done.
			if srv, err = spawnServer(f, st, spec); err != nil {
				// a signal that came first ends azc rather than go to
				// azc-full with the hand-over, which would lose it
				if sig := watch.stop(); sig != nil {
					return signalExit(sig), nil
				}
				if ctx.Err() != nil {
					return 0, ctx.Err()
				}
				return 0, err
			}
		}
		// The child's files (a private az configuration, a CA bundle) are
		// written while the server starts (it reads the credential blob):
		// on a second core the two take the time of one.
		prepared := make(chan error, 1)
		var release func()
		go func() {
			var err error
			release, err = prepareEnv(f, o, c, env, lookup(base), &vars)
			prepared <- err
		}()
		if srv == nil {
			srv, err = o.Serve(startCtx, f, spec)
		}
		prepErr := <-prepared
		// Once the child has ended, the server closes while the private
		// directory is removed.
		defer func() {
			var wg sync.WaitGroup
			if dir := vars.AzureConfigDir; dir != "" {
				wg.Go(func() {
					_ = os.RemoveAll(dir)
					if release != nil {
						release()
					}
					if started {
						sweepPrivateDirs(filepath.Dir(dir), dir, filepath.Join(f.StateDir, sweepStamp), f.Now(), f.Logger)
					}
				})
			}
			if srv != nil {
				if err := srv.Close(); err != nil {
					f.Logger.Debug("exec: closing the credential server", "err", err)
				}
			}
			wg.Wait()
		}()
		if sig := watch.stop(); sig != nil {
			return signalExit(sig), nil
		}
		if err != nil {
			return 0, err
		}
		if prepErr != nil {
			return 0, prepErr
		}
		vars.Server = srv.Env()
		vars.Extra = append(vars.Extra, noProxy(base)...)
		f.Logger.Debug("exec: credential server started", "context", c.Name, "legacy", o.LegacyMSI)
	}
	if sig := watch.stop(); sig != nil {
		return signalExit(sig), nil
	}
	if err := ctx.Err(); err != nil {
		// Ctrl-C during the start: the child is not started.
		return 0, err
	}
	ios := f.IOStreams
	// The command's context ends at the first Ctrl-C once the child runs,
	// which belongs to the child: it must neither kill the child nor stop
	// the server early.
	code, err := childproc.Run(context.WithoutCancel(ctx), childproc.Spec{
		Args:    o.Args,
		Env:     childproc.Env(base, vars),
		Stdin:   ios.In,
		Stdout:  ios.Out,
		Stderr:  ios.ErrOut,
		Signals: sigs,
	})
	started = err == nil
	if err != nil {
		return 0, &cmdutil.ExitError{Code: code, Err: err}
	}
	return code, nil
}

// startWatch turns a signal that arrives while exec prepares the child
// (TERM, HUP, QUIT: the ones childproc forwards, but for Ctrl-C, which
// ends the command's context already, and for a childproc.Request, which
// only a running child can answer) into the end of the start: its
// context is cancelled, which stops a token request in flight.
type startWatch struct {
	cancel context.CancelFunc
	quit   chan struct{}
	done   chan struct{}
	once   sync.Once
	sig    os.Signal
}

// watchStart watches sigs until stop and returns the start's context.
func watchStart(ctx context.Context, sigs <-chan os.Signal) (context.Context, *startWatch) {
	ctx, cancel := context.WithCancel(ctx)
	w := &startWatch{cancel: cancel, quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case sig := <-sigs:
				if sig == os.Interrupt || childproc.Request(sig) {
					continue
				}
				w.sig = sig
				cancel()
				return
			case <-w.quit:
				return
			}
		}
	}()
	return ctx, w
}

// stop ends the watch, leaving later signals queued in its channel (for
// the child), and returns the signal that ended the start, if one did.
func (w *startWatch) stop() os.Signal {
	w.once.Do(func() { close(w.quit) })
	<-w.done
	return w.sig
}

// signalExit is the exit code of a process ended by sig, as a shell gives
// it: 128+N.
func signalExit(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return cmdutil.ExitInterrupted
}

// prepareEnv gives the child, with --private-az-config, a fresh
// AZURE_CONFIG_DIR with an az CLI configuration signed in to c (the
// caller removes it when the child ends, then calls release, which lets
// its lock go) and, for an environment with its own CA, a CA bundle of the
// parent's roots plus that CA, which Python, Go, OpenSSL and Node in the
// child are pointed at.
func prepareEnv(f *cmdutil.Factory, o *ExecOptions, c *profile.Context, env profile.Environment, getenv func(string) string, vars *childproc.Vars) (release func(), err error) {
	if o.PrivateAzConfig {
		// The child gets it absolute (a TMPDIR may be relative), so that
		// a child that changes directory still finds it.
		parent, err := filepath.Abs(privateDirParent(f))
		if err != nil {
			return nil, fmt.Errorf("exec: creating a private AZURE_CONFIG_DIR: %w", err)
		}
		azDir, err := os.MkdirTemp(parent, privateDirPrefix)
		if err == nil {
			err = profile.OwnDirMode(azDir)
		}
		if err != nil {
			return nil, fmt.Errorf("exec: creating a private AZURE_CONFIG_DIR: %w", err)
		}
		vars.AzureConfigDir = azDir
		if release, err = lockPrivateDir(azDir); err != nil {
			return nil, fmt.Errorf("exec: %w", err)
		}
		if err := writeAzConfig(azDir, c, env, userAzConfig(getenv)); err != nil {
			return release, fmt.Errorf("exec: %w", err)
		}
	}
	if env.BuiltIn || env.CAFile == "" {
		return release, nil
	}
	bundle, err := caBundle(cmdutil.CABundleDir(f), getenv, env.CAFile)
	if err != nil {
		return release, fmt.Errorf("exec: %w", err)
	}
	if bundle == "" {
		cmdutil.Warn(f.IOStreams, fmt.Sprintf("exec: no system CA file found, so the child does not trust the CA of environment %s", env.Name))
		return release, nil
	}
	node, err := nodeCABundle(cmdutil.CABundleDir(f), getenv, env.CAFile)
	if err != nil {
		return release, fmt.Errorf("exec: %w", err)
	}
	vars.Extra = append(vars.Extra,
		"REQUESTS_CA_BUNDLE="+bundle, // Python requests: the az CLI, MSAL Python, azure-core
		"SSL_CERT_FILE="+bundle,      // Go, OpenSSL, Python's ssl
		"NODE_EXTRA_CA_CERTS="+node,  // Node: its own roots and this file's
	)
	return release, nil
}

// The private AZURE_CONFIG_DIR is named privateDirPrefix + a random
// suffix; its exec holds privateDirLock in it while it runs
// (lockPrivateDir).
// The state directory's sweepStamp records when an exec last looked for
// the directories of killed ones (sweepPrivateDirs).
const (
	privateDirPrefix = "azc-exec-"
	privateDirLock   = ".azc-exec.lock"
	sweepStamp       = "exec-sweep"
)

// privateDirParent is where the child's private AZURE_CONFIG_DIR goes:
// $XDG_RUNTIME_DIR when it is set and the user's own (profile.CheckOwnedDir),
// a per-user tmpfs under systemd that logout empties, so that not even the
// directory of an azc killed with the child outlives the login, and that is
// quicker to fill and empty than a disk's /tmp; else the temporary
// directory ($TMPDIR, os.TempDir). A relative XDG_RUNTIME_DIR is ignored
// (session.XDGRuntimeDir).
func privateDirParent(f *cmdutil.Factory) string {
	d := session.XDGRuntimeDir(f.Getenv("XDG_RUNTIME_DIR"))
	if d == "" {
		return os.TempDir()
	}
	if err := profile.CheckOwnedDir(d); err != nil {
		f.Logger.Debug("exec: the private AZURE_CONFIG_DIR goes in the temporary directory", "reason", err)
		return os.TempDir()
	}
	return d
}

// userAzConfig is the path of the user's own az CLI config file.
func userAzConfig(getenv func(string) string) string {
	if d := getenv("AZURE_CONFIG_DIR"); d != "" {
		return filepath.Join(d, "config")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".azure", "config")
	}
	return ""
}

// noProxy is NO_PROXY and no_proxy for a child with a credential server,
// from the parent's environment base: each spelling of the name the
// parent has (Windows names are one variable in any case, `No_Proxy`
// among them, and childproc.Env replaces every spelling of a name azc
// sets), with endpoint.Loopback added unless it is there (or "*"); and,
// unless the parent has NO_PROXY or no_proxy as such, both, holding what
// the parent's other spelling held, or the loopback alone. Python's
// requests (azure-identity, the az CLI), curl and Node's Azure SDK send
// even a loopback request through the proxy HTTP_PROXY or ALL_PROXY names
// unless NO_PROXY says otherwise: the child's token requests would fail
// there, and take the server's secret to the proxy.
func noProxy(base []string) []string {
	withLoopback := func(v string) string {
		if v == "" {
			return endpoint.Loopback
		}
		if slices.ContainsFunc(strings.Split(v, ","), func(e string) bool {
			e = strings.TrimSpace(e)
			return e == endpoint.Loopback || e == "*"
		}) {
			return v
		}
		return v + "," + endpoint.Loopback
	}
	var env []string
	exact, other := false, ""
	for _, kv := range base {
		n, v, _ := strings.Cut(kv, "=")
		if v == "" || !strings.EqualFold(n, "NO_PROXY") {
			continue
		}
		env = append(env, n+"="+withLoopback(v))
		if n == "NO_PROXY" || n == "no_proxy" {
			exact = true
		} else if other == "" {
			other = v
		}
	}
	if !exact {
		v := withLoopback(other)
		env = append(env, "NO_PROXY="+v, "no_proxy="+v)
	}
	return env
}

// lookup returns getenv over a "NAME=value" list (childproc.Getenv).
func lookup(env []string) func(string) string {
	return func(name string) string { return childproc.Getenv(env, name) }
}

// unexportable is the error of a context azc cannot give the child (a
// value of it no environment variable can hold, in a profile.json edited
// by hand): which context, where it is kept, and the way out.
func unexportable(st *azc.State, e azc.Entry, err error) error {
	name := termsafe.ShellWord(e.Name)
	if e.Stored() == profile.ScopeProcess {
		return cmdutil.WithHint(fmt.Errorf("context %q of this shell's session: %w", e.Name, err), cmdutil.ExitFailure,
			"remove the context with `azc context remove "+name+" --scope process`")
	}
	path := st.Store().Path()
	return cmdutil.WithHint(fmt.Errorf("context %q of %s: %w", e.Name, path, err), cmdutil.ExitFailure,
		fmt.Sprintf("edit %s to correct or remove it, or remove the context with `azc context remove %s`", path, name))
}

// armEnvironment is Terraform's ARM_ENVIRONMENT for a built-in cloud, ""
// for a custom one.
func armEnvironment(env profile.Environment) string {
	if !env.BuiltIn {
		return ""
	}
	switch env.Name { // a built-in environment has its own spelling
	case "AzureCloud":
		return "public"
	case "AzureChinaCloud":
		return "china"
	case "AzureUSGovernment":
		return "usgovernment"
	}
	return ""
}
