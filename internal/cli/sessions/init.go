package sessions

import (
	"bytes"
	"io"
	"strings"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/shquote"
	"github.com/azcontext/azc/profile"
)

// InitOptions are the inputs of `azc init`.
type InitOptions struct {
	// Shell is bash, zsh, fish or pwsh (powershell).
	Shell string
	// NoPrompt leaves the prompt alone.
	NoPrompt bool
	// Completion writes the completion script for Shell to w (the wiring's,
	// from the command tree).
	Completion func(shell string, w io.Writer) error
}

// InitRun prints the shell code that ties azc to one shell: `azc init`
// once its arguments are parsed.
func InitRun(f *cmdutil.Factory, opts *InitOptions) error {
	exe := cmdutil.AzcPath(f)
	var buf bytes.Buffer
	var tmpl, exeQ string
	switch opts.Shell {
	case "bash":
		tmpl, exeQ = bashInit, shquote.Quote(exe)
	case "zsh":
		tmpl, exeQ = zshInit, shquote.Quote(exe)
	case "fish":
		tmpl, exeQ = fishInit, fishQuote(exe)
	case "pwsh", "powershell":
		tmpl, exeQ = pwshInit, pwshQuote(exe)
	default:
		return cmdutil.UsageErrorf("unsupported shell %s: want bash, zsh, fish or pwsh", profile.QuoteShort(opts.Shell))
	}
	buf.WriteString(expand(tmpl, exeQ, opts.NoPrompt))
	if err := opts.Completion(opts.Shell, &buf); err != nil {
		return err
	}
	_, err := f.IOStreams.Out.Write(buf.Bytes())
	return err
}

// expand fills a template: @AZC@ becomes exe, the quoted path of the azc
// binary (cmdutil.AzcPath: not azc-full, so the prompt stays fast, and
// found without searching PATH), and the lines between
// @PROMPT@ and @END@ are dropped with --no-prompt.
func expand(tmpl, exe string, noPrompt bool) string {
	var out []string
	skip := false
	for _, line := range strings.Split(tmpl, "\n") {
		switch strings.TrimSpace(line) {
		case "@PROMPT@":
			skip = noPrompt
			continue
		case "@END@":
			skip = false
			continue
		}
		if !skip {
			out = append(out, line)
		}
	}
	return strings.ReplaceAll(strings.Join(out, "\n"), "@AZC@", exe)
}

// fishQuote single-quotes s for fish, where \ and ' are escaped inside.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

// pwshQuote single-quotes s for PowerShell, where ' is doubled.
func pwshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

const bashInit = `# azc shell integration for bash: eval "$(azc init bash)"
# a start that fails leaves no session: not the inherited one, which it
# did not keep (another shell's, or broken)
__azc_session=$(@AZC@ session start --pid $$) && export AZC_SESSION="$__azc_session" || unset AZC_SESSION
unset __azc_session
# returns the status it was called with: the $? that PS1 shows after it
__azc_ps1() {
  local s=$? c
  c=$(@AZC@ prompt 2>/dev/null) && [ -n "$c" ] && printf '(%s) ' "$c"
  return $s
}
@PROMPT@
case "${PS1-}" in
*__azc_ps1*) ;;
*) PS1='$(__azc_ps1)'"${PS1-}" ;;
esac
@END@
`

const zshInit = `# azc shell integration for zsh: eval "$(azc init zsh)"
(( ${+functions[compdef]} )) || { autoload -Uz compinit && compinit -i; }
__azc_session=$(@AZC@ session start --pid $$) && export AZC_SESSION="$__azc_session" || unset AZC_SESSION
unset __azc_session
__azc_ps1() {
  local c
  # PROMPT_SUBST expands % in what this prints: a name's % stays a %
  c=$(@AZC@ prompt 2>/dev/null) && [[ -n $c ]] && print -rn -- "(${c//\%/%%}) "
}
@PROMPT@
setopt PROMPT_SUBST
[[ $PROMPT == *__azc_ps1* ]] || PROMPT='$(__azc_ps1)'"$PROMPT"
@END@
`

const fishInit = `# azc shell integration for fish: azc init fish | source
set -l __azc_session (@AZC@ session start --pid $fish_pid)
and set -gx AZC_SESSION $__azc_session
or set -e AZC_SESSION
function __azc_ps1
    set -l c (@AZC@ prompt 2>/dev/null)
    and test -n "$c"
    and printf '(%s) ' $c
end
@PROMPT@
if not functions -q __azc_orig_fish_prompt
    functions -q fish_prompt; and functions -c fish_prompt __azc_orig_fish_prompt
    or function __azc_orig_fish_prompt; end
    # the prompt it wraps runs first, to see the last command's $status
    # and $pipestatus, and its output follows azc's
    function fish_prompt
        set -l p (__azc_orig_fish_prompt | string collect -N)
        __azc_ps1
        printf '%s' $p
    end
end
@END@
`

const pwshInit = `# azc shell integration for PowerShell: azc init pwsh | Out-String | Invoke-Expression
$__azcSession = & @AZC@ session start --pid $PID
if ($LASTEXITCODE -eq 0 -and $__azcSession) { $env:AZC_SESSION = $__azcSession } else { Remove-Item Env:AZC_SESSION -ErrorAction SilentlyContinue }
Remove-Variable __azcSession -ErrorAction SilentlyContinue
function global:__azc_ps1 {
    $c = & @AZC@ prompt 2>$null
    if ($c) { "($c) " } else { "" }
}
@PROMPT@
if (-not (Test-Path Function:\__azc_orig_prompt)) {
    Set-Item -Path Function:\global:__azc_orig_prompt -Value $function:prompt
    function global:prompt { (__azc_ps1) + (__azc_orig_prompt) }
}
@END@
`
