package bleveindex

import (
	"context"
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

func TestTokenizerOffsets(t *testing.T) {
	tok := gseTokenizer{an: testAnalyzer(t)}
	in := "各单位不再购置ＶＰＮ设备，应使用电子政务外网"
	stream := tok.Tokenize([]byte(in))
	if len(stream) == 0 {
		t.Fatal("no tokens")
	}
	want := map[string]string{"vpn": "ＶＰＮ", "电子政务外网": "电子政务外网", "政务": "政务", "购置": "购置"}
	for _, tk := range stream {
		if orig, ok := want[string(tk.Term)]; ok {
			if got := in[tk.Start:tk.End]; got != orig {
				t.Errorf("token %s covers %q, want %q", tk.Term, got, orig)
			}
			delete(want, string(tk.Term))
		}
	}
	for term := range want {
		t.Errorf("no token %s", term)
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
