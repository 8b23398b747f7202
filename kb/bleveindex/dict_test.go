package bleveindex

import (
	"context"
	"math"
	"os"
	"slices"
	"sync"
	"testing"

	"zhiyin/corpus"
	"zhiyin/kb"
	"zhiyin/nlp"
)

// recorder keeps every term list kb sends to the index, to replay them.
type recorder struct {
	*Index
	mu    sync.Mutex
	calls [][]kb.QueryTerm
}

func (r *recorder) Search(ctx context.Context, terms []kb.QueryTerm, limit int) ([]kb.IndexHit, error) {
	r.mu.Lock()
	r.calls = append(r.calls, slices.Clone(terms))
	r.mu.Unlock()
	return r.Index.Search(ctx, terms, limit)
}

// TestDictionaryFilterKeepsScores asks the project's question set against
// the embedded corpus, replays each term list kb sent the index with and
// without the dictionary filter, and wants the same hits with bit-identical
// scores: terms absent from the index are skipped without changing what kb
// re-ranks.
func TestDictionaryFilterKeepsScores(t *testing.T) {
	rec := recordQuestionSet(t)
	skipped := 0
	for _, terms := range rec.calls {
		for _, tm := range terms {
			if _, ok := rec.text.df[tm.Term]; !ok {
				skipped++
			}
		}
		want, err := rec.search(context.Background(), terms, 20, false, false)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rec.search(context.Background(), terms, 20, true, false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("terms %v:\nfiltered   %v\nunfiltered %v", terms, got, want)
		}
	}
	if skipped == 0 {
		t.Error("no question term was absent from the index: the filter was not exercised")
	}
	t.Logf("%d searches, %d terms absent from the text field", len(rec.calls), skipped)
}

// BenchmarkSearch replays the index searches of the question set on the
// embedded corpus: Bleve's share of Ask. "before" is every term through
// Bleve's SearchInContext, as before the dictionary filter and collect.
func BenchmarkSearch(b *testing.B) {
	rec := recordQuestionSet(b)
	for _, v := range []struct {
		name           string
		skip, viaBleve bool
	}{{"before", false, true}, {"filtered", true, true}, {"filtered+collect", true, false}} {
		b.Run(v.name, func(b *testing.B) {
			rec.viaBleve = v.viaBleve
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := rec.search(context.Background(), rec.calls[i%len(rec.calls)], 20, v.skip, false); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
	rec.viaBleve = false
}

// recordQuestionSet builds the embedded corpus's service over a recorder
// and asks it the project's question set.
func recordQuestionSet(t testing.TB) *recorder {
	t.Helper()
	k, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	var rec *recorder
	build := func(ctx context.Context, docs []kb.IndexDoc, an *nlp.Analyzer) (kb.Index, error) {
		idx, err := Build(ctx, docs, an)
		if err != nil {
			return nil, err
		}
		rec = &recorder{Index: idx.(*Index)}
		return rec, nil
	}
	svc, err := kb.NewService(context.Background(), k, 1, kb.Options{Index: build})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	f, err := os.Open("../testdata/questions.tsv")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := kb.ParseEvalSet(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if _, err := svc.Ask(context.Background(), kb.Question{Text: c.Question}); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.calls) < len(cases)/2 {
		t.Fatalf("only %d index searches for %d questions", len(rec.calls), len(cases))
	}
	return rec
}

// TestAbsentTermSkipped checks the filter on a hand-made index: a term no
// clause has is not looked up, and adding it to a query changes no hit.
func TestAbsentTermSkipped(t *testing.T) {
	docs := []kb.IndexDoc{
		{Key: "d#1", Doc: "d", Clause: "1", Title: "机房建设", Text: "各单位不再新建业务机房。"},
		{Key: "d#2", Doc: "d", Clause: "2", Text: "业务系统原则上部署在电子政务外网。"},
		{Key: "d#3", Doc: "d", Clause: "3", Text: "各单位原则上不再购置 VPN 设备，业务机房除外。"},
	}
	idx, err := Build(context.Background(), docs, testAnalyzer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	x := idx.(*Index)
	if _, ok := x.text.df["护照"]; ok {
		t.Fatal("护照 is in the dictionary")
	}
	if df := x.text.df["机房"].df; df != 2 {
		t.Errorf("df(机房) = %d, want 2", df)
	}
	base := []kb.QueryTerm{{Term: "机房", Boost: 1}, {Term: "设备", Boost: 0.7}}
	withAbsent := append(slices.Clone(base), kb.QueryTerm{Term: "护照", Boost: 1})
	for _, terms := range [][]kb.QueryTerm{base, withAbsent} {
		want, err := x.search(context.Background(), terms, 10, false, false)
		if err != nil {
			t.Fatal(err)
		}
		got, err := x.Search(context.Background(), terms, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || !slices.Equal(got, want) {
			t.Errorf("Search(%v) = %v, want %v (2 hits)", terms, got, want)
		}
	}
	// Only absent terms: nothing, without a Bleve search.
	hits, err := x.Search(context.Background(), []kb.QueryTerm{{Term: "护照", Boost: 1}}, 10)
	if err != nil || len(hits) != 0 {
		t.Errorf("Search(护照) = %v, %v; want nothing", hits, err)
	}
}

// TestTwoStepScores forces the two-step search of large corpora on the
// embedded corpus: every hit it returns must have its one-step score (step
// two rescores the candidates with the whole query). Equal to 1e-12, not to
// the bit: step two drives Bleve's disjunction by Advance, whose heap pops
// a clause's matching terms in another order, so the sum differs in the
// last bits.
func TestTwoStepScores(t *testing.T) {
	rec := recordQuestionSet(t)
	rec.pruneMaxPostings = 40
	twoStep, same := 0, 0
	for _, terms := range rec.calls {
		exact, err := rec.search(context.Background(), terms, 45, true, false)
		if err != nil {
			t.Fatal(err)
		}
		score := map[string]float64{}
		for _, h := range exact {
			score[h.Key] = h.Score
		}
		got, err := rec.search(context.Background(), terms, 5, true, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range got {
			if s, ok := score[h.Key]; !ok || math.Abs(s-h.Score) > 1e-12*s {
				t.Errorf("terms %v: two-step hit %s scores %v, one-step %v (found %v)", terms, h.Key, h.Score, s, ok)
			}
		}
		if slices.Equal(got, exact[:min(5, len(exact))]) {
			same++
		}
		twoStep++
	}
	t.Logf("%d searches, %d with the one-step top 5", twoStep, same)
}

// TestCollectMatchesBleve replays the question set's searches through
// collect and through Bleve's SearchInContext, at several limits: the same
// hits in the same order with bit-identical scores.
func TestCollectMatchesBleve(t *testing.T) {
	rec := recordQuestionSet(t)
	for _, limit := range []int{1, 5, 20, 100} {
		for _, terms := range rec.calls {
			rec.viaBleve = true
			want, err := rec.search(context.Background(), terms, limit, true, false)
			if err != nil {
				t.Fatal(err)
			}
			rec.viaBleve = false
			got, err := rec.search(context.Background(), terms, limit, true, false)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("limit %d, terms %v:\ncollect %v\nbleve   %v", limit, terms, got, want)
			}
		}
	}
	// A cancelled search stops.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := rec.Search(ctx, rec.calls[0], 20); err == nil {
		t.Error("cancelled search: no error")
	}
}
