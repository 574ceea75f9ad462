package front

import (
	"context"
	"os"
	"strings"

	"github.com/azcontext/azc/childproc"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/contexts"
	"github.com/azcontext/azc/internal/cli/execute"
	"github.com/azcontext/azc/internal/cli/tokens"
)

// Fast recognises `context show`, `context list`, `use NAME` (also as
// `context use NAME`, with their aliases), the shell prompt's `prompt`,
// `token` and `version` (azc's own), when args hold nothing but their names, at most one NAME, and
// the flags -c/--context, -o/--output, --query, --debug, and --scope for
// use, --resource, --scope and --tenant for token, each as `--flag VALUE`,
// `--flag=VALUE` or `-c VALUE` (prompt: -c and --debug). It returns the
// command's path ("azc use") and its run function. Anything else (help,
// completion, `--`, other commands, flags or spellings, a bad -o or
// --query, `use` without NAME, which opens the picker) gives ok false: azc
// hands it to azc-full, which also prints the errors. A test runs every
// form it takes both ways and compares the results.
func Fast(f *cmdutil.Factory, args []string) (path string, run func() error, ok bool) {
	if len(args) > 0 && args[0] == "exec" {
		return fastExec(f, args[1:])
	}
	var (
		words []string
		fl    = map[string]string{}
		debug bool
	)
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
		switch name {
		case "context", "output", "query", "scope", "resource", "tenant":
		default:
			return "", nil, false
		}
		if !inline {
			if i+1 == len(args) || strings.HasPrefix(args[i+1], "-") {
				return "", nil, false
			}
			i++
			value = args[i]
		}
		fl[name] = value // the last one wins, as in cobra
	}
	out := cmdutil.Output{Format: cmdutil.FormatTable, Query: fl["query"]}
	if o, set := fl["output"]; set {
		out.Format = o
	}
	if out.Validate() != nil {
		return "", nil, false
	}
	// only reports whether no flag but the global ones and allowed is set
	only := func(allowed ...string) bool {
		for name := range fl {
			switch name {
			case "context", "output", "query":
				continue
			}
			if !contains(allowed, name) {
				return false
			}
		}
		return true
	}
	ref := cmdutil.ContextRef(f, fl["context"])
	isContext := len(words) >= 2 && (words[0] == "context" || words[0] == "ctx")
	switch {
	case isContext && words[1] == "show" && len(words) <= 3 && only():
		if len(words) == 3 {
			ref = words[2]
		}
		path = "azc context show"
		run = func() error { return contexts.ShowRun(f, out, &contexts.ShowOptions{Ref: ref}) }
	case isContext && (words[1] == "list" || words[1] == "ls") && len(words) == 2 && only():
		path = "azc context list"
		run = func() error { return contexts.ListRun(context.Background(), f, out, &contexts.ListOptions{}) }
	case len(words) == 1 && words[0] == "prompt" && only() && out == (cmdutil.Output{Format: cmdutil.FormatTable}):
		path = "azc prompt"
		run = func() error { contexts.PromptRun(f, &contexts.PromptOptions{Ref: ref}); return nil }
	case len(words) == 1 && words[0] == "version" && only():
		path = "azc version"
		run = func() error { return cmdutil.PrintVersion(f, out) }
	case len(words) == 1 && words[0] == "token" && only("resource", "scope", "tenant"):
		o := &tokens.Options{Ref: ref, Resource: fl["resource"], Scope: fl["scope"], Tenant: fl["tenant"]}
		path = "azc token"
		run = func() error { return tokens.Run(context.Background(), f, out, o) }
	case (len(words) == 2 && words[0] == "use" ||
		isContext && len(words) == 3 && (words[1] == "use" || words[1] == "select")) && only("scope"):
		if words[0] == "use" {
			path = "azc use"
		} else {
			path = "azc context use"
		}
		opts := &contexts.UseOptions{Ref: words[len(words)-1], Scope: fl["scope"]}
		if opts.Ref == "" {
			return "", nil, false // the picker
		}
		run = func() error { return contexts.UseRun(context.Background(), f, out, opts) }
	default:
		return "", nil, false
	}
	cmdutil.AttachSession(f)
	if debug {
		cmdutil.StartDebug(f, path)
	}
	return path, run, true
}

// fastExec recognises `exec [-c NAME] [--] CMD [ARGS...]` (-c also as
// --context NAME or --context=NAME), the plain form of `azc exec`: azc
// resolves the context, writes the child's files and runs the child while
// azc-full, which it starts beside it, serves the credentials
// (execute.ExecOptions.Serve nil). Every other form, --help and a token
// only MSAL gets go to azc-full, which runs the whole exec.
func fastExec(f *cmdutil.Factory, args []string) (string, func() error, bool) {
	ref, i := "", 0
flags:
	for ; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--":
			i++
			break flags
		case a == "-c" || a == "--context":
			if i+1 == len(args) || strings.HasPrefix(args[i+1], "-") {
				return "", nil, false
			}
			i++
			ref = args[i]
		case strings.HasPrefix(a, "--context="):
			ref = strings.TrimPrefix(a, "--context=")
		case strings.HasPrefix(a, "-"):
			return "", nil, false
		default:
			break flags // CMD: everything from here is the child's
		}
	}
	if i == len(args) {
		return "", nil, false // no CMD: azc-full says so
	}
	o := &execute.ExecOptions{Ref: cmdutil.ContextRef(f, ref), Args: args[i:], Environ: os.Environ}
	o.Defaults(false, false)
	cmdutil.AttachSession(f)
	return "azc exec", func() error {
		ctx, stop := childproc.InterruptContext(context.Background())
		defer stop()
		err := execute.ExecRun(ctx, f, o)
		if cmdutil.Interrupted(ctx, err) {
			return &cmdutil.SilentExit{Code: cmdutil.ExitInterrupted}
		}
		return err
	}, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
