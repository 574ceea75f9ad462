package contexts

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// ExportOptions are the inputs of `context export`.
type ExportOptions struct {
	Refs            []string
	File            string
	WithCredentials bool
	Force           bool
}

// ImportOptions are the inputs of `context import`.
type ImportOptions struct {
	File        string
	Scope       string
	Credentials Credentials
}

// ExportRun writes contexts to a file or stdout: `context export` once its
// arguments are parsed.
func ExportRun(f *cmdutil.Factory, opts *ExportOptions) error {
	st, err := f.State()
	if err != nil {
		return err
	}
	p, entries, err := Load(st)
	if err != nil {
		return err
	}
	b, err := profile.NewBundle(p, opts.Refs)
	if err != nil {
		return err
	}
	if opts.WithCredentials {
		if err := addCredentials(f, st, b, entries); err != nil {
			return err
		}
	}
	data, err := b.Marshal()
	if err != nil {
		return err
	}
	if opts.File == "-" {
		_, err = f.IOStreams.Out.Write(data)
	} else if err = outsideStateDir(opts.File, f.StateDir); err == nil {
		err = writeExport(opts.File, data, opts.Force)
	}
	if err != nil {
		return err
	}
	if opts.File != "-" {
		fmt.Fprintf(f.IOStreams.ErrOut, "exported to %s\n", opts.File)
	}
	if len(b.Contexts) == 0 {
		// a new install, or the profile's contexts hidden: an export
		// of none, and the way to have some, as `context list` says
		cmdutil.HintMissingContexts(f)
	}
	if opts.WithCredentials {
		cmdutil.Warn(f.IOStreams, fmt.Sprintf("the export holds the credentials of %s in plaintext: keep it private and delete it once imported", cmdutil.Plural(len(b.Credentials), "account")))
	}
	return nil
}

// addCredentials fills b.Credentials with the blob of each exported
// context's account, read from the store that holds its tokens
// (azc.Entry.Credentials: a session's context of an account signed in at
// user scope has them in the user's); accounts without a blob are skipped.
func addCredentials(f *cmdutil.Factory, st *azc.State, b *profile.Bundle, entries []azc.Entry) error {
	st.SetCredentials(entries)
	stores := map[profile.Scope]credstore.Blobs{}
	for _, c := range b.Contexts {
		key := profile.NameKey(c.Account)
		if _, ok := b.Credentials[key]; ok {
			continue
		}
		scope := profile.ScopeUser
		for _, e := range entries {
			if profile.SameName(e.Name, c.Name) {
				scope = e.Credentials
			}
		}
		blobs, ok := stores[scope]
		if !ok {
			var err error
			if blobs, err = cmdutil.Blobs(f, st, scope); err != nil {
				return err
			}
			stores[scope] = blobs
		}
		data, err := blobs.Get(key)
		if errors.Is(err, credstore.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read the credentials of context %q: %w", c.Name, err)
		}
		if b.Credentials == nil {
			b.Credentials = map[string][]byte{}
		}
		b.Credentials[key] = data
	}
	return nil
}

// writeExport writes data to path with mode 0600, as azc writes its own
// files (a temporary file beside it, synced, then put in place): a new
// file, or with force an atomic replacement of an existing regular file
// (so a replaced file never keeps a wider mode); a link, a FIFO or a
// device there is refused.
func writeExport(path string, data []byte, force bool) error {
	if !force {
		err := profile.WriteNewFile(path, data)
		if errors.Is(err, fs.ErrExist) {
			if err := notRegular(path, "export writes only a file"); err != nil {
				return err // --force would refuse it too
			}
			return cmdutil.WithHint(fmt.Errorf("%s already exists", path), cmdutil.ExitFailure, "pass --force to overwrite it")
		}
		return err
	}
	// The replacement is a rename: over a link, a FIFO or a device
	// (/dev/null, as root) it would put a file in their place.
	if err := notRegular(path, "--force replaces only a file"); err != nil {
		return err
	}
	return profile.WriteFile(path, data)
}

// outsideStateDir refuses path when it is in the state directory
// stateDir or below it, links followed: an export there could replace
// azc's own files, profile.json (outside profile.lock) or a credential
// blob (the account's credentials lost, and left in plaintext beside the
// blobs). The directories are compared as files (os.SameFile), not as
// paths: a volume that ignores case (macOS, Windows) reaches the state
// directory by many spellings. A state directory that does not exist yet
// holds nothing.
func outsideStateDir(path, stateDir string) error {
	state, err := os.Stat(stateDir)
	if err != nil {
		return nil
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil // no directory to write the file in: writeExport says so
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	for {
		if fi, err := os.Stat(dir); err == nil && os.SameFile(fi, state) {
			return cmdutil.WithHint(fmt.Errorf("%s is in azc's state directory %s, which holds azc's own files", path, stateDir), cmdutil.ExitFailure, "export to a file outside "+stateDir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// notRegular is the error, saying why (because) and the way out, for a
// path that is there and is no regular file (a link, a FIFO, a device),
// or nil.
func notRegular(path, because string) error {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode().IsRegular() {
		return nil
	}
	what, hint := "is not a regular file", "export to standard output with --file - and redirect it"
	if fi.Mode()&fs.ModeSymlink != 0 {
		what, hint = "is a symbolic link", "name the file it links to, or remove the link"
	}
	return cmdutil.WithHint(fmt.Errorf("%s %s: %s", path, what, because), cmdutil.ExitFailure, hint)
}

// ImportResult is the JSON shape of `context import`.
type ImportResult struct {
	Format       string   `json:"format"`
	Added        []string `json:"added"`
	Updated      []string `json:"updated"`
	Environments []string `json:"environments"`
	Default      string   `json:"default,omitempty"`
	Warnings     []string `json:"warnings"`
}

// ImportRun merges the contexts of a file into a scope: `context import`
// once its arguments are parsed.
func ImportRun(ctx context.Context, f *cmdutil.Factory, out cmdutil.Output, opts *ImportOptions) error {
	var data []byte
	var err error
	if opts.File == "-" {
		if f.IOStreams.CanPrompt() {
			fmt.Fprintln(f.IOStreams.ErrOut, "azc: reading the file to import from the terminal: paste it, then press Ctrl-D on a line of its own")
		}
		data, err = cmdutil.ReadStdin(ctx, f.IOStreams)
	} else {
		data, err = cmdutil.ReadFile(ctx, opts.File)
	}
	if err != nil {
		return err
	}
	imp, err := profile.Import(data)
	if err != nil {
		name, file := opts.File, opts.File
		if opts.File == "-" {
			name, file = "standard input", "the file given on standard input"
		}
		hint := "azc reads its own exports, Azure PowerShell's Save-AzContext / AzureRmContext.json and az's azureProfile.json"
		var dup *profile.DuplicateNameError
		var newer *profile.NewerVersionError
		switch {
		case errors.As(err, &dup):
			hint = fmt.Sprintf("edit %s to %s, then import it again", file, dup.Fix())
		case errors.As(err, &newer):
			hint = newer.Hint()
		}
		return cmdutil.WithHint(fmt.Errorf("%s: %w", name, err), cmdutil.ExitFailure, hint)
	}
	st, scope, err := cmdutil.StateAndScope(f, opts.Scope)
	if err != nil {
		return err
	}
	if imp.Format == profile.FormatAzureCLI && opts.File == "-" {
		imp.Warnings = append(imp.Warnings, "az's tokens are in msal_token_cache.json beside azureProfile.json, which an import from standard input cannot find: its contexts come without tokens; import the file by its path, or sign in with `azc login`")
	} else if imp.Format == profile.FormatAzureCLI {
		cache, err := profile.ReadAzureCLITokenCache(opts.File)
		if err == nil {
			err = imp.AddTokenCache(cache)
		}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			imp.Warnings = append(imp.Warnings, fmt.Sprintf("no token cache (msal_token_cache.json) beside %s: its contexts come without tokens; sign in with `azc login`", opts.File))
		case err != nil:
			imp.Warnings = append(imp.Warnings, "az's token cache beside the file was not read: "+err.Error())
		}
	}
	if err := addSecrets(imp); err != nil {
		return err
	}
	dropUnusableCredentials(imp)
	if err := probeImported(f, st, scope, imp, opts.Credentials.Probe); err != nil {
		return err
	}
	apart, err := st.NamesApart(scope)
	if err != nil {
		return err
	}
	var res profile.MergeResult
	var ch *azc.Change
	n, err := storeImported(f, st, scope, imp, func() (err error) {
		ch, err = st.ChangeDefault(scope, func(p *profile.Profile) (bool, error) {
			// a name the other scope holds for another identity: the
			// context an import of it made before is the one to update
			named := *imp
			named.Contexts = slices.Clone(imp.Contexts)
			nameIn := apart(p)
			for i := range named.Contexts {
				var err error
				if named.Contexts[i].Name, err = nameIn(&named.Contexts[i]); err != nil {
					return false, err
				}
			}
			res = p.Merge(&named)
			// the file's default is the default, though it was before
			return imp.Default >= 0, nil
		})
		return err
	})
	if n > 0 {
		cmdutil.Warn(f.IOStreams, fmt.Sprintf("imported the tokens or credentials of %s into the %s scope's credential store", cmdutil.Plural(n, "account"), cmdutil.ScopeName(scope)))
	}
	if err != nil {
		return err
	}
	// names the other scope holds for other identities went to distinct
	// ones: report the names as they are now (looked up by NameKey, one
	// pass, as an import may rename thousands), and each rename. No
	// rename's new name is another's old one: a context is renamed to a
	// name no other context holds.
	renamed := make(map[string]string, len(ch.Renamed))
	for _, r := range ch.Renamed {
		renamed[profile.NameKey(r.Old)] = r.New
		res.Warnings = append(res.Warnings, RenameWarning(scope, r, "imported"))
	}
	if len(renamed) > 0 {
		for _, names := range [][]string{res.Added, res.Updated} {
			for i := range names {
				if n, ok := renamed[profile.NameKey(names[i])]; ok {
					names[i] = n
				}
			}
		}
		if n, ok := renamed[profile.NameKey(res.Default)]; ok {
			res.Default = n
		}
	}
	result := ImportResult{Format: string(imp.Format), Added: nonNil(res.Added), Updated: nonNil(res.Updated),
		Environments: nonNil(res.Environments), Default: res.Default, Warnings: nonNil(append(imp.Warnings, res.Warnings...))}
	printWarnings(f.IOStreams, result.Warnings, out)
	msg := fmt.Sprintf("imported %s: %d added, %d updated (%s)", result.Format, len(result.Added), len(result.Updated), Where(st, scope))
	if result.Default != "" {
		msg += fmt.Sprintf("; default is now %s", profile.QuoteShort(result.Default))
	}
	return out.PrintChange(f, result, msg)
}

// maxWarnings is how many of an import's warnings are printed on stderr:
// a file of thousands of contexts azc cannot take would print a line
// each; -o json's "warnings" lists them all.
const maxWarnings = 10

// printWarnings prints an import's warnings: for the default table, the
// first maxWarnings and how many more there are; for any other output
// (which a script reads, "warnings" included), all of them.
func printWarnings(ios *cmdutil.IOStreams, ws []string, out cmdutil.Output) {
	for i, w := range ws {
		if i == maxWarnings && out.Plain() {
			cmdutil.Warn(ios, fmt.Sprintf("%d more warnings like these: `azc context import -o json` lists them all", len(ws)-i))
			return
		}
		cmdutil.Warn(ios, w)
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// RenameWarning says that a change of scope added r.Old's context as r.New
// (verb: "imported", "created", "saved") because a context of another
// identity holds r.Old in the other scope.
func RenameWarning(scope profile.Scope, r azc.Rename, verb string) string {
	other := profile.ScopeUser
	if scope == profile.ScopeUser {
		other = profile.ScopeProcess
	}
	return fmt.Sprintf("context %s: the name is taken by another context in the %s scope; %s as %s", profile.QuoteShort(r.Old), cmdutil.ScopeName(other), verb, profile.QuoteShort(r.New))
}
