package front_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/azcontext/azc/internal/cli"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/front"
	"github.com/azcontext/azc/session"
)

// outcome is what one invocation leaves behind.
type outcome struct {
	code           int
	stdout, stderr string
	// handedOver is what azc handed to azc-full, nil when nothing.
	handedOver []string
	// profile is profile.json afterwards; after is `context list -o json`
	// afterwards (through cobra), which shows the session's contexts too.
	profile, after string
	// before is profile.json before the command.
	before string
	// credentials tells whether the command created the credential
	// store's directory.
	credentials bool
}

// fastCase is an invocation the fast path takes.
type fastCase struct {
	args string
	// argv, when set, is the argv (args only names the case): for empty
	// arguments, which args cannot hold.
	argv []string
	env  map[string]string
	// session runs it in a shell session that holds its own context.
	session bool
	// setup are commands azc-full runs first, after the session's.
	setup [][]string
}

// runIn runs tc as azc does (viaFront) or as azc-full does, in a fresh
// state directory holding the CLI tests' fixture.
func runIn(t *testing.T, viaFront bool, tc fastCase) outcome {
	t.Helper()
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "azc")
	data, err := os.ReadFile(filepath.Join("..", "testdata", "fixture.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "profile.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AZC_CONFIG_DIR": dir, "XDG_RUNTIME_DIR": filepath.Join(tmp, "run")}
	getenv := func(k string) string { return env[k] }
	var handedOver []string
	run := func(viaFront bool, args []string) (code int, stdout, stderr string) {
		ios, _, out, errOut := cmdutil.Test()
		f := cmdutil.NewFactory(ios, getenv, "v0-test")
		if viaFront {
			f.ExecFull = func(args []string) int { handedOver = args; return 99 }
			code = front.Run(f, args)
		} else {
			code = cli.Run(context.Background(), f, args)
		}
		// the state directory and --debug's clock differ run to run
		stderr = strings.ReplaceAll(debugTime.ReplaceAllString(errOut.String(), "$1=T"), dir, "$DIR")
		return code, strings.ReplaceAll(out.String(), dir, "$DIR"), stderr
	}
	if tc.session {
		if err := os.Mkdir(env["XDG_RUNTIME_DIR"], 0o700); err != nil {
			t.Fatal(err)
		}
		_, v, err := session.New(session.RuntimeDir(env["XDG_RUNTIME_DIR"], tmp, os.Getuid()), os.Getpid())
		if err != nil {
			t.Fatal(err)
		}
		env[session.EnvVar] = v.Reveal()
		// the session gets a context of its own and a default
		for _, args := range [][]string{{"context", "set", "--name", "Mine", "--subscription", "Dev", "--scope", "process"}, {"use", "Prod", "--scope", "process"}} {
			if code, _, stderr := run(false, args); code != 0 {
				t.Fatalf("azc %s: exit %d: %s", strings.Join(args, " "), code, stderr)
			}
		}
	}
	for _, args := range tc.setup {
		if code, _, stderr := run(false, args); code != 0 {
			t.Fatalf("azc %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
	}
	// the case's variables are the command's, not the set-up's
	for k, v := range tc.env {
		env[k] = v
	}
	var o outcome
	if data, err = os.ReadFile(filepath.Join(dir, "profile.json")); err != nil {
		t.Fatal(err)
	}
	o.before = string(data)
	_, err = os.Stat(filepath.Join(dir, "credentials"))
	hadCredentials := err == nil
	o.code, o.stdout, o.stderr = run(viaFront, tc.argvOf())
	o.handedOver = handedOver
	data, err = os.ReadFile(filepath.Join(dir, "profile.json"))
	if err != nil {
		t.Fatal(err)
	}
	o.profile = string(data)
	_, err = os.Stat(filepath.Join(dir, "credentials"))
	o.credentials = err == nil && !hadCredentials
	_, o.after, _ = run(false, []string{"context", "list", "-o", "json"})
	return o
}

func (tc fastCase) argvOf() []string {
	if tc.argv != nil {
		return tc.argv
	}
	return strings.Fields(tc.args)
}

// debugTime is --debug's clock and the durations it logs.
var debugTime = regexp.MustCompile(`\b(time|waited|held|heldCPU)=\S+`)

// TestFastAgreesWithCobra runs every form azc's fast path takes both ways,
// through front.Run and through azc-full's cobra, and requires the same
// exit code, output and resulting profile; and checks that it hands every
// other form to azc-full.
func TestFastAgreesWithCobra(t *testing.T) {
	fast := []fastCase{
		{args: "context show"},
		{args: "context show Prod"},
		{args: "context show Dev -o json"},
		{args: "ctx show --output=yaml"},
		{args: "context show -o tsv Dev"},
		{args: "context show -c Dev"},
		{args: "-c Dev context show"},
		{args: "context show --context=Dev --output json"},
		{args: "context show Prod -c Dev"},
		{args: "context show --query name -o tsv"},
		{args: "context show --query=subscription.id -o json"},
		{args: "context show -o none"},
		{args: "context show", env: map[string]string{"AZC_CONTEXT": "Dev"}},
		{args: "context show -c Prod", env: map[string]string{"AZC_CONTEXT": "Dev"}},
		{args: "context show nosuch"},
		{args: "context show De"},
		{args: "context show 22222222-2222-2222-2222-222222222222"},
		{args: "context show --debug"},
		{args: "context list"},
		{args: "context ls -o json"},
		{args: "ctx list -o yaml"},
		{args: "-o tsv context list"},
		{args: "context list --query [].name"},
		{args: "context list -o none"},
		{args: "context list -c Dev"},
		{args: "use Dev"},
		{args: "use Dev -o json"},
		{args: "use -"},
		{args: "use nosuch"},
		{args: "use Dev --scope user"},
		{args: "use Dev --scope=process"},
		{args: "use Dev --scope bogus"},
		{args: "use 22222222-2222-2222-2222-222222222222 --query name -o tsv"},
		{args: "context use Dev"},
		{args: "context select Dev -o yaml"},
		{args: "ctx use Dev --debug"},
		{args: "use Dev", env: map[string]string{"AZC_AUTOSAVE": "false"}},
		{args: "use Dev", env: map[string]string{"AZC_AUTOSAVE": "maybe"}},
		{args: "prompt"},
		{args: "prompt -c Dev"},
		{args: "prompt --context=nosuch"},
		{args: "prompt", env: map[string]string{"AZC_CONTEXT": "Dev"}},
		{args: "prompt", session: true},
		{args: "prompt --debug", session: true},
		{args: "context show", session: true},
		{args: "context show Mine -o json", session: true},
		{args: "context list", session: true},
		{args: "context list -o json", session: true},
		{args: "use Mine", session: true},
		{args: "use Dev --scope process", session: true},
		{args: "use Dev --scope user -o json", session: true},
		{args: "use -", session: true},
		{args: "use Dev", session: true, env: map[string]string{"AZC_AUTOSAVE": "false"}},
		{args: `context show ""`, argv: []string{"context", "show", ""}},
		{args: `context show -c ""`, argv: []string{"context", "show", "-c", ""}},
		{args: `context show --query ""`, argv: []string{"context", "show", "--query", ""}},
		{args: `prompt -c ""`, argv: []string{"prompt", "-c", ""}, env: map[string]string{"AZC_CONTEXT": "Dev"}},
		{args: "version"},
		{args: "version -o json --query version"},
		// token without credentials fails before it would hand over
		{args: "token -c nosuch"},
		{args: "token --resource https://storage.azure.com -c nosuch -o json"},
		{args: "token --scope=x/.default --tenant t -c nosuch"},
		{args: "token", env: map[string]string{"AZC_CONTEXT": "nosuch"}},
		// a usage mistake of token's own flags, said as azc-full says it
		{args: "token --resource r --scope s"},
		// exec of a context it cannot find fails before it would hand over
		{args: "exec -c nosuch -- true"},
		{args: "exec --context=nosuch true"},
		{args: "exec --context nosuch -- sh -c exit"},
		{args: "exec -- true", env: map[string]string{"AZC_CONTEXT": "nosuch"}},
		{args: "exec -c nosuch -- true", session: true},
	}
	for _, tc := range fast {
		t.Run(tc.args, func(t *testing.T) {
			args := tc.argvOf()
			ios, _, _, _ := cmdutil.Test()
			f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
			if _, _, ok := front.Fast(f, args); !ok {
				t.Fatalf("front.Fast does not take %q", args)
			}
			viaFast := runIn(t, true, tc)
			viaCobra := runIn(t, false, tc)
			if viaFast.handedOver != nil {
				t.Fatalf("azc %s was handed to azc-full", tc.args)
			}
			if viaFast.code != viaCobra.code || viaFast.stdout != viaCobra.stdout || viaFast.stderr != viaCobra.stderr {
				t.Errorf("azc %s:\nfast:  %d %q %q\ncobra: %d %q %q", tc.args,
					viaFast.code, viaFast.stdout, viaFast.stderr, viaCobra.code, viaCobra.stdout, viaCobra.stderr)
			}
			if viaFast.profile != viaCobra.profile {
				t.Errorf("azc %s left a different profile.json than cobra", tc.args)
			}
			if viaFast.after != viaCobra.after {
				t.Errorf("azc %s left other contexts than cobra:\nfast:  %s\ncobra: %s", tc.args, viaFast.after, viaCobra.after)
			}
			if viaCobra.stdout == "" && viaCobra.stderr == "" && !strings.Contains(tc.args, "none") && tc.args != "prompt --context=nosuch" {
				t.Errorf("azc %s printed nothing", tc.args)
			}
		})
	}
	slow := []string{
		"context show --help", "context show -h", "use", "context list --refresh",
		"context show Dev Prod", "context show --scope user", "context show -o bogus",
		"context show --query [[", "context show -ojson", "context show -- Dev", "context show -c",
		"context show -c -o", "context show --bogus", "context show --debug=true", "context",
		"ctx list extra", "__complete context show ", "help use", "version extra", "version --scope user", "context remove Dev", "use Dev Prod",
		"context show --output=", "context use", "use Dev --scope", "list", "show",
		"prompt -o json", "prompt extra", "prompt --scope user", "prompt --query name",
		"token extra", "token --bogus", "token --help", "use Dev --tenant t",
		"context show --resource r", "token --scope", "completion bash", "",
		"exec", "exec --", "exec -c Dev", "exec --no-server -- true", "exec --legacy-msi -- true",
		"exec --private-az-config=false -- true", "exec --keep-env X -- true", "exec -c", "exec -c -- true",
		"exec -cDev -- true", "exec --debug -- true", "exec --help", "exec -h", "-c Dev exec -- true",
		"--debug exec -- true", "exec --context", "exec --bogus -- true",
	}
	slowArgv := [][]string{{"use", ""}, {"context", "use", ""}, {"use", "Dev", "--scope"}}
	for _, s := range slow {
		args := strings.Fields(s)
		if strings.HasSuffix(s, " ") {
			args = append(args, "")
		}
		slowArgv = append(slowArgv, args)
	}
	for _, args := range slowArgv {
		ios, _, out, errOut := cmdutil.Test()
		f := cmdutil.NewFactory(ios, func(string) string { return "" }, "v0-test")
		if _, _, ok := front.Fast(f, args); ok {
			t.Errorf("front.Fast takes %q, which azc-full must run", args)
		}
		var handed []string
		f.ExecFull = func(args []string) int { handed = args; return 42 }
		if code := front.Run(f, args); code != 42 || strings.Join(handed, " ") != strings.Join(args, " ") {
			t.Errorf("azc %q: exit %d, handed %q to azc-full", args, code, handed)
		}
		if out.Len() > 0 || errOut.Len() > 0 {
			t.Errorf("azc %q printed %q %q before handing over", args, out, errOut)
		}
	}
}

// TestExecGoesToAzcFullBeforeDoingAnything: an exec whose account has no
// token its credential blob serves (here, no blob at all) needs MSAL, so
// azc hands the whole command to azc-full before the child runs or any of
// its files is written, and says nothing itself.
func TestExecGoesToAzcFullBeforeDoingAnything(t *testing.T) {
	for _, session := range []bool{false, true} {
		tc := fastCase{args: "exec -c Dev -- sh -c echo-ran", argv: []string{"exec", "-c", "Dev", "--", "sh", "-c", "echo ran"}, session: session}
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp) // where the private AZURE_CONFIG_DIR would go
		o := runIn(t, true, tc)
		if strings.Join(o.handedOver, "\x00") != strings.Join(tc.argv, "\x00") || o.code != 99 {
			t.Errorf("session %v: exit %d, handed over %q; want %q handed to azc-full", session, o.code, o.handedOver, tc.argv)
		}
		if o.stdout != "" || o.stderr != "" {
			t.Errorf("session %v: azc printed %q %q before handing over", session, o.stdout, o.stderr)
		}
		if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
			t.Errorf("session %v: azc left %s in the temporary directory before handing over", session, entries[0].Name())
		}
		if o.profile != o.before {
			t.Errorf("session %v: azc changed profile.json before handing over", session)
		}
	}
}

// TestFastDebugLogs checks that --debug on the fast path logs the command
// as cobra's root does.
func TestFastDebugLogs(t *testing.T) {
	o := runIn(t, true, fastCase{args: "context show --debug"})
	if !strings.Contains(o.stderr, `command="azc context show"`) || o.code != 0 {
		t.Fatalf("--debug: code %d, stderr %q", o.code, o.stderr)
	}
	if !bytes.Contains([]byte(o.stdout), []byte("Prod")) {
		t.Fatalf("stdout %q lacks the default context", o.stdout)
	}
}

// TestTheDesktopsKeyStoreGoesToAzcFull: where a session bus is set, the
// user's data key belongs in the Secret Service, whose client (D-Bus) azc
// does not link. A command that needs the key (a token; in a shell, a
// switch to a context of the profile, which checks its account's tokens
// under their lock) goes to azc-full before it changes anything, and
// creates nothing in the credential store; those that need no key run in
// azc as without a bus.
func TestTheDesktopsKeyStoreGoesToAzcFull(t *testing.T) {
	bus := map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"}
	back := [][]string{{"use", "Dev"}, {"use", "Prod"}} // a previous context for `use -`
	for _, tc := range []fastCase{
		{args: "token -c Dev", env: bus},
		{args: "use Dev", session: true, env: bus},
		{args: "use Dev --scope user -o json", session: true, env: bus},
		{args: "context use Dev --scope process", session: true, env: bus},
		// azc-full runs it again: a default switched before the hand-over
		// would be switched back
		{args: "use -", session: true, env: bus, setup: back},
	} {
		o := runIn(t, true, tc)
		// what the shell sees when nothing changed
		unchanged := runIn(t, true, fastCase{args: "context show", session: tc.session, setup: tc.setup})
		if strings.Join(o.handedOver, " ") != tc.args || o.code != 99 || o.stdout != "" || o.stderr != "" {
			t.Errorf("azc %s with a session bus: handed over %q, exit %d, printed %q %q", tc.args, o.handedOver, o.code, o.stdout, o.stderr)
		}
		if o.credentials {
			t.Errorf("azc %s with a session bus created the credential store before handing over", tc.args)
		}
		if o.profile != o.before {
			t.Errorf("azc %s with a session bus wrote profile.json before handing over:\n%s", tc.args, o.profile)
		}
		if o.after != unchanged.after {
			t.Errorf("azc %s with a session bus changed what the shell sees before handing over:\n%s\nwant\n%s", tc.args, o.after, unchanged.after)
		}
	}
	for _, tc := range []fastCase{
		{args: "context show Dev", env: bus},
		{args: "context list", env: bus},
		{args: "use Dev", env: bus},
		{args: "use Mine", session: true, env: bus},
	} {
		if o := runIn(t, true, tc); o.handedOver != nil || o.code != 0 {
			t.Errorf("azc %s with a session bus: handed over %q, exit %d", tc.args, o.handedOver, o.code)
		}
	}
}
