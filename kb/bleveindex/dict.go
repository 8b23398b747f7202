package bleveindex

import (
	"context"
	"fmt"
	"math"
	"reflect"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// fieldDict is what Search needs to know about one field's terms without
// asking Bleve: each term's document frequency, and the weight Bleve gives
// a term that no document has.
type fieldDict struct {
	df map[string]termInfo
	// absentIDF is the idf Bleve's BM25 scorer computes for a term with
	// document frequency 0 in this field (see absentTerm).
	absentIDF float64
}

// termInfo is one term of a field's dictionary.
type termInfo struct {
	df uint32 // documents with the term
	// known caches the segmenter's Known for terms of the text field: a
	// dictionary lookup in gse was a tenth of a search.
	known bool
}

// readDict reads the term dictionary of field once the index is built (the
// index never changes after Build, so the dictionary and the document count
// hold for every later search).
func readDict(idx bleve.Index, field string, known func(string) bool) (fieldDict, error) {
	fd, err := idx.FieldDict(field)
	if err != nil {
		return fieldDict{}, fmt.Errorf("bleveindex: dictionary of %s: %w", field, err)
	}
	d := fieldDict{df: make(map[string]termInfo, fd.Cardinality())}
	for {
		e, err := fd.Next()
		if err != nil {
			fd.Close()
			return fieldDict{}, fmt.Errorf("bleveindex: dictionary of %s: %w", field, err)
		}
		if e == nil {
			break
		}
		ti := termInfo{df: uint32(min(e.Count, math.MaxUint32))}
		if known != nil {
			ti.known = known(e.Term)
		}
		d.df[e.Term] = ti
	}
	if err := fd.Close(); err != nil {
		return fieldDict{}, err
	}
	d.absentIDF, err = absentIDF(idx, field)
	return d, err
}

// absentIDF is the idf that searcher.NewTermSearcher gives a term of field
// with no postings, computed the way bleve v2's bm25ScoreMetrics and
// TermQueryScorer.computeIDF do (BM25 when the field's average length is
// positive, else tf-idf). TestDictionaryFilterKeepsScores checks the
// result against Bleve's own scores, so a Bleve upgrade that changes this
// fails a test instead of silently changing scores.
func absentIDF(idx bleve.Index, field string) (float64, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return 0, err
	}
	r, err := adv.Reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	count, err := r.DocCount()
	if err != nil {
		return 0, err
	}
	card := 0
	if br, ok := r.(index.BM25Reader); ok {
		if card, err = br.FieldCardinality(field); err != nil {
			return 0, err
		}
	}
	if count == 0 {
		return 0, nil // no document: Search returns before using it
	}
	if avg := math.Ceil(float64(card) / float64(count)); avg > 0 {
		return math.Log(1 + (float64(count)-float64(0)+0.5)/(float64(0)+0.5)), nil
	}
	return 1.0 + math.Log(float64(count)/float64(0+1.0)), nil
}

// absentTerm stands in the disjunction for a term query whose term no
// document has. Such a query matches nothing, but Bleve still counts it:
// its weight (boost·idf)² is part of the query norm that scales every
// child's score, and it is one of the children the coordination factor
// (matching children / all children) divides by. Dropping it would scale
// every score by the same factor — the ranking and the scores relative to
// the best hit would stay the same mathematically, but not always to the
// last bit, and a disjunction with fewer children may switch between
// Bleve's slice and heap searchers, which sum in a different order. The
// stand-in keeps both counts exactly and costs nothing to search: no
// dictionary lookup in every segment, no postings reader.
type absentTerm struct {
	boost, idf float64
}

func (q absentTerm) Searcher(context.Context, index.IndexReader, mapping.IndexMapping, search.SearcherOptions) (search.Searcher, error) {
	w := q.boost * q.idf // as in TermQueryScorer.Weight
	return &absentSearcher{weight: w * w}, nil
}

// commonTerm stands in the first step of a two-step search for a term too
// common to visit (see pruneMaxPostings): it matches nothing but weighs what
// the term weighs, as Bleve's own term searcher computes it.
type commonTerm struct {
	term, field string
	boost       float64
}

func (q commonTerm) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	s, err := searcher.NewTermSearcher(ctx, r, q.term, q.field, q.boost, o)
	if err != nil {
		return nil, err
	}
	w := s.Weight()
	if err := s.Close(); err != nil {
		return nil, err
	}
	return &absentSearcher{weight: w}, nil
}

// absentSearcher matches nothing and has the weight it is given.
type absentSearcher struct{ weight float64 }

var reflectStaticSizeAbsentSearcher = int(reflect.TypeFor[absentSearcher]().Size())

func (s *absentSearcher) Next(*search.SearchContext) (*search.DocumentMatch, error) { return nil, nil }
func (s *absentSearcher) Advance(*search.SearchContext, index.IndexInternalID) (*search.DocumentMatch, error) {
	return nil, nil
}
func (s *absentSearcher) Close() error               { return nil }
func (s *absentSearcher) Weight() float64            { return s.weight }
func (s *absentSearcher) SetQueryNorm(float64)       {}
func (s *absentSearcher) Count() uint64              { return 0 }
func (s *absentSearcher) Min() int                   { return 0 }
func (s *absentSearcher) Size() int                  { return reflectStaticSizeAbsentSearcher }
func (s *absentSearcher) DocumentMatchPoolSize() int { return 1 }
