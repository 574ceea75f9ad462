package profile

import "strings"

// fields locates the values of one context in its element (between the
// quotes), as element reads them.
type fields struct {
	name, account, environment          rng
	tenantID, tenantDomain, tenantName  rng
	subID, subName, subState, subTenant rng
	storage                             rng
	props                               rng // the properties object, from '{' to '}'
	nprops                              int // its members
	sub, hasProps                       bool
}

// count is what the element f was read from holds, as countValues counts
// it: its objects, and the values within it (not itself, which its array
// counts).
func (f *fields) count() valueCount {
	// a value for each of name, account, environment, tenant and its id
	c := valueCount{objects: 2, values: 5}
	for _, r := range [...]rng{f.tenantDomain, f.tenantName, f.storage} {
		if r != (rng{}) { // a string read starts past its element's '{'
			c.values++
		}
	}
	if f.sub {
		c.objects++
		c.values += 4 // the subscription, its id, name and tenant id
		if f.subState != (rng{}) {
			c.values++
		}
	}
	if f.hasProps {
		c.objects++
		c.values += 1 + f.nprops
	}
	return c
}

// element reads one context as encoding/json writes it for Encode: on one
// line without spaces, its members in Context's order of fields, strings
// without escapes, noting where its values are in *f. Such an element
// decodes to f.context's Context.
func (k *skimmer[T]) element(f *fields) bool {
	*f = fields{}
	return k.expect(`{"name":`) && k.quoted(&f.name) &&
		k.expect(`,"account":`) && k.quoted(&f.account) &&
		k.expect(`,"environment":`) && k.quoted(&f.environment) &&
		k.expect(`,"tenant":{"id":`) && k.quoted(&f.tenantID) &&
		(!k.expect(`,"defaultDomain":`) || k.quoted(&f.tenantDomain)) &&
		(!k.expect(`,"displayName":`) || k.quoted(&f.tenantName)) &&
		k.expect(`}`) &&
		(!k.expect(`,"subscription":{"id":`) || k.subscription(f)) &&
		(!k.expect(`,"storageAccount":`) || k.quoted(&f.storage)) &&
		(!k.expect(`,"properties":`) || k.properties(f)) &&
		k.expect(`}`)
}

// subscription reads the rest of a subscription after its id's key.
func (k *skimmer[T]) subscription(f *fields) bool {
	f.sub = true
	return k.quoted(&f.subID) &&
		k.expect(`,"name":`) && k.quoted(&f.subName) &&
		(!k.expect(`,"state":`) || k.quoted(&f.subState)) &&
		k.expect(`,"tenantId":`) && k.quoted(&f.subTenant) && k.expect(`}`)
}

// properties reads an object of strings.
func (k *skimmer[T]) properties(f *fields) bool {
	f.hasProps = true
	start := k.i
	if !k.expect(`{`) || !k.stringMap(&f.nprops) {
		return false
	}
	f.props = rng{uint32(start), uint32(k.i)}
	return true
}

// columns is where the element's Columns but its name are.
func (f *fields) columns() columnSpan {
	return columnSpan{account: f.account, tenantID: f.tenantID, tenantDomain: f.tenantDomain,
		subID: f.subID, subName: f.subName}
}

// contextOf decodes text, an element the skim read (see element).
func contextOf(text string) *Context {
	c := new(Context)
	decodeElement(text, c)
	return c
}

// decodeElement sets *c to text, an element the skim read, decoded.
func decodeElement(text string, c *Context) {
	k := &skimmer[string]{s: text}
	var f fields
	if !k.element(&f) || k.i != len(text) {
		panic("profile: a skimmed context does not skim again")
	}
	f.decode(text, c)
}

// decode sets *c to the Context that encoding/json decodes from text, the
// element f was read from: its strings are text's, which the skim
// vouched for (no escapes, valid UTF-8).
func (f *fields) decode(text string, c *Context) {
	at := func(r rng) string { return text[r.start:r.end] }
	*c = Context{
		Name:           at(f.name),
		Account:        at(f.account),
		Environment:    at(f.environment),
		Tenant:         Tenant{ID: at(f.tenantID), DefaultDomain: at(f.tenantDomain), DisplayName: at(f.tenantName)},
		StorageAccount: at(f.storage),
	}
	if f.sub {
		c.Subscription = &Subscription{ID: at(f.subID), Name: at(f.subName), State: at(f.subState), TenantID: at(f.subTenant)}
	}
	if f.hasProps {
		// as encoding/json: a key given twice keeps its last value
		c.Properties = map[string]string{}
		k := &skimmer[string]{s: text, i: int(f.props.start) + 1}
		var key, value rng
		for k.quoted(&key) && k.expect(`:`) && k.quoted(&value) {
			c.Properties[at(key)] = at(value)
			k.expect(`,`)
		}
	}
}

// headerMember sets the member key of p to value, its JSON text, when
// both are as Encode writes them (the keys of Profile's fields, objects'
// members in the order of their fields, strings without escapes, no empty
// arrays), so that the header of a file azc wrote decodes without
// encoding/json; false when they are not (the caller then has
// encoding/json decode the header). It reads what encoding/json would:
// p's strings are value's.
func (p *Profile) headerMember(key, value string) bool {
	k := &skimmer[string]{s: value}
	var ok bool
	switch key {
	case "version":
		var n uint64
		n, ok = k.number()
		p.Version = int(n)
		ok = ok && n <= FormatVersion
	case "generation":
		p.Generation, ok = k.number()
	case "defaultContext":
		ok = k.str(value, &p.DefaultContext)
	case "previousContext":
		ok = k.str(value, &p.PreviousContext)
	case "settings":
		var on bool
		switch {
		case k.expect(`{}`):
			p.Settings, ok = Settings{}, true
		case k.expect(`{"autosave":true}`):
			on, ok = true, true
			p.Settings = Settings{Autosave: &on}
		case k.expect(`{"autosave":false}`):
			ok = true
			p.Settings = Settings{Autosave: &on}
		}
	case "environments":
		n := elements(value, len(`{"name":"","authorityHost":"","armEndpoint":"","armAudience":""}`))
		if n > maxObjects {
			return false
		}
		p.Environments = make([]Environment, 0, n)
		ok = k.array(func() bool {
			var e Environment
			ok := k.expect(`{"name":`) && k.str(value, &e.Name) &&
				k.expect(`,"authorityHost":`) && k.str(value, &e.AuthorityHost) &&
				k.expect(`,"armEndpoint":`) && k.str(value, &e.ARMEndpoint) &&
				k.expect(`,"armAudience":`) && k.str(value, &e.ARMAudience) &&
				(!k.expect(`,"caFile":`) || k.str(value, &e.CAFile))
			e.BuiltIn = k.expect(`,"builtIn":true`)
			p.Environments = append(p.Environments, e)
			return ok && k.expect(`}`)
		})
	case "accounts":
		n := elements(value, len(`{"id":"","type":"","environment":""}`))
		if n > maxObjects {
			return false
		}
		p.Accounts = make([]Account, 0, n)
		ok = k.array(func() bool {
			var a Account
			ok := k.expect(`{"id":`) && k.str(value, &a.ID) &&
				k.expect(`,"type":`) && k.str(value, (*string)(&a.Type)) &&
				k.expect(`,"environment":`) && k.str(value, &a.Environment) &&
				(!k.expect(`,"homeTenantId":`) || k.str(value, &a.HomeTenantID)) &&
				(!k.expect(`,"homeAccountId":`) || k.str(value, &a.HomeAccountID)) &&
				(!k.expect(`,"credential":`) || k.str(value, &a.Credential)) &&
				(!k.expect(`,"federatedTokenFile":`) || k.str(value, &a.FederatedTokenFile)) &&
				(!k.expect(`,"clientId":`) || k.str(value, &a.ClientID)) &&
				(!k.expect(`,"resourceId":`) || k.str(value, &a.ResourceID)) &&
				(!k.expect(`,"tenants":`) || k.array(func() bool {
					var t string
					ok := k.str(value, &t)
					a.Tenants = append(a.Tenants, t)
					return ok
				}))
			p.Accounts = append(p.Accounts, a)
			return ok && k.expect(`}`)
		})
	}
	return ok && k.i == len(value)
}

// elements bounds the number of elements of value, an array Encode wrote
// an element a line, none shorter than least bytes, so that the slice it
// decodes to is made once (each size it grows through would take fresh
// memory), and no bigger than value could fill (an array of blank lines
// is not taken for as many elements). More than maxObjects is left to
// encoding/json, behind Decode's limits (CheckValues).
func elements(value string, least int) int {
	return min(strings.Count(value, "\n"), len(value)/least) + 1
}

// number reads an unsigned JSON integer (no sign, fraction or exponent)
// that fits a uint64.
func (k *skimmer[T]) number() (uint64, bool) {
	start, n := k.i, uint64(0)
	for k.i < len(k.s) && '0' <= k.s[k.i] && k.s[k.i] <= '9' {
		d := uint64(k.s[k.i] - '0')
		if n > (1<<64-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
		k.i++
	}
	digits := k.i - start
	return n, digits == 1 || digits > 1 && k.s[start] != '0'
}

// str reads a string without escapes into *dst, as a part of text, the
// skimmer's.
func (k *skimmer[T]) str(text string, dst *string) bool {
	var r rng
	if !k.quoted(&r) {
		return false
	}
	*dst = text[r.start:r.end]
	return true
}

// array reads a JSON array of at least one element, each read by elem,
// with white space around them.
func (k *skimmer[T]) array(elem func() bool) bool {
	if !k.byte('[') {
		return false
	}
	for {
		k.ws()
		if !elem() {
			return false
		}
		if k.byte(']') {
			return true
		}
		if !k.byte(',') {
			return false
		}
	}
}
