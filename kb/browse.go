package kb

import (
	"context"
	"sort"
	"strings"
	"unicode"

	"zhiyin/nlp"
)

func isBlank(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r)
}

// Documents returns the documents being served, in corpus order, without
// their clauses.
func (s *Service) Documents() []Document {
	g, ok := s.acquire()
	if !ok {
		return nil
	}
	defer g.release()
	out := make([]Document, 0, len(g.k.Documents))
	for _, d := range g.k.Documents {
		d.Clauses = nil
		out = append(out, d)
	}
	return out
}

// Document returns one document with its clauses, or a CodeNotFound error.
func (s *Service) Document(id string) (Document, error) {
	g, ok := s.acquire()
	if !ok {
		return Document{}, errClosed
	}
	defer g.release()
	d, ok := g.docs[id]
	if !ok {
		return Document{}, Errorf(CodeNotFound, "没有找到文件 %s", id)
	}
	return *d, nil
}

// Clause returns one clause with its citation and neighbours, or a
// CodeNotFound error.
func (s *Service) Clause(doc, clause string) (ClauseView, error) {
	g, ok := s.acquire()
	if !ok {
		return ClauseView{}, errClosed
	}
	defer g.release()
	d, ok := g.docs[doc]
	if !ok {
		return ClauseView{}, Errorf(CodeNotFound, "没有找到文件 %s", doc)
	}
	for i, c := range d.Clauses {
		if c.ID != clause {
			continue
		}
		v := ClauseView{Doc: d.ID, DocTitle: d.Title, Clause: c, Ref: d.Citation(c), Children: d.Children(c.ID)}
		if p, ok := d.Clause(ParentID(c.ID)); ok {
			v.Parent = &p
		}
		if i > 0 {
			p := d.Clauses[i-1]
			v.Prev = &p
		}
		if i+1 < len(d.Clauses) {
			n := d.Clauses[i+1]
			v.Next = &n
		}
		return v, nil
	}
	return ClauseView{}, Errorf(CodeNotFound, "没有找到条款 %s", clause)
}

// Search finds clauses for browsing: every clause (of any status) whose
// title or text contains a term of the query, best first, with the matches
// marked. Unlike Ask it decides nothing; it lists. It returns a CodeInvalid
// error for a blank or over-long query.
func (s *Service) Search(ctx context.Context, query string, limit int) ([]SearchHit, error) {
	if err := validateText(query, "请输入要搜索的词语", "搜索内容太长了（%d 字），请精简到 %d 字以内"); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	g, ok := s.acquire()
	if !ok {
		return nil, errClosed
	}
	defer g.release()
	q := g.query(query)
	if len(q) == 0 {
		return []SearchHit{}, nil
	}
	want := map[string]float64{}
	for _, t := range q {
		want[t.term] = t.w
	}
	var hits []SearchHit
	for _, d := range g.k.Documents {
		for _, c := range d.Clauses {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			text, ts := g.mark(c.Text, want)
			title, tt := g.mark(c.Title, want)
			if ts+tt == 0 {
				continue
			}
			h := SearchHit{
				Doc: d.ID, DocTitle: d.Title, Clause: c.ID, Label: c.Label, Title: c.Title,
				Ref: d.Citation(c), Score: ts + 1.5*tt, Text: text,
			}
			if tt > 0 {
				h.TitleSpans = title
			}
			hits = append(hits, h)
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

// mark cuts text into spans, marking the tokens (and the words inside long
// ones) that are wanted; it returns the summed weight of distinct matches.
func (g *generation) mark(text string, want map[string]float64) ([]Span, float64) {
	if text == "" {
		return nil, 0
	}
	type rng struct{ s, e int }
	var rs []rng
	seen := map[string]bool{}
	score := 0.0
	for _, t := range g.an.Seg.SearchTokens(text) {
		w, ok := want[t.Term]
		if !ok || nlp.IsStop(t.Term) {
			continue
		}
		rs = append(rs, rng{t.Start, t.End})
		if !seen[t.Term] {
			seen[t.Term] = true
			score += w
		}
	}
	if len(rs) == 0 {
		return []Span{{Text: text}}, 0
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].s < rs[j].s })
	var spans []Span
	pos := 0
	for _, r := range rs {
		if r.e <= pos {
			continue
		}
		if r.s < pos {
			r.s = pos
		}
		if r.s > pos {
			spans = append(spans, Span{Text: text[pos:r.s]})
		}
		if n := len(spans); n > 0 && spans[n-1].Match && r.s == pos {
			spans[n-1].Text += text[r.s:r.e]
		} else {
			spans = append(spans, Span{Text: text[r.s:r.e], Match: true})
		}
		pos = r.e
	}
	if pos < len(text) {
		spans = append(spans, Span{Text: text[pos:]})
	}
	return spans, score
}

// joinSpans returns the text of spans; tests use it to check nothing is lost.
func joinSpans(spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.Text)
	}
	return b.String()
}
