package execute

import (
	"strings"
	"testing"

	"github.com/azcontext/azc/childproc"
	"github.com/azcontext/azc/credserver/endpoint"
)

// TestTheParentsNoProxyReachesTheChildWhateverItsSpelling: the child's
// NO_PROXY and no_proxy name the credential server's address after what
// the parent's held, however the parent spelled the name: Windows names
// are one variable in any case (`No_Proxy`), Python reads any spelling, and
// childproc.Env replaces every spelling of a name azc sets. Each spelling
// the child gets holds both; none is left with the loopback alone.
func TestTheParentsNoProxyReachesTheChildWhateverItsSpelling(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		parent []string
		want   []string // what each spelling the child gets holds
	}{
		{nil, []string{endpoint.Loopback}},
		{[]string{"NO_PROXY=corp.example"}, []string{"corp.example", endpoint.Loopback}},
		{[]string{"No_Proxy=corp.example"}, []string{"corp.example", endpoint.Loopback}},
		{[]string{"no_PROXY=corp.example,127.0.0.1"}, []string{"corp.example", endpoint.Loopback}},
	} {
		base := append([]string{"PATH=/bin"}, tc.parent...)
		child := childproc.Env(base, childproc.Vars{Server: []string{"IDENTITY_ENDPOINT=x"}, Extra: noProxy(base)})
		spellings := map[string]bool{}
		for _, kv := range child {
			n, v, _ := strings.Cut(kv, "=")
			if !strings.EqualFold(n, "NO_PROXY") {
				continue
			}
			spellings[n] = true
			for _, w := range tc.want {
				if !strings.Contains(","+v+",", ","+w+",") {
					t.Errorf("parent %q: the child's %s, %q, lacks %q", tc.parent, n, v, w)
				}
			}
			if strings.Count(v, endpoint.Loopback) != 1 {
				t.Errorf("parent %q: the child's %s, %q, names the loopback more than once", tc.parent, n, v)
			}
		}
		if !spellings["NO_PROXY"] && !spellings["no_proxy"] {
			t.Errorf("parent %q: the child's environment %q lacks NO_PROXY or no_proxy", tc.parent, child)
		}
	}
}
