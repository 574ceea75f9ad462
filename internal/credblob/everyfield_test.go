package credblob

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/azcontext/azc/secret"
)

// fillCredentials sets every exported field of c (by reflection, so a new
// field is covered without a change here) to a value of its own: a secret
// and a string distinct, a time a whole second, the MSAL cache a JSON
// object. A field of another type panics, to be added here.
func fillCredentials(c *Credentials) {
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		n := i + 1
		switch f.Interface().(type) {
		case secret.String:
			f.Set(reflect.ValueOf(secret.New(fmt.Sprintf("secret %d", n))))
		case string:
			f.SetString(fmt.Sprintf("value %d", n))
		case time.Time:
			f.Set(reflect.ValueOf(time.Unix(1700000000+int64(n), 0)))
		case []byte:
			f.SetBytes(fmt.Appendf(nil, `{"AccessToken":{"k%d":{}}}`, n))
		default:
			panic(fmt.Sprintf("fillCredentials: add %s (%s) to its types", sf.Name, sf.Type))
		}
	}
}

// TestEveryFieldOfABlobSurvivesAWriteAndARead: Credentials and the blob's
// wire form are declared apart, and Marshal and Unmarshal copy one into
// the other field by field; a Credentials with every field set (by
// reflection) comes back whole, so that a field added to one and not to
// the copies fails here, not by vanishing from the blob at the next write.
func TestEveryFieldOfABlobSurvivesAWriteAndARead(t *testing.T) {
	t.Parallel()
	in := new(Credentials)
	fillCredentials(in)
	data, err := in.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	out, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	opts := cmp.Options{
		cmp.Comparer(func(a, b secret.String) bool { return a.Reveal() == b.Reveal() }),
		cmpopts.IgnoreUnexported(Credentials{}),
	}
	if d := cmp.Diff(in, out, opts); d != "" {
		t.Fatalf("a field was lost on a write and a read of the blob (-in +out):\n%s", d)
	}
}
