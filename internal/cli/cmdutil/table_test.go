package cmdutil

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"
)

func BenchmarkWriteTable1000(b *testing.B) {
	t := &Table{Header: []string{"", "NAME", "SUBSCRIPTION", "SUBSCRIPTION ID", "TENANT", "ACCOUNT"}}
	for i := range 1000 {
		t.Rows = append(t.Rows, []string{"", fmt.Sprintf("sub-%05d", i), fmt.Sprintf("sub-%05d", i), fmt.Sprintf("%08d-1111-2222-3333-444444444444", i), fmt.Sprintf("tenant%d.onmicrosoft.com", i%10), fmt.Sprintf("user%d@contoso.com", i%10)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := writeTable(io.Discard, t, tableStyle{}); err != nil {
			b.Fatal(err)
		}
	}
}

// tabwriterTable is writeTable's layout as text/tabwriter makes it: the
// oracle writeTable must agree with.
func tabwriterTable(t *Table) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				_, _ = io.WriteString(tw, "\t")
			}
			_, _ = io.WriteString(tw, cellText(c))
		}
		_, _ = io.WriteString(tw, "\n")
	}
	if len(t.Header) > 0 {
		line(t.Header)
	}
	for _, r := range t.Rows {
		line(r)
	}
	_ = tw.Flush()
	lines := strings.SplitAfter(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(strings.TrimSuffix(l, "\n"), " ") + l[len(strings.TrimSuffix(l, "\n")):]
	}
	return strings.Join(lines, "")
}

func TestWriteTableLaysOutAsTabwriter(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "*", "a", "Prod", "Contoso Prod", "ünïcödé", "tab\there", "line\nbreak", strings.Repeat("x", 90)}
	for trial := range 500 {
		cols := 1 + r.IntN(6)
		tb := &Table{}
		if r.IntN(2) == 0 {
			for range cols {
				tb.Header = append(tb.Header, words[r.IntN(len(words))])
			}
		}
		for range 1 + r.IntN(8) {
			row := make([]string, cols)
			for i := range row {
				row[i] = words[r.IntN(len(words))]
			}
			tb.Rows = append(tb.Rows, row)
		}
		var got strings.Builder
		if err := writeTable(&got, tb, tableStyle{}); err != nil {
			t.Fatal(err)
		}
		want := tabwriterTable(tb)
		if got.String() != want {
			t.Fatalf("trial %d: table %q %q\ngot:\n%s\nwant:\n%s", trial, tb.Header, tb.Rows, got.String(), want)
		}
		if len(tb.Header) == 0 {
			continue
		}
		// The same rows, produced one at a time.
		rows := tb.Rows
		byRow := &Table{Header: tb.Header, N: len(rows), Row: func(i int, cells []string) { copy(cells, rows[i]) }}
		got.Reset()
		if err := writeTable(&got, byRow, tableStyle{}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want {
			t.Fatalf("trial %d: Row table differs:\ngot:\n%s\nwant:\n%s", trial, got.String(), want)
		}
	}
}
