package cmdutil

import (
	"fmt"
	"slices"
	"testing"
)

func TestSuggest(t *testing.T) {
	t.Parallel()
	contexts := []string{"Contoso Prod", "Contoso Dev", "Dev Test", "Fabrikam", "生产 🚀"}
	commands := []string{"clear", "export", "import", "list", "remove", "rename", "set", "show", "use"}
	for _, tc := range []struct {
		name       string
		typed      string
		candidates []string
		want       []string
	}{
		{"a prefix names every context it starts", "contoso", contexts, []string{"Contoso Prod", "Contoso Dev"}},
		{"a part of the name matches when no name starts with it", "prod", contexts, []string{"Contoso Prod"}},
		{"case is ignored", "FABRIK", contexts, []string{"Fabrikam"}},
		{"a typo within two edits matches", "Dev Tset", contexts, []string{"Dev Test"}},
		{"only the nearest typos are offered", "lst", commands, []string{"list"}},
		{"wide characters match by part", "🚀", contexts, []string{"生产 🚀"}},
		{"nothing near gives nothing", "zzzzzz", contexts, nil},
		// a typo keeps a letter of the word: two letters changed of two
		// are another word
		{"a short word is not all typo", "ls", []string{"use", "man", "list"}, nil},
		{"a short word's one-letter typo matches", "us", []string{"use", "man"}, []string{"use"}},
		{"a three-letter word's swap matches", "sue", commands, []string{"set", "use"}},
		{"the name itself is no suggestion", "Fabrikam", contexts, nil},
		// commands and flags are found in their case alone
		{"a command in another case is that command", "Context", []string{"completion", "context"}, []string{"context"}},
		{"a flag in another case is that flag", "Refresh", []string{"query", "refresh"}, []string{"refresh"}},
		// case as names compare it (profile.SameName), not as ToLower does
		{"a long s is an s", "ſta", []string{"Stage", "Prod"}, []string{"Stage"}},
		{"a final sigma is a sigma", "ας", []string{"ΑΣ-dev", "Prod"}, []string{"ΑΣ-dev"}},
		{"the Kelvin sign is a k", "\u212aube", []string{"kube-prod", "Prod"}, []string{"kube-prod"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Suggest(tc.typed, tc.candidates); !slices.Equal(got, tc.want) {
				t.Errorf("Suggest(%q) = %q, want %q", tc.typed, got, tc.want)
			}
		})
	}
}

func TestDidYouMeanOffersAtMostThree(t *testing.T) {
	t.Parallel()
	var names []string
	for i := range 10000 {
		names = append(names, fmt.Sprintf("sub-%05d", i))
	}
	got := DidYouMean(Suggest("sub-", names), func(s string) string { return fmt.Sprintf("%q", s) })
	if want := `did you mean "sub-00000" or "sub-00001" or "sub-00002"?`; got != want {
		t.Errorf("DidYouMean = %q, want %q", got, want)
	}
}
