package bleveindex

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"zhiyin/kb"
)

// collect runs q on the index and returns its top limit hits, as
// bleve.Index.SearchInContext with a score-sorted request of size limit
// would, without what a generic search request costs and Zhiyin never uses:
// a TopNCollector and a DocumentMatch pool built for every search (a third
// of a search's allocations on the embedded corpus), stored-field loading,
// facets, the search result, its stats and the cost accounting. The
// searchers are Bleve's own, so the scores are Bleve's; the order is
// TopNCollector's (search.CompareScoreDescending: score, then the earlier
// hit), and TestCollectMatchesBleve checks both against SearchInContext.
func (x *Index) collect(ctx context.Context, q query.Query, limit int) ([]kb.IndexHit, error) {
	r, err := x.adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("bleveindex: reader: %w", err)
	}
	defer r.Close()
	// SearchInContext tells the term searchers the scoring model through
	// the context; without it they score tf-idf.
	sctx := context.WithValue(ctx, search.GetScoringModelCallbackKey, search.GetScoringModelCallbackFn(bm25))
	s, err := q.Searcher(sctx, r, x.mapping, search.SearcherOptions{})
	if err != nil {
		return nil, fmt.Errorf("bleveindex: search: %w", err)
	}
	defer s.Close()
	c := collectors.Get().(*collector)
	defer collectors.Put(c)
	c.reset(limit + 1 + s.DocumentMatchPoolSize())
	sc := &search.SearchContext{DocumentMatchPool: c.pool, IndexReader: r}
	hit := 0
	for {
		if hit%checkDoneEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d, err := s.Next(sc)
		if err != nil {
			return nil, fmt.Errorf("bleveindex: search: %w", err)
		}
		if d == nil {
			break
		}
		c.add(d.Score, hit, d.IndexInternalID, limit)
		hit++
		sc.DocumentMatchPool.Put(d)
	}
	hits := make([]kb.IndexHit, len(c.top))
	for i, t := range c.top {
		id, err := r.ExternalID(t.id)
		if err != nil {
			return nil, fmt.Errorf("bleveindex: hit id: %w", err)
		}
		hits[i] = kb.IndexHit{Key: id, Score: t.score}
	}
	return hits, nil
}

func bm25() string { return index.BM25Scoring }

// checkDoneEvery is how often collect checks for a cancelled context, as
// Bleve's collector does (collector.CheckDoneEvery).
const checkDoneEvery = 1024

// collector is one search's top hits and match pool, reused across searches.
type collector struct {
	pool *search.DocumentMatchPool
	size int
	top  []topHit // best first
	ids  [][]byte // spare internal-id buffers
}

type topHit struct {
	score float64
	hit   int // visit order: the tie-break
	id    index.IndexInternalID
}

var collectors = sync.Pool{New: func() any { return new(collector) }}

func (c *collector) reset(poolSize int) {
	if c.pool == nil || poolSize > c.size {
		c.pool, c.size = search.NewDocumentMatchPool(poolSize, 0), poolSize
	}
	for _, t := range c.top {
		c.ids = append(c.ids, t.id[:0])
	}
	c.top = c.top[:0]
}

// add keeps the hit if it is among the best limit so far. The internal id
// is copied: the searchers reuse its bytes.
func (c *collector) add(score float64, hit int, id index.IndexInternalID, limit int) {
	if len(c.top) == limit {
		if last := c.top[limit-1]; score <= last.score {
			return // an equal score loses to the earlier hit
		}
	}
	// After every hit with a score at least as high: equal scores keep
	// visit order.
	i, _ := slices.BinarySearchFunc(c.top, score, func(t topHit, s float64) int {
		if t.score >= s {
			return -1
		}
		return 1
	})
	var buf []byte
	if len(c.top) == limit {
		buf = c.top[limit-1].id[:0]
		c.top = c.top[:limit-1]
	} else if n := len(c.ids); n > 0 {
		buf, c.ids = c.ids[n-1], c.ids[:n-1]
	}
	c.top = slices.Insert(c.top, i, topHit{score: score, hit: hit, id: append(buf, id...)})
}
