package kb

import (
	"math"
	"unicode"

	"zhiyin/nlp"
)

// answer answers one question, reading it against the previous turn of its
// session when it looks like an elliptical follow-up.
func (g *generation) answer(text string, prev *turn) (Answer, *turn) {
	norm := nlp.Normalize(text)
	if !hasLetter(norm) {
		return g.emptyReply(), nil
	}
	q, asked := g.readQuestion(norm)
	if isSocial(q) {
		return g.greetingReply(), nil
	}
	qtext := letters(norm)
	m := g.newMatcher(q)
	defer m.release()
	ranked := g.rank(m, asked, qtext)
	cur := &turn{text: text, terms: termsOf(q)}
	if prev != nil {
		if marked, short := followUpSigns(norm, q); marked || short {
			merged := mergeTerms(g.reread(prev), q)
			m2 := g.newMatcher(merged)
			defer m2.release()
			r2 := g.rank(m2, asked, qtext)
			// A marked ellipsis ("那服务器呢？") means "the same question, about
			// this": its merged reading wins whenever it is answered. An
			// unmarked short question wins only if the merged reading is
			// clearly better than the question alone.
			if (marked && len(r2) > 0 && r2[0].answered) || better(r2, ranked) {
				ranked, m = r2, m2
				cur.terms = termsOf(merged)
			}
		}
	}
	if len(ranked) == 0 || !ranked[0].answered || g.markedOutOfScope(m, ranked[0]) {
		return g.refusal(ranked), cur
	}
	return g.build(ranked, m), cur
}

// reread returns the terms of a previous turn as this generation reads
// them (from its cache of term analyses: a publish between two questions
// of a session may have changed them).
func (g *generation) reread(prev *turn) []qterm {
	out := make([]qterm, 0, len(prev.terms))
	for _, t := range prev.terms {
		out = append(out, g.term(t))
	}
	return out
}

// termsOf returns the words of q, what a session keeps of a turn.
func termsOf(q []qterm) []string {
	out := make([]string, len(q))
	for i, t := range q {
		out[i] = t.term
	}
	return out
}

// negativeMinSim is how close a question must be to an editor's
// out-of-scope question to be refused like it (weighted Jaccard overlap).
const negativeMinSim = 0.6

// markedOutOfScope reports whether the question reads like one an editor
// marked as out of scope, more closely than like the best clause's FAQ
// questions: then it is refused even though its words match the clause.
func (g *generation) markedOutOfScope(m *matcher, best scored) bool {
	for i := range g.negs {
		if sim := m.similarity(&g.negs[i]); sim >= negativeMinSim && sim >= best.faqSim {
			return true
		}
	}
	return false
}

// better reports whether ranking a beats b: an answer beats a refusal, else
// the higher top score wins.
func better(a, b []scored) bool {
	if len(a) == 0 {
		return false
	}
	if len(b) == 0 {
		return true
	}
	if a[0].answered != b[0].answered {
		return a[0].answered
	}
	return a[0].answered && a[0].score > b[0].score+0.05
}

// build turns the winning candidate into an answer with up to three related
// citations.
func (g *generation) build(ranked []scored, m *matcher) Answer {
	best := ranked[0]
	quote := g.quote(best.ci, m, best.faq)
	c := g.citation(best.ci, quote)
	a := Answer{
		Answered:   true,
		Kind:       KindAnswer,
		Confidence: confidence(best),
		Text:       "根据" + c.Ref + "：" + quote,
		Citations:  []Citation{c},
	}
	if best.ci.doc.Status == StatusRevised {
		a.Notice = "注意：《" + best.ci.doc.Title + "》已修订，请以修订后的文件为准。"
	}
	seen := map[string]bool{best.ci.key: true}
	add := func(ci *clauseInfo) {
		if ci == nil || seen[ci.key] || len(a.Citations) >= 4 {
			return
		}
		seen[ci.key] = true
		a.Citations = append(a.Citations, g.citation(ci, ""))
	}
	for _, k := range best.ci.related {
		add(g.clauses[k])
	}
	for _, r := range ranked[1:] {
		if r.cov >= minCoverage && r.score >= 0.8*best.score {
			add(r.ci)
		}
	}
	return a
}

// confidence maps the combined score to [0,1]: a logistic curve centred on
// the answering threshold, so 0.5 is the border between answer and refusal.
func confidence(s scored) float64 {
	c := 1 / (1 + math.Exp(-12*(s.score-minScore)))
	if !s.answered && c > 0.45 {
		// Refused for coverage or answer type despite a good score: the
		// nearest clause is no answer, and the figure must not say it is.
		c = 0.45
	}
	return math.Round(c*100) / 100
}

func (g *generation) citation(ci *clauseInfo, quote string) Citation {
	return Citation{
		Doc: ci.doc.ID, DocTitle: ci.doc.Title, DocShort: ci.doc.ShortTitle, Clause: ci.clause.ID,
		Label: ci.clause.Label, Title: ci.clause.Title, Text: ci.clause.Text,
		Quote: quote, Ref: ci.doc.Citation(ci.clause),
	}
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}
