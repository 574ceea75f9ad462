package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/azcontext/azc/internal/cli"
	"github.com/azcontext/azc/internal/cli/cmdutil"
)

// regenerate is the command that brings internal/cli/manpage up to date.
const regenerate = "go generate ./internal/cli/manpage"

// TestPagesAreCurrent: the pages azc-full embeds are the ones mangen
// renders from today's command tree.
func TestPagesAreCurrent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	if diff := diffDirs(t, dir, filepath.Join("..", "manpage")); diff != "" {
		t.Errorf("internal/cli/manpage is stale (%s): run %s", diff, regenerate)
	}
}

// TestAzcManWritesCobraPages: `azc man DIR` writes the pages cobra/doc
// renders for azc's version and the date, with SOURCE_DATE_EPOCH or today.
func TestAzcManWritesCobraPages(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.December, 3, 6, 0, 0, 0, time.Local)
	for _, tc := range []struct {
		name, version, epoch string
		want                 time.Time
	}{
		{"a release, dated by SOURCE_DATE_EPOCH", "v1.2.3", "1764720000", time.Unix(1764720000, 0)},
		{"a pseudo-version, dated by SOURCE_DATE_EPOCH 0", "v0.0.0-20261203060153-617f5ba30136", "0", time.Unix(0, 0)},
		{"a version with build metadata, dated today", "v1.2.3-rc.1+build.5", "", now},
		{"a development build", "dev", "", now},
		{"a version with a backslash", `v1\2`, "1700000000", time.Unix(1700000000, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := t.TempDir()
			if err := render(want, tc.version, tc.want); err != nil {
				t.Fatal(err)
			}
			got := filepath.Join(t.TempDir(), "man1")
			ios, _, out, errOut := cmdutil.Test()
			env := map[string]string{"SOURCE_DATE_EPOCH": tc.epoch}
			f := cmdutil.NewFactory(ios, func(k string) string { return env[k] }, tc.version)
			f.Now = func() time.Time { return now }
			if code := cli.Run(context.Background(), f, []string{"man", got}); code != 0 {
				t.Fatalf("azc man: exit %d: %s", code, errOut)
			}
			if out.Len() != 0 {
				t.Errorf("stdout %q", out)
			}
			if diff := diffDirs(t, want, got); diff != "" {
				t.Errorf("azc man differs from cobra/doc (%s); if the tree changed, run %s", diff, regenerate)
			}
		})
	}
}

// TestAzcManRejectsABadEpoch: a SOURCE_DATE_EPOCH that is no number is
// an error that says what it takes, not Go's parser's error, and no page
// is written.
func TestAzcManRejectsABadEpoch(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "man1")
	ios, _, _, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(ios, func(k string) string {
		if k == "SOURCE_DATE_EPOCH" {
			return "yesterday"
		}
		return ""
	}, "v1.2.3")
	if code := cli.Run(context.Background(), f, []string{"man", dir}); code == 0 {
		t.Fatal("exit 0")
	}
	if want := "azc: error: write man pages: invalid SOURCE_DATE_EPOCH " + strconv.Quote("yesterday") + ": want a whole number of seconds since 1970\n"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s: %v, want it missing", dir, err)
	}
}

// diffDirs names the first difference between the man pages (*.1) of
// dirs a and b, or returns "".
func diffDirs(t *testing.T, a, b string) string {
	t.Helper()
	pa, pb := pages(t, a), pages(t, b)
	for name, text := range pa {
		other, ok := pb[name]
		switch {
		case !ok:
			return name + " missing from " + b
		case other != text:
			return name + " differs"
		}
	}
	for name := range pb {
		if _, ok := pa[name]; !ok {
			return name + " missing from " + a
		}
	}
	if len(pa) == 0 {
		return "no pages in " + a
	}
	return ""
}

// pages reads dir's *.1 files by name.
func pages(t *testing.T, dir string) map[string]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(n)] = string(b)
	}
	return out
}
