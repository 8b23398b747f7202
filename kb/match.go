package kb

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
