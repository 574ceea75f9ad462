package light

import (
	"strings"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/contextrun"
)

// Fast runs `context show`, `context list` and `use` (also as `context
// use`, with their aliases), and the shell prompt's `prompt`, without
// cobra when args hold nothing but their names, at most one NAME, and the
// flags -c/--context, -o/--output, --query, --debug and, for use, --scope
// (prompt: -c and --debug), each as `--flag VALUE`, `--flag=VALUE` or
// `-c VALUE`. Anything else (help, completion, `--`,
// other flags or spellings, a bad -o or --query, `use` without NAME, which
// opens the picker) is left to cobra, which then also prints the errors.
// It is a cli.FastFunc.
func Fast(f *cmdutil.Factory, args []string) (path string, run func() error, ok bool) {
	var (
		words      []string
		ctxFlag    string
		out        = cmdutil.Output{Format: cmdutil.FormatTable}
		debug      bool
		scope      string
		scopeGiven bool
	)
	target := func(name string) *string {
		switch name {
		case "context":
			return &ctxFlag
		case "output":
			return &out.Format
		case "query":
			return &out.Query
		case "scope":
			scopeGiven = true
			return &scope
		}
		return nil
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-" || !strings.HasPrefix(a, "-") {
			words = append(words, a)
			continue
		}
		if a == "--debug" {
			debug = true
			continue
		}
		var (
			name, value string
			inline      bool
		)
		switch {
		case a == "-c":
			name = "context"
		case a == "-o":
			name = "output"
		case strings.HasPrefix(a, "--") && len(a) > 2:
			name, value, inline = strings.Cut(a[2:], "=")
		default:
			return "", nil, false
		}
		p := target(name)
		if p == nil {
			return "", nil, false
		}
		if !inline {
			if i+1 == len(args) || strings.HasPrefix(args[i+1], "-") {
				return "", nil, false
			}
			i++
			value = args[i]
		}
		*p = value
	}
	if out.Validate() != nil {
		return "", nil, false
	}
	ref := ctxFlag
	if ref == "" {
		ref = f.Getenv("AZC_CONTEXT")
	}
	switch {
	case len(words) >= 2 && (words[0] == "context" || words[0] == "ctx") && !scopeGiven:
		switch words[1] {
		case "show":
			if len(words) > 3 {
				return "", nil, false
			}
			if len(words) == 3 {
				ref = words[2]
			}
			path = "azc context show"
			run = func() error { return contextrun.ShowRun(f, out, &contextrun.ShowOptions{Ref: ref}) }
		case "list", "ls":
			if len(words) > 2 {
				return "", nil, false
			}
			path = "azc context list"
			run = func() error { return contextrun.ListRun(f, out) }
		}
	}
	if len(words) == 1 && words[0] == "prompt" && !scopeGiven && out == (cmdutil.Output{Format: cmdutil.FormatTable}) {
		path = "azc prompt"
		run = func() error { contextrun.PromptRun(f, ref); return nil }
	}
	if run == nil {
		// use NAME, context use NAME
		switch {
		case len(words) == 2 && words[0] == "use":
			path = "azc use"
		case len(words) == 3 && (words[0] == "context" || words[0] == "ctx") && (words[1] == "use" || words[1] == "select"):
			path = "azc context use"
		default:
			return "", nil, false
		}
		opts := &contextrun.UseOptions{Ref: words[len(words)-1], Scope: scope}
		if opts.Ref == "" {
			return "", nil, false // the picker
		}
		run = func() error { return contextrun.UseRun(f, out, opts) }
	}
	cmdutil.AttachSession(f)
	if debug {
		cmdutil.StartDebug(f, path)
	}
	return path, run, true
}
