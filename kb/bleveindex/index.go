// Package bleveindex is the Bleve adapter of kb.Index: an in-memory scorch
// index with BM25 scoring, whose text fields are analysed by the
// generation's gse segmenter.
package bleveindex

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"zhiyin/kb"
	"zhiyin/nlp"
)

// bigramBoost weighs a character-bigram match against a word match: the
// bigram field is a weak fallback.
const bigramBoost = 0.3

// Index is a Bleve index of clauses.
type Index struct {
	idx bleve.Index
	an  *nlp.Analyzer
}

// document is what Bleve indexes for a clause. Bleve is only the candidate
// generator (kb re-ranks the candidates with its own features), so one
// analysed field holds the title, the text and the FAQ questions: one term
// searcher per question word instead of one per word and field. (Separate
// fields with their own boosts were measured: the same answers on both
// question sets, and slower.)
type document struct {
	Doc    string `json:"doc"`
	Clause string `json:"clause"`
	Text   string `json:"text"`
	Bigram string `json:"bigram"`
}

// Build indexes docs in memory (scorch; NewMemOnly would ignore BM25). It
// returns an error when the mapping or a batch is refused.
func Build(ctx context.Context, docs []kb.IndexDoc, an *nlp.Analyzer) (kb.Index, error) {
	m, err := newMapping(an)
	if err != nil {
		return nil, err
	}
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("bleveindex: create: %w", err)
	}
	const batchSize = 1000
	b := idx.NewBatch()
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			idx.Close()
			return nil, err
		}
		all := d.Title + "\n" + d.Text + "\n" + strings.Join(d.FAQ, "\n")
		bd := document{Doc: d.Doc, Clause: d.Clause, Text: all, Bigram: all}
		if err := b.Index(d.Key, bd); err != nil {
			idx.Close()
			return nil, fmt.Errorf("bleveindex: index %s: %w", d.Key, err)
		}
		if b.Size() >= batchSize || i == len(docs)-1 {
			if err := idx.Batch(b); err != nil {
				idx.Close()
				return nil, fmt.Errorf("bleveindex: batch: %w", err)
			}
			b = idx.NewBatch()
		}
	}
	return &Index{idx: idx, an: an}, nil
}

func newMapping(an *nlp.Analyzer) (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	id := registerAnalyzer(an)
	if err := m.AddCustomTokenizer("gse_"+id, map[string]any{"type": TokenizerName, "analyzer_id": id}); err != nil {
		return nil, fmt.Errorf("bleveindex: tokenizer: %w", err)
	}
	if err := m.AddCustomAnalyzer("gse", map[string]any{"type": custom.Name, "tokenizer": "gse_" + id}); err != nil {
		return nil, fmt.Errorf("bleveindex: analyzer: %w", err)
	}
	if err := m.AddCustomAnalyzer("bigram", map[string]any{"type": custom.Name, "tokenizer": BigramTokenizerName}); err != nil {
		return nil, fmt.Errorf("bleveindex: analyzer: %w", err)
	}
	dm := bleve.NewDocumentMapping()
	text := func(analyzer string, store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.IncludeInAll = false
		return f
	}
	dm.AddFieldMappingsAt("doc", kw())
	dm.AddFieldMappingsAt("clause", kw())
	dm.AddFieldMappingsAt("text", text("gse", false))
	dm.AddFieldMappingsAt("bigram", text("bigram", false))
	m.DefaultMapping = dm
	m.DefaultAnalyzer = "gse"
	return m, nil
}

// Search returns up to limit clauses matching any of the terms, best first.
// A term the dictionary lacks is also looked up by its character bigrams,
// the fallback for words the segmenter cuts differently in question and
// clause. Terms are term queries, never a parsed query string: Bleve query
// syntax in a question is just text.
func (x *Index) Search(ctx context.Context, terms []kb.QueryTerm, limit int) ([]kb.IndexHit, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	var qs []query.Query
	seen := map[string]bool{}
	for _, t := range terms {
		if t.Term == "" || seen[t.Term] {
			continue
		}
		seen[t.Term] = true
		q := bleve.NewTermQuery(t.Term)
		q.SetField("text")
		q.SetBoost(t.Boost)
		qs = append(qs, q)
		if x.an.Seg.Known(t.Term) {
			continue
		}
		for _, g := range Bigrams(t.Term) {
			q := bleve.NewTermQuery(g)
			q.SetField("bigram")
			q.SetBoost(t.Boost * bigramBoost)
			qs = append(qs, q)
		}
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), limit, 0, false)
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

// Close releases the index and its analyzer registration.
func (x *Index) Close() error {
	return x.idx.Close()
}
