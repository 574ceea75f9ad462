package profile

import (
	"encoding/json"
	"fmt"
)

// BundleKind and BundleVersion head azc's export format (docs/profile-format.md).
const (
	BundleKind    = "azc.contexts"
	BundleVersion = 1
)

// Bundle is azc's export file: a set of contexts with the accounts and
// custom environments they use. Credentials is empty unless the caller
// fills it with each account's opaque credential blob (keyed by
// Account.Key()); encoding/json writes the blobs as base64.
type Bundle struct {
	Kind           string            `json:"kind"`
	Version        int               `json:"version"`
	DefaultContext string            `json:"defaultContext,omitempty"`
	Environments   []Environment     `json:"environments,omitempty"`
	Accounts       []Account         `json:"accounts,omitempty"`
	Contexts       []Context         `json:"contexts"`
	Credentials    map[string][]byte `json:"credentials,omitempty"`
}

// NewBundle collects the contexts names refer to (see Find; all contexts
// when names is empty) with their accounts and custom environments, as
// copies: the Bundle shares nothing with p.
func NewBundle(p *Profile, names []string) (*Bundle, error) {
	b := &Bundle{Kind: BundleKind, Version: BundleVersion, Contexts: []Context{}}
	var picked []int
	if len(names) == 0 {
		for i := range p.Contexts {
			picked = append(picked, i)
		}
	} else {
		ix := p.refIndex()
		seen := make(map[int]bool, len(names))
		for _, n := range names {
			i, err := p.find(n, ix)
			if err != nil {
				return nil, err
			}
			if !seen[i] {
				seen[i] = true
				picked = append(picked, i)
			}
		}
	}
	accounts := p.accountIndex()
	tookAccount, tookEnv := make(map[int]bool), make(map[string]bool)
	for _, i := range picked {
		c := &p.Contexts[i]
		b.Contexts = append(b.Contexts, c.clone())
		if SameName(c.Name, p.DefaultContext) {
			b.DefaultContext = c.Name
		}
		if j, ok := accounts[NameKey(c.Account)]; ok && !tookAccount[j] {
			tookAccount[j] = true
			b.Accounts = append(b.Accounts, p.Accounts[j].Clone())
		}
		if _, builtin := builtinEnvironment(c.Environment); !builtin {
			if e, err := p.Environment(c.Environment); err == nil && !tookEnv[NameKey(e.Name)] {
				tookEnv[NameKey(e.Name)] = true
				b.Environments = append(b.Environments, e)
			}
		}
	}
	return b, nil
}

// Marshal renders b as indented JSON with a final newline.
func (b *Bundle) Marshal() ([]byte, error) {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode export: %w", err)
	}
	return append(data, '\n'), nil
}
