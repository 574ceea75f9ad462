package sessions

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/termsafe"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/session"
)

// Check is one line of `azc doctor`.
type Check struct {
	Name   string `json:"name"`
	Status string `json:"status"` // ok, warn or fail
	Detail string `json:"detail"`
}

// Report is the JSON shape of `azc doctor -o json`.
type Report struct {
	StateDir   string  `json:"stateDir"`
	KeyBackend string  `json:"keyBackend"`
	Encrypted  bool    `json:"encrypted"`
	RuntimeDir string  `json:"runtimeDir"`
	SessionID  string  `json:"sessionId"`
	Checks     []Check `json:"checks"`
}

// DoctorRun checks where state lives, the key store, permissions, locks
// and the session, and fails when a check does: `azc doctor`.
func DoctorRun(f *cmdutil.Factory, out cmdutil.Output) error {
	r := diagnose(f)
	err := out.Print(f, r, func() *cmdutil.Table {
		t := &cmdutil.Table{Header: []string{"STATUS", "CHECK", "DETAIL"}}
		for _, c := range r.Checks {
			t.Rows = append(t.Rows, []string{c.Status, c.Name, c.Detail})
		}
		return t
	})
	if err != nil {
		return err
	}
	for _, c := range r.Checks {
		if c.Status == "fail" {
			return cmdutil.Errorf("doctor found problems: %s: %s", c.Name, c.Detail)
		}
	}
	return nil
}

// sharedParent warns of a state directory below a directory another user
// can change: one every user can write to without the sticky bit, or one
// another user (not root) owns. Either can move the state directory (or a
// directory on its way) away and put one of theirs in its place between a
// command's check and its use. The nearest such directory is named.
// (Windows reports no such modes.)
func sharedParent(stateDir string, add func(name, status, format string, a ...any)) {
	if runtime.GOOS == "windows" {
		return
	}
	for dir := filepath.Dir(filepath.Clean(stateDir)); ; dir = filepath.Dir(dir) {
		fi, err := os.Stat(dir)
		if err != nil {
			return
		}
		if fi.Mode().Perm()&0o002 != 0 && fi.Mode()&fs.ModeSticky == 0 {
			add("state directory", "warn", "%s (mode %s), a directory that holds it, lets every user move the state directory away and put another in its place: keep it in a directory of your own (AZC_CONFIG_DIR)", dir, profile.ModeText(fi.Mode()))
			return
		}
		if uid, ok := profile.OwnedByAnother(fi); ok {
			add("state directory", "warn", "%s, a directory that holds it, is owned by uid %d, who can move the state directory away and put another in its place: keep it in a directory of your own (AZC_CONFIG_DIR)", dir, uid)
			return
		}
		if dir == filepath.Dir(dir) {
			return
		}
	}
}

// failed is the detail of a check err failed: its message and, when err
// has one, the way out the commands give as their hint, chosen as they
// choose it (cmdutil.Classify: a profile whose contexts share a name:
// which file to edit, and how; a file or directory that is a link or
// another user's: the rm or chown; a session that cannot be opened: a new
// one). Every failed check of doctor's that comes from an error is told by
// it.
func failed(err error) string {
	if _, hints := cmdutil.Classify(err); len(hints) > 0 {
		return err.Error() + "; " + hints[0]
	}
	return err.Error()
}

// notYet is what doctor adds to the path of a state file or directory
// that is not there: azc makes it with the first write.
func notYet(path string) string {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return ": none yet (the first sign-in or import makes it)"
	}
	return ""
}

func diagnose(f *cmdutil.Factory) *Report {
	r := &Report{StateDir: f.StateDir, RuntimeDir: cmdutil.RuntimeDir(f)}
	add := func(name, status, format string, a ...any) {
		r.Checks = append(r.Checks, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, a...)})
	}

	// The state directory and the profile's files: owned by the user, not
	// links, not writable by others. With none to check (a relative
	// AZC_CONFIG_DIR, no HOME), State says why.
	if f.StateDir == "" {
		_, err := f.State()
		add("state directory", "fail", "%s", failed(err))
	} else {
		stateRefused := false
		for _, c := range profile.CheckFiles(f.StateDir) {
			switch {
			case c.Err != nil:
				stateRefused = stateRefused || c.Path == filepath.Clean(f.StateDir)
				add(c.Name, "fail", "%s", failed(c.Err))
			case c.Warn != nil:
				add(c.Name, "warn", "%s", failed(c.Warn))
			default:
				add(c.Name, "ok", "%s%s", c.Path, notYet(c.Path))
			}
		}
		sharedParent(f.StateDir, add)
		// where azc exec keeps the CA bundles a child trusts, once made
		// (inside the state directory: not again when that is refused)
		if dir := cmdutil.CABundleDir(f); !stateRefused {
			if err := cmdutil.CheckCABundleDir(dir); err != nil {
				add("CA bundles", "fail", "%s", failed(err))
			} else if _, err := os.Lstat(dir); err == nil {
				inTheWay := cmdutil.CABundleDirsInTheWay(dir)
				for _, err := range inTheWay {
					add("CA bundles", "fail", "%s", failed(err))
				}
				if len(inTheWay) == 0 {
					add("CA bundles", "ok", "%s", dir)
				}
			}
		}
	}

	// The profile, read without locking, and its lock.
	st, err := f.State()
	if ae := (*cmdutil.AutosaveEnvError)(nil); errors.As(err, &ae) {
		// it fails every command that uses the state; the checks go on
		add("autosave variable", "fail", "%v; every command that uses the state fails until it is one or is unset", ae)
		st, err = azc.Open(azc.Options{Dir: f.StateDir, Logger: f.Logger, Getenv: f.Getenv})
	}
	var accountKeys []string    // the profile's, whose blobs doctor authenticates
	var loaded *profile.Profile // the profile, when it could be read
	var used *profile.Profile   // the profile whose accounts' blobs are used: loaded, or the backup to restore
	if err != nil {
		add("profile", "fail", "%s", failed(err))
	} else if p, err := st.Store().Load(); err != nil {
		add("profile", "fail", "%s", failed(err))
	} else {
		for _, a := range p.Accounts {
			accountKeys = append(accountKeys, a.Key())
		}
		for _, c := range p.Contexts {
			accountKeys = append(accountKeys, c.Account)
		}
		loaded = p
		if none := notYet(st.Store().Path()); none != "" {
			add("profile", "ok", "%s%s", st.Store().Path(), none)
		} else {
			add("profile", "ok", "%s: %s, %s, generation %d", st.Store().Path(), cmdutil.Plural(len(p.Contexts), "context"), cmdutil.Plural(len(p.Accounts), "account"), p.Generation)
		}
		profileReferences(p, add)
		accountKinds(p, add)
		if lost := st.Store().Lost(); lost != nil {
			add("profile backup", "warn", "%s", lost.Hint())
			// the backup's accounts' blobs are not unused: they are
			// what its contexts need once it is restored
			used = lost.Profile
		}
		switch free, err := st.Store().LockFree(); {
		case err != nil:
			add("profile lock", "fail", "%s", failed(err))
		case !free:
			holder := "another process"
			if h := st.Store().LockHolder(); h != "" {
				holder = h
			}
			add("profile lock", "warn", "%s is held by %s right now", st.Store().LockPath(), holder)
		default:
			add("profile lock", "ok", "%s is free", st.Store().LockPath())
		}
	}

	// Where azc replaces files without profile.lock (profile.WriteFile),
	// for the temporary files of writes stopped before their rename.
	var tempDirs []string
	var cs *credstore.Store // the user's credential store, once opened

	// The credential store and its key backend: not opened (which would
	// create it) in a state directory azc refuses.
	if st == nil {
		add("credential store", "fail", "not opened: the state directory is refused")
	} else {
		tempDirs = append(tempDirs, f.StateDir, session.HoldsDir(f.StateDir), cmdutil.CABundleDir(f))
		if cs = diagnoseCredentials(f, r, accountKeys, add); cs != nil {
			tempDirs = append(tempDirs, cs.Dir())
			if loaded != nil {
				loaded = missingCredentials(cs, loaded, st.Store().Load, add)
				if used == nil {
					used = loaded
				}
				unusedCredentials(cs, f.StateDir, used, add)
			}
		}
	}

	// The session.
	runtimeDir := r.RuntimeDir
	switch v := f.Getenv("AZC_SESSION"); {
	case v == "":
		if err := session.CheckRuntimeDir(runtimeDir); err != nil {
			add("session", "fail", "none in this shell, and none can start: %s", failed(err))
			runtimeDir = "" // nor looked into for stopped creations
			break
		}
		add("session", "ok", "none in this shell (start one with "+session.HowToStart+")")
	default:
		sess, err := cmdutil.OpenSession(f)
		if err != nil {
			add("session", "fail", "%s", failed(cmdutil.SessionError(err)))
			break
		}
		r.SessionID = sess.ID()
		o := sess.Owner()
		detail := fmt.Sprintf("%s in %s, owned by pid %d", sess.ID(), filepath.Dir(sess.Dir()), o.PID)
		if p, err := sess.Load(); err == nil {
			detail += ", " + cmdutil.Plural(len(p.Contexts), "context")
			if p.DefaultContext != "" {
				detail += fmt.Sprintf(", default %q", p.DefaultContext)
			}
		}
		add("session", "ok", "%s", detail)
		if err := sess.CheckWritable(); err != nil {
			add("session directory", "fail", "%s", failed(err))
		}
		sessionFiles(sess, add)
		tempDirs = append(tempDirs, sess.Dir(), sess.StoreDir())
	}
	// The context commands use, in a shell or named by AZC_CONTEXT, or
	// none where autosave off hides the profile's contexts (else the
	// profile's default is the profile's checks').
	if st != nil {
		hidden := ""
		if src, err := st.ProfileHiddenBy(); err == nil && src != "" && loaded != nil && len(loaded.Contexts) > 0 {
			hidden = cmdutil.MissingContextsHint(f)
		}
		if ref := cmdutil.ContextRef(f, ""); st.HasSession() || ref != "" || hidden != "" {
			currentCredentials(st, ref, hidden, cs, add)
		}
	}
	// The hold records of every shell's selection, in the state directory.
	if st != nil {
		switch n, err := session.CheckHolds(f.StateDir); {
		case err != nil:
			add("session holds", "fail", "%s", failed(err))
		default:
			add("session holds", "ok", "%s; every file a regular file of yours", cmdutil.Plural(n, "record"))
		}
	}
	if len(tempDirs) > 0 {
		leftoverTemps(f.StateDir, tempDirs, runtimeDir, f.Now(), add)
	}
	if d := f.Getenv(depthEnv); d != "" && d != "0" {
		add("azc shell", "ok", "inside `azc shell` (%s=%s)", depthEnv, d)
	}
	return r
}

// currentCredentials reports whether the context commands use, ref
// (AZC_CONTEXT) or else the shell's (its selection, else the profile's
// default), has its account's credentials in the store that holds them
// (azc.Entry.Credentials): a shell that uses its own copy of a context
// whose account another shell signed out, or whose session blob went,
// fails every command that uses it, and the profile's check does not see
// that; nor a context whose account is none of the profile's. hidden,
// when autosave off hides the profile's contexts, is the way to see them
// (cmdutil.MissingContextsHint): with no context selected then, every
// command fails. cs is the user's store (nil when it could not be opened:
// that check failed already). A managed identity has no blob.
func currentCredentials(st *azc.State, ref, hidden string, cs *credstore.Store, add func(name, status, format string, a ...any)) {
	const name = "current context"
	whose, other := "this shell's context", "choose another context with `azc use`"
	if ref != "" {
		whose, other = "the context AZC_CONTEXT names,", "set AZC_CONTEXT to another context"
	}
	p, e, err := st.ResolveEntry(ref)
	var nf *profile.NotFoundError
	switch {
	case errors.Is(err, azc.ErrNoContext) && hidden != "":
		add(name, "warn", "no context is selected here, so every command not given --context fails: %s", hidden)
		return
	case errors.Is(err, azc.ErrNoContext):
		add(name, "ok", "none: this shell selects no context and the profile has no default")
		return
	case ref != "" && errors.As(err, &nf) && nf.Kind == "context":
		way := "unset AZC_CONTEXT, or set it to a context `azc context list` shows"
		if hidden != "" {
			way = "unset AZC_CONTEXT; " + hidden
		}
		add(name, "warn", "AZC_CONTEXT names %s, which is no context here, so every command not given --context fails: %s",
			profile.QuoteShort(ref), way)
		return
	case err != nil:
		add(name, "fail", "%s", failed(err))
		return
	}
	a := p.Account(e.Account)
	if a != nil && a.Type == profile.ManagedIdentity {
		add(name, "ok", "%s, managed identity %s: its tokens come from its endpoint", profile.QuoteShort(e.Name), p.AccountName(e.Account))
		return
	}
	var has bool
	why := "which has no credentials"
	switch {
	case a == nil:
		// none of the profile's accounts: azc token says not signed in
		add(name, "warn", "%s %s uses account %s, which is none of the profile's accounts, so it cannot get a token: sign it in again with `azc login`, or %s",
			whose, profile.QuoteShort(e.Name), p.AccountName(e.Account), other)
		return
	case noSecret(a):
		add(name, "warn", "%s %s uses service principal %s, which has no stored secret or certificate, so it cannot get a token: sign it in with `%s`, or %s",
			whose, profile.QuoteShort(e.Name), p.AccountName(e.Account), cmdutil.LoginCommand(a, e.Tenant.ID, e.Credentials), other)
		return
	case e.Credentials == profile.ScopeProcess:
		_, err = st.SessionBlobs().Get(e.Account)
		has = err == nil
		if errors.Is(err, credstore.ErrNotFound) && !errors.Is(err, credstore.ErrKeyLost) {
			err = nil
		}
	case cs == nil:
		return
	default:
		has, err = cs.Has(e.Account)
		if kl := (*credstore.KeyLostError)(nil); errors.As(err, &kl) && kl.Unreachable == "" {
			// it reads as signed out (azc token), for want of its key
			err, why = nil, "which "+keyGone
		}
	}
	switch {
	case err != nil:
		add(name, "fail", "%s: %s", profile.QuoteShort(e.Name), failed(err))
	case has:
		add(name, "ok", "%s, account %s, has its credentials", profile.QuoteShort(e.Name), p.AccountName(e.Account))
	default:
		// the sign-in azc token's hint gives (accounts.TokenError): to
		// the context's tenant, in the scope whose store is read
		// (Credentials: a context of the session whose blob is gone
		// looks for its tokens in the user's)
		add(name, "warn", "%s %s uses account %s, %s, so it cannot get a token: sign it in again with `%s`, or %s",
			whose, profile.QuoteShort(e.Name), p.AccountName(e.Account), why, cmdutil.LoginCommand(a, e.Tenant.ID, e.Credentials), other)
	}
}

// sessionFiles reports the session store's files: each that azc refuses,
// each blob it cannot read and each sealed under a key that is gone.
func sessionFiles(sess *session.Session, add func(name, status, format string, a ...any)) {
	fr, err := sess.Check()
	if !storeFileProblems("session files", fr, err, "azc logout --scope process", add) {
		add("session files", "ok", "%s; every file a regular file of yours", cmdutil.Plural(fr.Blobs, "blob"))
	}
}

// storeFileProblems reports, under name, what a credential store's Check
// found wrong: its error, each file azc refuses, each blob it cannot
// read, with the logout that removes it, and the blobs sealed under a data
// key that is gone, and warns of each blob with other names (hard links)
// and of the blobs other users can read.
// It reports whether there was any.
func storeFileProblems(name string, fr credstore.FileReport, err error, logout string, add func(name, status, format string, a ...any)) bool {
	if err != nil {
		add(name, "fail", "%s", failed(err))
		return true
	}
	for _, e := range fr.Unsafe {
		add(name, "fail", "%s", failed(e))
	}
	for _, e := range fr.Damaged {
		if errors.Is(e, session.ErrDamaged) {
			// the session's own state: no sign-out mends it
			add(name, "fail", "%s", failed(cmdutil.SessionError(e)))
			continue
		}
		if ce := (*credstore.CorruptError)(nil); errors.As(e, &ce) && ce.Key != "" {
			// a blob of an account the profile names, which failed its
			// authentication: its logout names the account
			add(name, "fail", "%v (sign its account out with `%s %s` and in again)", e, logout, termsafe.ShellWord(ce.Key))
			continue
		}
		add(name, "fail", "%v (sign its account out with `%s` and in again)", e, logout)
	}
	for _, e := range fr.Linked {
		add(name, "warn", "%s", failed(e))
	}
	if len(fr.Readable) > 0 {
		quoted := make([]string, len(fr.Readable))
		for i, p := range fr.Readable {
			quoted[i] = termsafe.ShellWord(p)
		}
		add(name, "warn", "%d of %d blobs can be read by other users (azc writes them 0600): %s; run `chmod 600 %s`", len(fr.Readable), fr.Blobs, strings.Join(fr.Readable, ", "), strings.Join(quoted, " "))
	}
	if len(fr.KeyLost) > 0 {
		msgs := make([]string, len(fr.KeyLost))
		for i, e := range fr.KeyLost {
			msgs[i] = e.Error()
		}
		add(name, "warn", "%d of %d blobs read as signed out: %s", len(fr.KeyLost), fr.Blobs, strings.Join(msgs, "; "))
	}
	return len(fr.Unsafe) > 0 || len(fr.Damaged) > 0 || len(fr.KeyLost) > 0 || len(fr.Linked) > 0 || len(fr.Readable) > 0
}

// diagnoseCredentials reports the credential store, its key backend and
// its files, and returns the store (nil when it could not be opened).
func diagnoseCredentials(f *cmdutil.Factory, r *Report, accountKeys []string, add func(name, status, format string, a ...any)) *credstore.Store {
	var warned []string
	require, err := cmdutil.RequireEncryption(f)
	if err != nil {
		add("credential store", "fail", "%s", failed(err))
		return nil
	}
	if cmdutil.UserStoreUnmade(f) {
		// Open would make it, and a data key: doctor only reads.
		add("credential store", "ok", "%s: none yet (the first sign-in makes it)", credstore.Dir(f.StateDir))
		return nil
	}
	cs, err := credstore.Open(f.StateDir, credstore.Options{
		Env:               f.Getenv,
		Desktop:           f.Desktop,
		RequireEncryption: require,
		Warn:              func(m string) { warned = append(warned, m) },
		Logger:            f.Logger,
	})
	switch {
	case err != nil:
		// The check's name already says it is the credential store.
		add("credential store", "fail", "%s", strings.TrimPrefix(failed(err), "credential store: "))
	case !cs.Encrypted():
		r.KeyBackend = cs.Backend()
		add("credential store", "warn", "%s: plaintext (0600): no OS key store is available; set AZC_REQUIRE_ENCRYPTION=1 to refuse", cs.Dir())
	default:
		r.KeyBackend, r.Encrypted = cs.Backend(), true
		detail := fmt.Sprintf("%s: AES-256-GCM, data key in %s", cs.Dir(), cs.Backend())
		if cs.Backend() == "linux-keyring" {
			detail += " (lost at reboot: you would then sign in again)"
		}
		add("credential store", "ok", "%s", detail)
	}
	if err != nil {
		if errors.Is(err, credstore.ErrEncryptionRequired) {
			plaintextBlobs(f.StateDir, add)
		}
		return nil
	}
	credentialFiles(cs, accountKeys, add)
	return cs
}

// sealedWhereAKeyStoreIs is the way out of blobs stored unencrypted where
// no key store is reachable.
const sealedWhereAKeyStoreIs = "each is encrypted the next time azc reads it where a key store is reachable (azc doctor says which it uses)"

// plaintextBlobs reports the blobs stored unencrypted in the credential
// store under the state directory dir, which Open refused for want of a
// key store (AZC_REQUIRE_ENCRYPTION=1): they hold secrets in the clear
// all the same.
func plaintextBlobs(dir string, add func(name, status, format string, a ...any)) {
	plain, err := credstore.PlaintextBlobs(dir)
	switch {
	case err != nil:
		add("credential files", "fail", "%s", failed(err))
	case len(plain) > 0:
		are := "are"
		if len(plain) == 1 {
			are = "is"
		}
		add("credential files", "warn", "%s %s unencrypted, written while no key store was reachable: %s; %s", cmdutil.Plural(len(plain), "blob"), are, strings.Join(plain, ", "), sealedWhereAKeyStoreIs)
	}
}

// credentialFiles reports the credential store's files: each that azc
// refuses (a link, not a regular file, another user's), each blob it
// cannot read (damaged, over the size cap, sealed under a data key that
// is gone), and the blobs stored unencrypted, all of them.
func credentialFiles(cs *credstore.Store, keys []string, add func(name, status, format string, a ...any)) {
	r, err := cs.Check(keys...)
	problems := storeFileProblems("credential files", r, err, "azc logout", add)
	if err != nil {
		return
	}
	// A damaged plaintext blob is never read, so never sealed: its way
	// out is the sign-out its damaged line gives.
	damaged := map[string]bool{}
	for _, e := range r.Damaged {
		if ce := (*credstore.CorruptError)(nil); errors.As(e, &ce) {
			damaged[ce.Path] = true
		}
	}
	// A plaintext blob is sealed by a read that holds its lock: none does
	// while its lock file is refused (reported above).
	refusedLock := map[string]bool{}
	for _, e := range r.Unsafe {
		if ue := (*profile.UnsafePathError)(nil); errors.As(e, &ue) {
			refusedLock[ue.Path] = true
		}
	}
	var readable, unreadable, behindLock []string
	for _, p := range r.Plaintext {
		switch {
		case damaged[p]:
			unreadable = append(unreadable, p)
		case refusedLock[credstore.BlobLockPath(p)]:
			behindLock = append(behindLock, p)
		default:
			readable = append(readable, p)
		}
	}
	switch {
	case len(readable) > 0 && cs.Encrypted():
		add("credential files", "warn", "%d of %d blobs are unencrypted, written while no key store was reachable; each is encrypted the next time azc reads it (azc token): %s",
			len(readable), r.Blobs, strings.Join(readable, ", "))
	case len(readable) > 0:
		add("credential files", "warn", "%d of %d blobs are unencrypted (no key store): %s; %s", len(readable), r.Blobs, strings.Join(readable, ", "), sealedWhereAKeyStoreIs)
	case !problems:
		add("credential files", "ok", "%s, none unencrypted; every file a regular file of yours", cmdutil.Plural(r.Blobs, "blob"))
	}
	if len(behindLock) > 0 {
		add("credential files", "warn", "%d of %d blobs are unencrypted, and azc cannot encrypt them while their lock files are refused: %s; fix each lock file as above, then the next read encrypts its blob where a key store is reachable",
			len(behindLock), r.Blobs, strings.Join(behindLock, ", "))
	}
	if len(unreadable) > 0 {
		add("credential files", "warn", "%d of %d blobs are unencrypted and damaged, so azc never reads them to encrypt them: %s; sign their accounts out with `azc logout` (as above) to remove them",
			len(unreadable), r.Blobs, strings.Join(unreadable, ", "))
	}
}

// missingCredentials reports each account of the profile p's contexts
// that has no blob in the user's credential store, or that is none of p's
// accounts (profile.json edited by hand: the account removed, or its
// environment changed, which changes its key): its contexts read as not
// signed in. azc never leaves one (a sign-in or an import stores the
// blob before the contexts, a sign-out removes the contexts first), but an
// import without tokens, a blob removed by hand or a process stopped
// where that order was broken does. A managed identity has no blob. A
// blob sealed under a data key that is gone reads as signed out too, and
// is named so (credstore.Store.Has), with the same way out; one that is
// there but cannot be read otherwise is credentialFiles'.
//
// Doctor takes no lock, so a sign-out or a context removal may remove
// the contexts and then the blob between its read of p and its look at
// the blobs: a blob is missing only when the profile, read again
// (reload) after the look, is still p (its generation), and otherwise
// the look is made again on the profile read then (a few times, then it
// reports what the last look found). It returns the profile of the
// look it reports.
func missingCredentials(cs *credstore.Store, p *profile.Profile, reload func() (*profile.Profile, error), add func(name, status, format string, a ...any)) *profile.Profile {
	const looks = 5
	for look := 1; ; look++ {
		keys, contexts := contextAccounts(p)
		var missing []string
		var errs []error
		lost := map[string]*credstore.KeyLostError{}
		for _, k := range keys {
			has, err := cs.Has(k)
			if kl := (*credstore.KeyLostError)(nil); errors.As(err, &kl) {
				// it reads as signed out (azc token), for want of its key
				lost[k], err = kl, nil
			}
			switch {
			case err != nil:
				errs = append(errs, err)
			case !has || p.Account(k) == nil:
				// a context of an account the profile does not hold
				// reads as signed out, blob or none (azc token)
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 && look < looks {
			if again, err := reload(); err == nil && again.Generation != p.Generation {
				p = again
				continue
			}
		}
		for _, err := range errs {
			add("account credentials", "fail", "%s", failed(err))
		}
		reportMissing(p, missing, lost, contexts, add)
		unsigned := reportNoSecret(p, keys, missing, contexts, add)
		if len(missing) == 0 && len(errs) == 0 && !unsigned {
			add("account credentials", "ok", "every account of the profile's contexts has its credentials")
		}
		return p
	}
}

// accountKinds warns of each account of p's contexts whose type (or, for
// a service principal, credential kind) azc does not know
// (profile.Account.Known): its contexts get no token.
func accountKinds(p *profile.Profile, add func(name, status, format string, a ...any)) {
	keys, contexts := contextAccounts(p)
	warned := false
	for _, k := range keys {
		a := p.Account(k)
		if a == nil {
			continue // none of the profile's accounts: missingCredentials'
		}
		field, value, ok := a.Known()
		if ok {
			continue
		}
		what := "of " + field
		if field == "credential kind" {
			what = "a service principal of credential kind"
		}
		add("account kinds", "warn", "account %s is %s %s, which this azc does not know (profile.json edited by hand, or written by a newer azc), so its %s cannot get a token: sign it in again with `%s`, or remove it and its contexts with `azc logout %s`",
			p.AccountName(k), what, profile.QuoteShort(value), contextsText(contexts[k]), cmdutil.LoginCommand(a, "", profile.ScopeUser), termsafe.ShellWord(a.ID))
		warned = true
	}
	if !warned {
		add("account kinds", "ok", "every account of the profile's contexts is of a kind azc knows")
	}
}

// profileReferences checks what p's contexts and default name: a default
// context that is none of p's contexts (profile.json edited by hand)
// fails every command that resolves the default, and a context of an
// environment p does not define (an import warns of one once, then
// nothing does; an edit by hand) cannot sign in or get a token. Each
// environment is looked up once, so it is linear in the contexts.
func profileReferences(p *profile.Profile, add func(name, status, format string, a ...any)) {
	switch {
	case p.DefaultContext == "":
		add("default context", "ok", "none set")
	case p.Context(p.DefaultContext) == nil:
		add("default context", "warn", "the default context %s is none of the profile's contexts, so a command not given --context fails: choose one with `azc use NAME`",
			profile.QuoteShort(p.DefaultContext))
	default:
		add("default context", "ok", "%s", profile.QuoteShort(p.DefaultContext))
	}
	defined := map[string]bool{} // by NameKey
	var missing []string         // NameKeys of the environments not defined, in the profile's order
	contexts := map[string][]string{}
	spelt := map[string]string{} // the first spelling of each
	for _, c := range p.Contexts {
		k := profile.NameKey(c.Environment)
		ok, seen := defined[k]
		if !seen {
			_, err := p.Environment(c.Environment)
			ok = err == nil
			defined[k] = ok
		}
		if ok {
			continue
		}
		if _, listed := contexts[k]; !listed {
			missing = append(missing, k)
			spelt[k] = c.Environment
		}
		contexts[k] = append(contexts[k], c.Name)
	}
	for _, k := range missing {
		name := termsafe.ShellWord(spelt[k])
		if len(name) > 80 || spelt[k] == "" { // cut short, or empty, it would be no name to give
			name = "NAME"
		}
		add("context environments", "warn", "environment %s is not defined, so its %s cannot sign in or get a token: add it with `azc environment add %s …`, or remove them with `azc context remove`",
			profile.QuoteShort(spelt[k]), contextsText(contexts[k]), name)
	}
	if len(missing) == 0 {
		add("context environments", "ok", "every context's environment is defined")
	}
}

// contextAccounts returns the keys of the accounts of p's contexts that
// have a blob (all but managed identities), in the profile's order, and
// the names of each one's contexts.
func contextAccounts(p *profile.Profile) (keys []string, contexts map[string][]string) {
	contexts = map[string][]string{} // by account key, in the profile's order
	for _, c := range p.Contexts {
		k := profile.NameKey(c.Account)
		if a := p.Account(k); a != nil && a.Type == profile.ManagedIdentity {
			continue
		}
		if _, ok := contexts[k]; !ok {
			keys = append(keys, k)
		}
		contexts[k] = append(contexts[k], c.Name)
	}
	return keys, contexts
}

// keyGone is why an account whose blob is sealed under a data key that
// is gone (credstore.KeyLostError, not Unreachable) cannot get a token:
// both credential checks say it so.
const keyGone = "reads as signed out: its credentials were encrypted with a data key that is gone (see credential files)"

// reportMissing warns of each account of p missing names, with its
// contexts and the way out; lost holds the error of each whose blob is
// sealed under a data key that is gone.
func reportMissing(p *profile.Profile, missing []string, lost map[string]*credstore.KeyLostError, contexts map[string][]string, add func(name, status, format string, a ...any)) {
	for _, k := range missing {
		id, login, why := profile.KeyID(k), "azc login", "is none of the profile's accounts (profile.json edited by hand)"
		if a := p.Account(k); a != nil {
			id, login, why = a.ID, cmdutil.LoginCommand(a, "", profile.ScopeUser), "has no credentials"
		}
		if kl := lost[k]; kl != nil && kl.Unreachable != "" {
			// the key may be there, where its key store is reachable: a
			// sign-in here would store the credentials unencrypted
			add("account credentials", "warn", "account %s reads as signed out here: %v, so its %s cannot get a token in this process: %s",
				p.AccountName(k), kl, contextsText(contexts[k]), kl.Hint())
			continue
		} else if kl != nil && p.Account(k) != nil {
			why = keyGone
		}
		add("account credentials", "warn", "account %s %s, so its %s cannot get a token: sign it in again with `%s`, or remove it and its contexts with `azc logout %s`",
			p.AccountName(k), why, contextsText(contexts[k]), login, termsafe.ShellWord(id))
	}
}

// contextsText is names as a warning counts and quotes them:
// `2 contexts ("Prod", "Dev")`, listed as errors list them
// (profile.QuoteList).
func contextsText(names []string) string {
	noun := "contexts"
	if len(names) == 1 {
		noun = "context"
	}
	return fmt.Sprintf("%d %s (%s)", len(names), noun, profile.QuoteList(names))
}

// noSecret reports whether a is a service principal with no secret,
// certificate or federated token file to sign in with (one imported from
// az's azureProfile.json, which holds none): azc gets it no token, not
// even one its cache holds (credblob's CachedToken misses, and auth's
// client cannot be made), so `azc token` says it is not signed in.
func noSecret(a *profile.Account) bool {
	return a != nil && a.Type == profile.ServicePrincipal && a.Credential == ""
}

// reportNoSecret warns of each service principal of keys, not missing,
// that has nothing to sign in with (noSecret). It reports whether it
// warned.
func reportNoSecret(p *profile.Profile, keys, missing []string, contexts map[string][]string, add func(name, status, format string, a ...any)) bool {
	warned := false
	for _, k := range keys {
		a := p.Account(k)
		if !noSecret(a) || slices.Contains(missing, k) {
			continue
		}
		add("account credentials", "warn", "service principal %s has no stored secret or certificate, so its %s cannot get a token: sign it in with `%s`",
			p.AccountName(k), contextsText(contexts[k]), cmdutil.LoginCommand(a, "", profile.ScopeUser))
		warned = true
	}
	return warned
}

// unusedCredentials reports the blobs of the user's credential store of
// no account of the profile p and of no live shell: nothing reads
// them, and one that a sign-out stopped (killed) before it deleted it
// keeps a token or a secret that no command removes, as the account is
// signed out (azc logout --all removes them).
func unusedCredentials(cs *credstore.Store, stateDir string, p *profile.Profile, add func(name, status, format string, a ...any)) {
	held, err := session.HeldAccounts(stateDir)
	if err != nil {
		add("unused credentials", "fail", "%s", failed(err))
		return
	}
	paths, err := cs.Unnamed(auth.UsedBlobKeys(p, held)...)
	switch {
	case err != nil:
		add("unused credentials", "fail", "%s", failed(err))
	case len(paths) == 0:
		add("unused credentials", "ok", "none: every blob is of an account of the profile or of a live shell")
	default:
		blobs := "blobs"
		if len(paths) == 1 {
			blobs = "blob"
		}
		quoted := make([]string, len(paths))
		for i, p := range paths {
			quoted[i] = termsafe.ShellWord(p)
		}
		add("unused credentials", "warn", "%d %s of no account of the profile or of a live shell, left by a sign-out or a sign-in stopped before it finished (or a sign-in running now): %s; nothing reads them and they may hold a token or a secret: when no azc is signing in, remove them with rm %s",
			len(paths), blobs, strings.Join(paths, ", "), strings.Join(quoted, " "))
	}
}

// leftoverTemps reports each temporary file of profile.WriteFile's in
// dirs: one a write left when it was stopped (killed, the machine down)
// between creating it and renaming it over its file. Nothing reads it,
// and it may hold a credential blob. The user's credential store removes
// its own at its first write once they are profile.StaleTempAge old, a
// session those in holds/ at its first write of a hold record, and a
// session's own go with the session; the user removes the others. Those of
// the profile's writes in stateDir (profile.UpdateTemps) go with the next
// write.
//
// It reports too each session creation under the runtime directory
// runtimeDir ("": none to look into) stopped before it finished (session.StoppedCreations), which
// the next session start removes once it is profile.StaleTempAge old.
func leftoverTemps(stateDir string, dirs []string, runtimeDir string, now time.Time, add func(name, status, format string, a ...any)) {
	n := 0
	var creations []profile.TempFile
	if runtimeDir != "" {
		var err error
		if creations, err = session.StoppedCreations(runtimeDir); err != nil {
			add("temporary files", "fail", "%s", failed(err))
		}
	}
	for _, c := range creations {
		n++
		age := now.Sub(c.ModTime)
		if age > profile.StaleTempAge {
			add("temporary file", "warn", "%s: a session whose creation was stopped %s ago before it finished (a creation takes milliseconds); nothing opens it: remove it with rm -r %s",
				c.Path, ageText(age), termsafe.ShellWord(c.Path))
		} else {
			add("temporary file", "warn", "%s: a session being created, %s old: one starting now, or one stopped before it finished; if it is still there when no azc runs, remove it with rm -r %s",
				c.Path, ageText(age), termsafe.ShellWord(c.Path))
		}
	}
	for _, d := range dirs {
		temps, err := profile.FindTemps(d)
		if errors.Is(err, syscall.ENOTDIR) {
			continue // no file in it: its own check names it, with the way out
		}
		if err != nil {
			add("temporary files", "fail", "%s", failed(err))
			continue
		}
		for _, t := range temps {
			n++
			age := now.Sub(t.ModTime)
			if age > profile.StaleTempAge {
				add("temporary file", "warn", "%s: the temporary file of an azc write stopped %s ago before it finished (a write takes milliseconds: no azc is writing it); nothing reads it and it may hold a credential: remove it with rm %s",
					t.Path, ageText(age), termsafe.ShellWord(t.Path))
			} else {
				add("temporary file", "warn", "%s: the temporary file of an azc write, %s old: one running now, or one stopped before it finished; if it is still there when no azc runs, remove it with rm %s",
					t.Path, ageText(age), termsafe.ShellWord(t.Path))
			}
		}
	}
	for _, t := range profile.UpdateTemps(stateDir) {
		n++
		add("temporary file", "warn", "%s: the temporary file of a profile write, %s old: one running now, or one stopped before it finished; nothing reads it, and the next write of the profile removes it",
			t.Path, ageText(now.Sub(t.ModTime)))
	}
	if n == 0 {
		add("temporary files", "ok", "none left by a stopped write")
	}
}

// ageText is d to the second, to the minute from an hour on: 12s, 5m3s,
// 3h, 26h4m.
func ageText(d time.Duration) string {
	d = max(d, 0).Round(time.Second)
	if d >= time.Hour {
		d = d.Round(time.Minute)
	}
	h, m, sec := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case h > 0 && m == 0:
		return fmt.Sprintf("%dh", h)
	case h > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm%ds", m, sec)
	}
	return fmt.Sprintf("%ds", sec)
}
