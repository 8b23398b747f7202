package bleveindex

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"zhiyin/kb"
)

// Large corpora are searched in two steps. Bleve's disjunction visits every
// posting of every term: a question's common words (单位, 建设, 系统 …) are
// in a large share of the clauses, so at 100,000 clauses one search visited
// tens of thousands of clauses per term, and Bleve was 88 % of Ask; the
// cost grows with the corpus. When a search's terms have more than
// pruneMaxPostings postings in all, step one searches only the rarest terms
// whose postings add up to at most pruneMaxPostings (at least the rarest
// term) and keeps pruneCandidates×limit clauses; step two scores exactly
// those clauses with the whole query (a conjunction with their ids), so
// the hits' scores are those of the one-step search (to the last bits:
// Bleve sums a clause's term scores in heap order, which differs). What
// changes is only which clauses can come back: a clause with none of step
// one's terms, or outside its candidates, is not found. The other terms
// stand in step one with their real weight (see commonTerm), so its scores
// are the whole query's minus those terms' share.
//
// The bound is absolute, so a search costs about the same at any corpus
// size. 50,000 postings, on the synthetic corpus of scripts/scale at
// 100,000 clauses (500 questions): the index search's p50/p99 was
// 5.6/11 ms against 9.5/53 ms for the exact search, and it returned 99.5 %
// of the exact top-20 clauses and the same best clause 99.8 % of the time
// (20,000: 3.9/10 ms, 95 % and 99.4 %). The project's corpora never reach
// it: the embedded guideline is 45 clauses, so a search has at most 45
// postings per term (~1,000 in all for the longest questions), and a
// guideline of a thousand clauses stays under it too; the retrieval golden
// and the evaluation therefore always see the exact one-step search.
const (
	pruneMaxPostings = 50_000
	pruneCandidates  = 10
)

// child is one term query of the disjunction, with its term's document
// frequency.
type child struct {
	term, field string
	boost       float64
	df          int // -1: not known yet (bigram terms have no dictionary)
}

// Search returns up to limit clauses matching any of the terms, best first.
// With the bigram field (not in DefaultOptions), a term the dictionary lacks
// is also looked up by its character bigrams, a fallback for words the
// segmenter cuts differently in question and clause. Terms are term queries, never a parsed query string: Bleve query
// syntax in a question is just text.
func (x *Index) Search(ctx context.Context, terms []kb.QueryTerm, limit int) ([]kb.IndexHit, error) {
	return x.search(ctx, terms, limit, true, !x.opts.NoPrune)
}

// SearchExact is Search without the two-step search of large corpora: the
// exact top hits, for measuring what the two steps lose (scripts/scale).
func (x *Index) SearchExact(ctx context.Context, terms []kb.QueryTerm, limit int) ([]kb.IndexHit, error) {
	return x.search(ctx, terms, limit, true, false)
}

// search is Search; with skipAbsent false every term is a Bleve term query,
// as before the dictionary filter (the filter's test compares the two).
func (x *Index) search(ctx context.Context, terms []kb.QueryTerm, limit int, skipAbsent, prune bool) ([]kb.IndexHit, error) {
	if len(terms) == 0 || x.docs == 0 || limit <= 0 {
		return nil, nil
	}
	cs := make([]child, 0, len(terms))
	present := 0
	for i, t := range terms {
		if t.Term == "" || seenBefore(terms[:i], t.Term) {
			continue
		}
		ti, ok := x.text.df[t.Term]
		c := child{term: t.Term, field: "text", boost: t.Boost, df: int(ti.df)}
		if !skipAbsent && !ok {
			c.df = -1
		}
		if c.df != 0 {
			present++
		}
		cs = append(cs, c)
		if x.opts.NoBigram || ti.known || (!ok && x.an.Seg.Known(t.Term)) {
			continue
		}
		for _, g := range Bigrams(t.Term) {
			cs = append(cs, child{term: g, field: "bigram", boost: t.Boost * bigramBoost, df: -1})
			present++
		}
	}
	if present == 0 {
		return nil, nil // no term is in any clause: nothing can match
	}
	if prune {
		// An upper bound first: bigram terms have no dictionary, and
		// looking up their frequency costs a search of every segment.
		bound := 0
		for _, c := range cs {
			if c.df < 0 {
				bound += x.docs
			} else {
				bound += c.df
			}
		}
		if bound > x.pruneMaxPostings {
			if hits, ok, err := x.twoStep(ctx, cs, limit); ok || err != nil {
				return hits, err
			}
		}
	}
	return x.run(ctx, x.disjunction(cs, nil), limit)
}

// disjunction is the query of cs. A child with df 0 is an absentTerm; one
// in common (when not nil) stands in with its weight but matches nothing.
func (x *Index) disjunction(cs []child, common []bool) query.Query {
	qs := make([]query.Query, len(cs))
	for i, c := range cs {
		switch {
		case c.df == 0:
			// Matches nothing, but weighs in the query norm and the
			// coordination factor like Bleve's own term query.
			idf := x.text.absentIDF
			if c.field == "bigram" {
				idf = x.bigramAbsentIDF
			}
			qs[i] = absentTerm{boost: c.boost, idf: idf}
		case common != nil && common[i]:
			qs[i] = commonTerm{term: c.term, field: c.field, boost: c.boost}
		default:
			q := bleve.NewTermQuery(c.term)
			q.SetField(c.field)
			q.SetBoost(c.boost)
			qs[i] = q
		}
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// twoStep is the search of a large corpus (see pruneMaxPostings). ok is
// false when the terms' postings are within the bound after all: the
// one-step search is then no costlier.
func (x *Index) twoStep(ctx context.Context, cs []child, limit int) (hits []kb.IndexHit, ok bool, err error) {
	order := make([]int, 0, len(cs))
	total := 0
	for i := range cs {
		c := &cs[i]
		if c.df < 0 {
			if c.df, err = x.docFreq(c.field, c.term); err != nil {
				return nil, false, err
			}
		}
		if c.df > 0 {
			order = append(order, i)
			total += c.df
		}
	}
	if total <= x.pruneMaxPostings {
		return nil, false, nil
	}
	// Rarest first; equal frequencies in query order, so that a search is
	// reproducible.
	slices.SortStableFunc(order, func(a, b int) int { return cs[a].df - cs[b].df })
	common := make([]bool, len(cs))
	sum := 0
	for k, i := range order {
		sum += cs[i].df
		common[i] = k > 0 && sum > x.pruneMaxPostings
	}
	cand, err := x.run(ctx, x.disjunction(cs, common), pruneCandidates*limit)
	if err != nil || len(cand) == 0 {
		return cand, true, err
	}
	ids := make([]string, len(cand))
	for i, h := range cand {
		ids[i] = h.Key
	}
	// Boost 0: the id query adds 0 to each score and 0 to the query norm's
	// sum, so a candidate's score is its score in the one-step search.
	only := bleve.NewDocIDQuery(ids)
	only.SetBoost(0)
	hits, err = x.run(ctx, bleve.NewConjunctionQuery(only, x.disjunction(cs, nil)), limit)
	return hits, true, err
}

// docFreq returns the number of clauses with term in field.
func (x *Index) docFreq(field, term string) (int, error) {
	r, err := x.adv.Reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return int(tfr.Count()), nil
}

// run runs q and returns its top hits.
func (x *Index) run(ctx context.Context, q query.Query, limit int) ([]kb.IndexHit, error) {
	if x.viaBleve {
		return x.runBleve(ctx, q, limit)
	}
	return x.collect(ctx, q, limit)
}

// runBleve is run through Bleve's own search request, to check collect.
func (x *Index) runBleve(ctx context.Context, q query.Query, limit int) ([]kb.IndexHit, error) {
	req := bleve.NewSearchRequestOptions(q, limit, 0, false)
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("bleveindex: search: %w", err)
	}
	hits := make([]kb.IndexHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, kb.IndexHit{Key: h.ID, Score: h.Score})
	}
	return hits, nil
}

// seenBefore reports whether term is among terms: a question has a few
// dozen terms at most, so a scan is cheaper than a map.
func seenBefore(terms []kb.QueryTerm, term string) bool {
	return slices.ContainsFunc(terms, func(t kb.QueryTerm) bool { return t.Term == term })
}

// Close releases the index (and removes its directory when on disk). A
// second Close does nothing: Bleve's panics.
func (x *Index) Close() error {
	x.closeOnce.Do(func() {
		x.closeErr = x.idx.Close()
		if err := x.removeDir(); x.closeErr == nil {
			x.closeErr = err
		}
	})
	return x.closeErr
}

func (x *Index) removeDir() error {
	if x.dir == "" {
		return nil
	}
	return os.RemoveAll(x.dir)
}
