package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// genCompletion writes root's completion script for shell (bash, zsh,
// fish, or pwsh/powershell) to w. Each script asks the program for
// candidates (`azc __complete …`), so context names come from the state
// the shell sees, its session included. It reports false for another shell.
func genCompletion(root *cobra.Command, shell string, w io.Writer) (bool, error) {
	switch shell {
	case "bash":
		return true, genBash(root, w)
	case "zsh":
		return true, genZsh(root, w)
	case "fish":
		return true, genFish(root, w)
	case "pwsh", "powershell":
		return true, root.GenPowerShellCompletionWithDesc(w)
	}
	return false, nil
}

// genBash writes cobra's bash script (version 2) made to work without the
// bash-completion package: cobra's script calls that package's
// _get_comp_words_by_ref and _filedir, which a bash without it lacks
// ("command not found" at every TAB). The script's own stand-in for
// _init_completion is redefined to split the words itself when
// _get_comp_words_by_ref is missing, and _filedir is called through a
// function that falls back to compgen. Both look at call time, so the
// package is used whenever it is loaded, before or after this script.
func genBash(root *cobra.Command, w io.Writer) error {
	var buf bytes.Buffer
	if err := root.GenBashCompletionV2(&buf, true); err != nil {
		return err
	}
	name := root.Name()
	script := strings.ReplaceAll(buf.String(), "_filedir", "__"+name+"_filedir")
	script = strings.Replace(script, bashOneEscaped, bashPrefixEscaped, 1)
	script = strings.Replace(script, bashMenuEscaped, bashMenuEscapedSome, 1)
	script = strings.ReplaceAll(script, bashCompgen, bashCompgen+"\n        __"+name+"_ignore_case")
	script = strings.Replace(script, bashTruncated, bashTruncated+fmt.Sprintf(bashQuotedCall, name), 1)
	if _, err := io.WriteString(w, script); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, bashFallback, name)
	return err
}

// bashOneEscaped is where cobra's script escapes the candidates (names
// without descriptions, such as contexts) only when one is left, so that
// a list of several shows them as they are. But at the first TAB bash
// also inserts what several share, unescaped: "Contoso Dev" and "Contoso
// Prod" made the line "azc use Contoso " (two words). bashPrefixEscaped
// escapes them all for that insertion (COMP_TYPE 9, TAB), and leaves them
// as they are for the list the second TAB shows (COMP_TYPE 63, "?"). It
// escapes none when there are none: printf escapes no argument as an empty quoted word,
// which bash put in place of the word typed.
const (
	bashOneEscaped = `        if (( ${#COMPREPLY[@]} == 1 )); then
            COMPREPLY[0]=$(printf "%q" "${COMPREPLY[0]}")
        fi`
	bashPrefixEscaped = `        if (( ${#COMPREPLY[@]} == 1 )); then
            COMPREPLY[0]=$(printf "%q" "${COMPREPLY[0]}")
        elif (( COMP_TYPE == 9 && ${#COMPREPLY[@]} > 1 )); then
            IFS=$'\n' read -ra COMPREPLY -d '' < <(printf "%q\n" "${COMPREPLY[@]}")
        fi`
)

// bashMenuEscaped is where cobra's script escapes the candidates of menu
// completion (COMP_TYPE 37 or 42), and bashMenuEscapedSome the same when
// there are any: printf escapes no argument as an empty quoted word, the one candidate
// bash then put in place of the word typed whenever none was left (none
// matched, or bash took none for it, as `azc use ς` beside σ1).
const (
	bashMenuEscaped = `        IFS=$'\n' read -ra COMPREPLY -d '' < <(printf "%q\n" "${COMPREPLY[@]}")
        ;;`
	bashMenuEscapedSome = `        (( ${#COMPREPLY[@]} == 0 )) || IFS=$'\n' read -ra COMPREPLY -d '' < <(printf "%q\n" "${COMPREPLY[@]}")
        ;;`
)

// bashTruncated is where cobra's script has the words up to the cursor,
// and bashQuotedCall (%[1]s is the program) hands a word opened with a
// quote to __azc_complete_quoted (in bashFallback): cobra's script evals
// the words with that quote unclosed, which fails, and matches candidates
// against the word quote and all, so `azc use 'Contoso P` TAB would complete
// nothing.
const (
	bashTruncated = `    words=("${words[@]:0:$cword+1}")
`
	bashQuotedCall = `    if [[ $cur == [\"\']* ]]; then
        __%[1]s_complete_quoted
        return
    fi
`
)

// bashCompgen is where cobra's script keeps the candidates (names without
// descriptions, escaped) that start with the word typed, in its very case.
// azc finds names ignoring case, as it compares them (`azc use prod` is
// `azc use Prod`); bashFallback's __azc_ignore_case then offers those
// compgen dropped.
const bashCompgen = `        IFS=$'\n' read -ra COMPREPLY -d '' < <(IFS=$'\n'; compgen -W "${completions[*]}" -- "${cur}")`

// bashFallback is appended to cobra's bash script; %[1]s is the program.
// Without bash-completion, words are taken from COMP_WORDS and glued back
// where bash split them at = or : with no blank between (as
// `_get_comp_words_by_ref -n =:` does), so --context=NAME and names with a
// colon complete whole.
const bashFallback = `
# Without the bash-completion package: the words of the command line, and
# file names, from bash alone.
__%[1]s_init_completion()
{
    COMPREPLY=()
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        _get_comp_words_by_ref "$@" cur prev words cword
        return
    fi
    local i w lead rest=$COMP_LINE
    words=()
    cword=0
    for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
        w=${COMP_WORDS[i]}
        lead=${rest%%%%[![:space:]]*}
        rest=${rest#"$lead"}
        rest=${rest#"$w"}
        if ((i > 0)) && [[ -z $lead ]] && [[ $w == [=:]* || ${words[${#words[@]}-1]} == *[=:] ]]; then
            words[${#words[@]}-1]+=$w
        else
            words+=("$w")
        fi
        ((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
    done
    cur=${words[cword]}
    prev=
    ((cword > 0)) && prev=${words[cword-1]}
    return 0
}

# azc finds names ignoring case, by Unicode's case folding, and offers only
# those that match what was typed (σ1 for ς, which bash's nocasematch does
# not fold); compgen kept those that start with it in its very case. When
# it dropped some, all azc offers are offered, unescaped as compgen gives
# them, as long as what they share is no shorter than what was typed:
# readline would cut the word to it. Bash replaces only the part of the
# word after its last : or = (COMP_WORDBREAKS), and the script takes what
# was typed up to there off each candidate, in its very case: a candidate
# has that part as typed (NS:one for NS:O beside ns:one), or the line
# would read NS:ns:one.
__%[1]s_ignore_case()
{
    local w p i word
    local -a folded=("${completions[@]}")
    (( ${#folded[@]} > ${#COMPREPLY[@]} )) || return 0
    p=${folded[0]}
    for w in "${folded[@]}"; do
        while [[ -n $p && ${w#"$p"} == "$w" ]]; do p=${p%%?}; done
    done
    (( ${#p} >= ${#cur} )) || return 0
    COMPREPLY=()
    for w in "${folded[@]}"; do
        eval "COMPREPLY+=($w)"
    done
    word=${cur%%"${cur##*[:=]}"}
    if [[ -n $word ]]; then
        for i in "${!COMPREPLY[@]}"; do
            COMPREPLY[i]=$word${COMPREPLY[i]:${#word}}
        done
    fi
    return 0
}

# The word under the cursor was opened with a quote: azc is asked for it
# unquoted, and bash is given the names as they are, to insert after the
# quote, which readline then closes. Those that match only ignoring case
# are dropped when what the names share is shorter than the word (readline
# would cut the word to it), as __%[1]s_ignore_case does.
__%[1]s_complete_quoted()
{
    local q=${cur:0:1} word=${cur:1} out line p w directive=0 bt=$'\x60'  # a backquote
    local -a args=("${words[@]:1:${#words[@]}-2}") names=()
    [[ $q == '"' ]] && word=${word//\\\\/\\}
    out=$(eval "${words[0]} __complete ${args[*]} $(printf '%%q' "$word")" 2>/dev/null)
    while IFS='' read -r line; do
        case $line in
        :[0-9]*) directive=${line#:} ;;
        _activeHelp_*|'') ;;
        *) names+=("${line%%%%$'\t'*}") ;;
        esac
    done <<<"$out"
    (((directive & 1) == 0)) || return 0
    (((directive & 4) == 0)) || compopt +o default 2>/dev/null
    (( ${#names[@]} > 0 )) || return 0
    p=${names[0]}
    for w in "${names[@]}"; do
        while [[ -n $p && ${w#"$p"} == "$w" ]]; do p=${p%%?}; done
    done
    for w in "${names[@]}"; do
        (( ${#p} >= ${#word} )) || [[ $w == "$word"* ]] || continue
        # quoted for the quote it goes in: a ' or a $( in a name must not
        # end the quote or run (a subscription's name is its owner's to choose)
        if [[ $q == "'" ]]; then
            w=${w//\'/\'\\\'\'}
        else
            w=${w//\\/\\\\}
            w=${w//\"/\\\"}
            w=${w//\$/\\\$}
            w=${w//"$bt"/\\$bt}
        fi
        COMPREPLY+=("$w")
    done
    return 0
}

__%[1]s_filedir()
{
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir "$@"
        return
    fi
    local IFS=$'\n'
    if [[ ${1-} == -d ]]; then
        COMPREPLY=($(compgen -d -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
    compopt -o filenames 2>/dev/null
    return 0
}
`

// genZsh writes cobra's zsh script with the candidates matched ignoring
// case, as azc compares names (`azc use prod` is `azc use Prod`): zsh's
// _describe, which the script calls, matches them in their very case.
func genZsh(root *cobra.Command, w io.Writer) error {
	var buf bytes.Buffer
	if err := root.GenZshCompletion(&buf); err != nil {
		return err
	}
	name := root.Name()
	script := strings.Replace(buf.String(), "if "+zshDescribe, fmt.Sprintf(zshFoldCall, name)+zshDescribe+zshFolded, 1)
	script = strings.Replace(script, zshWords, zshWordsQuoted, 1)
	script = strings.Replace(script, zshRequest, zshRequestQuoted, 1)
	script = strings.Replace(script, zshColon, zshBackslash+zshColon, 1)
	// before the lines that run _azc when the file is autoloaded as it
	script = strings.Replace(script, zshRun, fmt.Sprintf(zshFoldAll, name)+zshRun, 1)
	_, err := io.WriteString(w, script)
	return err
}

// zshFoldCall and zshFolded (%[1]s is the program) have _describe match
// the candidates ignoring ASCII case, or, when __%[1]s_fold_all says so,
// take them all unmatched (compadd -U): azc offers the names that start
// with the word typed under Unicode's simple folding (profile.HasNamePrefix:
// ſtage for st, σ1 for ς1, the Kelvin sign for k), and zsh's matcher, which
// maps a letter only to its own upper or lower case, dropped those.
const (
	zshFoldCall = `local foldAll=
        __%[1]s_fold_all && foldAll=-U
        if `
	zshFolded = ` $foldAll -M "'m:{[:lower:][:upper:]}={[:upper:][:lower:]}'"`
)

// zshRun is where cobra's zsh script runs the completion function when
// zsh autoloads the file as it: what the function calls is defined before.
const zshRun = "# don't run the completion function when being source-ed or eval-ed\n"

// zshFoldAll goes into cobra's zsh script; %[1]s is the program. It
// says whether to take azc's candidates as they are, as bash's
// __azc_ignore_case does: when what they share is no shorter than the
// word typed, which zsh would otherwise cut to it.
const zshFoldAll = `# azc offers the names that start with the word typed ignoring case by
# Unicode's simple folding (σ1 for ς1, ſtage for st); zsh is to take them
# as they are, unmatched, when what they share is no shorter than the word
# (zsh would cut the word to it). The names are the lines of $out before
# their descriptions; the word is the last of $words, unquoted, without a
# --flag= before it.
__%[1]s_fold_all()
{
    local word=${(Q)words[-1]} line p
    local -a names=()
    [[ -n $flagPrefix ]] && word=${word#*=}
    for line in "${(@f)out}"; do
        [[ -z $line || $line == _activeHelp_\ * ]] && continue
        names+=("${line%%%%$'\t'*}")
    done
    (( ${#names} > 0 )) || return 1
    p=${names[1]}
    for line in "${names[@]}"; do
        while [[ -n $p && ${line#"$p"} == "$line" ]]; do p=${p[1,-2]}; done
    done
    (( ${#p} >= ${#word} ))
}

`

// zshDescribe is cobra's call of _describe, which compadd options may end.
const zshDescribe = `eval _describe $keepOrder "completions" completions $flagPrefix $noSpace`

// zshColon is where cobra's zsh script escapes a candidate's colons for
// _describe, which also takes a backslash away: zshBackslash escapes
// those first (a name ending `\z` would go in ending `z`).
const (
	zshColon     = `            comp=${comp//:/\\:}`
	zshBackslash = `            comp=${comp//\\/\\\\}
`
)

// zshWords and zshRequest are where cobra's zsh script splits the words
// up to the cursor and builds the command it evals for candidates. A word
// opened with a quote (`azc use 'Contoso P`) would be split at its blanks
// and evaluated unclosed, which fails: no candidate. zshWordsQuoted takes
// that word unquoted from $PREFIX (compsys strips the quote from it), and
// zshRequestQuoted passes it quoted again; compadd then inserts a name
// within the quote as its quoting needs. A word under the cursor that is
// not quoted is kept whole too: split at an escaped blank, `Dev\ ` (as a
// first TAB leaves it between Dev and Dev Test) would be `Dev\` and an
// empty word, for which azc offers the candidates of the next argument.
const (
	zshWords       = `    words=("${=words[1,CURRENT]}")`
	zshWordsQuoted = `    if [[ -n ${compstate[quote]} ]]; then
        words=("${=words[1,CURRENT-1]}" "$PREFIX")
    else
        words=("${=words[1,CURRENT-1]}" "${words[CURRENT]}")
    fi`
	zshRequest       = `    requestComp="${words[1]} __complete ${words[2,-1]}"`
	zshRequestQuoted = `    requestComp="${words[1]} __complete ${words[2,-1]}"
    if [[ -n ${compstate[quote]} ]]; then
        requestComp="${words[1]} __complete ${words[2,-2]} ${(q)words[-1]}"
        lastChar=x # the word is passed, even when empty
    fi`
)

// genFish writes cobra's fish script with the word under the cursor
// unquoted before it is passed on: cobra's script passes it as typed, so
// `azc use 'Contoso P` or `azc use Contoso\ P` (how fish writes a name with
// a space) would ask for names starting with a quote or a backslash.
func genFish(root *cobra.Command, w io.Writer) error {
	var buf bytes.Buffer
	if err := root.GenFishCompletion(&buf, true); err != nil {
		return err
	}
	name := root.Name()
	script := strings.Replace(buf.String(),
		"(string escape -- (commandline -ct))",
		"(string escape -- (commandline -ct | string unescape))", 1)
	script = strings.Replace(script, fishPrint, fmt.Sprintf(fishPrintAsTyped, name), 1)
	if _, err := io.WriteString(w, script); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, fishAsTyped, name)
	return err
}

// fishPrint is where cobra's fish script hands fish the candidates, and
// fishPrintAsTyped (%[1]s is the program) hands them through
// __%[1]s_as_typed (fishAsTyped).
const (
	fishPrint = `    for comp in $comps
        printf "%s%s\n" "$flagPrefix" "$comp"
    end`
	fishPrintAsTyped = `    set -l typed (commandline -ct | string unescape)
    for comp in $comps
        __%[1]s_as_typed "$typed" "$flagPrefix$comp"
    end`
)

// fishAsTyped is appended to cobra's fish script; %[1]s is the program.
// azc offers the names that start with the word typed under Unicode's
// simple folding (profile.HasNamePrefix: ſtage for st, σ1 for ς1); fish
// matches candidates ignoring case by towlower alone, and dropped those.
// Such a candidate is given with its start spelled as typed (stage,
// ς1), which azc takes for the same name.
const fishAsTyped = `
# azc offers the names that start with the word typed ignoring case by
# Unicode's simple folding (ſtage for st, σ1 for ς1); fish, which matches
# ignoring case by towlower alone, would drop those: each is given with
# its start spelled as typed, which azc takes for the same name.
function __%[1]s_as_typed
    set -l n (string length -- $argv[1])
    if test "$n" -gt 0
        set -l head (string lower -- (string sub -l $n -- $argv[2]))
        set -l word (string lower -- $argv[1])
        if test "$head" != "$word"
            printf '%%s%%s\n' $argv[1] (string sub -s (math $n + 1) -- $argv[2])
            return
        end
    end
    printf '%%s\n' $argv[2]
end
`
