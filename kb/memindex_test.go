package kb

import (
	"context"
	"sort"

	"zhiyin/nlp"
)

// memIndex is a brute-force Index for the package's own tests: every clause
// that holds a query term, scored by the summed boosts of the terms it holds.
// (kb's tests cannot import kb/bleveindex, which imports kb.)
type memIndex struct {
	docs  []IndexDoc
	terms []map[string]bool
}

func testIndexBuilder(_ context.Context, docs []IndexDoc, an *nlp.Analyzer) (Index, error) {
	m := &memIndex{docs: docs}
	for _, d := range docs {
		set := map[string]bool{}
		for _, s := range append([]string{d.Title, d.Text}, d.FAQ...) {
			for _, t := range an.Seg.SearchTokens(s) {
				set[t.Term] = true
			}
		}
		m.terms = append(m.terms, set)
	}
	return m, nil
}

func (m *memIndex) Search(_ context.Context, terms []QueryTerm, limit int) ([]IndexHit, error) {
	var hits []IndexHit
	for i, set := range m.terms {
		score := 0.0
		for _, t := range terms {
			if set[t.Term] {
				score += t.Boost
			}
		}
		if score > 0 {
			hits = append(hits, IndexHit{Key: m.docs[i].Key, Score: score})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

func (m *memIndex) Close() error { return nil }
