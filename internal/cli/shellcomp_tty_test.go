//go:build unix

package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestZshCompletesAQuotedWord types `azc context show … 'prod` and TAB in
// an interactive zsh on a terminal, with the completion azc prints loaded:
// the name is completed within the quote, whole (a backslash in it too),
// and nothing in it runs. cobra's script split the quoted word at its
// blanks and evaluated it unclosed: no candidate, and _describe took the
// backslashes out of every name.
func TestZshCompletesAQuotedWord(t *testing.T) {
	zsh, bin, dir := zshTest(t)
	const name = `Prod it's $(touch pwned) \z`
	if out, err := azcCmd(bin, dir, "context", "rename", "Prod", name).CombinedOutput(); err != nil {
		t.Fatalf("rename: %v\n%s", err, out)
	}
	home := t.TempDir()
	for _, quote := range []string{"'", `"`} {
		r := startZsh(t, zsh, bin, dir, home)
		r.typ("azc context show -o tsv --query name " + quote + "prod\t")
		r.expect("(touch pwned) ") // zsh redraws the word: the rest of the name
		r.typ("\r")
		r.expect("\n" + name + "\r\n")
		r.typ("exit\r")
		r.exit(time.Now())
		if _, err := os.Stat(filepath.Join(home, "pwned")); err == nil {
			t.Fatalf("completing in %s ran what the name holds:\n%q", quote, r.screen())
		}
	}
}

// TestZshAndFishCompleteANameAzcFolds types `azc context show … st` and
// TAB beside a context "ſtage-prod" in an interactive zsh and fish: the
// word completes to a name azc takes for that context, as bash completes
// it and `azc context show st` finds it. Their own case rules dropped the
// name azc offered: the word stayed "st".
func TestZshAndFishCompleteANameAzcFolds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds azc and runs zsh and fish on a pseudo-terminal")
	}
	t.Parallel()
	bin := buildAzc(t)
	dir := seed(t)
	if out, err := azcCmd(bin, dir, "context", "rename", "Prod", "ſtage-prod").CombinedOutput(); err != nil {
		t.Fatalf("rename: %v\n%s", err, out)
	}
	for _, tc := range []struct{ shell, rc, rcFile, completed string }{
		{"zsh", "PS1='%% '\nunsetopt beep\nautoload -U compinit; compinit -u -D\nsource <(azc completion zsh)\n", ".zshrc", "ſtage-prod"},
		{"fish", "function fish_prompt; echo -n '% '; end\nazc completion fish | source\n", ".config/fish/config.fish", "stage-prod"},
	} {
		sh, err := exec.LookPath(tc.shell)
		if err != nil {
			t.Logf("no %s", tc.shell)
			continue
		}
		home := t.TempDir()
		rc := filepath.Join(home, tc.rcFile)
		if err := os.MkdirAll(filepath.Dir(rc), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(rc, []byte(tc.rc+"cd "+home+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		env := []string{"ZDOTDIR=" + home, "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "AZC_CONFIG_DIR=" + dir, "TERM=xterm", "LANG=C.UTF-8",
			"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH")}
		r := startTTY(t, 200, 20, env, sh, "-i")
		r.expect("% ")
		r.typ("azc context show -o tsv --query name st\t")
		r.expect(tc.completed[len(tc.completed)-5:]) // the shell redraws the word
		r.typ("\r")
		r.expect("ſtage-prod\r\n") // what azc context show printed
		r.typ("exit\r")
		r.exit(time.Now())
		if !strings.Contains(r.screen(), tc.completed) {
			t.Errorf("%s completed `st` otherwise:\n%q", tc.shell, r.screen())
		}
	}
}

// TestZshCompletesAWordEndingInAnEscapedBlank types `azc context show …
// Dev\ ` and TAB in an interactive zsh, the word a first TAB leaves between
// "Dev" and "Dev Test": the name is completed. cobra's script split the
// word at its blank and asked azc for a second argument: no candidate.
func TestZshCompletesAWordEndingInAnEscapedBlank(t *testing.T) {
	zsh, bin, dir := zshTest(t)
	r := startZsh(t, zsh, bin, dir, t.TempDir())
	r.typ(`azc context show -o tsv --query name Dev\ ` + "\t")
	r.expect("Test") // zsh redraws the word: the rest of the name
	r.typ("\r")
	r.expect("\nDev Test\r\n")
	r.typ("exit\r")
	r.exit(time.Now())
}

// startZsh starts an interactive zsh on a terminal, in and with its
// start-up files in home, with the completion the azc binary bin prints
// loaded and dir its state directory, and waits for its prompt, "% ".
func startZsh(t *testing.T, zsh, bin, dir, home string) *ttyRun {
	t.Helper()
	rc := "PS1='%% '\nunsetopt beep\nautoload -U compinit; compinit -u -D\nsource <(azc completion zsh)\ncd " + home + "\n"
	if err := os.WriteFile(filepath.Join(home, ".zshrc"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"ZDOTDIR=" + home, "HOME=" + home, "AZC_CONFIG_DIR=" + dir, "TERM=xterm",
		"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH")}
	r := startTTY(t, 200, 20, env, zsh, "-i")
	r.expect("% ")
	return r
}

// zshTest skips t without zsh or in -short, runs it in parallel, and
// returns zsh, a built azc and a state directory of the fixture.
func zshTest(t *testing.T) (zsh, bin, dir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds azc and runs zsh on a pseudo-terminal")
	}
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("no zsh")
	}
	t.Parallel()
	return zsh, buildAzc(t), seed(t)
}
