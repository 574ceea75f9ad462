package execute

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/profile"
)

// azTenantLevelName is the subscription name the az CLI gives a
// tenant-level account (a sign-in without a subscription).
const azTenantLevelName = "N/A(tenant level account)"

// azAccount is one entry of the az CLI's azureProfile.json, as
// `az login --identity` writes it for a system-assigned managed identity
// (azure-cli-core's _profile.py): az then asks the managed identity
// endpoint, which is azc's server, for every token.
type azAccount struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	State            string   `json:"state"`
	User             azUser   `json:"user"`
	IsDefault        bool     `json:"isDefault"`
	TenantID         string   `json:"tenantId"`
	EnvironmentName  string   `json:"environmentName"`
	HomeTenantID     string   `json:"homeTenantId"`
	ManagedByTenants []string `json:"managedByTenants"`
}

type azUser struct {
	Name                 string `json:"name"`
	Type                 string `json:"type"`
	AssignedIdentityInfo string `json:"assignedIdentityInfo"`
}

type azProfile struct {
	InstallationID string      `json:"installationId"`
	Subscriptions  []azAccount `json:"subscriptions"`
}

// writeAzConfig fills dir, a fresh AZURE_CONFIG_DIR, so that the az CLI
// acts on context c with no `az login`: azureProfile.json holds c's
// subscription (or, without one, its tenant) as the default account of a
// system-assigned managed identity; config selects c's cloud, and for a
// custom environment clouds.config registers it. userConfig is the user's
// own az config file ("" or missing: none), whose settings (output format,
// telemetry) are kept, all but the cloud. An environment az's config files
// cannot hold (Environment.CheckExported) is refused.
func writeAzConfig(dir string, c *profile.Context, env profile.Environment, userConfig string) error {
	if err := env.CheckExported(); err != nil {
		if errors.Is(err, profile.ErrAzDefaults) {
			// The name is in its accounts' keys and contexts too, which
			// an edit of profile.json would have to follow. Names compare
			// regardless of case, so adding it spelled otherwise renames
			// it, and its contexts and sign-ins stay.
			return cmdutil.WithHint(err, cmdutil.ExitFailure, "rename it: add it again as `Default` with the endpoints, audience and CA file `azc environment show DEFAULT` gives (`azc environment add Default --authority-host … --arm-endpoint …`); its contexts and sign-ins stay")
		}
		if errors.Is(err, profile.ErrAzStripped) {
			return cmdutil.WithHint(err, cmdutil.ExitFailure, "add the environment under another name (`azc environment add`) and sign in to it with `azc login --environment`")
		}
		return fmt.Errorf("%w: edit the environment in profile.json to take it out", err)
	}
	acct := azAccount{
		ID:               c.Tenant.ID,
		Name:             azTenantLevelName,
		State:            "Enabled",
		User:             azUser{Name: "systemAssignedIdentity", Type: "servicePrincipal", AssignedIdentityInfo: "MSI"},
		IsDefault:        true,
		TenantID:         c.Tenant.ID,
		EnvironmentName:  env.Name,
		HomeTenantID:     c.Tenant.ID,
		ManagedByTenants: []string{},
	}
	if c.Subscription != nil {
		acct.ID, acct.Name = c.Subscription.ID, c.Subscription.Name
		if c.Subscription.State != "" {
			acct.State = c.Subscription.State
		}
	}
	prof, err := json.MarshalIndent(azProfile{InstallationID: newUUID(), Subscriptions: []azAccount{acct}}, "", "  ")
	if err != nil {
		return err
	}
	files := map[string]string{
		"azureProfile.json": string(prof),
		"config":            azUserSettings(userConfig) + "[cloud]\nname = " + azValue(env.Name) + "\n",
	}
	if !env.BuiltIn {
		files["clouds.config"] = azCloud(env, acct.ID)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			return fmt.Errorf("writing the az CLI's %s: %w", name, err)
		}
	}
	return nil
}

// azCloud is clouds.config registering a custom environment the way
// `az cloud register` does, with the context's subscription as the
// cloud's current one.
func azCloud(env profile.Environment, subscription string) string {
	authority := strings.TrimSuffix(env.AuthorityHost, "/")
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]\n", env.Name)
	for _, kv := range [][2]string{
		{"endpoint_resource_manager", env.ARMEndpoint},
		{"endpoint_active_directory", authority},
		{"endpoint_active_directory_resource_id", env.ARMAudience},
		{"endpoint_management", env.ARMAudience},
		{"endpoint_active_directory_graph_resource_id", "https://graph.windows.net/"},
		{"profile", "latest"},
		{"subscription", subscription},
	} {
		fmt.Fprintf(&b, "%s = %s\n", kv[0], azValue(kv[1]))
	}
	return b.String()
}

// azValue is s as a value of az's config files, which az reads with
// configparser's interpolation, where '%' starts a reference: each '%'
// doubled, so that az reads s. (Section names are not interpolated.)
func azValue(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// azUserSettings returns the user's az config file without its [cloud]
// section, "" when there is none. A section header is read as az's
// configparser reads one: from the line's first '[' to its last ']',
// whatever follows ("[cloud] # mine" is the cloud section).
func azUserSettings(path string) string {
	if path == "" {
		return ""
	}
	data, err := profile.ReadRegularFile(path)
	if err != nil {
		return ""
	}
	var b strings.Builder
	skip := false
	for line := range strings.Lines(string(data)) {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "[") {
			if end := strings.LastIndexByte(t, ']'); end > 1 {
				skip = strings.EqualFold(strings.TrimSpace(t[1:end]), "cloud")
			}
		}
		if !skip {
			b.WriteString(line)
		}
	}
	out := b.String()
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return out
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}

// systemCAFiles are where Unix systems keep their trusted roots, in the
// order crypto/x509 tries them.
var systemCAFiles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/cacert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/etc/ssl/cert.pem",
}

// caBundle returns the path of a CA bundle of the roots a child should
// trust for env's custom CA: the roots the parent trusts (its
// REQUESTS_CA_BUNDLE or SSL_CERT_FILE, else the system's file) followed by
// env's CA file. Python (requests, so the az CLI) and Go read only one
// bundle, so a bundle of the CA alone would break every other HTTPS call.
// The bundle is kept in dir under a name made of both files' paths, sizes
// and modification times: the next exec with the same files reuses it
// instead of copying the roots again, and a changed file gets a new one.
// path is "" when no roots file was found; then nothing is written.
func caBundle(dir string, getenv func(string) string, caFile string) (path string, err error) {
	candidates := []string{getenv("REQUESTS_CA_BUNDLE"), getenv("SSL_CERT_FILE")}
	return bundleOf(dir, append(candidates, systemCAFiles...), caFile)
}

// nodeCABundle is the file the child's NODE_EXTRA_CA_CERTS names: Node
// adds the certificates of that one file to its own roots, so a parent's
// NODE_EXTRA_CA_CERTS (say a TLS-inspecting proxy's CA) and the
// environment's CA go in a bundle, kept as caBundle keeps its own; without
// one in the parent (or with one that is no regular, non-empty file) it is
// the environment's CA file itself.
func nodeCABundle(dir string, getenv func(string) string, caFile string) (path string, err error) {
	if extra := getenv("NODE_EXTRA_CA_CERTS"); extra != "" {
		if path, err = bundleOf(dir, []string{extra}, caFile); path != "" || err != nil {
			return path, err
		}
	}
	return caFile, nil
}

// bundleOf is caBundle's work: the first of candidates that is a regular,
// non-empty file, followed by caFile, in a bundle of dir; "" when none is.
func bundleOf(dir string, candidates []string, caFile string) (path string, err error) {
	caInfo, err := os.Stat(caFile)
	if err != nil {
		return "", fmt.Errorf("reading the environment's CA file: %w", err)
	}
	for _, f := range candidates {
		if f == "" {
			continue
		}
		fi, err := os.Stat(f)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
			continue
		}
		h := sha256.New()
		for _, file := range []struct {
			path string
			fi   os.FileInfo
		}{{f, fi}, {caFile, caInfo}} {
			fmt.Fprintf(h, "%s\x00%d\x00%d\x00", file.path, file.fi.Size(), file.fi.ModTime().UnixNano())
		}
		path := filepath.Join(dir, hex.EncodeToString(h.Sum(nil)[:16])+".pem")
		if err := cmdutil.CheckCABundleDir(dir); err != nil {
			return "", fmt.Errorf("the CA bundles: %w", err)
		}
		if reusable(path) {
			return path, nil
		}
		roots, err := profile.ReadRegularFile(f)
		if err != nil || len(roots) == 0 {
			continue
		}
		ca, err := profile.ReadRegularFile(caFile)
		if err != nil {
			return "", fmt.Errorf("reading the environment's CA file: %w", err)
		}
		if roots[len(roots)-1] != '\n' {
			roots = append(roots, '\n')
		}
		if err := writeFileAtomic(path, append(roots, profile.CAFilePEM(ca)...)); err != nil {
			return "", fmt.Errorf("writing the CA bundle: %w", err)
		}
		return path, nil
	}
	return "", nil
}

// reusable reports whether the bundle at path is one azc wrote: a
// regular, non-empty file of the user's that no one else can write to
// (profile.OpenOwned). Anything else there (a symbolic link, an empty
// file) is written afresh, replaced by a rename.
func reusable(path string) bool {
	f, size, err := profile.OpenOwned(path)
	if err != nil {
		return false
	}
	_ = f.Close()
	return size > 0
}

// writeFileAtomic writes data to path (creating its directory) as state
// files are replaced (profile.WriteFile), so that an exec running beside
// this one never reads a half-written file.
func writeFileAtomic(path string, data []byte) error {
	if err := profile.MkdirAll(filepath.Dir(path)); err != nil {
		return err
	}
	return profile.WriteFile(path, data)
}
