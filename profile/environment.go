package profile

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// BuiltinEnvironments returns the clouds every profile knows: AzureCloud,
// AzureChinaCloud and AzureUSGovernment. Each call returns a new slice.
func BuiltinEnvironments() []Environment {
	return []Environment{
		{
			Name:          "AzureCloud",
			AuthorityHost: "https://login.microsoftonline.com/",
			ARMEndpoint:   "https://management.azure.com/",
			ARMAudience:   "https://management.core.windows.net/",
			BuiltIn:       true,
		},
		{
			Name:          "AzureChinaCloud",
			AuthorityHost: "https://login.chinacloudapi.cn/",
			ARMEndpoint:   "https://management.chinacloudapi.cn/",
			ARMAudience:   "https://management.core.chinacloudapi.cn/",
			BuiltIn:       true,
		},
		{
			Name:          "AzureUSGovernment",
			AuthorityHost: "https://login.microsoftonline.us/",
			ARMEndpoint:   "https://management.usgovcloudapi.net/",
			ARMAudience:   "https://management.core.usgovcloudapi.net/",
			BuiltIn:       true,
		},
	}
}

// DefaultEnvironment is the environment used when none is named.
const DefaultEnvironment = "AzureCloud"

func builtinEnvironment(name string) (Environment, bool) {
	for _, e := range BuiltinEnvironments() {
		if SameName(e.Name, name) {
			return e, true
		}
	}
	return Environment{}, false
}

// AllEnvironments returns the built-in environments followed by the
// profile's custom ones.
func (p *Profile) AllEnvironments() []Environment {
	return append(BuiltinEnvironments(), p.Environments...)
}

// Environment returns the environment called name (SameName), built-in
// or custom.
func (p *Profile) Environment(name string) (Environment, error) {
	return p.environment(name, nil)
}

// environment is Environment, finding a custom environment in at
// (environmentIndex, kept up to date) when at is not nil.
func (p *Profile) environment(name string, at map[string]int) (Environment, error) {
	if e, ok := builtinEnvironment(name); ok {
		return e, nil
	}
	if i := p.environmentAt(name, at); i >= 0 {
		return p.Environments[i], nil
	}
	return Environment{}, &NotFoundError{Kind: "environment", Ref: name}
}

// environmentAt is the position of the first custom environment called
// name, else -1, from at when it is not nil.
func (p *Profile) environmentAt(name string, at map[string]int) int {
	if at != nil {
		if i, ok := at[NameKey(name)]; ok {
			return i
		}
		return -1
	}
	for i := range p.Environments {
		if SameName(p.Environments[i].Name, name) {
			return i
		}
	}
	return -1
}

// environmentIndex maps the NameKey of each custom environment's name to
// the position of the first of that name, for changes of many (an
// import of tens of thousands, each looked up once: a scan for each
// would take O(n²) time, 26 s for 80,000).
func (p *Profile) environmentIndex() map[string]int {
	at := make(map[string]int, len(p.Environments))
	for i := range p.Environments {
		if k := NameKey(p.Environments[i].Name); !hasKey(at, k) {
			at[k] = i
		}
	}
	return at
}

// FindEnvironment returns the environment a name typed by the user names:
// the name without the white space around it, as SetEnvironment stores
// one and Find takes a context's, then Environment.
func (p *Profile) FindEnvironment(ref string) (Environment, error) {
	return p.Environment(TrimRef(ref))
}

// errInvalidEnvironmentName is ErrInvalidName (errors.Is) said of an
// environment's name, not of a context's.
type errInvalidEnvironmentName struct{}

func (errInvalidEnvironmentName) Error() string        { return "invalid environment name" }
func (errInvalidEnvironmentName) Is(target error) bool { return target == ErrInvalidName }

// DefaultAudience gives e its ARM endpoint as its ARM audience when it
// has none (`environment add` without --arm-audience, an imported
// environment that names none): its ARM tokens are asked for the scope of
// its audience, which without one would be "/.default".
func (e *Environment) DefaultAudience() {
	if e.ARMAudience == "" {
		e.ARMAudience = e.ARMEndpoint
	}
}

// maxHostName is the longest a DNS host name can be, in bytes (RFC 1035's
// 255 bytes of a name on the wire, less its first length and its root).
const maxHostName = 253

// CheckEndpoint returns v, an environment's authority host or ARM
// endpoint, as azc keeps it: an absolute http(s) URL, ending in "/", whose
// host name is one DNS can hold (at most maxHostName bytes), with a port,
// when it has one, from 1 to 65535, and without a user name or password
// (profile.json holds no secret), a query or a fragment (azc appends
// paths to it). An error says it is none (`environment add` and an
// import refuse it); it never shows a password.
func CheckEndpoint(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%s is not an absolute http(s) URL", QuoteShort(v))
	}
	if u.User != nil {
		return "", fmt.Errorf("%s holds a user name or password, which azc would keep in profile.json: give the URL without it", QuoteShort(u.Redacted()))
	}
	if n := len(u.Hostname()); n > maxHostName {
		return "", fmt.Errorf("%s: its host name is %d bytes long, longer than the %d a host name can be", QuoteShort(v), n, maxHostName)
	}
	if port := u.Port(); port != "" || strings.HasSuffix(u.Host, ":") {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("%s: its port %s is not a number from 1 to 65535", QuoteShort(v), QuoteShort(port))
		}
	}
	if u.RawQuery != "" || u.ForceQuery {
		return "", fmt.Errorf("%s holds a query (?…), which would end every URL azc makes from it: give the URL without it", QuoteShort(v))
	}
	if u.Fragment != "" || strings.Contains(v, "#") {
		return "", fmt.Errorf("%s holds a fragment (#…), which would end every URL azc makes from it: give the URL without it", QuoteShort(v))
	}
	if !strings.HasSuffix(v, "/") {
		v += "/"
	}
	return v, nil
}

// CheckAuthorityHost is CheckEndpoint of an environment's authority host,
// which must be https too: Microsoft's sign-in libraries (MSAL) sign in only
// over TLS, so every sign-in to a cloud whose host is plain http fails. (An
// ARM endpoint may be plain http: a tool under azc exec may call it so.)
func CheckAuthorityHost(v string) (string, error) {
	v, err := CheckEndpoint(v)
	if err == nil && !strings.HasPrefix(strings.ToLower(v), "https:") {
		err = fmt.Errorf("%s is not an https URL: Microsoft's sign-in libraries sign in only over TLS", QuoteShort(v))
	}
	return v, err
}

// SetEnvironment adds the custom environment e, or replaces the custom one
// of the same name. Built-in environments cannot be replaced. The name is
// stored trimmed; one that is not UTF-8 is refused, as a context's is
// (profile.json would hold another name, and two such names would be one).
func (p *Profile) SetEnvironment(e Environment) error {
	return p.setEnvironment(e, nil)
}

// setEnvironment is SetEnvironment, finding the environment in at
// (environmentIndex, kept up to date) when at is not nil.
func (p *Profile) setEnvironment(e Environment, at map[string]int) error {
	e.Name = strings.TrimSpace(e.Name)
	if err := checkEnvironmentName(e.Name); err != nil {
		return fmt.Errorf("environment %w", err)
	}
	if _, ok := builtinEnvironment(e.Name); ok {
		return fmt.Errorf("environment %s: %w", QuoteShort(e.Name), ErrBuiltinEnvironment)
	}
	e.BuiltIn = false
	if i := p.environmentAt(e.Name, at); i >= 0 {
		p.Environments[i] = e
		return nil
	}
	p.Environments = append(p.Environments, e)
	if at != nil {
		at[NameKey(e.Name)] = len(p.Environments) - 1
	}
	return nil
}

// RemoveEnvironment removes the custom environment called name (trimmed,
// as FindEnvironment takes it). It refuses built-in environments and
// environments that contexts still use.
func (p *Profile) RemoveEnvironment(name string) error {
	name = strings.TrimSpace(name)
	if _, ok := builtinEnvironment(name); ok {
		return fmt.Errorf("environment %s: %w", QuoteShort(name), ErrBuiltinEnvironment)
	}
	idx := -1
	for i := range p.Environments {
		if SameName(p.Environments[i].Name, name) {
			idx = i
		}
	}
	if idx < 0 {
		return &NotFoundError{Kind: "environment", Ref: name}
	}
	var users []string
	for i := range p.Contexts {
		if SameName(p.Contexts[i].Environment, name) {
			users = append(users, p.Contexts[i].Name)
		}
	}
	if len(users) > 0 {
		return fmt.Errorf("environment %s is used by %s: %w", QuoteShort(name), QuoteList(users), ErrEnvironmentInUse)
	}
	p.Environments = append(p.Environments[:idx], p.Environments[idx+1:]...)
	return nil
}
