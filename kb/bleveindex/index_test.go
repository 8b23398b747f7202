package bleveindex

import (
	"context"
	"os"
	"slices"
	"testing"

	"zhiyin/kb"
	"zhiyin/nlp"
)

func testAnalyzer(t testing.TB) *nlp.Analyzer {
	t.Helper()
	an, err := nlp.NewAnalyzer([]nlp.Word{{Text: "电子政务外网"}, {Text: "VPN"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return an
}

func TestTermsTokenizer(t *testing.T) {
	an := testAnalyzer(t)
	in := "各单位不再购置ＶＰＮ设备，应使用电子政务外网"
	want := an.Seg.SearchTokens(in)
	terms := searchTerms(an, in)
	stream := termsTokenizer{}.Tokenize([]byte(terms))
	if len(stream) != len(want) {
		t.Fatalf("%d tokens, want %d: %q", len(stream), len(want), terms)
	}
	seen := map[string]bool{}
	for i, tk := range stream {
		if string(tk.Term) != want[i].Term || tk.Position != i+1 || terms[tk.Start:tk.End] != want[i].Term {
			t.Errorf("token %d = %q at %d [%d:%d], want %q", i, tk.Term, tk.Position, tk.Start, tk.End, want[i].Term)
		}
		seen[string(tk.Term)] = true
	}
	for _, w := range []string{"vpn", "电子政务外网", "政务", "购置"} {
		if !seen[w] {
			t.Errorf("no token %s", w)
		}
	}
	// Empty terms (two separators in a row, one at either end) are skipped.
	if got := (termsTokenizer{}).Tokenize([]byte(kb.TermSep + "a" + kb.TermSep + kb.TermSep + "b" + kb.TermSep)); len(got) != 2 || string(got[1].Term) != "b" || got[1].Position != 2 {
		t.Errorf("Tokenize with empty terms = %v", got)
	}
}

func TestBigrams(t *testing.T) {
	got := Bigrams("机房建设, VPN设备50个")
	want := []string{"机房", "房建", "建设", "vpn", "设备", "50", "个"}
	if len(got) != len(want) {
		t.Fatalf("Bigrams = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Bigrams = %v, want %v", got, want)
		}
	}
}

func TestBuildAndSearch(t *testing.T) {
	docs := []kb.IndexDoc{
		{Key: "d#1", Doc: "d", Clause: "1", Title: "机房建设", Text: "各单位不再新建业务机房。"},
		{Key: "d#2", Doc: "d", Clause: "2", Text: "业务系统原则上部署在电子政务外网。"},
		{Key: "d#3", Doc: "d", Clause: "3", Text: "各单位原则上不再购置 VPN 设备。", FAQ: []string{"晚上在家怎么远程处理故障？"}},
	}
	idx, err := Build(context.Background(), docs, testAnalyzer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	tests := []struct {
		term string
		want string
	}{
		{"机房", "d#1"},
		{"政务", "d#2"}, // a word inside the long domain word
		{"vpn", "d#3"},
		{"故障", "d#3"}, // found through an FAQ question
	}
	for _, tt := range tests {
		hits, err := idx.Search(context.Background(), []kb.QueryTerm{{Term: tt.term, Boost: 1}}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].Key != tt.want {
			t.Errorf("Search(%s) = %v, want %s first", tt.term, hits, tt.want)
		}
	}
	hits, err := idx.Search(context.Background(), []kb.QueryTerm{{Term: "护照", Boost: 1}}, 10)
	if err != nil || len(hits) != 0 {
		t.Errorf("Search(护照) = %v, %v; want nothing", hits, err)
	}
	// Bleve query syntax in a term is just text: the index gets term
	// queries, never a parsed query string.
	for _, term := range []string{`+a -b "x`, "*", "a~100", ""} {
		if _, err := idx.Search(context.Background(), []kb.QueryTerm{{Term: term, Boost: 1}}, 10); err != nil {
			t.Errorf("Search(%q): %v", term, err)
		}
	}
}

// TestCloseTwice: kb may close a retired generation's index while a test
// or tool closes it too; Bleve's own Close panics the second time.
func TestCloseTwice(t *testing.T) {
	idx, err := Build(context.Background(), []kb.IndexDoc{{Key: "d#1", Text: "机房"}}, testAnalyzer(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestOnDisk builds the index under a directory: it answers like the
// in-memory one, and Close removes what it wrote.
func TestOnDisk(t *testing.T) {
	dir := t.TempDir()
	docs := []kb.IndexDoc{
		{Key: "d#1", Title: "机房建设", Text: "各单位不再新建业务机房。"},
		{Key: "d#2", Text: "业务系统原则上部署在电子政务外网。"},
	}
	idx, err := New(Options{Dir: dir, BatchSize: 1})(context.Background(), docs, testAnalyzer(t))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := idx.Search(context.Background(), []kb.QueryTerm{{Term: "机房", Boost: 1}}, 10)
	if err != nil || len(hits) != 1 || hits[0].Key != "d#1" {
		t.Errorf("Search(机房) = %v, %v", hits, err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestWorkers builds one-clause batches on three goroutines: the same hits
// and scores as on one. (Not as one batch: Bleve's BM25 takes the average
// field length from the sum of the segments' dictionary sizes, so how a
// corpus is cut into segments changes the scores a little.)
func TestWorkers(t *testing.T) {
	docs := []kb.IndexDoc{
		{Key: "d#1", Title: "机房建设", Text: "各单位不再新建业务机房。"},
		{Key: "d#2", Text: "业务系统原则上部署在电子政务外网。"},
		{Key: "d#3", Text: "各单位原则上不再购置 VPN 设备，业务机房除外。"},
		{Key: "d#4", Text: "机房机房机房。"},
	}
	terms := []kb.QueryTerm{{Term: "机房", Boost: 1}, {Term: "业务", Boost: 0.5}}
	var want []kb.IndexHit
	for _, o := range []Options{{BatchSize: 1}, {Workers: 3, BatchSize: 1}} {
		idx, err := New(o)(context.Background(), docs, testAnalyzer(t))
		if err != nil {
			t.Fatal(err)
		}
		got, err := idx.Search(context.Background(), terms, 10)
		idx.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = got
		} else if !slices.Equal(got, want) {
			t.Errorf("%+v: %v, want %v", o, got, want)
		}
	}
}

// TestNoBigram: without the bigram field a word the segmenter does not
// know finds nothing; with it, its bigrams find the clause.
func TestNoBigram(t *testing.T) {
	docs := []kb.IndexDoc{{Key: "d#1", Title: "机房建设", Text: "各单位不再新建业务机房。"}}
	an := testAnalyzer(t)
	const unknown = "房建设施" // bigrams 房建 建设 设施
	if an.Seg.Known(unknown) {
		t.Fatalf("%s is known", unknown)
	}
	for _, o := range []Options{{}, {NoBigram: true}} {
		idx, err := New(o)(context.Background(), docs, an)
		if err != nil {
			t.Fatal(err)
		}
		hits, err := idx.Search(context.Background(), []kb.QueryTerm{{Term: unknown, Boost: 1}}, 10)
		idx.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 1, true: 0}[o.NoBigram]; len(hits) != want {
			t.Errorf("NoBigram %v: %v, want %d hits", o.NoBigram, hits, want)
		}
	}
}
