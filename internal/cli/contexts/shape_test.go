package contexts

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/azcontext/azc/profile"
)

// notShown are the fields of profile.Context that the JSON shape leaves
// out on purpose, with why. Any other field must show.
var notShown = map[string]string{
	"Account":               "the account key; the shape shows the account's id and type",
	"Subscription.TenantID": "the context's tenant, shown as tenant.id",
}

// TestTheShapeShowsEveryFieldOfTheModel fills every field of a
// profile.Context by reflection (a field added to the model is filled
// without a change here) and requires each value in the context's JSON
// shape, unless notShown says why not; and every field of the shape must
// come from the model (none left zero).
func TestTheShapeShowsEveryFieldOfTheModel(t *testing.T) {
	t.Parallel()
	var c profile.Context
	var a profile.Account
	n := 0
	fillValue(reflect.ValueOf(&c).Elem(), &n)
	fillValue(reflect.ValueOf(&a).Elem(), &n)
	c.Account = a.Key()
	p := &profile.Profile{Accounts: []profile.Account{a}}
	shape := indexAccounts(p).shape(&c, profile.ScopeUser, true)
	out, err := json.Marshal(shape)
	if err != nil {
		t.Fatal(err)
	}
	for path, v := range leaves(reflect.ValueOf(c), "") {
		if _, ok := notShown[path]; ok {
			continue
		}
		if !strings.Contains(string(out), v) {
			t.Errorf("profile.Context.%s (%q) is not in the JSON shape %s: add it to the shape or to notShown", path, v, out)
		}
	}
	for path, v := range leaves(reflect.ValueOf(shape), "") {
		if v == "" || v == "false" {
			t.Errorf("the shape's %s is not filled from the model", path)
		}
	}
	for _, want := range []string{a.ID, string(a.Type)} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the account's %q is not in the shape %s", want, out)
		}
	}
}

// fillValue sets every field reachable from v to a value of its own.
func fillValue(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("value%d", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n))
	case reflect.Uint, reflect.Uint64, reflect.Uint32:
		v.SetUint(uint64(*n))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillValue(v.Elem(), n)
	case reflect.Struct:
		for i := range v.NumField() {
			fillValue(v.Field(i), n)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillValue(v.Index(0), n)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fillValue(k, n)
		fillValue(e, n)
		v.SetMapIndex(k, e)
	default:
		panic(fmt.Sprintf("fillValue: add %s", v.Kind()))
	}
}

// leaves returns the scalar values reachable from v, as text, by field
// path; a map gives its keys and values.
func leaves(v reflect.Value, path string) map[string]string {
	out := map[string]string{}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return leaves(v.Elem(), path)
		}
		out[path] = ""
	case reflect.Struct:
		for i := range v.NumField() {
			name := v.Type().Field(i).Name
			if path != "" {
				name = path + "." + name
			}
			for k, x := range leaves(v.Field(i), name) {
				out[k] = x
			}
		}
	case reflect.Map:
		if v.Len() == 0 {
			out[path] = ""
		}
		for _, k := range v.MapKeys() {
			out[path+".key"] = fmt.Sprint(k)
			out[path+".value"] = fmt.Sprint(v.MapIndex(k))
		}
	default:
		out[path] = fmt.Sprint(v)
	}
	return out
}

// TestEveryFieldOfTheModelChangesTheShape: a profile.Context that differs
// from a filled one (fillValue) in one field only, any field but those
// notShown names, has another JSON shape. It finds a field the shape
// leaves out whatever its kind: a boolean left out would still find its
// "true" in the shape (current's), a number its digits.
func TestEveryFieldOfTheModelChangesTheShape(t *testing.T) {
	t.Parallel()
	var a profile.Account
	n := 0
	fillValue(reflect.ValueOf(&a).Elem(), &n)
	p := &profile.Profile{Accounts: []profile.Account{a}}
	filled := func() *profile.Context {
		var c profile.Context
		m := n
		fillValue(reflect.ValueOf(&c).Elem(), &m)
		c.Account = a.Key()
		return &c
	}
	shapeOf := func(c *profile.Context) string {
		out, err := json.Marshal(indexAccounts(p).shape(c, profile.ScopeUser, true))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	base := shapeOf(filled())
	for path := range leaves(reflect.ValueOf(*filled()), "") {
		if _, ok := notShown[path]; ok {
			continue
		}
		c := filled()
		alter(reflect.ValueOf(c).Elem(), strings.Split(path, "."))
		if shapeOf(c) == base {
			t.Errorf("profile.Context.%s changed and the JSON shape did not: add it to the shape or to notShown", path)
		}
	}
}

// alter changes the value at path (as leaves names it) under v.
func alter(v reflect.Value, path []string) {
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		alter(v.FieldByName(path[0]), path[1:])
	case reflect.Map:
		k := v.MapKeys()[0]
		e := v.MapIndex(k)
		v.SetMapIndex(k, reflect.Value{})
		switch path[0] {
		case "key":
			k = reflect.ValueOf(k.String() + "!")
		default:
			e = reflect.ValueOf(e.String() + "!")
		}
		v.SetMapIndex(k, e)
	case reflect.Slice:
		alter(v.Index(0), path)
	case reflect.String:
		v.SetString(v.String() + "!")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(v.Int() + 1000)
	case reflect.Uint, reflect.Uint64, reflect.Uint32:
		v.SetUint(v.Uint() + 1000)
	default:
		panic(fmt.Sprintf("alter: add %s", v.Kind()))
	}
}
