package cmdutil

import (
	"slices"
	"strings"

	"github.com/azcontext/azc/profile"
)

// Suggest returns the candidates the user may have meant by typed, ignoring
// case as context names do (profile.NameKey): those typed is a prefix of;
// else those it is a part of; else those nearest within a small edit
// distance (a typo: two edits, or a third of typed's length when longer,
// and fewer than its length).
// typed itself is none, but a candidate that differs from it in case alone
// is the best (a command or flag, which are found in their case alone).
// Duplicates go; the order is the candidates'.
func Suggest(typed string, candidates []string) []string {
	t := profile.NameKey(typed)
	if t == "" {
		return nil
	}
	n := len([]rune(t))
	limit := min(max(2, n/3), n-1) // a word all typo is another word
	type hit struct {
		name string
		rank int // 0 prefix, 1 substring, 2+d edit distance d
	}
	var hits []hit
	seen := map[string]bool{}
	for _, c := range candidates {
		l := profile.NameKey(c)
		if seen[l] || c == typed {
			continue
		}
		rank := -1
		switch {
		case strings.HasPrefix(l, t):
			rank = 0
		case strings.Contains(l, t):
			rank = 1
		default:
			if d := editDistance(t, l, limit); d <= limit {
				rank = 2 + d
			}
		}
		if rank >= 0 {
			seen[l] = true
			hits = append(hits, hit{c, rank})
		}
	}
	best := slices.MinFunc(append(hits, hit{rank: 1 << 30}), func(a, b hit) int { return a.rank - b.rank }).rank
	var out []string
	for _, h := range hits {
		if h.rank == best {
			out = append(out, h.name)
		}
	}
	return out
}

// editDistance is the Levenshtein distance between a and b in runes, or
// limit+1 when it is larger than limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// DidYouMean is the hint for a mistyped name: "did you mean X?" with the
// suggestions formatted by show (at most three), or "" when there is none.
func DidYouMean(suggestions []string, show func(string) string) string {
	if len(suggestions) == 0 {
		return ""
	}
	shown := make([]string, 0, 3)
	for _, s := range suggestions[:min(len(suggestions), 3)] {
		shown = append(shown, show(s))
	}
	return "did you mean " + strings.Join(shown, " or ") + "?"
}
