package kb

import "sync"

// matcher compares one question with clause vocabularies, sentences and FAQ
// questions. A question term can have dozens of synonyms while an FAQ
// question has a few words and a clause a few dozen, so the question's
// words, synonyms and compound parts go into a table indexed by term id
// (one array read per word compared), and the clause side is only walked.
// (matchedWeight and coverage are read off the same table.)
type matcher struct {
	phrase   *phraser
	q        []qterm
	total    float64     // the question's weight
	heaviest float64     // its heaviest term's weight
	slot     []int32     // per term id: 1 + index of the word's first entry; 0 when the question lacks it
	entries  []wordMatch // what words mean for the question, chained per word
	touched  []int32     // ids whose slot is set, cleared on release
	slotp    *[]int32    // slot as the pool holds it
	pool     *sync.Pool  // where slot came from
	best     []float64   // per question term: how well the last words compared cover it
	parts    [][]bool    // per question term, which of its parts were seen (pieces of partBuf)
	partBuf  []bool
	seen     []bool // per question term: touched by the last words compared
	hit      []int  // the terms touched, to reset
	faqs     []bool // per FAQ question number: shares a word with the question (markFAQs)
}

// markFAQs marks the clauses' FAQ questions that share a word (or a
// synonym or compound part) with the question: the others have similarity
// 0 and need not be compared.
func (m *matcher) markFAQs(g *generation) {
	m.faqs = resize(m.faqs, g.faqCount)
	for _, id := range m.touched {
		for _, n := range g.faqsOf[id] {
			m.faqs[n] = true
		}
	}
}

type wordMatch struct {
	term  int32   // index into q
	part  int32   // for a part: its index in q[term].parts
	next  int32   // 1 + index of the word's next entry, or 0
	score float64 // 1 for the term itself, 0.8 for a synonym, 0 for a part
}

// matchers keeps matchers and their buffers between questions: a matcher
// holds a few dozen small slices, which were a tenth of a question's
// allocations.
var matchers = sync.Pool{New: func() any { return new(matcher) }}

// newMatcher prepares the comparison of question q with the generation's
// texts. The caller must release it.
func (g *generation) newMatcher(q []qterm) *matcher {
	m := matchers.Get().(*matcher)
	m.q, m.total, m.heaviest, m.pool = q, 0, 0, &g.slots
	for _, t := range q {
		m.total += t.w
		m.heaviest = max(m.heaviest, t.w)
	}
	m.slotp = g.slots.Get().(*[]int32)
	m.slot = *m.slotp
	m.phrase = phrasers.Get().(*phraser)
	m.best = resize(m.best, len(q))
	m.seen = resize(m.seen, len(q))
	m.parts = resize(m.parts, len(q))
	nparts := 0
	for _, t := range q {
		nparts += len(t.partIDs)
	}
	m.partBuf = resize(m.partBuf, nparts)
	buf := m.partBuf
	for i, t := range q {
		m.parts[i], buf = buf[:len(t.partIDs):len(t.partIDs)], buf[len(t.partIDs):]
		m.add(t.id, wordMatch{term: int32(i), score: 1})
		for _, a := range t.altIDs {
			m.add(a, wordMatch{term: int32(i), score: 0.8})
		}
		for p, alts := range t.partIDs {
			for _, a := range alts {
				m.add(a, wordMatch{term: int32(i), part: int32(p)})
			}
		}
	}
	return m
}

// resize returns s with n zero elements, reusing its array when it can.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func (m *matcher) add(id int32, wm wordMatch) {
	if id < 0 {
		return
	}
	if m.slot[id] == 0 {
		m.touched = append(m.touched, id)
	}
	wm.next = m.slot[id]
	m.entries = append(m.entries, wm)
	m.slot[id] = int32(len(m.entries))
}

// release clears the table and returns it to the generation's pool, and
// the matcher to its own.
func (m *matcher) release() {
	for _, id := range m.touched {
		m.slot[id] = 0
	}
	m.pool.Put(m.slotp)
	phrasers.Put(m.phrase)
	m.slot, m.slotp, m.phrase, m.pool, m.q = nil, nil, nil, nil, nil
	m.entries, m.touched, m.hit = m.entries[:0], m.touched[:0], m.hit[:0]
	matchers.Put(m)
}

// phrasers keeps the phrase matchers' buffers between questions: they are
// as long as the longest clause, and allocating them per question was a
// tenth of a question's garbage.
var phrasers = sync.Pool{New: func() any { return new(phraser) }}

// shared returns the weight of the question that the words ids cover, and
// leaves in m.best how well each question term is covered by a word itself
// or a synonym (see covered for compounds). Only the question terms the words
// touch are reset and summed: most FAQ questions share a word or two with a
// question.
func (m *matcher) shared(ids []int32) float64 {
	for _, i := range m.hit {
		m.best[i] = 0
		clear(m.parts[i])
		m.seen[i] = false
	}
	m.hit = m.hit[:0]
	return m.sharedMore(ids)
}

// sharedMore is shared of the words of the last shared call and ids
// together, without walking the former again.
func (m *matcher) sharedMore(ids []int32) float64 {
	for _, id := range ids {
		for e := m.slot[id]; e != 0; {
			wm := &m.entries[e-1]
			e = wm.next
			if !m.seen[wm.term] {
				m.seen[wm.term] = true
				m.hit = append(m.hit, int(wm.term))
			}
			if wm.score == 0 {
				m.parts[wm.term][wm.part] = true
			} else if wm.score > m.best[wm.term] {
				m.best[wm.term] = wm.score
			}
		}
	}
	shared := 0.0
	for _, i := range m.hit {
		shared += m.covered(i) * m.q[i].w
	}
	return shared
}

// covered is how well the words compared last cover question term i: 1 when
// they have the term; 0.8 when they have a synonym, or every part of a
// compound term (each part or a synonym of it: 国产软硬件 ← 国产 + 软硬件);
// 0.5 when they have the compound's head, its last part (Chinese compounds
// are head-final: a 存储设备 is a 设备, a 防病毒软件 a 软件); else 0.
func (m *matcher) covered(i int) float64 {
	ps := m.parts[i]
	if b := m.best[i]; b > 0 || len(ps) == 0 {
		return b
	}
	all := true
	for _, seen := range ps {
		all = all && seen
	}
	switch {
	case all:
		return 0.8
	case ps[len(ps)-1]:
		return 0.5
	}
	return 0
}

// matchedWeight is the weight of the question terms the words ids match at
// all (as matchTerm > 0).
func (m *matcher) matchedWeight(ids []int32) float64 {
	m.shared(ids)
	w := 0.0
	for _, i := range m.hit {
		if m.covered(i) > 0 {
			w += m.q[i].w
		}
	}
	return w
}

// coverage returns the share of the question's weight that the vocabulary
// covers.
func (m *matcher) coverage(vocab idSet) float64 {
	if m.total == 0 {
		return 0
	}
	return m.shared(vocab) / m.total
}

// coverageMore is coverage of the vocabulary of the last coverage (or
// shared) call and more together.
func (m *matcher) coverageMore(more idSet) float64 {
	if m.total == 0 {
		return 0
	}
	return m.sharedMore(more) / m.total
}

// similarity is the weighted Jaccard overlap of the question with one FAQ
// question: shared weight over the weight of both.
func (m *matcher) similarity(f *faqQuestion) float64 {
	shared := m.shared(f.ids)
	union := m.total + f.weight - shared
	if union <= 0 {
		return 0
	}
	return shared / union
}

// unknownWeight is the weight of the question's terms that nothing in the
// generation has: no clause, FAQ question, synonym or compound part.
func (m *matcher) unknownWeight() float64 {
	w := 0.0
	for _, t := range m.q {
		if t.id != noTerm || len(t.altIDs) > 0 || t.w <= lightWeight {
			continue
		}
		known := false
		for _, p := range t.partIDs {
			known = known || len(p) > 0
		}
		if !known {
			w += t.w
		}
	}
	return w
}

// heavyCovered counts the question's content words (weight 3 or more) that
// the words compared last cover.
func (m *matcher) heavyCovered() int {
	n := 0
	for _, i := range m.hit {
		if m.q[i].w >= contentWeight && m.covered(i) > 0 {
			n++
		}
	}
	return n
}

// askCovered is the share of the weight of the question's asking terms
// (those not only in its scene, see markScene) that the words compared last
// cover; ok is false when the question has no scene.
func (m *matcher) askCovered() (share float64, ok bool) {
	all, got := 0.0, 0.0
	for i, t := range m.q {
		if t.scene {
			ok = true
			continue
		}
		if t.w <= lightWeight {
			continue
		}
		all += t.w
		if m.seen[i] {
			got += m.covered(i) * t.w
		}
	}
	if !ok || all == 0 {
		return 0, false
	}
	return got / all, true
}
