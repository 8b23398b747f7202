package corpus

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"zhiyin/kb"
)

// Parse reads one guideline source and returns its document. The format is
// picked from the content: Markdown when data starts with front matter
// ("---"), raw extracted text otherwise. A raw-text document carries only
// what the text itself states: the title found before its table of contents
// and the year that title starts with; its id, status and the rest stay empty.
// name is used in error messages only.
func Parse(name string, data []byte) (kb.Document, error) {
	doc, _, err := ParseWithReport(name, data)
	return doc, err
}

// ParseWithReport is Parse that also returns what the raw-text importer
// removed. For a Markdown source the report is empty.
func ParseWithReport(name string, data []byte) (kb.Document, Report, error) {
	if IsMarkdown(data) {
		doc, err := ParseMarkdown(bytes.NewReader(data))
		return doc, Report{}, withFile(err, name)
	}
	clauses, rep, err := ParseRaw(bytes.NewReader(data))
	if err != nil {
		return kb.Document{}, rep, withFile(err, name)
	}
	doc := kb.Document{Title: rep.Title, Year: titleYear(rep.Title), Clauses: clauses}
	return doc, rep, nil
}

// IsMarkdown reports whether data starts with a front matter fence, which is
// what tells a Markdown source from raw extracted text.
func IsMarkdown(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	return bytes.HasPrefix(data, []byte("---\n")) || bytes.HasPrefix(data, []byte("---\r\n"))
}

// withFile names the source file in a *SyntaxError; other errors pass
// through unchanged (they already say what failed).
func withFile(err error, name string) error {
	if se, ok := err.(*SyntaxError); ok && name != "" {
		c := *se
		c.File = name
		return &c
	}
	return err
}

// titleYear returns the year a title starts with ("2017 年广州市…" → 2017), or
// 0 when it does not start with one.
func titleYear(title string) int {
	if len(title) < 4 {
		return 0
	}
	y := 0
	for i := 0; i < 4; i++ {
		c := title[i]
		if c < '0' || c > '9' {
			return 0
		}
		y = y*10 + int(c-'0')
	}
	if !strings.HasPrefix(strings.TrimLeft(title[4:], " \u3000"), "年") || y < 1900 || y > 2200 {
		return 0
	}
	return y
}

// SyntaxError is a source whose structure cannot be recovered: where it
// happened and what was expected.
type SyntaxError struct {
	File   string // the source's name when known (set by Parse)
	Line   int    // 1-based line in the input
	Col    int    // 1-based column in characters; 0 when the whole line is meant
	Offset int    // byte offset in the input (meaningful when Col > 0)
	Msg    string // what is wrong
	Near   string // the text around the position, "▶" marking it; may be ""
}

func (e *SyntaxError) Error() string {
	var b strings.Builder
	b.WriteString("corpus: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "line %d", e.Line)
	if e.Col > 0 {
		fmt.Fprintf(&b, ", column %d (byte offset %d)", e.Col, e.Offset)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Near != "" {
		fmt.Fprintf(&b, ", near %q", e.Near)
	}
	return b.String()
}

// nearText shows up to n characters either side of position i in text, with
// "▶" at i, so an error points at the spot in the editor's own words.
func nearText(text []rune, i, n int) string {
	lo, hi := max(i-n, 0), min(i+n, len(text))
	i = min(max(i, lo), hi)
	var b strings.Builder
	if lo > 0 {
		b.WriteString("…")
	}
	b.WriteString(string(text[lo:i]))
	b.WriteString("▶")
	b.WriteString(string(text[i:hi]))
	if hi < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// The numbering of Chinese guidelines: 一、 at the top, （一） below it, 1. for
// items. Han numerals are read from 一 to 九十九, which is more sections than
// any guideline has.

// hanDigits maps the Han digits to their values.
var hanDigits = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// isHanNumeral reports whether r can be part of a Han numeral.
func isHanNumeral(r rune) bool {
	return hanDigits[r] > 0 || r == '十'
}

// hanValue returns the value of a Han numeral from 一 to 九十九.
func hanValue(s string) (int, bool) {
	rs := []rune(s)
	digit := func(r rune) (int, bool) { v, ok := hanDigits[r]; return v, ok }
	switch len(rs) {
	case 1:
		if rs[0] == '十' {
			return 10, true
		}
		return digit(rs[0])
	case 2:
		if rs[0] == '十' { // 十一 … 十九
			d, ok := digit(rs[1])
			return 10 + d, ok
		}
		if rs[1] == '十' { // 二十 … 九十
			d, ok := digit(rs[0])
			return d * 10, ok && d > 1
		}
	case 3:
		if rs[1] == '十' { // 二十一 … 九十九
			t, ok1 := digit(rs[0])
			d, ok2 := digit(rs[2])
			return t*10 + d, ok1 && ok2 && t > 1
		}
	}
	return 0, false
}

// hanNumeral writes n (1 … 99) as a Han numeral, the inverse of hanValue.
func hanNumeral(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	default:
		return digits[n/10] + "十" + digits[n%10]
	}
}

// readHanNumeral reads the longest Han numeral (at most three characters)
// starting at text[i] and returns its value and end, or ok false.
func readHanNumeral(text []rune, i int) (v, end int, ok bool) {
	end = i
	for end < len(text) && end-i < 3 && isHanNumeral(text[end]) {
		end++
	}
	if end == i || (end < len(text) && isHanNumeral(text[end])) {
		return 0, i, false
	}
	v, ok = hanValue(string(text[i:end]))
	return v, end, ok
}

// Labels as the golden data prints them: full-width brackets, "1." items.
func topLabel(n int) string  { return hanNumeral(n) + "、" }
func subLabel(n int) string  { return "（" + hanNumeral(n) + "）" }
func itemLabel(n int) string { return fmt.Sprint(n) + "." }

// validUTF8 checks data and returns a SyntaxError at the first bad byte.
func validUTF8(data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	line, col := 1, 1
	for off := 0; off < len(data); {
		r, size := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && size <= 1 {
			return &SyntaxError{Line: line, Col: col, Offset: off, Msg: "the text is not valid UTF-8"}
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		off += size
	}
	return nil
}
