package profile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Decode parses a profile.json document with encoding/json and checks its
// invariants (the format version, context names valid and unique; see
// SameName). It accepts a leading UTF-8 byte order mark.
func Decode(data []byte) (*Profile, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	p := new(Profile)
	if err := json.Unmarshal(data, p); err != nil {
		return nil, err
	}
	if err := checkVersion(p.Version); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// checkVersion refuses a format version this build cannot read.
func checkVersion(v int) error {
	if v > FormatVersion {
		return &NewerVersionError{Version: v, Max: FormatVersion}
	}
	if v < 1 {
		return fmt.Errorf("missing or invalid format version %d", v)
	}
	return nil
}

// Encode renders p as profile.json: what encoding/json writes for it
// (without HTML escapes), laid out with each member of the top-level
// object on a line of its own and each element of a top-level array
// (environments, accounts, contexts) on one compact line, so that grep and
// diff see one context a line; a final newline ends it.
func Encode(p *Profile) ([]byte, error) {
	out, _, err := encode(p, "")
	return out, err
}

// encode is Encode, with raw, when not empty, written as the value of a
// last member "contexts" (p.Contexts must then be nil): a contexts array
// copied from the file being replaced, so that a change to the header
// costs no encoding of the contexts. Contexts is the last field of
// Profile, so for an array Encode laid out the result is Encode's. gen is
// where the generation's digits are in out.
func encode(p *Profile, raw string) (out []byte, gen [2]int, err error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, gen, err
	}
	compact := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	out = make([]byte, 0, len(compact)+len(raw)+len(compact)/16+64)
	out = append(out, '{')
	for i, first := 1, true; i < len(compact) && compact[i] != '}'; first = false {
		if compact[i] == ',' {
			i++
		}
		k := skipValue(compact, i)
		v := skipValue(compact, k+1)
		if !first {
			out = append(out, ',')
		}
		out = append(out, "\n  "...)
		out = append(out, compact[i:k]...)
		out = append(out, ": "...)
		if string(compact[i:k]) == `"generation"` {
			gen = [2]int{len(out), len(out) + v - (k + 1)}
		}
		out = appendLines(out, compact[k+1:v])
		i = v
	}
	if raw != "" {
		out = append(out, ",\n  \"contexts\": "...)
		out = append(out, raw...)
	}
	return append(out, "\n}\n"...), gen, nil
}

// appendLines appends the compact JSON value v: an array with an element a
// line, anything else as it is.
func appendLines(out, v []byte) []byte {
	if v[0] != '[' || len(v) == 2 {
		return append(out, v...)
	}
	out = append(out, '[')
	for i := 1; v[i] != ']'; {
		if v[i] == ',' {
			out = append(out, ',')
			i++
		}
		e := skipValue(v, i)
		out = append(out, "\n    "...)
		out = append(out, v[i:e]...)
		i = e
	}
	return append(out, "\n  ]"...)
}

// encodeChange encodes p with the next generation (raw as in encode), and
// bumps p.Generation; it returns nil and leaves p.Generation when the
// result would be old with only the generation changed: nothing to write.
func encodeChange(p *Profile, raw string, old []byte) ([]byte, error) {
	p.Version = FormatVersion
	p.Generation++
	out, gen, err := encode(p, raw)
	if err != nil {
		p.Generation--
		return nil, err
	}
	if old != nil && sameButGeneration(out, gen, old, p.Generation-1) {
		p.Generation--
		return nil, nil
	}
	return out, nil
}

// sameButGeneration reports whether old is out with the generation digits
// (at gen) replaced by prev's.
func sameButGeneration(out []byte, gen [2]int, old []byte, prev uint64) bool {
	digits := strconv.AppendUint(nil, prev, 10)
	if len(old) != len(out)-(gen[1]-gen[0])+len(digits) {
		return false
	}
	for _, piece := range [][]byte{out[:gen[0]], digits, out[gen[1]:]} {
		if !bytes.Equal(old[:len(piece)], piece) {
			return false
		}
		old = old[len(piece):]
	}
	return true
}

// skipValue returns the index just past the JSON value that starts at s[i]
// (no space before it), or -1 when none ends there. It checks only what it
// needs to find the end: strings, brackets and braces; the caller has
// encoding/json check the rest.
func skipValue[T ~string | ~[]byte](s T, i int) int {
	if i >= len(s) {
		return -1
	}
	switch s[i] {
	case '"':
		return skipString(s, i)
	case '{', '[':
		depth := 0
		for i < len(s) {
			switch s[i] {
			case '"':
				if i = skipString(s, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	j := i
	for j < len(s) && !isDelim(s[j]) {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// skipString returns the index just past the JSON string that starts at
// s[i], or -1.
func skipString[T ~string | ~[]byte](s T, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

func isDelim(c byte) bool {
	switch c {
	case ',', '}', ']', ':', ' ', '\t', '\n', '\r', '"', '{', '[':
		return true
	}
	return false
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}
