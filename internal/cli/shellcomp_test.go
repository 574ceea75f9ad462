package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// TestCompletionScriptsArePatched: each change genCompletion makes to
// cobra's scripts found its place (a newer cobra that words them otherwise
// would drop it without a word): bash's escaped prefix and menu
// completion, its matching ignoring case in both places compgen filters,
// zsh's matcher and its taking of names azc folds, fish's spelling of them.
func TestCompletionScriptsArePatched(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
	root := NewCmdRoot(f, func() {})
	for _, tc := range []struct {
		shell string
		want  string
		n     int
	}{
		{"bash", bashPrefixEscaped, 1},
		{"bash", bashMenuEscapedSome, 1},
		{"bash", bashTruncated + fmt.Sprintf(bashQuotedCall, "azc"), 1},
		{"zsh", zshWordsQuoted, 1},
		{"zsh", zshRequestQuoted, 1},
		{"zsh", zshBackslash + zshColon, 1},
		{"bash", bashCompgen + "\n        __azc_ignore_case\n", 2},
		{"zsh", fmt.Sprintf(zshFoldCall, "azc") + zshDescribe + zshFolded, 1},
		{"zsh", fmt.Sprintf(zshFoldAll, "azc") + zshRun, 1},
		{"fish", fmt.Sprintf(fishPrintAsTyped, "azc"), 1},
	} {
		var buf bytes.Buffer
		if ok, err := genCompletion(root, tc.shell, &buf); !ok || err != nil {
			t.Fatalf("genCompletion(%s): %v, %v", tc.shell, ok, err)
		}
		if n := strings.Count(buf.String(), tc.want); n != tc.n {
			t.Errorf("%s script holds %d of %q, want %d", tc.shell, n, tc.want, tc.n)
		}
	}
}

// TestBashMatchesIgnoringCase runs the bash script's matching (compgen,
// then __azc_ignore_case) on candidates as azc gives them: those that match
// only ignoring case are offered when what they share is no shorter than
// the word typed, never cutting it, and it always ends.
func TestBashMatchesIgnoringCase(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
	var script bytes.Buffer
	if _, err := genCompletion(NewCmdRoot(f, func() {}), "bash", &script); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "azc.bash")
	if err := os.WriteFile(path, script.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	const run = `source "$1"; shift; cur=$1; shift; completions=("$@")
IFS=$'\n' read -ra completions -d '' < <(printf "%q\n" "${completions[@]}")
IFS=$'\n' read -ra COMPREPLY -d '' < <(IFS=$'\n'; compgen -W "${completions[*]}" -- "${cur}")
__azc_ignore_case
printf '<%s>' "${COMPREPLY[@]}"
if shopt -q nocasematch; then echo ' nocasematch left on'; fi`
	for _, tc := range []struct {
		cur        string
		candidates []string
		want       string
	}{
		{"pro", []string{"Prod"}, "<Prod>"},
		{"con", []string{"Contoso Prod", "Contoso Dev"}, "<Contoso Prod><Contoso Dev>"},
		{"pro", []string{"Prod", "PROD-2"}, "<>"},       // they share "P": no cut to it
		{"pro", []string{"prod-x", "Prod"}, "<prod-x>"}, // they share nothing
		{"Pro", []string{"Prod", "Production"}, "<Prod><Production>"},
		{"x", []string{"a", "b"}, "<>"},
		// azc folds as bash's nocasematch does not: what azc offers for
		// the word matches it (profile.HasNamePrefix)
		{"ς", []string{"σ1"}, "<σ1>"},
		{"kilo", []string{"\u212ailo-1", "\u212ailo-2"}, "<\u212ailo-1><\u212ailo-2>"},
		{"s", []string{"ſtage", "straße"}, "<straße>"}, // they share nothing
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := exec.CommandContext(ctx, bash, append([]string{"--norc", "--noprofile", "-c", run, "bash", path, tc.cur}, tc.candidates...)...).CombinedOutput()
		cancel()
		if err != nil || string(out) != tc.want {
			t.Errorf("%q typed, azc offers %q: bash offers %q (%v), want %q", tc.cur, tc.candidates, out, err, tc.want)
		}
	}
}

// TestZshTakesTheNamesAzcOffers runs the zsh script's __azc_fold_all on
// candidates as azc gives them (`azc __complete` output, a name and its
// description a line): zsh takes them unmatched (compadd -U) when what
// they share is no shorter than the word typed, so that the names azc
// finds under Unicode's folding (σ1 for ς1, ſtage for st, a Kelvin sign for
// k in kilo), which zsh's matcher drops, are offered as bash offers them.
func TestZshTakesTheNamesAzcOffers(t *testing.T) {
	t.Parallel()
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("no zsh")
	}
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
	var script bytes.Buffer
	if _, err := genCompletion(NewCmdRoot(f, func() {}), "zsh", &script); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "_azc")
	if err := os.WriteFile(path, script.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	const run = `compdef() { :; }; source "$1"; words=(azc use "$2"); flagPrefix=$3; shift 3
out=${(F)@}
if __azc_fold_all; then print all; else print matched; fi`
	for _, tc := range []struct {
		word, flagPrefix string
		candidates       []string
		want             string
	}{
		{"ς1", "", []string{"σ1-x", "σ1-y"}, "all"},
		{"st", "", []string{"ſtage-prod"}, "all"},
		{"kilo", "", []string{"\u212ailo-1", "\u212ailo-2"}, "all"},
		{"pro", "", []string{"Prod", "PROD-2"}, "matched"}, // they share "P": zsh would cut the word to it
		{"ς", "", []string{"σ1", "Σ2"}, "matched"},
		{"--context=st", "-P --context=", []string{"--context=ſtage"}, "all"},
		{"Contoso\\ P", "", []string{"Contoso Prod"}, "all"}, // the word unquoted
		{"Contoso\\ Prodx", "", []string{"Contoso Prod"}, "matched"},
		{"ns:o", "", []string{"NS:one\tdescription"}, "all"},
		{"x", "", nil, "matched"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := exec.CommandContext(ctx, zsh, append([]string{"-f", "-c", run, "zsh", path, tc.word, tc.flagPrefix}, tc.candidates...)...).CombinedOutput()
		cancel()
		if err != nil || strings.TrimSpace(string(out)) != tc.want {
			t.Errorf("%q typed, azc offers %q: zsh takes %q (%v), want %q", tc.word, tc.candidates, out, err, tc.want)
		}
	}
}

// TestFishOffersTheNamesAzcOffers runs the fish script's __azc_as_typed on
// candidates as azc gives them: one that fish's matching (ignoring case by
// towlower) would drop is given with its start spelled as typed, which azc
// takes for the same name; the others are given as they are.
func TestFishOffersTheNamesAzcOffers(t *testing.T) {
	t.Parallel()
	fish, err := exec.LookPath("fish")
	if err != nil {
		t.Skip("no fish")
	}
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
	var script bytes.Buffer
	if _, err := genCompletion(NewCmdRoot(f, func() {}), "fish", &script); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "azc.fish")
	if err := os.WriteFile(path, script.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ word, candidate, want string }{
		{"st", "ſtage-prod", "stage-prod"},
		{"ς1", "σ1-x", "ς1-x"},
		{"--context=st", "--context=ſtage", "--context=stage"},
		{"ς1", "σ1-x\tdescription", "ς1-x\tdescription"},
		{"pro", "Prod", "Prod"},
		{"", "ſtage", "ſtage"},
		{"ſtage", "ſtage", "ſtage"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := exec.CommandContext(ctx, fish, "--no-config", "-c", `source $argv[1]; __azc_as_typed $argv[2] $argv[3]`, path, tc.word, tc.candidate).CombinedOutput()
		cancel()
		if err != nil || string(out) != tc.want+"\n" {
			t.Errorf("%q typed, azc offers %q: fish is given %q (%v), want %q", tc.word, tc.candidate, out, err, tc.want)
		}
	}
}

// TestBashLeavesTheWordWhenNothingMatches: when bash takes none of the
// candidates it is given for the word typed (none starts with it, or
// those that match ignoring case share less than the word: `azc use pro`
// beside Prod and PROD-2), bash is offered nothing, at the first TAB (type
// 9), at the list (63) and in menu completion (37): an empty reply escaped
// was one candidate, an empty quoted word, which replaced the word typed.
func TestBashLeavesTheWordWhenNothingMatches(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
	var script bytes.Buffer
	if _, err := genCompletion(NewCmdRoot(f, func() {}), "bash", &script); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "azc.bash")
	if err := os.WriteFile(path, script.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	const run = `source "$1"; shift; COMP_TYPE=$1; cur=$2; shift 2; completions=("$@")
__azc_handle_completion_types
printf '%d:' "${#COMPREPLY[@]}"
printf '<%s>' "${COMPREPLY[@]}"`
	for _, tc := range []struct {
		cur        string
		candidates []string
		want       string
	}{
		{"q", []string{"table", "json", "yaml", "tsv", "none"}, "0:<>"},
		{"pro", []string{"Prod", "PROD-2"}, "0:<>"},
		{"j", []string{"table", "json"}, "1:<json>"},
		{"con", []string{"Contoso Prod", "Contoso Dev"}, ""}, // per type below
	} {
		for _, typ := range []string{"9", "63", "37"} {
			want := tc.want
			if want == "" {
				want = `2:<Contoso\ Prod><Contoso\ Dev>`
				if typ == "63" {
					want = "2:<Contoso Prod><Contoso Dev>"
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			out, err := exec.CommandContext(ctx, bash, append([]string{"--norc", "--noprofile", "-c", run, "bash", path, typ, tc.cur}, tc.candidates...)...).CombinedOutput()
			cancel()
			if err != nil || string(out) != want {
				t.Errorf("type %s, %q typed, azc offers %q: bash offers %q (%v), want %q", typ, tc.cur, tc.candidates, out, err, want)
			}
		}
	}
}

// TestBashCompletesPastABreakIgnoringCase: bash replaces only the part of
// the word after its last ':' or '=' (COMP_WORDBREAKS), so the script
// takes what was typed up to there off each candidate. A candidate azc
// offers for a word typed in another case (`azc use NS:O` beside ns:one)
// keeps that part in its own case: it was not taken off, and the line
// became `azc use NS:ns:one`. It is offered with the part typed instead.
func TestBashCompletesPastABreakIgnoringCase(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
	var script bytes.Buffer
	if _, err := genCompletion(NewCmdRoot(f, func() {}), "bash", &script); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "azc.bash")
	if err := os.WriteFile(path, script.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	const run = `source "$1"; shift; COMP_TYPE=$1; cur=$2; shift 2; completions=("$@")
__azc_handle_completion_types
__azc_handle_special_char "$cur" :
__azc_handle_special_char "$cur" =
printf '%d:' "${#COMPREPLY[@]}"
printf '<%s>' "${COMPREPLY[@]}"`
	for _, tc := range []struct {
		typ, cur   string
		candidates []string
		want       string
	}{
		{"9", "NS:O", []string{"ns:one"}, "1:<one>"},
		{"63", "NS:", []string{"ns:one", "ns:two"}, "2:<one><two>"},
		{"9", "K=", []string{"k=v", "k=w"}, "2:<v><w>"},
		{"9", "ns:o", []string{"ns:one"}, "1:<one>"},
		{"9", "Pro", []string{"Prod", "Production"}, "2:<Prod><Production>"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := exec.CommandContext(ctx, bash, append([]string{"--norc", "--noprofile", "-c", run, "bash", path, tc.typ, tc.cur}, tc.candidates...)...).CombinedOutput()
		cancel()
		if err != nil || string(out) != tc.want {
			t.Errorf("type %s, %q typed, azc offers %q: bash offers %q (%v), want %q", tc.typ, tc.cur, tc.candidates, out, err, tc.want)
		}
	}
}
