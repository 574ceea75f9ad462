package profile

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckExported is the rule of a value `azc exec` gives a child as an
// environment variable and that nothing stricter governs: a context's
// subscription id (AZURE_SUBSCRIPTION_ID, ARM_SUBSCRIPTION_ID) and storage
// account (AZURE_STORAGE_ACCOUNT). It refuses one that is not UTF-8 or
// that holds a control character: a NUL, which no environment variable
// can hold (the child could not be started), or a newline, an escape and
// the like, which would break a program that reads the variable or prints
// it to a terminal. Azure's subscription ids (GUIDs) and storage account
// names (lower-case letters and digits) never hold one. The error says
// what is wrong with the value; the caller names it.
func CheckExported(v string) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s is not UTF-8", QuoteShort(v))
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return fmt.Errorf("%s holds a control character (%U)", QuoteShort(v), r)
		}
	}
	return nil
}

// ExportError reports a context that `azc exec` cannot give a child: one
// of the values it exports (Field) breaks its rule (CheckExported, the
// tenant's ValidTenant, the name's). Imports and commands refuse such
// values where they enter; a profile.json edited by hand may hold one.
type ExportError struct {
	Context string // the context's name
	Field   string // "subscription id", "storage account", "tenant", "name"
	Err     error  // what is wrong with the value, quoting it
}

func (e *ExportError) Error() string {
	return fmt.Sprintf("its %s %v, which azc exec cannot export", e.Field, e.Err)
}

func (e *ExportError) Unwrap() error { return e.Err }

// CheckExported refuses c when azc exec could not give a child one of the
// values of c it exports as environment variables: its name (AZC_CONTEXT,
// checkName), tenant (ARM_TENANT_ID, AZURE_TENANT_ID; ValidTenant),
// subscription id and storage account (CheckExported). The error is an
// *ExportError.
func (c *Context) CheckExported() error {
	fail := func(field string, err error) error {
		return &ExportError{Context: c.Name, Field: field, Err: err}
	}
	if err := checkName(c.Name); err != nil {
		return fail("name", err)
	}
	if !ValidTenant(c.Tenant.ID) {
		return fail("tenant", fmt.Errorf("%s is no tenant id or domain", QuoteShort(c.Tenant.ID)))
	}
	if c.Subscription != nil {
		if err := CheckExported(c.Subscription.ID); err != nil {
			return fail("subscription id", err)
		}
	}
	if err := CheckExported(c.StorageAccount); err != nil {
		return fail("storage account", err)
	}
	return nil
}

// CheckExported refuses e when `azc exec` could not hand it to an az CLI
// child: az's config files (config, clouds.config) hold the environment's
// name and endpoints a line each, so a line break in one would start
// settings of its own there ("emu\n[extension]\nindex_url = …" would set
// where the child installs extensions from). Nor can a custom environment
// be called DEFAULT: az's configparser reads a section of that name as
// every section's defaults, and the child's az would find no such cloud;
// nor can a name start or end with a character az's reader takes off the
// name it reads (azStrips).
// The error names the field and quotes the value; the caller names the
// environment's source.
func (e *Environment) CheckExported() error {
	if e.Name == azDefaultSection {
		return fmt.Errorf("environment %s: %w", QuoteShort(e.Name), ErrAzDefaults)
	}
	if strings.TrimFunc(e.Name, azStrips) != e.Name {
		return fmt.Errorf("environment %s: %w", QuoteShort(e.Name), ErrAzStripped)
	}
	for _, v := range [...]struct{ what, value string }{
		{"name", e.Name}, {"authority host", e.AuthorityHost}, {"ARM endpoint", e.ARMEndpoint}, {"ARM audience", e.ARMAudience},
	} {
		if strings.ContainsAny(v.value, "\r\n") {
			return fmt.Errorf("environment %s: its %s holds a line break, which the az CLI's config that azc exec writes would read as settings of their own", QuoteShort(e.Name), v.what)
		}
	}
	return nil
}

// ErrAzDefaults refuses a custom environment called DEFAULT
// (Environment.CheckExported).
var ErrAzDefaults = errors.New("the az CLI reads a cloud of that name as the defaults of every other, so az under azc exec would not find it")

// azDefaultSection is the section configparser's files read as the
// defaults of the others (RawConfigParser.default_section).
const azDefaultSection = "DEFAULT"

// ErrAzStripped refuses a custom environment whose name starts or ends
// with a character az takes off it (Environment.CheckExported).
var ErrAzStripped = errors.New("its name starts or ends with a character the az CLI takes off the name it reads, so az under azc exec would not find it")

// azStrips reports whether Python's str.strip, which az's configparser
// applies to a value (the [cloud] name, not clouds.config's section
// header), takes r off: white space, and the separators U+001C to U+001F,
// which unicode.IsSpace leaves.
func azStrips(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }
