package corpus

import (
	"fmt"
	"strconv"
	"unicode"
)

// The structure scan reads the body character by character, keeping the
// numbering state, and emits events: clause markers (一、, （一）, 1.) and page
// numbers. Most characters have one reading. A run of digits may have
// several: "2" after "。" in a list of bare-numbered items may be the next
// item or the next page number; "31." may be page 3 and item 1. At such a
// place the scan records a choice point and takes the likeliest reading;
// when a later rule fails it returns to the latest choice point and takes the
// next reading (depth-first search). The first reading of the whole text that
// breaks no rule is the result. The rules that fail a reading are the
// structure's own:
//
//   - numbering rises by one within each parent: a section, sub-section or
//     item at a clause boundary with another number is an error;
//   - page numbers rise by one: a short number glued into the text on both
//     sides (as a page footer is) that is neither the next page number nor
//     the next item cannot be placed;
//   - a list of bare-numbered items has at least two items (a lone "1" glued
//     after a heading is not a list).
//
// A step budget bounds the search, so no input makes it hang.

// eventKind is what an event marks.
type eventKind uint8

const (
	evTop  eventKind = iota + 1 // 一、
	evSub                       // （一）
	evItem                      // 1. or a bare 1
	evPage                      // a page number
)

// event is a marker or page number at body[from:to].
type event struct {
	kind     eventKind
	from, to int
	num      int
}

// scanState is everything the scan knows at one position; it is copied into
// choice points, so it holds no slices.
type scanState struct {
	i        int  // next body position
	top, sub int  // current section and sub-section numbers, 0 for none
	item     int  // last item number in the current list, 0 for none
	bare     bool // the current list numbers its items with bare numbers
	topItems bool // the current section has items directly under it
	page     int  // next expected page number, 0 until the first is found
	pageAt   int  // body position of the last page number, for messages
	itemAt   int  // body position of the current item's number, for messages
	last     rune // last non-space character of text since the last marker, 0 for none
	start    bool // nothing but whitespace since the start of the body
	zone     int  // characters since the last marker while no punctuation was seen; -1 after
	nev      int  // events emitted so far
}

// maxZone is the longest heading title the scan expects: a number further
// than this from the last marker, with no punctuation in between, is not
// read as the first item right after a heading.
const maxZone = 50

// boundary reports whether a new clause may start here: at the start of the
// body or after the end of a sentence.
func (st *scanState) boundary() bool {
	return st.start || (st.last != 0 && isSentenceEnd(st.last))
}

// itemPos reports whether a sub-section or item may start here: at a
// boundary, or right after a heading's title ("（二）网络建设1.…").
func (st *scanState) itemPos() bool {
	return st.boundary() || st.zone >= 0
}

// optionKind is one reading of a digit run.
type optionKind uint8

const (
	optText     optionKind = iota + 1 // part of the text
	optPage                           // a page number
	optItem                           // the next item
	optPageItem                       // a page number glued to the next item ("31.")
)

type option struct {
	kind  optionKind
	split int // optPageItem: how many digits are the page number
}

// choice is a choice point: the state before a digit run and the readings
// not yet tried.
type choice struct {
	st   scanState
	opts []option
	next int
}

type scanner struct {
	t      *rawText
	b      []rune
	start  int
	events []event
	budget int

	failAt  int // furthest failure so far, for the error message
	failMsg string
}

func newScanner(t *rawText, start int) *scanner {
	return &scanner{t: t, b: t.body, start: start, budget: 32*len(t.body) + 100000, failAt: -1}
}

// run scans the body and returns the events of the first consistent reading.
func (sc *scanner) run() ([]event, error) {
	st := scanState{i: sc.start, start: true, zone: -1}
	var stack []choice
	fail := func(at int, msg string) bool {
		if at > sc.failAt {
			sc.failAt, sc.failMsg = at, msg
		}
		for len(stack) > 0 {
			c := &stack[len(stack)-1]
			if c.next < len(c.opts) {
				o := c.opts[c.next]
				c.next++
				st = sc.apply(c.st, o)
				return true
			}
			stack = stack[:len(stack)-1]
		}
		return false
	}
	for {
		sc.budget--
		if sc.budget < 0 {
			return nil, sc.t.errorAt(max(sc.failAt, 0), "the numbering is too ambiguous to recover (last problem: "+sc.failMsg+")")
		}
		if st.i >= len(sc.b) {
			msg := sc.closeList(&st)
			if msg == "" {
				return sc.events[:st.nev], nil
			}
			if !fail(st.i, msg) {
				return nil, sc.t.errorAt(sc.failAt, sc.failMsg)
			}
			continue
		}
		if isASCIIDigit(sc.b[st.i]) {
			opts, msg := sc.digitOptions(&st)
			if len(opts) == 0 {
				if !fail(st.i, msg) {
					return nil, sc.t.errorAt(sc.failAt, sc.failMsg)
				}
				continue
			}
			if len(opts) > 1 {
				stack = append(stack, choice{st: st, opts: opts, next: 1})
			}
			st = sc.apply(st, opts[0])
			continue
		}
		ok, msg := sc.marker(&st)
		if msg != "" {
			if !fail(st.i, msg) {
				return nil, sc.t.errorAt(sc.failAt, sc.failMsg)
			}
			continue
		}
		if !ok {
			st.text(sc.b[st.i])
			st.i++
		}
	}
}

// text updates the state for one character of text.
func (st *scanState) text(r rune) {
	if unicode.IsSpace(r) {
		return
	}
	st.start = false
	st.last = r
	switch {
	case isSentencePunct(r):
		st.zone = -1
	case st.zone >= 0:
		st.zone++
		if st.zone > maxZone {
			st.zone = -1
		}
	}
}

// emit appends an event, dropping any left over from an abandoned reading.
func (sc *scanner) emit(st *scanState, ev event) {
	sc.events = append(sc.events[:st.nev], ev)
	st.nev++
}

// closeList checks the list that ends here: bare numbers need a second item
// to be a list at all.
func (sc *scanner) closeList(st *scanState) string {
	if st.bare && st.item == 1 {
		return fmt.Sprintf("the bare number 1 at %s starts no list of items: item 2 never follows", sc.t.where(st.itemAt))
	}
	return ""
}

// marker reads a section or sub-section marker at st.i. It returns true when
// it consumed one, or a message when one is there but out of sequence.
func (sc *scanner) marker(st *scanState) (bool, string) {
	b, i := sc.b, st.i
	switch r := b[i]; {
	case isHanNumeral(r):
		if i > sc.start && isHanNumeral(b[i-1]) {
			return false, ""
		}
		v, end, ok := readHanNumeral(b, i)
		if !ok || end >= len(b) || b[end] != '、' || !st.boundary() {
			return false, ""
		}
		if v != st.top+1 {
			return false, fmt.Sprintf("section %s where %s was expected (a gap or a section out of sequence)", topLabel(v), topLabel(st.top+1))
		}
		if msg := sc.closeList(st); msg != "" {
			return false, msg
		}
		sc.emit(st, event{kind: evTop, from: i, to: end + 1, num: v})
		*st = scanState{i: end + 1, top: v, page: st.page, pageAt: st.pageAt, zone: 0, nev: st.nev}
		return true, ""
	case r == '(' || r == '（':
		v, end, ok := readHanNumeral(b, i+1)
		if !ok || end >= len(b) || (b[end] != ')' && b[end] != '）') || st.top == 0 || !st.itemPos() {
			return false, ""
		}
		if st.topItems {
			return false, fmt.Sprintf("sub-section %s in section %s, whose items are numbered directly under it", subLabel(v), topLabel(st.top))
		}
		if v != st.sub+1 {
			return false, fmt.Sprintf("sub-section %s where %s was expected (a gap or a sub-section out of sequence)", subLabel(v), subLabel(st.sub+1))
		}
		if msg := sc.closeList(st); msg != "" {
			return false, msg
		}
		sc.emit(st, event{kind: evSub, from: i, to: end + 1, num: v})
		st.i, st.sub, st.item, st.bare = end+1, v, 0, false
		st.last, st.zone, st.start = 0, 0, false
		return true, ""
	}
	return false, ""
}

// digitOptions lists the readings of the digit run at st.i, likeliest first,
// or says why it has none.
func (sc *scanner) digitOptions(st *scanState) ([]option, string) {
	b, i := sc.b, st.i
	j := i
	for j < len(b) && isASCIIDigit(b[j]) {
		j++
	}
	s := string(b[i:j])
	if len(s) > 9 { // no page or item has ten digits
		return []option{{kind: optText}}, ""
	}
	v, _ := strconv.Atoi(s)
	var prev, next rune
	if i > sc.start {
		prev = b[i-1]
	}
	if j < len(b) {
		next = b[j]
	}
	dotted := (next == '.' || next == '．') && !(j+1 < len(b) && isASCIIDigit(b[j+1]))
	// glued: touching neither whitespace nor a Latin token on either side,
	// and not a number in brackets like "(2)" — the shape of a page footer
	// run into the text.
	glued := len(s) <= 3 && s[0] != '0' && v > 0 && !isSpaceOrLatin(prev) && !isSpaceOrLatin(next) &&
		!(isOpenBracket(prev) && isCloseBracket(next))
	// bareShape: the number runs straight into the words after it, as a
	// bare item number does ("1凡项目").
	bareShape := !dotted && next != 0 && !unicode.IsSpace(next) && !isLatinish(next) &&
		!isSentencePunct(next) && !isCloseBracket(next)
	itemPos := st.itemPos()
	expItem := st.item + 1

	// isItem: whether digits ds would be the next item here.
	isItem := func(ds string) bool {
		if st.top == 0 || len(ds) > 3 || ds[0] == '0' {
			return false
		}
		if n, _ := strconv.Atoi(ds); n != expItem {
			return false
		}
		if dotted { // "3." is unmistakable wherever it stands
			return st.item == 0 || !st.bare
		}
		return bareShape && itemPos && (st.item == 0 || st.bare)
	}
	// isPage: whether digits ds would be the next page number here.
	isPage := func(ds string, shapeOK bool) bool {
		if ds[0] == '0' || len(ds) > 3 {
			return false
		}
		n, _ := strconv.Atoi(ds)
		if st.page == 0 {
			return n > 0 && shapeOK
		}
		return n == st.page
	}

	// Readings, likeliest first. Where the next item and the next page
	// number are the same number at the start of a sentence, the item wins:
	// a heading or list is what a reader sees there.
	var opts []option
	pageOK := isPage(s, glued) && !isLatinish(prev) && !isLatinish(next)
	if isItem(s) {
		opts = append(opts, option{kind: optItem})
	}
	for k := 1; k < len(s) && k <= 3; k++ {
		if isPage(s[:k], !isSpaceOrLatin(prev)) && isItem(s[k:]) {
			opts = append(opts, option{kind: optPageItem, split: k})
		}
	}
	if pageOK && glued {
		opts = append(opts, option{kind: optPage})
	}
	textOK := !glued &&
		!(dotted && itemPos && st.top > 0 && len(s) <= 2) &&
		!(bareShape && itemPos && st.bare && len(s) <= 2)
	if textOK {
		opts = append(opts, option{kind: optText})
	}
	// A number with a space beside it is running text in extracted Chinese
	// ("2017 年"), but it can still be the page number: tried last.
	if st.page > 0 && pageOK && !glued {
		opts = append(opts, option{kind: optPage})
	}
	if len(opts) > 0 {
		return opts, ""
	}
	switch {
	case st.top > 0 && dotted:
		return nil, fmt.Sprintf("item %s. out of sequence: %d. was expected", s, expItem)
	case st.top > 0 && bareShape && st.bare:
		return nil, fmt.Sprintf("item %s out of sequence: %d was expected (or page number %d)", s, expItem, st.page)
	case st.page > 0:
		return nil, fmt.Sprintf("stray number %s: it is neither the next page number (%d, after page %d at %s) nor the next item",
			s, st.page, st.page-1, sc.t.where(st.pageAt))
	}
	return nil, fmt.Sprintf("stray number %s cannot be placed", s)
}

func isSpaceOrLatin(r rune) bool { return unicode.IsSpace(r) || isLatinish(r) }

// apply takes reading o of the digit run at st.i and returns the new state.
func (sc *scanner) apply(st scanState, o option) scanState {
	b, i := sc.b, st.i
	j := i
	for j < len(b) && isASCIIDigit(b[j]) {
		j++
	}
	item := func(from int) {
		n, _ := strconv.Atoi(string(b[from:j]))
		to := j
		dotted := to < len(b) && (b[to] == '.' || b[to] == '．')
		if dotted {
			to++
		}
		sc.emit(&st, event{kind: evItem, from: from, to: to, num: n})
		st.i, st.item, st.bare, st.itemAt = to, n, !dotted, from
		if st.sub == 0 {
			st.topItems = true
		}
		// Items have no titles, so no heading zone follows one: the next
		// item starts only at the end of a sentence.
		st.last, st.zone, st.start = 0, -1, false
	}
	switch o.kind {
	case optText:
		for k := i; k < j; k++ {
			st.text(b[k])
		}
		st.i = j
	case optPage:
		n, _ := strconv.Atoi(string(b[i:j]))
		sc.emit(&st, event{kind: evPage, from: i, to: j, num: n})
		st.i, st.page, st.pageAt = j, n+1, i
	case optItem:
		item(i)
	case optPageItem:
		n, _ := strconv.Atoi(string(b[i : i+o.split]))
		sc.emit(&st, event{kind: evPage, from: i, to: i + o.split, num: n})
		st.page, st.pageAt = n+1, i
		item(i + o.split)
	}
	return st
}
