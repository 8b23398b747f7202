package corpus

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"zhiyin/kb"
)

// The raw-text importer reads what a PDF or Word extractor produces and
// recovers the clause tree from the numbering alone. It knows nothing of any
// particular guideline; what it relies on is the shape of extracted text:
//
//   - Lines may carry a line-number prefix ("12、") and are cut anywhere, even
//     inside a word or a number, so line breaks are not content: lines are
//     joined with nothing between them. Prefixes, when the first line has
//     one, must rise by one.
//   - The document may start with its title and a table of contents
//     ("目 录", then entries "一、title page"). The title becomes the
//     document title, the contents are removed; their page references are
//     never trusted, only their titles serve as a hint for section titles.
//   - Page numbers are glued into the running text where a page ended
//     ("理2由", "信息安全31." = page 3, then item 1.). They rise by one; a
//     number is only taken for a page number when it is the next one.
//   - The clause numbering is 一、 for sections, （一） or (一) for
//     sub-sections, and 1. or a bare number ("要求1凡项目…。2项目…") for
//     items, each rising by one within its parent.
//
// The numbering is recovered by a search over the few places where a number
// could be read in more than one way (an item or a page number, text or a
// page number): the first reading of the whole text that satisfies every
// rule wins, and when none does, the error that got furthest is reported
// with its line, column and surrounding text. Nothing is ever dropped:
// every character of the input ends up in a clause's title or text or in
// Report.Removed.

// Report accounts for the text ParseRaw did not put into a clause's title or
// text. Removing every Removed span from the input, and the line breaks,
// leaves exactly the clauses' titles and texts, in order (but for the
// preamble's title 引言, which is supplied, not read).
type Report struct {
	// Title is the document title found before the table of contents.
	Title string
	// Contents are the table of contents' entries, as read.
	Contents []ContentsEntry
	// Pages are the page numbers found in the text (and removed), in order.
	Pages []int
	// Removed lists, in input order, every span of the input that is in no
	// clause's title or text. A span never crosses a line break.
	Removed []Removed
	// Warnings are things an editor should check that did not stop the
	// import (a section title that differs from the table of contents, …).
	Warnings []string
}

// ContentsEntry is one line of a table of contents.
type ContentsEntry struct {
	Label string // "一、", "（一）", "附件"
	Title string
	Page  string // the page reference as printed (may include a glued page footer)
}

// Removed is a span of the input that is in no clause's title or text.
type Removed struct {
	Kind   RemovedKind
	Line   int    // 1-based line of the span's first character
	Col    int    // 1-based column (in characters) of its first character
	Offset int    // byte offset of its first character in the input
	Text   string // the span, exactly as in the input
}

// RemovedKind says why a span is not in a clause.
type RemovedKind string

// The kinds of removed text.
const (
	RemovedLinePrefix RemovedKind = "line-prefix" // "12、" at the start of a line
	RemovedPageNumber RemovedKind = "page-number" // a page footer glued into the text
	RemovedContents   RemovedKind = "contents"    // the table of contents
	RemovedTitle      RemovedKind = "title"       // the document title (Report.Title)
	RemovedLabel      RemovedKind = "label"       // clause numbering, kept as Clause.Label
	RemovedSpace      RemovedKind = "space"       // whitespace trimmed at clause and title edges, a byte-order mark
)

// Count returns how many spans of kind k were removed.
func (r *Report) Count(k RemovedKind) int {
	n := 0
	for _, s := range r.Removed {
		if s.Kind == k {
			n++
		}
	}
	return n
}

// Summary describes the report in one line for people (the parse command
// prints it on stderr).
func (r *Report) Summary() string {
	var parts []string
	if n := r.Count(RemovedLinePrefix); n > 0 {
		parts = append(parts, fmt.Sprintf("%d line prefixes", n))
	}
	if n := len(r.Pages); n > 0 {
		parts = append(parts, fmt.Sprintf("%d page numbers (%d–%d)", n, r.Pages[0], r.Pages[n-1]))
	}
	if len(r.Contents) > 0 {
		chars := 0
		for _, s := range r.Removed {
			if s.Kind == RemovedContents {
				chars += utf8.RuneCountInString(s.Text)
			}
		}
		parts = append(parts, fmt.Sprintf("table of contents (%d entries, %d characters)", len(r.Contents), chars))
	}
	if r.Title != "" {
		parts = append(parts, fmt.Sprintf("document title %q", r.Title))
	}
	if n := r.Count(RemovedLabel); n > 0 {
		parts = append(parts, fmt.Sprintf("%d numbering labels (kept as clause labels)", n))
	}
	if n := r.Count(RemovedSpace); n > 0 {
		parts = append(parts, fmt.Sprintf("%d runs of whitespace at clause edges", n))
	}
	if len(parts) == 0 {
		return "nothing removed"
	}
	return "removed " + strings.Join(parts, ", ")
}

// ParseRaw reads a guideline as extracted text and returns its clauses in
// document order, with a report of everything it removed. When the structure
// cannot be recovered it returns a *SyntaxError naming the line, column and
// surrounding text; it never drops text silently.
func ParseRaw(r io.Reader) ([]kb.Clause, Report, error) {
	data, err := readSource(r)
	if err != nil {
		return nil, Report{}, err
	}
	if err := validUTF8(data); err != nil {
		return nil, Report{}, err
	}
	t := &rawText{src: data}
	if err := t.splitLines(); err != nil {
		return nil, Report{}, err
	}
	start := t.readContents()
	sc := newScanner(t, start)
	events, err := sc.run()
	if err != nil {
		return nil, Report{}, err
	}
	clauses := t.assemble(start, events)
	sort.SliceStable(t.report.Removed, func(i, j int) bool { return t.report.Removed[i].Offset < t.report.Removed[j].Offset })
	return clauses, t.report, nil
}

// rawText is the input with line prefixes and line breaks taken out: body
// holds the characters that remain, at their positions in the input.
type rawText struct {
	src    []byte
	body   []rune
	at     []srcPos
	report Report
}

// srcPos is where a body character is in the input.
type srcPos struct {
	line, col int32 // 1-based line and column (in characters)
	off       int32 // byte offset
}

// splitLines fills body and at, removing line breaks ("\n", "\r\n"), a leading byte-order
// mark and, when the first line starts with "1、", the line-number prefixes,
// which must then rise by one on every line that is not blank.
func (t *rawText) splitLines() error {
	src := string(t.src)
	off := 0
	if strings.HasPrefix(src, "\ufeff") {
		t.remove(RemovedSpace, srcPos{1, 1, 0}, "\ufeff")
		off = len("\ufeff")
	}
	prefixed := strings.HasPrefix(src[off:], "1、")
	next := 1
	for line := int32(1); off <= len(src); line++ {
		end := strings.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += off
		}
		text := src[off:end]
		if end < len(src) { // "\r\n" is a line break too; a lone "\r" is whitespace
			text = strings.TrimSuffix(text, "\r")
		}
		col := int32(1)
		if prefixed && strings.TrimSpace(text) != "" {
			want := fmt.Sprintf("%d、", next)
			if !strings.HasPrefix(text, want) {
				return &SyntaxError{Line: int(line), Col: 1, Offset: off,
					Msg:  fmt.Sprintf("line prefix %q expected (the prefixes rise by one from \"1、\")", want),
					Near: nearText([]rune(text), 0, 20)}
			}
			t.remove(RemovedLinePrefix, srcPos{line, 1, int32(off)}, want)
			col += int32(utf8.RuneCountInString(want))
			text = text[len(want):]
			off += len(want)
			next++
		}
		for _, r := range text {
			t.body = append(t.body, r)
			t.at = append(t.at, srcPos{line, col, int32(off)})
			col++
			off += utf8.RuneLen(r)
		}
		off = end + 1
	}
	return nil
}

// remove records one removed span that is contiguous in the input.
func (t *rawText) remove(kind RemovedKind, p srcPos, text string) {
	t.report.Removed = append(t.report.Removed, Removed{Kind: kind, Line: int(p.line), Col: int(p.col), Offset: int(p.off), Text: text})
}

// removeBody records body[from:to] as removed, split where the span crosses
// a line break or a removed line prefix, so every Removed is contiguous in
// the input.
func (t *rawText) removeBody(kind RemovedKind, from, to int) {
	for from < to {
		end := from + 1
		for end < to && t.at[end].off == t.at[end-1].off+int32(utf8.RuneLen(t.body[end-1])) {
			end++
		}
		t.remove(kind, t.at[from], string(t.body[from:end]))
		from = end
	}
}

// where describes body position i for a message: "line 3, column 12".
func (t *rawText) where(i int) string {
	if i < 0 || i >= len(t.at) {
		return "the end"
	}
	return fmt.Sprintf("line %d, column %d", t.at[i].line, t.at[i].col)
}

// errorAt builds a SyntaxError at body position i.
func (t *rawText) errorAt(i int, msg string) *SyntaxError {
	e := &SyntaxError{Msg: msg, Near: nearText(t.body, i, 16)}
	switch {
	case i < len(t.at):
		e.Line, e.Col, e.Offset = int(t.at[i].line), int(t.at[i].col), int(t.at[i].off)
	case len(t.at) > 0:
		p := t.at[len(t.at)-1]
		e.Line, e.Col, e.Offset = int(p.line), int(p.col)+1, int(p.off)+utf8.RuneLen(t.body[len(t.body)-1])
	default:
		e.Line, e.Col = 1, 1
	}
	return e
}

// The table of contents. It is recognised only at the very start: a short
// title without sentence punctuation, "目录" (spaces allowed between the two
// characters), then entries, each a numbering ("一、", "（一）", "(一)") or
// "附件"/"附录" followed by its title and a page reference. It ends where the
// next text is not an entry, or where the section numbering starts again
// (the body's own "一、").

// maxTitleRunes bounds the document title before "目录" and each contents
// entry's title: longer text is running text, not a heading.
const maxTitleRunes = 80

// readContents removes the document title and the table of contents when
// the text starts with them, and returns where the body starts.
func (t *rawText) readContents() int {
	b := t.body
	mu := -1
	for i := 0; i < len(b) && i < maxTitleRunes; i++ {
		if isSentencePunct(b[i]) {
			return 0
		}
		if b[i] == '目' {
			j := i + 1
			for j < len(b) && unicode.IsSpace(b[j]) {
				j++
			}
			if j < len(b) && b[j] == '录' {
				mu = i
				break
			}
		}
	}
	if mu < 0 {
		return 0
	}
	i := mu + 1
	for b[i] != '录' {
		i++
	}
	i++
	var entries []ContentsEntry
	lastTop, end := 0, -1
	for {
		e, next, top, ok := readContentsEntry(b, i, lastTop)
		if !ok {
			break
		}
		entries = append(entries, e)
		if top > 0 {
			lastTop = top
		}
		i, end = next, next
	}
	if len(entries) == 0 {
		return 0
	}
	ts, te := trimSpan(b, 0, mu)
	t.removeBody(RemovedSpace, 0, ts)
	t.removeBody(RemovedTitle, ts, te)
	t.removeBody(RemovedSpace, te, mu)
	t.removeBody(RemovedContents, mu, end)
	t.report.Title = string(b[ts:te])
	t.report.Contents = entries
	return end
}

// readContentsEntry reads one entry starting at b[i] (after spaces): its
// label, title and page reference. lastTop is the previous entry's section
// number; a section numbered no higher is the body's, not the contents'.
func readContentsEntry(b []rune, i, lastTop int) (e ContentsEntry, next, top int, ok bool) {
	for i < len(b) && unicode.IsSpace(b[i]) {
		i++
	}
	j := i
	switch {
	case i >= len(b):
		return e, i, 0, false
	case isHanNumeral(b[i]):
		v, end, ok := readHanNumeral(b, i)
		if !ok || end >= len(b) || b[end] != '、' || v <= lastTop {
			return e, i, 0, false
		}
		e.Label, top, j = topLabel(v), v, end+1
	case b[i] == '(' || b[i] == '（':
		v, end, ok := readHanNumeral(b, i+1)
		if !ok || end >= len(b) || (b[end] != ')' && b[end] != '）') {
			return e, i, 0, false
		}
		e.Label, j = subLabel(v), end+1
	case hasPrefixAt(b, i, "附件"), hasPrefixAt(b, i, "附录"):
		e.Label, j = string(b[i:i+2]), i+2
	default:
		return e, i, 0, false
	}
	k := j
	for k < len(b) && !isASCIIDigit(b[k]) {
		if isSentencePunct(b[k]) || k-j > maxTitleRunes {
			return e, i, 0, false
		}
		k++
	}
	d := k
	for d < len(b) && isASCIIDigit(b[d]) {
		d++
	}
	if d == k {
		return e, i, 0, false
	}
	e.Title = strings.TrimRight(string(b[j:k]), " \u3000\t.…·．")
	e.Page = string(b[k:d])
	return e, d, top, true
}

func hasPrefixAt(b []rune, i int, s string) bool {
	for _, r := range s {
		if i >= len(b) || b[i] != r {
			return false
		}
		i++
	}
	return true
}

// trimSpan narrows b[from:to] to exclude whitespace at both ends.
func trimSpan(b []rune, from, to int) (int, int) {
	for from < to && unicode.IsSpace(b[from]) {
		from++
	}
	for to > from && unicode.IsSpace(b[to-1]) {
		to--
	}
	return from, to
}

// Character classes of extracted Chinese text.

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

// isSentencePunct: punctuation inside or at the end of a sentence, which a
// heading title never contains.
func isSentencePunct(r rune) bool {
	return strings.ContainsRune("，,。；;：:！!？?、", r)
}

// isSentenceEnd: what may precede a new clause's numbering. A closing
// bracket counts, as extracted text often drops the full stop after one.
func isSentenceEnd(r rune) bool {
	return strings.ContainsRune("。；;：:！!？?", r) || isCloseBracket(r)
}

func isOpenBracket(r rune) bool  { return strings.ContainsRune("(（[【〔「『《“‘", r) }
func isCloseBracket(r rune) bool { return strings.ContainsRune(")）]】〕」』》”’", r) }

// isLatinish: characters that belong to a Latin or technical token (ADSL,
// 7x24, 30%, 2.0). A number touching one is part of that token, never a page
// number.
func isLatinish(r rune) bool {
	if r >= 0x80 {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("%.+-/_@#&*=~^<>|\\$", r)
}
