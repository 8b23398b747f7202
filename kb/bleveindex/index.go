// Package bleveindex is the Bleve adapter of kb.Index: a scorch index (in
// memory by default) with BM25 scoring, over the terms kb's analyzer found
// in each clause (and, as an option, the clause's character bigrams).
package bleveindex

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"zhiyin/kb"
	"zhiyin/nlp"
)

// bigramBoost weighs a character-bigram match against a word match: the
// bigram field is a weak fallback.
const bigramBoost = 0.3

// Index is a Bleve index of clauses.
type Index struct {
	idx     bleve.Index
	adv     index.Index // idx's scorch index, searched directly (collect)
	mapping mapping.IndexMapping
	an      *nlp.Analyzer
	opts    Options
	dir     string // the index's own directory on disk, removed by Close
	docs    int    // documents indexed
	// text is the dictionary of the text field, read once after Build: a
	// question term no clause has is not looked up in Bleve. (The bigram
	// field gets no such map: its terms grow with the corpus — 115,000 at
	// 20,000 clauses, 120 MB of heap at 100,000 — and bigram queries are
	// rare, only for words the segmenter does not know.)
	text fieldDict
	// bigramAbsentIDF is absentIDF for the bigram field.
	bigramAbsentIDF float64
	// pruneMaxPostings, here so that a test can lower it.
	pruneMaxPostings int
	viaBleve         bool // search through SearchInContext, not collect (tests)

	closeOnce sync.Once
	closeErr  error
}

// document is what Bleve indexes for a clause. Bleve is only the candidate
// generator (kb re-ranks the candidates with its own features), so one
// analysed field holds the title, the text and the FAQ questions: one term
// searcher per question word instead of one per word and field. (Separate
// fields with their own boosts were measured: the same answers on both
// question sets, and slower.) Text holds kb's own terms of the clause
// (kb.IndexDoc.Terms), split at kb.TermSep instead of segmented again:
// segmenting was the larger half of Bleve's build, and the index then has
// exactly the terms kb reads (kb cuts the heading and text, and each FAQ
// question, apart; cutting them joined made a few different words, e.g.
// 各部+门 for 各+部门). Nothing searches by document or clause id (the key
// is Bleve's _id), so they are not indexed.
type document struct {
	Text   string `json:"text"`
	Bigram string `json:"bigram,omitempty"`
}

// Options tune the index for the size of the corpus. The zero value is
// what Build uses.
type Options struct {
	// BatchSize is the number of clauses per Bleve batch. An in-memory
	// scorch index never merges, so each batch stays a segment that every
	// term lookup visits: larger batches mean fewer segments and cheaper
	// searches, at the cost of a batch's analysed documents in memory at
	// once. Zero means defaultBatchSize.
	BatchSize int
	// Dir, when set, puts the index on disk in a new directory under Dir
	// (removed by Close) instead of in memory: scorch then merges segments
	// in the background and reads them through mmap, outside the Go heap
	// (at 1,000,000 synthetic clauses: 3 MB of heap and 482 MiB on disk,
	// against 0.7 GB of heap in memory). Build returns before the merges
	// end: searches meanwhile compete with them for the CPU (index search
	// p50/p99 50/98 ms at 1,000,000 clauses, against 15/34 ms in memory),
	// and since Bleve's BM25 takes the average field length from the
	// segments' dictionary sizes, scores shift a little as segments merge.
	Dir string
	// NoPrune turns off the two-step search of large corpora (see
	// pruneMaxPostings): every search is then exact, and slow at scale.
	NoPrune bool
	// PruneMaxPostings replaces pruneMaxPostings when positive.
	PruneMaxPostings int
	// NoBigram leaves out the bigram field and the bigram queries of
	// unknown words. The field is most of the build's cost: at 100,000
	// synthetic clauses Bleve's build took 3.8–4.2 CPU-seconds without it
	// and 13.7–14.6 with it. It changes answers (the fallback for words the
	// segmenter does not know is gone): on the project's question set one
	// refusal lists its suggestions in another order.
	NoBigram bool
	// Workers is how many batches are built at once (zero: one). Scorch
	// builds a batch's segment on the calling goroutine, so one caller
	// uses one core for most of the build. With more, segments enter the
	// index in the order their batches finish, which decides the order of
	// hits with exactly equal scores: searches are then reproducible only
	// up to such ties.
	Workers int
}

// defaultBatchSize: at 100,000 synthetic clauses (scripts/scale, with an
// earlier two-step rule), batches of 1,000/3,000/10,000/30,000 clauses
// gave index search p99s of 38/26/18/5.5 ms, while the heap the index
// keeps went 154/119/164/251 MiB and the process's RSS after the build
// 0.9/0.9/1.2/1.8 GiB: a batch's analysed documents and growing segment
// buffers are held at once. 10,000 is the middle; Options.Dir (merged
// segments, outside the heap: 30 MiB of heap and an index search p99 of
// 20 ms at 100,000 clauses) is the better answer for large corpora.
const defaultBatchSize = 10000

// Build indexes docs in memory (scorch; NewMemOnly would ignore BM25), with
// DefaultOptions. It returns an error when the mapping or a batch is
// refused.
func Build(ctx context.Context, docs []kb.IndexDoc, an *nlp.Analyzer) (kb.Index, error) {
	return build(ctx, docs, an, DefaultOptions())
}

// DefaultOptions are Build's: no bigram field, and as many batches built at
// once as there are cores. The bigram fallback was measured on both
// question sets (the project's and dev.tsv): without it every answer is the
// same and one refusal lists its suggestions in another order, while the
// field is ~72 % of the index's build and most of its memory. Parallel
// batches matter only above defaultBatchSize clauses (the embedded corpus
// is one batch, so its searches are reproducible to the tie).
func DefaultOptions() Options {
	return Options{NoBigram: true, Workers: runtime.GOMAXPROCS(0)}
}

// New returns an index builder with options, for kb.Options.Index.
func New(o Options) kb.IndexBuilder {
	return func(ctx context.Context, docs []kb.IndexDoc, an *nlp.Analyzer) (kb.Index, error) {
		return build(ctx, docs, an, o)
	}
}

func build(ctx context.Context, docs []kb.IndexDoc, an *nlp.Analyzer, o Options) (_ kb.Index, err error) {
	m, err := newMapping(!o.NoBigram)
	if err != nil {
		return nil, err
	}
	x := &Index{an: an, mapping: m, opts: o, docs: len(docs), pruneMaxPostings: pruneMaxPostings}
	if o.PruneMaxPostings > 0 {
		x.pruneMaxPostings = o.PruneMaxPostings
	}
	path := ""
	if o.Dir != "" {
		if x.dir, err = os.MkdirTemp(o.Dir, "bleve-"); err != nil {
			return nil, fmt.Errorf("bleveindex: %w", err)
		}
		path = filepath.Join(x.dir, "index")
	}
	x.idx, err = bleve.NewUsing(path, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		x.removeDir()
		return nil, fmt.Errorf("bleveindex: create: %w", err)
	}
	defer func() {
		if err != nil {
			x.Close()
		}
	}()
	batchSize := o.BatchSize
	if batchSize <= 0 {
		batchSize = defaultBatchSize
	}
	if err := x.index(ctx, docs, batchSize, max(1, o.Workers)); err != nil {
		return nil, err
	}
	if x.adv, err = x.idx.Advanced(); err != nil {
		return nil, err
	}
	if x.text, err = readDict(x.idx, "text", an.Seg.Known); err != nil {
		return nil, err
	}
	if x.bigramAbsentIDF, err = absentIDF(x.idx, "bigram"); err != nil {
		return nil, err
	}
	return x, nil
}

// index adds docs in batches of batchSize, workers batches at a time.
func (x *Index) index(ctx context.Context, docs []kb.IndexDoc, batchSize, workers int) error {
	batches := make(chan *bleve.Batch)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range batches {
				if err := x.idx.Batch(b); err != nil {
					errs <- fmt.Errorf("bleveindex: batch: %w", err)
					for range batches {
					}
					return
				}
			}
		})
	}
	err := func() error {
		defer close(batches)
		b := x.idx.NewBatch()
		for i, d := range docs {
			if err := ctx.Err(); err != nil {
				return err
			}
			bd := document{Text: d.Terms}
			if bd.Text == "" || !x.opts.NoBigram {
				all := d.Title + "\n" + d.Text + "\n" + strings.Join(d.FAQ, "\n")
				if bd.Text == "" {
					bd.Text = searchTerms(x.an, all)
				}
				if !x.opts.NoBigram {
					bd.Bigram = all
				}
			}
			if err := b.Index(d.Key, bd); err != nil {
				return fmt.Errorf("bleveindex: index %s: %w", d.Key, err)
			}
			if b.Size() >= batchSize || i == len(docs)-1 {
				select {
				case batches <- b:
				case err := <-errs:
					return err
				}
				b = x.idx.NewBatch()
			}
		}
		return nil
	}()
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

// searchTerms is what kb puts in IndexDoc.Terms, for a caller that does not:
// the search-mode tokens of text joined by kb.TermSep.
func searchTerms(an *nlp.Analyzer, text string) string {
	var b strings.Builder
	for i, t := range an.Seg.SearchTokens(text) {
		if i > 0 {
			b.WriteString(kb.TermSep)
		}
		b.WriteString(t.Term)
	}
	return b.String()
}

func newMapping(bigram bool) (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	if err := m.AddCustomAnalyzer("terms", map[string]any{"type": custom.Name, "tokenizer": TermsTokenizerName}); err != nil {
		return nil, fmt.Errorf("bleveindex: analyzer: %w", err)
	}
	if err := m.AddCustomAnalyzer("bigram", map[string]any{"type": custom.Name, "tokenizer": BigramTokenizerName}); err != nil {
		return nil, fmt.Errorf("bleveindex: analyzer: %w", err)
	}
	dm := bleve.NewDocumentMapping()
	// Only what term queries need: no stored text, term vectors or doc
	// values (nothing highlights, sorts or facets), and no _all field
	// (nothing searches it; building it visited every field of every
	// clause again). None of these enters a BM25 score.
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	text := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	dm.AddFieldMappingsAt("text", text("terms"))
	if bigram {
		dm.AddFieldMappingsAt("bigram", text("bigram"))
	}
	m.DefaultMapping = dm
	m.DefaultAnalyzer = "terms"
	return m, nil
}
