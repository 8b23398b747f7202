package kb

import (
	"context"
	"math"
	"sort"
	"strings"
	"unicode"

	"zhiyin/nlp"
)

// candidates is how many clauses the index proposes for re-ranking.
const candidates = 20

// scored is one candidate clause with the features of the decision.
type scored struct {
	ci       *clauseInfo
	cov      float64      // weighted share of the question covered by the clause's vocabulary
	textCov  float64      // the same, by the clause text and title alone
	faqSim   float64      // best weighted overlap with one of its FAQ questions
	faq      *faqQuestion // that FAQ question
	bm25     float64      // index score relative to the best candidate's
	phrase   float64      // longest run of the question found verbatim in the clause, relative
	score    float64
	answered bool
}

// Decision thresholds, calibrated by a grid search on the project's own
// question set, kb/testdata/questions.tsv (method in docs/ENGINE.md). A
// clause answers a question only when it covers most of the question's
// weight: a question about 电子政务外网 bandwidth shares 电子政务外网 with
// 一、（二）1., but 带宽, a heavy word, is nowhere in it, so it is refused.
// (A separate cap on the heaviest uncovered term was measured and did not
// help: coverage already accounts for it.)
const (
	minCoverage   = 0.60 // share of the question's weight the clause must cover
	minScore      = 0.46 // combined score
	suggestMinCov = 0.35 // below this a clause is no useful suggestion
)

// rank scores the index's candidates for the question terms, best first.
func (g *generation) rank(q []qterm, types []*answerType, qtext []rune) []scored {
	if len(q) == 0 {
		return nil
	}
	terms := make([]QueryTerm, 0, 2*len(q))
	for _, t := range q {
		terms = append(terms, QueryTerm{Term: t.term, Boost: t.w})
		for _, a := range t.alts {
			terms = append(terms, QueryTerm{Term: a, Boost: 0.7 * t.w})
		}
		for _, p := range t.parts {
			terms = append(terms, QueryTerm{Term: p[0], Boost: 0.5 * t.w})
		}
	}
	hits, err := g.idx.Search(context.Background(), terms, candidates)
	if err != nil || len(hits) == 0 {
		return nil
	}
	total := 0.0
	for _, t := range q {
		total += t.w
	}
	top := hits[0].Score
	m := newMatcher(q, total)
	out := make([]scored, 0, len(hits))
	for _, h := range hits {
		ci := g.clauses[h.Key]
		if ci == nil {
			continue
		}
		s := scored{ci: ci, bm25: h.Score / top}
		s.cov = coverage(q, total, ci.vocab)
		s.textCov = coverage(q, total, ci.textVoc)
		// A clause covering less than suggestMinCov can be neither the
		// answer (that needs minCoverage) nor a suggestion: the costlier
		// features would change nothing anyone sees, so they are skipped.
		if s.cov >= suggestMinCov {
			for i := range ci.faqs {
				f := &ci.faqs[i]
				if sim := m.similarity(f); sim > s.faqSim {
					s.faqSim, s.faq = sim, f
				}
			}
			s.phrase = m.phrase.match(qtext, ci.norm)
		}
		s.score = 0.40*s.cov + 0.30*s.faqSim + 0.15*s.textCov + 0.15*s.bm25 + phraseWeight*s.phrase
		s.answered = s.cov >= minCoverage && s.score >= minScore &&
			statesAll(ci.clause.Text, types)
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].answered != out[j].answered {
			return out[i].answered
		}
		return out[i].score > out[j].score
	})
	return out
}

// matchTerm says how well vocab covers a question term: 1 when it has the
// term; 0.8 when it has a synonym, or every part of a compound term (each
// part or a synonym of it: 国产软硬件 ← 国产 + 软硬件); 0.5 when it has the
// compound's head, its last part (Chinese compounds are head-final: a
// 存储设备 is a 设备, a 防病毒软件 a 软件); else 0.
func matchTerm(t qterm, vocab map[string]bool) float64 {
	if vocab[t.term] {
		return 1
	}
	if anyIn(t.alts, vocab) {
		return 0.8
	}
	if len(t.parts) == 0 {
		return 0
	}
	all := true
	for _, alts := range t.parts {
		if !anyIn(alts, vocab) {
			all = false
			break
		}
	}
	switch {
	case all:
		return 0.8
	case anyIn(t.parts[len(t.parts)-1], vocab):
		return 0.5
	}
	return 0
}

func anyIn(words []string, set map[string]bool) bool {
	for _, w := range words {
		if set[w] {
			return true
		}
	}
	return false
}

// coverage returns the share of the question's weight that vocab covers.
func coverage(q []qterm, total float64, vocab map[string]bool) float64 {
	if total == 0 {
		return 0
	}
	got := 0.0
	for _, t := range q {
		got += matchTerm(t, vocab) * t.w
	}
	return got / total
}

// matcher computes FAQ similarities for one question. There are many FAQ
// questions per candidate, each of a few words, while a question term can
// have dozens of synonyms: so the question's words and synonyms go into one
// map, and each FAQ question's few words are looked up in it.
type matcher struct {
	phrase phraser
	q      []qterm
	total  float64
	words  map[string][]wordMatch
	best   []float64 // per question term, reused
	parts  [][]bool  // per question term, which of its parts were seen; reused
}

type wordMatch struct {
	term  int     // index into q
	score float64 // 1 for the term itself, 0.8 for a synonym, 0 for a part
	part  int     // for a part: its index in q[term].parts
}

func newMatcher(q []qterm, total float64) *matcher {
	m := &matcher{q: q, total: total, words: map[string][]wordMatch{}, best: make([]float64, len(q)), parts: make([][]bool, len(q))}
	for i, t := range q {
		m.words[t.term] = append(m.words[t.term], wordMatch{term: i, score: 1})
		for _, a := range t.alts {
			m.words[a] = append(m.words[a], wordMatch{term: i, score: 0.8})
		}
		m.parts[i] = make([]bool, len(t.parts))
		for p, alts := range t.parts {
			for _, a := range alts {
				m.words[a] = append(m.words[a], wordMatch{term: i, part: p})
			}
		}
	}
	return m
}

// similarity is the weighted Jaccard overlap of the question with one FAQ
// question: shared weight over the weight of both. It counts a term as
// matchTerm does.
func (m *matcher) similarity(f *faqQuestion) float64 {
	for i := range m.best {
		m.best[i] = 0
		clear(m.parts[i])
	}
	for _, w := range f.words {
		for _, wm := range m.words[w] {
			if wm.score == 0 {
				m.parts[wm.term][wm.part] = true
			} else if wm.score > m.best[wm.term] {
				m.best[wm.term] = wm.score
			}
		}
	}
	shared := 0.0
	for i, t := range m.q {
		if ps := m.parts[i]; m.best[i] == 0 && len(ps) > 0 {
			// As matchTerm: all parts 0.8, the head (last part) alone 0.5.
			all := true
			for _, seen := range ps {
				all = all && seen
			}
			switch {
			case all:
				m.best[i] = 0.8
			case ps[len(ps)-1]:
				m.best[i] = 0.5
			}
		}
		shared += m.best[i] * t.w
	}
	union := m.total + f.weight - shared
	if union <= 0 {
		return 0
	}
	return shared / union
}

// answer answers one question, reading it against the previous turn of its
// session when it looks like an elliptical follow-up.
func (g *generation) answer(text string, prev *turn) (Answer, *turn) {
	norm := nlp.Normalize(text)
	if !hasLetter(norm) {
		return g.emptyReply(), nil
	}
	q := g.query(text)
	if isSocial(q) {
		return g.greetingReply(), nil
	}
	types := askedTypes(norm)
	qtext := letters(norm)
	ranked := g.rank(q, types, qtext)
	cur := &turn{text: text, terms: q}
	if prev != nil {
		if marked, short := followUpSigns(norm, q); marked || short {
			merged := mergeTerms(prev.terms, q)
			r2 := g.rank(merged, types, qtext)
			// A marked ellipsis ("那服务器呢？") means "the same question, about
			// this": its merged reading wins whenever it is answered. An
			// unmarked short question wins only if the merged reading is
			// clearly better than the question alone.
			if (marked && len(r2) > 0 && r2[0].answered) || better(r2, ranked) {
				ranked = r2
				q = merged
				cur.terms = merged
			}
		}
	}
	if len(ranked) == 0 || !ranked[0].answered || g.markedOutOfScope(q, ranked[0]) {
		return g.refusal(ranked), cur
	}
	return g.build(ranked, q), cur
}

// negativeMinSim is how close a question must be to an editor's
// out-of-scope question to be refused like it (weighted Jaccard overlap).
const negativeMinSim = 0.6

// markedOutOfScope reports whether the question reads like one an editor
// marked as out of scope, more closely than like the best clause's FAQ
// questions: then it is refused even though its words match the clause.
func (g *generation) markedOutOfScope(q []qterm, best scored) bool {
	if len(g.negs) == 0 {
		return false
	}
	total := 0.0
	for _, t := range q {
		total += t.w
	}
	m := newMatcher(q, total)
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
func (g *generation) build(ranked []scored, q []qterm) Answer {
	best := ranked[0]
	quote := g.quote(best.ci, q, best.faq)
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

// followUpStarts begin an elliptical question that leans on the one
// before: "那软件呢？", "如果是区级单位呢", "还有呢".
var followUpStarts = []string{"那", "那么", "那如果", "如果是", "要是", "还有", "另外", "同样", "也"}

// followUpSigns tells how much a question looks like a follow-up: marked
// when it starts or ends like one ("那软件呢？", "如果是区级单位呢"), short
// when it has too few words of weight to stand alone.
func followUpSigns(norm string, q []qterm) (marked, short bool) {
	s := strings.TrimRight(norm, "?？。.!！ ")
	if strings.HasSuffix(s, "呢") {
		marked = true
	}
	for _, p := range followUpStarts {
		if strings.HasPrefix(s, p) {
			marked = true
		}
	}
	heavy := 0
	for _, t := range q {
		if t.w >= 2 {
			heavy++
		}
	}
	return marked, heavy <= 2
}

// mergeTerms reads a follow-up against the previous question: the new terms
// plus the previous ones. (Measured on kb/testdata/followups.tsv: keeping the
// previous terms at full weight reads ellipses best; down-weighting them let
// the one new word pull the answer to an unrelated clause.)
func mergeTerms(prev, cur []qterm) []qterm {
	out := append([]qterm(nil), cur...)
	have := map[string]bool{}
	for _, t := range cur {
		have[t.term] = true
	}
	for _, t := range prev {
		if have[t.term] {
			continue
		}
		out = append(out, t)
	}
	return out
}

// phraseWeight is the weight of the phrase feature in the score: a clause
// that contains a long stretch of the question word for word (业务协同项目)
// is more likely the one asked about than one that has the same words
// apart. Measured on kb/testdata/questions.tsv.
const phraseWeight = 0.10

// phraser finds the longest run of a question in clause texts, reusing its
// buffers across the candidates of one question.
type phraser struct{ prev, cur []int }

// match is the length of the longest run of the question's letters found
// verbatim in the clause's normalised text, over the question's length;
// runs under three characters count as nothing.
func (p *phraser) match(q, text []rune) float64 {
	if len(q) == 0 || len(text) == 0 {
		return 0
	}
	if cap(p.prev) < len(text)+1 {
		p.prev, p.cur = make([]int, len(text)+1), make([]int, len(text)+1)
	}
	prev, cur := p.prev[:len(text)+1], p.cur[:len(text)+1]
	clear(prev)
	cur[0] = 0
	best := 0
	for i := 1; i <= len(q); i++ {
		for j := 1; j <= len(text); j++ {
			if q[i-1] == text[j-1] {
				cur[j] = prev[j-1] + 1
				if cur[j] > best {
					best = cur[j]
				}
			} else {
				cur[j] = 0
			}
		}
		prev, cur = cur, prev
	}
	if best < 3 {
		return 0
	}
	return float64(best) / float64(len(q))
}

// letters returns the letters and digits of a normalised text.
func letters(norm string) []rune {
	out := make([]rune, 0, len(norm)/3)
	for _, r := range norm {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			out = append(out, r)
		}
	}
	return out
}
