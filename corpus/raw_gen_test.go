package corpus

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"zhiyin/kb"
)

// The property: the same guideline, extracted at other line widths and with
// its page footers falling elsewhere, parses to the same clauses. The
// generator renders the golden clauses back into raw form the way an
// extractor would: document title, table of contents, clause numbering run
// into the text, page numbers glued in at random places (rising by one,
// never touching digits, Latin letters or spaces, never inside a marker),
// then cut into lines of random width with "N、" prefixes.

// rawRender is one rendering and what went into it.
type rawRender struct {
	text  string
	title string
	pages []int // page numbers inserted into the body, in order
}

// isItemLabel reports whether a golden label ends in an item number.
func isItemLabel(label string) bool { return strings.HasSuffix(label, ".") }

// renderRaw renders clauses as extracted text, all choices drawn from rng.
func renderRaw(clauses []kb.Clause, rng *rand.Rand) rawRender {
	fullWidth := rng.Intn(2) == 0
	itemStyle := rng.Intn(3) // 0: dotted under sub-sections, bare under sections (as the seed); 1: dotted; 2: bare
	var body []rune
	var noPage []bool // noPage[i]: no page number may be inserted before body[i]
	// bareRegion marks the body of each list of bare-numbered items (from
	// its parent's marker to the end of its last item) with the list's
	// length: a page number there that equals an item number (or the number
	// after the last) and stands where an item could start is ambiguous even
	// to a person: "…。3新建项目…" after item 2 reads as item 3.
	var bareRegion []int
	add := func(s string, protected bool) {
		for k, r := range s {
			body = append(body, r)
			noPage = append(noPage, protected && k > 0)
			bareRegion = append(bareRegion, 0)
		}
	}
	children := map[string]int{}
	for _, c := range clauses {
		if isItemLabel(c.Label) {
			children[kb.ParentID(c.ID)]++
		}
	}
	type region struct{ from, n int }
	open := map[string]region{}
	closeRegion := func(id string) {
		if r, ok := open[id]; ok {
			for i := r.from; i < len(body); i++ {
				bareRegion[i] = r.n
			}
			delete(open, id)
		}
	}
	for idx, c := range clauses {
		// A list ends where a clause that is not one of its items starts.
		for id := range open {
			if kb.ParentID(c.ID) != id {
				closeRegion(id)
			}
		}
		if idx > 0 && rng.Intn(6) == 0 {
			add(" ", false)
		}
		// local is the clause's own numbering: "（二）" in "一、（二）", "3." in
		// "一、（二）3.", "5." in "六、5.".
		_, local, _ := strings.Cut(c.Label, "、")
		if _, after, ok := strings.Cut(local, "）"); ok && after != "" {
			local = after
		}
		depth := kb.Depth(c.ID)
		switch {
		case c.ID == "0":
		case depth == 1:
			add(c.Label, true)
		case !isItemLabel(c.Label): // sub-section: "一、（二）" → "二"
			num := strings.TrimSuffix(strings.TrimPrefix(local, "（"), "）")
			if fullWidth {
				add("（"+num+"）", true)
			} else {
				add("("+num+")", true)
			}
		default: // item
			n := strings.TrimSuffix(local, ".")
			bare := itemStyle == 2 || (itemStyle == 0 && depth == 2)
			if bare {
				add(n, true)
			} else {
				add(n+".", true)
			}
		}
		if n := children[c.ID]; n > 0 {
			bare := itemStyle == 2 || (itemStyle == 0 && depth == 1)
			if bare {
				start := len(body) - len([]rune(c.Label))
				if depth > 1 {
					start = len(body) - 3
				}
				open[c.ID] = region{from: max(start, 0), n: n}
			}
		}
		if c.ID != "0" {
			add(c.Title, false)
		}
		add(c.Text, false)
	}
	for id := range open {
		closeRegion(id)
	}

	// Page numbers: one per stretch of body, each at a random place where a
	// footer could fall.
	allowed := func(i, page int) bool {
		if i <= 0 || i >= len(body) || noPage[i] {
			return false
		}
		prev, next := body[i-1], body[i]
		if isSpaceOrLatin(prev) || isSpaceOrLatin(next) || (isOpenBracket(prev) && isCloseBracket(next)) {
			return false
		}
		if n := bareRegion[i]; n > 0 && page <= n+1 && (isSentenceEnd(prev) || inZone(body, i)) {
			return false
		}
		return true
	}
	nPages := 2 + rng.Intn(12)
	page := 1 + rng.Intn(3)
	firstPage := page
	var pages []int
	var at []int
	chunk := len(body) / nPages
	for k := 0; k < nPages; k++ {
		from := k*chunk + 1
		for try := 0; try < 200; try++ {
			i := from + rng.Intn(chunk)
			if allowed(i, page) && (len(at) == 0 || i > at[len(at)-1]) {
				at = append(at, i)
				pages = append(pages, page)
				page++
				break
			}
		}
	}
	var withPages []rune
	prev := 0
	for k, i := range at {
		withPages = append(withPages, body[prev:i]...)
		withPages = append(withPages, []rune(fmt.Sprint(pages[k]))...)
		prev = i
	}
	withPages = append(withPages, body[prev:]...)

	// Title and table of contents, the contents page's own footer glued to
	// its last reference as in the seed.
	title := "2017 年广州市财政投资信息化项目建设内容指引"
	var head strings.Builder
	head.WriteString(title)
	head.WriteString([]string{"目 录", "目录", "目  录"}[rng.Intn(3)])
	ref := 1
	for _, c := range clauses {
		if kb.Depth(c.ID) == 1 && c.ID != "0" {
			ref += rng.Intn(3)
			fmt.Fprintf(&head, "%s%s%d", c.Label, c.Title, ref)
		}
	}
	if rng.Intn(2) == 0 {
		fmt.Fprintf(&head, "附件 1%d", ref+2)
	}
	if firstPage > 1 {
		fmt.Fprint(&head, firstPage-1)
	}
	all := append([]rune(head.String()), withPages...)

	// Lines of random width, each with its number.
	eol := "\n"
	if rng.Intn(4) == 0 {
		eol = "\r\n"
	}
	width := 5 + rng.Intn(400)
	var out strings.Builder
	for n := 1; len(all) > 0; n++ {
		w := max(1, width+rng.Intn(width/2+1)-width/4)
		w = min(w, len(all))
		if n > 1 {
			out.WriteString(eol)
		}
		fmt.Fprintf(&out, "%d、%s", n, string(all[:w]))
		all = all[w:]
	}
	if rng.Intn(2) == 0 {
		out.WriteString(eol)
	}
	return rawRender{text: out.String(), title: title, pages: pages}
}

// inZone reports whether body[i] follows a clause marker with no punctuation
// in between (a heading's title), where a bare item number may also start.
func inZone(body []rune, i int) bool {
	for k := i - 1; k >= 0 && i-k <= maxZone; k-- {
		r := body[k]
		if isSentencePunct(r) {
			return false
		}
		if r == '、' || r == ')' || r == '）' {
			return true
		}
	}
	return false
}

// renderings is how many renderings TestParseRawRenderings checks; raise it
// for a deeper run: go test ./corpus/ -run Renderings -renderings 20000.
var renderings = flag.Int("renderings", 200, "number of random raw renderings of the golden to parse")

func TestParseRawRenderings(t *testing.T) {
	golden := goldenClauses(t)
	for seed := int64(1); seed <= int64(*renderings); seed++ {
		r := renderRaw(golden, rand.New(rand.NewSource(seed)))
		clauses, rep, err := ParseRaw(strings.NewReader(r.text))
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, r.text)
		}
		if !equalClauses(clauses, golden) {
			diffClauses(t, clauses, golden)
			t.Fatalf("seed %d: clauses differ; input:\n%s", seed, r.text)
		}
		checkAccounting(t, []byte(r.text), clauses, rep)
		if got := fmt.Sprint(rep.Pages); got != fmt.Sprint(r.pages) {
			t.Fatalf("seed %d: removed page numbers %v, inserted %v", seed, got, r.pages)
		}
		if rep.Title != r.title {
			t.Fatalf("seed %d: title %q", seed, rep.Title)
		}
	}
}

func equalClauses(a, b []kb.Clause) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func BenchmarkParseRaw(b *testing.B) {
	data := rawSeed(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := ParseRaw(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
