package corpus

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"zhiyin/kb"
)

// The Markdown source format (corpus/documents/*.md) is what knowledge
// editors keep under version control. It is Markdown-shaped, not full
// CommonMark: only front matter, headings and paragraphs mean anything, and
// text is taken verbatim (no inline formatting is interpreted).
//
//	---
//	id: gz-2017-it-guideline
//	title: 2017年广州市财政投资信息化项目建设内容指引
//	short_title: 2017年信息化项目建设内容指引
//	number: ""          # 文号, empty when the source states none
//	issuer: ""
//	year: 2017
//	status: 现行        # 现行, 修订 or 废止
//	source: ""
//	---
//
//	# 引言
//
//	为更好地指导各单位……
//
//	# 一、基础设施层方面
//
//	跟随信息技术应用发展趋势……
//
//	## （一）机房建设
//
//	各单位不再新建业务机房……
//
//	## （二）网络建设
//
//	### 1.
//
//	统一使用电子政务内外网。……
//
//	# 六、具体事项要求
//
//	## 1.
//
//	凡项目立项……
//
// Each heading carries the clause's local numbering as printed, then its title
// (which may be empty): "# 一、" for a section, "## （一）" for a sub-section
// (half-width brackets are accepted too), "### 1." for an item under a
// sub-section and "## 1." for an item directly under a section. The parser
// derives the clause id ("1.2.3", "6.5") and the full label ("一、（二）3.",
// "六、5.") from the nesting, so an editor never writes either. "# 引言" is the
// preamble, id "0"; if present it comes first.
//
// Paragraphs: a clause's text is everything up to the next heading. Lines of
// one paragraph are joined with nothing between them (Chinese puts no spaces
// between words, so a hard wrap is only for the editor's convenience; do not
// wrap next to a space you mean to keep); paragraphs, separated by blank
// lines, are joined with "\n". The shipped guideline has one paragraph per
// clause, written on one line.

// maxSourceSize bounds what the parsers read: a guideline is tens of
// kilobytes, so anything this large is a mistake, not a document.
const maxSourceSize = 16 << 20

// readSource reads all of r, refusing sources over maxSourceSize.
func readSource(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSourceSize+1))
	if err != nil {
		return nil, fmt.Errorf("corpus: read source: %w", err)
	}
	if len(data) > maxSourceSize {
		return nil, fmt.Errorf("corpus: source is larger than %d bytes", maxSourceSize)
	}
	return data, nil
}

// ParseMarkdown reads a guideline in the Markdown source format described
// above. A malformed source gives a *SyntaxError naming the line: missing or
// invalid front matter, an unknown status, text before the first heading, a
// heading that skips a level, numbering out of sequence, a duplicate clause.
func ParseMarkdown(r io.Reader) (kb.Document, error) {
	data, err := readSource(r)
	if err != nil {
		return kb.Document{}, err
	}
	if err := validUTF8(data); err != nil {
		return kb.Document{}, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	if lines[0] != "---" {
		return kb.Document{}, &SyntaxError{Line: 1, Msg: `missing front matter: the file must start with a "---" line`}
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if lines[i] == "---" {
			end = i
			break
		}
	}
	if end < 0 {
		return kb.Document{}, &SyntaxError{Line: 1, Msg: `the front matter opened here is not closed by a "---" line`}
	}
	doc, err := parseFrontMatter(strings.Join(lines[1:end], "\n"), 2)
	if err != nil {
		return kb.Document{}, err
	}
	p := mdParser{seen: map[string]int{}}
	if err := p.body(lines[end+1:], end+2); err != nil {
		return kb.Document{}, err
	}
	doc.Clauses = p.clauses
	return doc, nil
}

// frontMatterKeys are the fields a document's front matter may set.
var frontMatterKeys = []string{"id", "title", "short_title", "number", "issuer", "year", "status", "source"}

// docIDPattern is what a document id may look like: it is part of every
// citation (gz-2017-it-guideline#1.2.3) and of the file name.
var docIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// yamlLinePattern finds the line number in a YAML syntax error.
var yamlLinePattern = regexp.MustCompile(`^yaml: line (\d+): `)

// parseFrontMatter decodes the YAML between the fences; first is the file
// line of its first line, so errors name lines of the whole file.
func parseFrontMatter(src string, first int) (kb.Document, error) {
	var doc kb.Document
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		msg, line := err.Error(), first
		if m := yamlLinePattern.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			line, msg = first+n-1, msg[len(m[0]):]
		}
		return doc, &SyntaxError{Line: line, Msg: "invalid front matter: " + msg}
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return doc, &SyntaxError{Line: first, Msg: "invalid front matter: want key: value lines (id, title, status, …)"}
	}
	m := root.Content[0]
	seen := map[string]bool{}
	status := ""
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		line := first + k.Line - 1
		if seen[k.Value] {
			return doc, &SyntaxError{Line: line, Msg: fmt.Sprintf("front matter sets %q twice", k.Value)}
		}
		seen[k.Value] = true
		if v.Kind != yaml.ScalarNode {
			return doc, &SyntaxError{Line: line, Msg: fmt.Sprintf("front matter field %q must be a single value", k.Value)}
		}
		s := v.Value
		if v.Tag == "!!null" {
			s = ""
		}
		switch k.Value {
		case "id":
			doc.ID = s
		case "title":
			doc.Title = s
		case "short_title":
			doc.ShortTitle = s
		case "number":
			doc.Number = s
		case "issuer":
			doc.Issuer = s
		case "source":
			doc.Source = s
		case "status":
			status = s
		case "year":
			if s != "" {
				y, err := strconv.Atoi(s)
				if err != nil || y < 1900 || y > 2200 {
					return doc, &SyntaxError{Line: line, Msg: fmt.Sprintf("front matter year %q is not a year", s)}
				}
				doc.Year = y
			}
		default:
			return doc, &SyntaxError{Line: line, Msg: fmt.Sprintf("unknown front matter field %q (known: %s)", k.Value, strings.Join(frontMatterKeys, ", "))}
		}
	}
	switch {
	case !docIDPattern.MatchString(doc.ID):
		return doc, &SyntaxError{Line: first, Msg: fmt.Sprintf("front matter id %q is missing or not of the form gz-2017-it-guideline (lower-case letters, digits, hyphens)", doc.ID)}
	case strings.TrimSpace(doc.Title) == "":
		return doc, &SyntaxError{Line: first, Msg: "front matter has no title"}
	case status == "":
		return doc, &SyntaxError{Line: first, Msg: "front matter has no status (现行, 修订 or 废止)"}
	case !kb.Status(status).Valid():
		return doc, &SyntaxError{Line: first, Msg: fmt.Sprintf("unknown status %q (want 现行, 修订 or 废止)", status)}
	}
	doc.Status = kb.Status(status)
	return doc, nil
}

// mdParser reads the body: headings and the paragraphs under them.
type mdParser struct {
	clauses []kb.Clause
	seen    map[string]int // clause id → line of its heading

	level      int  // level of the last heading, 0 before the first
	preamble   bool // the last level-1 heading was # 引言
	top, sub   int  // current section and sub-section numbers
	item       int  // last item number under the current parent
	topItems   bool // the current section has items directly under it
	topSubs    bool // the current section has sub-sections
	topLabel   string
	subLabel   string
	paragraphs []string // paragraphs of the current clause
	para       []string // lines of the current paragraph
}

// body parses the lines after the front matter; first is the file line of
// lines[0].
func (p *mdParser) body(lines []string, first int) error {
	for i, l := range lines {
		n := first + i
		switch {
		case strings.HasPrefix(l, "#"):
			if err := p.heading(l, n); err != nil {
				return err
			}
		case strings.TrimSpace(l) == "":
			p.endParagraph()
		default:
			if len(p.clauses) == 0 {
				return &SyntaxError{Line: n, Msg: `text before the first heading (the preamble goes under "# 引言")`}
			}
			p.para = append(p.para, l)
		}
	}
	p.endClause()
	return nil
}

func (p *mdParser) endParagraph() {
	if len(p.para) > 0 {
		if s := strings.TrimSpace(strings.Join(p.para, "")); s != "" {
			p.paragraphs = append(p.paragraphs, s)
		}
		p.para = nil
	}
}

// endClause stores the collected paragraphs as the last clause's text.
func (p *mdParser) endClause() {
	p.endParagraph()
	if len(p.clauses) > 0 {
		p.clauses[len(p.clauses)-1].Text = strings.Join(p.paragraphs, "\n")
	}
	p.paragraphs = nil
}

// heading reads one heading line: its level, numbering and title.
func (p *mdParser) heading(l string, n int) error {
	level := len(l) - len(strings.TrimLeft(l, "#"))
	rest := l[level:]
	if !strings.HasPrefix(rest, " ") {
		return &SyntaxError{Line: n, Msg: fmt.Sprintf("malformed heading %q: a space must follow the #", l)}
	}
	rest = strings.TrimSpace(rest)
	if level > 3 {
		return &SyntaxError{Line: n, Msg: fmt.Sprintf("heading %q is too deep: clauses go three levels deep (# 一、, ## （一）, ### 1.)", l)}
	}
	if level > p.level+1 {
		return &SyntaxError{Line: n, Msg: fmt.Sprintf("heading %q skips a level: it follows a level-%d heading", l, p.level)}
	}
	p.endClause()

	var c kb.Clause
	switch {
	case level == 1 && rest == "引言":
		if len(p.clauses) > 0 {
			return &SyntaxError{Line: n, Msg: `"# 引言" (the preamble) must be the first heading`}
		}
		c = kb.Clause{ID: "0", Label: "引言", Title: "引言"}
		p.preamble = true
	case level == 1:
		v, title, ok := cutTopNumber(rest)
		if !ok {
			return &SyntaxError{Line: n, Msg: fmt.Sprintf("cannot read the numbering of %q: a level-1 heading is \"# 引言\" or \"# 一、title\"", l)}
		}
		if v != p.top+1 {
			return &SyntaxError{Line: n, Msg: fmt.Sprintf("numbering out of sequence: %s where %s was expected", topLabel(v), topLabel(p.top+1))}
		}
		p.top, p.sub, p.item, p.topItems, p.topSubs, p.preamble = v, 0, 0, false, false, false
		p.topLabel = topLabel(v)
		c = kb.Clause{ID: strconv.Itoa(v), Label: p.topLabel, Title: title}
	case p.preamble:
		return &SyntaxError{Line: n, Msg: fmt.Sprintf("heading %q is under the preamble (引言), which has no sub-clauses", l)}
	case level == 2:
		if v, title, ok := cutSubNumber(rest); ok {
			if p.topItems {
				return &SyntaxError{Line: n, Msg: fmt.Sprintf("sub-section %s in section %s, which already numbers its items directly (%s1.)", subLabel(v), p.topLabel, p.topLabel)}
			}
			if v != p.sub+1 {
				return &SyntaxError{Line: n, Msg: fmt.Sprintf("numbering out of sequence: %s where %s was expected", subLabel(v), subLabel(p.sub+1))}
			}
			p.sub, p.item, p.topSubs = v, 0, true
			p.subLabel = subLabel(v)
			c = kb.Clause{ID: fmt.Sprintf("%d.%d", p.top, v), Label: p.topLabel + p.subLabel, Title: title}
			break
		}
		v, title, ok := cutItemNumber(rest)
		if !ok {
			return &SyntaxError{Line: n, Msg: fmt.Sprintf("cannot read the numbering of %q: a level-2 heading is \"## （一）title\" or \"## 1.\"", l)}
		}
		if p.topSubs {
			return &SyntaxError{Line: n, Msg: fmt.Sprintf("item %s directly under section %s, which has sub-sections: put it under one (### %s)", itemLabel(v), p.topLabel, itemLabel(v))}
		}
		if v != p.item+1 {
			return &SyntaxError{Line: n, Msg: fmt.Sprintf("numbering out of sequence: item %s where %s was expected", itemLabel(v), itemLabel(p.item+1))}
		}
		p.item, p.topItems = v, true
		p.subLabel = ""
		c = kb.Clause{ID: fmt.Sprintf("%d.%d", p.top, v), Label: p.topLabel + itemLabel(v), Title: title}
	default: // level 3
		v, title, ok := cutItemNumber(rest)
		if !ok {
			return &SyntaxError{Line: n, Msg: fmt.Sprintf("cannot read the numbering of %q: a level-3 heading is \"### 1.\"", l)}
		}
		if p.topItems {
			return &SyntaxError{Line: n, Msg: fmt.Sprintf("heading %q is under item %s%s, and items have no sub-items", l, p.topLabel, itemLabel(p.item))}
		}
		if v != p.item+1 {
			return &SyntaxError{Line: n, Msg: fmt.Sprintf("numbering out of sequence: item %s where %s was expected", itemLabel(v), itemLabel(p.item+1))}
		}
		p.item = v
		c = kb.Clause{ID: fmt.Sprintf("%d.%d.%d", p.top, p.sub, v), Label: p.topLabel + p.subLabel + itemLabel(v), Title: title}
	}
	if prev, dup := p.seen[c.ID]; dup {
		return &SyntaxError{Line: n, Msg: fmt.Sprintf("duplicate clause %s (id %s), first at line %d", c.Label, c.ID, prev)}
	}
	p.seen[c.ID] = n
	p.level = level
	p.clauses = append(p.clauses, c)
	return nil
}

// cutTopNumber splits "一、基础设施层方面" into 1 and the title.
func cutTopNumber(s string) (int, string, bool) {
	rs := []rune(s)
	v, end, ok := readHanNumeral(rs, 0)
	if !ok || end >= len(rs) || rs[end] != '、' {
		return 0, "", false
	}
	return v, strings.TrimSpace(string(rs[end+1:])), true
}

// cutSubNumber splits "（一）机房建设" (or "(一)机房建设") into 1 and the title.
func cutSubNumber(s string) (int, string, bool) {
	rs := []rune(s)
	if len(rs) == 0 || (rs[0] != '（' && rs[0] != '(') {
		return 0, "", false
	}
	v, end, ok := readHanNumeral(rs, 1)
	if !ok || end >= len(rs) || (rs[end] != '）' && rs[end] != ')') {
		return 0, "", false
	}
	return v, strings.TrimSpace(string(rs[end+1:])), true
}

// cutItemNumber splits "3." (or "3．", with an optional title after it)
// into 3 and the title.
func cutItemNumber(s string) (int, string, bool) {
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || s[0] == '0' {
		return 0, "", false
	}
	v, _ := strconv.Atoi(s[:i])
	rest := s[i:]
	switch {
	case strings.HasPrefix(rest, "."):
		rest = rest[1:]
	case strings.HasPrefix(rest, "．"):
		rest = rest[len("．"):]
	default:
		return 0, "", false
	}
	return v, strings.TrimSpace(rest), true
}
