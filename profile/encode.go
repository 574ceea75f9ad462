package profile

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// encoder writes profile.json without reflection: the tokens
// json.MarshalIndent(p, "", "  ") writes, laid out as it does except that
// every element of environments, accounts and contexts is one compact line
// (as json.Marshal writes it). A 1,000-context profile is then a third
// smaller, which every command reads and every write syncs; it stays one
// context per line for grep and diff. FuzzCodec holds it to that.
type encoder struct {
	b      []byte
	indent int
	first  []bool // per open object or array: no member written yet
	flat   int    // > 0: inside a one-line element
}

func fastEncode(p *Profile) []byte {
	return encodeProfile(p, nil).bytes()
}

// contents is an encoded profile.json in pieces: head, then raw, then
// tail. raw, when not nil, is a contexts array copied verbatim from the
// file being replaced, so that a change to the header costs no encoding
// (and, read from a mapping, no copy) of the contexts.
type contents struct {
	head, raw, tail []byte
	gen             [2]int // where the generation's digits are in head
}

func (c *contents) bytes() []byte {
	return append(append(append([]byte(nil), c.head...), c.raw...), c.tail...)
}

func (c *contents) len() int { return len(c.head) + len(c.raw) + len(c.tail) }

// rawContexts is a contexts array kept as text: a JSON array of n
// elements, from its '[' to its ']'.
type rawContexts struct {
	text []byte
	n    int
}

// encodeProfile renders p as fastEncode does, except that a non-nil raw
// stands for p.Contexts: it becomes the contents' raw piece.
func encodeProfile(p *Profile, raw *rawContexts) *contents {
	var c contents
	e := &encoder{b: make([]byte, 0, 4096+len(p.Contexts)*512)}
	e.open('{')
	e.key("version")
	e.b = strconv.AppendInt(e.b, int64(p.Version), 10)
	e.key("generation")
	c.gen[0] = len(e.b)
	e.b = strconv.AppendUint(e.b, p.Generation, 10)
	c.gen[1] = len(e.b)
	e.strField("defaultContext", p.DefaultContext, true)
	e.strField("previousContext", p.PreviousContext, true)
	e.key("settings")
	e.open('{')
	if p.Settings.Autosave != nil {
		e.key("autosave")
		e.b = strconv.AppendBool(e.b, *p.Settings.Autosave)
	}
	e.close('}')
	if len(p.Environments) > 0 {
		e.key("environments")
		e.open('[')
		for i := range p.Environments {
			e.environment(&p.Environments[i])
		}
		e.close(']')
	}
	if len(p.Accounts) > 0 {
		e.key("accounts")
		e.open('[')
		for i := range p.Accounts {
			e.account(&p.Accounts[i])
		}
		e.close(']')
	}
	split := -1
	switch {
	case raw != nil && raw.n > 0:
		e.key("contexts")
		split = len(e.b)
		c.raw = raw.text
	case raw == nil && len(p.Contexts) > 0:
		e.key("contexts")
		e.open('[')
		for i := range p.Contexts {
			e.context(&p.Contexts[i])
		}
		e.close(']')
	}
	e.close('}')
	e.b = append(e.b, '\n')
	c.head = e.b
	if split >= 0 {
		c.head, c.tail = e.b[:split], e.b[split:]
	}
	return &c
}

func (e *encoder) newline() {
	if e.flat > 0 {
		return
	}
	e.b = append(e.b, '\n')
	for range e.indent {
		e.b = append(e.b, ' ', ' ')
	}
}

// member starts a member of the innermost object or array.
func (e *encoder) member() {
	top := len(e.first) - 1
	if !e.first[top] {
		e.b = append(e.b, ',')
	}
	e.first[top] = false
	e.newline()
}

func (e *encoder) open(c byte) {
	e.b = append(e.b, c)
	e.first = append(e.first, true)
	e.indent++
}

func (e *encoder) close(c byte) {
	empty := e.first[len(e.first)-1]
	e.first = e.first[:len(e.first)-1]
	e.indent--
	if !empty {
		e.newline()
	}
	e.b = append(e.b, c)
}

func (e *encoder) key(k string) {
	e.member()
	e.b = appendString(e.b, k)
	e.b = append(e.b, ':')
	if e.flat == 0 {
		e.b = append(e.b, ' ')
	}
}

// openLine starts an array element written on one line.
func (e *encoder) openLine() {
	e.member()
	e.open('{')
	e.flat++
}

// closeLine ends an element openLine started.
func (e *encoder) closeLine() {
	e.close('}')
	e.flat--
}

func (e *encoder) strField(k, v string, omitEmpty bool) {
	if omitEmpty && v == "" {
		return
	}
	e.key(k)
	e.b = appendString(e.b, v)
}

func (e *encoder) environment(env *Environment) {
	e.openLine()
	e.strField("name", env.Name, false)
	e.strField("authorityHost", env.AuthorityHost, false)
	e.strField("armEndpoint", env.ARMEndpoint, false)
	e.strField("armAudience", env.ARMAudience, false)
	e.strField("caFile", env.CAFile, true)
	if env.BuiltIn {
		e.key("builtIn")
		e.b = append(e.b, "true"...)
	}
	e.closeLine()
}

func (e *encoder) account(a *Account) {
	e.openLine()
	e.strField("id", a.ID, false)
	e.strField("type", string(a.Type), false)
	e.strField("environment", a.Environment, false)
	e.strField("homeTenantId", a.HomeTenantID, true)
	e.strField("homeAccountId", a.HomeAccountID, true)
	e.strField("credential", a.Credential, true)
	e.strField("federatedTokenFile", a.FederatedTokenFile, true)
	e.strField("clientId", a.ClientID, true)
	e.strField("resourceId", a.ResourceID, true)
	if len(a.Tenants) > 0 {
		e.key("tenants")
		e.open('[')
		for _, t := range a.Tenants {
			e.member()
			e.b = appendString(e.b, t)
		}
		e.close(']')
	}
	e.closeLine()
}

func (e *encoder) context(c *Context) {
	e.openLine()
	e.strField("name", c.Name, false)
	e.strField("account", c.Account, false)
	e.strField("environment", c.Environment, false)
	e.key("tenant")
	e.open('{')
	e.strField("id", c.Tenant.ID, false)
	e.strField("defaultDomain", c.Tenant.DefaultDomain, true)
	e.strField("displayName", c.Tenant.DisplayName, true)
	e.close('}')
	if s := c.Subscription; s != nil {
		e.key("subscription")
		e.open('{')
		e.strField("id", s.ID, false)
		e.strField("name", s.Name, false)
		e.strField("state", s.State, true)
		e.strField("tenantId", s.TenantID, false)
		e.close('}')
	}
	e.strField("storageAccount", c.StorageAccount, true)
	if len(c.Properties) > 0 {
		e.key("properties")
		e.open('{')
		keys := make([]string, 0, len(c.Properties))
		for k := range c.Properties {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			e.strField(k, c.Properties[k], false)
		}
		e.close('}')
	}
	e.closeLine()
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as encoding/json does by default: HTML-safe
// escapes, invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
