package profile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"unicode/utf8"
)

// ViewKeeping is View for a command that reads one or two contexts (`azc
// context show`, a token): it reads profile.json through a small buffer,
// a line at a time, and keeps of the contexts only their names and the
// text of those refs name (see View.Find; "" is the default context), so
// that the file is never held whole. A file outside the layout Encode
// writes, or a reference that is no context's exact name (see SameName),
// it reads whole from the file it opened, as View does. Its errors are
// View's, and its View gives View's answers (FuzzView holds it to that),
// but for what it did not keep: Profile, ColumnsAt and Context for
// another context read the file again, and fail if another writer
// replaced it since.
func (s *Store) ViewKeeping(refs ...string) (*View, error) { return s.viewStreamed(refs, false) }

// ViewColumns is ViewKeeping that keeps every context's Columns too: for
// `azc context list`'s table, which shows them all, without holding the
// file whole.
func (s *Store) ViewColumns(refs ...string) (*View, error) { return s.viewStreamed(refs, true) }

func (s *Store) viewStreamed(refs []string, cols bool) (*View, error) {
	f, size, err := s.openCapped()
	if errors.Is(err, fs.ErrNotExist) {
		return fullView(New()), nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	bp := copyBuffers.Get().(*[]byte)
	v, err := streamView(f, size, *bp, refs, cols, nil)
	copyBuffers.Put(bp)
	if err != nil {
		return nil, ErrorAt("read", s.path, err)
	}
	if v != nil {
		v.reread = func() (string, error) {
			text, now, err := readState(s.path)
			if err == nil && (now == nil || !sameIdentity(fi, now)) {
				err = fmt.Errorf("%s was replaced while azc read it", s.path)
			}
			return text, err
		}
		return v, nil
	}
	// Read it whole, from the start of the file already open: the same file.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	text, err := readAll(f, s.path, size)
	if err != nil {
		return nil, err
	}
	if v, err = newView(text); err != nil {
		return nil, s.corrupt(err)
	}
	return v, nil
}

// streamView reads a profile.json document from r through buf, a line at
// a time, when it is in the layout Encode writes: the header's members a
// line each, then the contexts array, last, a context a line. It returns
// the View that keeps the contexts refs name, or nil when the document is
// outside that layout, a line is longer than buf, or a reference is no
// context's exact name: the caller then reads it whole. size is the
// document's length, its error r's. The View's reread is the caller's to
// set. When layout is not nil, streamView notes there where the parts of
// the document are.
func streamView(r io.Reader, size int64, buf []byte, refs []string, keepCols bool, layout *fileLayout) (*View, error) {
	lr := &lineReader{r: r, buf: buf}
	hv, head, err := readHead(lr, size)
	if hv == nil {
		return nil, err
	}
	if layout != nil {
		layout.head = string(head) + contextsLine[:len(contextsLine)-1]
		layout.raw[0] = int64(len(layout.head))
	}
	wants := make([]string, 0, len(refs))
	for _, ref := range refs {
		if ref == "" {
			ref = hv.header.DefaultContext
		} else if ref = TrimRef(ref); ref == "" {
			continue // Index answers without a context
		}
		if ref != "" {
			wants = append(wants, ref)
		}
	}
	found := make([]bool, len(wants))
	wantHash := make([]uint64, len(wants))

	var kept strings.Builder
	var spans []span
	var cols []columnSpan
	var shared sharedTexts // keepColumns'
	if keepCols {
		shared = make(sharedTexts)
	}
	var names *nameTable
	var f fields
	count := hv.count // the header's, with its contexts null
	for last := false; !last; {
		line, ok := lr.next()
		if !ok {
			return nil, lr.failed()
		}
		if last = len(line) == 0 || line[len(line)-1] != ','; !last {
			line = line[:len(line)-1]
		}
		k := &skimmer[[]byte]{s: line}
		if !k.expect("    ") || !k.element(&f) || k.i != len(line) {
			return nil, nil
		}
		if layout != nil {
			at := lr.lineAt + 4
			layout.elems = append(layout.elems, [2]int64{at, at + int64(len(line)) - 4})
		}
		out := span{name: keepText(&kept, line, f.name)}
		if keepCols {
			cols = append(cols, keepColumns(&kept, line, f.columns(), shared))
		}
		if spans == nil {
			// Each context takes a line: the first line's length and
			// text estimate the count (with an eighth more) and the
			// length of what is kept of each, so that neither is
			// copied as it grows; the pages of what sharedTexts spares
			// are never touched. (A file rewritten in place since its
			// stat may be longer than size says.)
			n := max(int(size)-len(head), 0) / (len(line) + 6)
			n = min(n+n/8+1, 1<<16)
			spans = make([]span, 0, n)
			if keepCols {
				cols = slices.Grow(cols, n)
			}
			kept.Grow(n*kept.Len() + len(line))
			names = newNameTable(n, func(i int) string {
				r := spans[i].name
				return kept.String()[r.start:r.end]
			})
			for j, want := range wants {
				wantHash[j] = names.hash(want)
			}
		}
		spans = append(spans, out)
		count.add(f.count())
		count.values++ // the element
		h, err := names.check(len(spans) - 1)
		if err != nil {
			return nil, nil // the whole read reports it
		}
		for j, want := range wants {
			if h == wantHash[j] && SameName(names.name(len(spans)-1), want) {
				found[j] = true
				if spans[len(spans)-1].elem == (rng{}) {
					spans[len(spans)-1].elem = keepText(&kept, line, rng{4, uint32(len(line))})
				}
			}
		}
	}
	for _, end := range []string{"  ]", "}"} {
		if line, ok := lr.next(); !ok || string(line) != end {
			return nil, lr.failed()
		}
		if layout != nil && end == "  ]" {
			layout.raw[1] = lr.lineAt + 3
		}
	}
	if _, ok := lr.next(); ok || lr.start != lr.end || lr.err != io.EOF {
		return nil, lr.failed()
	}
	for _, ok := range found {
		if !ok {
			return nil, nil
		}
	}
	if count.check() != nil {
		return nil, nil // the whole read refuses it, as Decode does
	}
	v := &View{text: kept.String(), header: hv.header, spans: spans, cols: cols, names: names, count: count,
		elems: valueCount{count.objects - hv.count.objects, count.values - hv.count.values}}
	names.name = func(i int) string { return v.at(v.spans[i].name) }
	return v, nil
}

// readHead reads the lines of a document of size bytes from lr up to the
// one that opens the contexts array, in Encode's layout, and returns the
// View of the header they hold, and their text: nil when they are not in
// that layout, with lr's error if reading failed.
func readHead(lr *lineReader, size int64) (*View, []byte, error) {
	head := make([]byte, 0, min(size, 4096)) // on the heap: a 4 KB frame would grow the stack
	for {
		line, ok := lr.next()
		if !ok {
			return nil, nil, lr.failed()
		}
		if string(line) == contextsLine {
			break
		}
		head = append(append(head, line...), '\n')
	}
	// The header is skimmed as a document whose contexts are null: the
	// skim checks it as it checks the header of a whole file.
	return skim(string(head) + `  "contexts": null` + "\n}"), head, nil
}

// contextsLine is the line that opens the contexts array in Encode's
// layout.
const contextsLine = `  "contexts": [`

// fileLayout is where streamView found the parts of a document, as byte
// offsets in it.
type fileLayout struct {
	head  string     // the text before the contexts array
	raw   [2]int64   // the contexts array, from '[' to ']'
	elems [][2]int64 // each context
}

// keepText appends line's text in r to kept and returns where it is there.
func keepText(kept *strings.Builder, line []byte, r rng) rng {
	start := kept.Len()
	kept.Write(line[r.start:r.end])
	return rng{uint32(start), uint32(kept.Len())}
}

// keepColumns appends line's text of the columns in c to kept and
// returns where they are there; the columns contexts share (an account's
// contexts its key, a tenant's its ID and domain) through shared.
func keepColumns(kept *strings.Builder, line []byte, c columnSpan, shared sharedTexts) columnSpan {
	for _, r := range [...]*rng{&c.account, &c.tenantID, &c.tenantDomain} {
		*r = shared.keep(kept, line, *r)
	}
	c.subID = keepText(kept, line, c.subID)
	c.subName = keepText(kept, line, c.subName)
	return c
}

// sharedTexts keeps a text many contexts hold once: it remembers where
// the first texts it kept are (up to sharedMax of them), and a text it
// holds is not kept again. At 1,000 contexts over ten accounts the
// columns then take 61 KB instead of 168 KB: some 30 fewer pages to
// fault in, 0.3 ms of `azc context list`'s 10 (docs/benchmarks.md).
type sharedTexts map[string]rng

// sharedMax bounds a sharedTexts: a profile's accounts and tenants are
// a few, and texts that are not shared stay at a small map.
const sharedMax = 256

// keep returns where line's text in r is in kept, appending it unless
// s holds it.
func (s sharedTexts) keep(kept *strings.Builder, line []byte, r rng) rng {
	if at, ok := s[string(line[r.start:r.end])]; ok {
		return at
	}
	at := keepText(kept, line, r)
	if len(s) < sharedMax {
		s[kept.String()[at.start:at.end]] = at
	}
	return at
}

// isASCII reports whether every byte of s is ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lineReader reads r a line at a time through buf.
type lineReader struct {
	r          io.Reader
	buf        []byte
	start, end int   // the bytes read and not yet returned
	off        int64 // the offset in r's text of buf[0]
	lineAt     int64 // the offset of the line next returned last
	err        error // r's error (io.EOF at its end), or errLongLine
}

// errLongLine is a line longer than lineReader's buffer.
var errLongLine = errors.New("line longer than the buffer")

// next returns the next line without its '\n', valid until the next call;
// false when no whole line is left (see err).
func (lr *lineReader) next() ([]byte, bool) {
	for {
		if i := bytes.IndexByte(lr.buf[lr.start:lr.end], '\n'); i >= 0 {
			line := lr.buf[lr.start : lr.start+i]
			lr.lineAt = lr.off + int64(lr.start)
			lr.start += i + 1
			return line, true
		}
		if lr.err != nil {
			return nil, false
		}
		if lr.start > 0 {
			lr.end = copy(lr.buf, lr.buf[lr.start:lr.end])
			lr.off += int64(lr.start)
			lr.start = 0
		}
		if lr.end == len(lr.buf) {
			lr.err = errLongLine
			return nil, false
		}
		n, err := lr.r.Read(lr.buf[lr.end:])
		lr.end += n
		lr.err = err
	}
}

// failed returns the reader's error, if reading failed: nil at the end of
// the text and for a line too long.
func (lr *lineReader) failed() error {
	if lr.err == io.EOF || lr.err == errLongLine {
		return nil
	}
	return lr.err
}
