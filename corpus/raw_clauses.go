package corpus

import (
	"fmt"
	"strings"
	"unicode"

	"zhiyin/kb"
)

// rawClause is a clause being assembled: its numbering and the body
// positions of its characters (labels and page numbers left out).
type rawClause struct {
	id, label, parent string
	item              bool // a numbered item (1. or bare), never titled
	content           []int
	children          int
	title, text       string
}

// assemble cuts the body into clauses at the marker events, reports labels,
// page numbers and trimmed whitespace as removed, and splits titles from
// text (see splitTitles).
func (t *rawText) assemble(start int, events []event) []kb.Clause {
	pre := &rawClause{id: "0", label: "引言"}
	all := []*rawClause{pre}
	byID := map[string]*rawClause{"0": pre}
	cur := pre
	top, sub := 0, 0
	pos := start
	take := func(to int) {
		for k := pos; k < to; k++ {
			cur.content = append(cur.content, k)
		}
	}
	for _, ev := range events {
		take(ev.from)
		pos = ev.to
		if ev.kind == evPage {
			t.removeBody(RemovedPageNumber, ev.from, ev.to)
			t.report.Pages = append(t.report.Pages, ev.num)
			continue
		}
		t.removeBody(RemovedLabel, ev.from, ev.to)
		c := &rawClause{}
		switch ev.kind {
		case evTop:
			top, sub = ev.num, 0
			c.id, c.label = fmt.Sprint(top), topLabel(top)
		case evSub:
			sub = ev.num
			c.id, c.label = fmt.Sprintf("%d.%d", top, sub), topLabel(top)+subLabel(sub)
			c.parent = fmt.Sprint(top)
		case evItem:
			c.item = true
			if sub > 0 {
				c.parent = fmt.Sprintf("%d.%d", top, sub)
				c.label = topLabel(top) + subLabel(sub) + itemLabel(ev.num)
			} else {
				c.parent = fmt.Sprint(top)
				c.label = topLabel(top) + itemLabel(ev.num)
			}
			c.id = fmt.Sprintf("%s.%d", c.parent, ev.num)
		}
		if p := byID[c.parent]; p != nil {
			p.children++
		}
		byID[c.id] = c
		all = append(all, c)
		cur = c
	}
	take(len(t.body))

	// Trim each clause and drop a preamble that is only whitespace.
	for _, c := range all {
		c.content = t.trimContent(c.content)
	}
	if len(pre.content) == 0 {
		all = all[1:]
	}
	t.splitTitles(all)
	out := make([]kb.Clause, 0, len(all))
	for _, c := range all {
		out = append(out, kb.Clause{ID: c.id, Label: c.label, Title: c.title, Text: c.text})
	}
	return out
}

// trimContent reports whitespace at both ends of a clause's characters as
// removed and returns the rest.
func (t *rawText) trimContent(idx []int) []int {
	s, e := 0, len(idx)
	for s < e && unicode.IsSpace(t.body[idx[s]]) {
		s++
	}
	for e > s && unicode.IsSpace(t.body[idx[e-1]]) {
		e--
	}
	t.removeIndices(RemovedSpace, idx[:s])
	t.removeIndices(RemovedSpace, idx[e:])
	return idx[s:e]
}

// removeIndices reports the body characters at idx (ascending) as removed.
func (t *rawText) removeIndices(kind RemovedKind, idx []int) {
	for len(idx) > 0 {
		n := 1
		for n < len(idx) && idx[n] == idx[n-1]+1 {
			n++
		}
		t.removeBody(kind, idx[0], idx[n-1]+1)
		idx = idx[n:]
	}
}

// runes returns the body characters at idx.
func (t *rawText) runes(idx []int) []rune {
	rs := make([]rune, len(idx))
	for k, i := range idx {
		rs[k] = t.body[i]
	}
	return rs
}

// Titles. Extraction loses the line break after a heading, so
// "（一）机房建设各单位不再新建…" must be split into the title 机房建设 and the
// text by rule; a run-in heading like "（二）规范单位信息资源建设。要认真…" has
// no title of its own and keeps that sentence in its text. The rules, in
// order:
//
//  1. The preamble's title is 引言. Items (1., bare numbers) have no title:
//     their first sentence is part of the requirement.
//  2. A clause listed in the table of contents takes the title printed
//     there, when its text starts with it.
//  3. A heading whose whole text is short, has no punctuation and is
//     directly followed by its first sub-clause is all title
//     ("（二）网络建设" then "1.…").
//  4. Otherwise a title is a short noun phrase (2 to maxTitle characters, no
//     punctuation) directly followed by the start of a sentence: a number
//     ("…云平台迁移2017 年,") or a word that typically opens a sentence in
//     administrative Chinese (sentenceOpeners: 各…, 按照, 推进, 具有, 新建…).
//     The first opener in the first phrase decides; one at the very start
//     means there is no title ("各单位业务系统信息交互…").
//  5. Siblings are titled alike, as headings of one level are in a printed
//     guideline: rule 4 applies only where at least half of the siblings
//     have a title by rules 2 to 4. This keeps an opener inside a run-in
//     sentence from cutting it into a false title.
//
// The rules see only the clause text (page numbers removed), so where the
// lines and pages were cut does not change the result.

// maxTitle is the longest title rule 4 accepts, in characters.
const maxTitle = 20

// sentenceOpeners are words that open a sentence (or a requirement without
// a subject) in administrative Chinese: determiners of a subject,
// prepositions of an adverbial, and the verbs requirements usually start
// with. A title is a noun phrase, so one of these directly after a short
// phrase marks where the text begins.
var sentenceOpeners = []string{
	// subjects
	"各", "凡", "全市", "全省", "全区", "全国", "本单位", "本部门", "新建", "新增", "已建",
	// adverbials
	"按照", "依照", "依据", "根据", "对于", "围绕", "针对", "为了",
	// predicates
	"推进", "推动", "加强", "加快", "建立", "健全", "完善", "开展", "落实", "做好",
	"坚持", "鼓励", "支持", "具有", "具备", "实行", "严禁", "禁止",
}

// splitTitles sets title and text of every clause by the rules above,
// reporting the whitespace between a title and its text as removed.
func (t *rawText) splitTitles(all []*rawClause) {
	toc := map[string]string{}
	lastTop := ""
	for _, e := range t.report.Contents {
		switch {
		case strings.HasSuffix(e.Label, "、"):
			lastTop = e.Label
			toc[e.Label] = e.Title
		case strings.HasPrefix(e.Label, "（") && lastTop != "":
			toc[lastTop+e.Label] = e.Title
		}
	}
	cut := make(map[*rawClause]int) // clause → where its text starts (rune index)
	siblings := map[string][]*rawClause{}
	for _, c := range all {
		rs := t.runes(c.content)
		switch {
		case c.id == "0":
			cut[c] = 0
			continue
		case c.item:
			continue
		}
		siblings[c.parent] = append(siblings[c.parent], c)
		if title, ok := toc[c.label]; ok && title != "" {
			if strings.HasPrefix(string(rs), title) {
				cut[c] = len([]rune(title))
				continue
			}
			t.report.Warnings = append(t.report.Warnings, fmt.Sprintf("%s: the table of contents gives the title %q, but the text starts %q", c.label, title, clip(rs, 30)))
		} else if len(toc) > 0 && c.parent == "" {
			t.report.Warnings = append(t.report.Warnings, fmt.Sprintf("%s is not in the table of contents", c.label))
		}
		if c.children > 0 && len(rs) <= maxZone && !strings.ContainsFunc(string(rs), isSentencePunct) {
			cut[c] = len(rs) // rule 3
			continue
		}
		if k, ok := openerCut(rs); ok {
			cut[c] = -k - 1 // rule 4, pending rule 5
		}
	}
	// Rule 5: rule-4 cuts stand only where half the siblings are titled.
	for _, sibs := range siblings {
		titled := 0
		for _, c := range sibs {
			if _, ok := cut[c]; ok {
				titled++
			}
		}
		for _, c := range sibs {
			if k, ok := cut[c]; ok && k < 0 {
				if 2*titled >= len(sibs) {
					cut[c] = -k - 1
				} else {
					delete(cut, c)
				}
			}
		}
	}
	for _, c := range all {
		k := cut[c] // 0: no title
		if c.id == "0" {
			c.title = "引言"
		}
		title := c.content[:k]
		text := c.content[k:]
		ts, te := 0, len(title)
		for te > ts && unicode.IsSpace(t.body[title[te-1]]) {
			te--
		}
		xs := 0
		for xs < len(text) && unicode.IsSpace(t.body[text[xs]]) {
			xs++
		}
		t.removeIndices(RemovedSpace, title[te:])
		t.removeIndices(RemovedSpace, text[:xs])
		if k > 0 {
			c.title = string(t.runes(title[:te]))
		}
		c.text = string(t.runes(text[xs:]))
	}
}

// openerCut applies rule 4 to a clause's characters: it returns where the
// text starts when a short phrase is followed by a sentence opener.
func openerCut(rs []rune) (int, bool) {
	for k := 0; k < len(rs) && k <= maxTitle; k++ {
		r := rs[k]
		if isSentencePunct(r) || isOpenBracket(r) || isCloseBracket(r) {
			return 0, false
		}
		opener := isASCIIDigit(r)
		for _, w := range sentenceOpeners {
			if opener || hasPrefixAt(rs, k, w) {
				opener = true
				break
			}
		}
		if opener {
			// Skip spaces back to the phrase: "机房建设 各单位" cuts after 设.
			if k < 2 {
				return 0, false
			}
			return k, true
		}
	}
	return 0, false
}

// clip returns the first n characters of rs, for messages.
func clip(rs []rune, n int) string {
	if len(rs) > n {
		return string(rs[:n]) + "…"
	}
	return string(rs)
}
