package corpus

import (
	"os"
	"strings"
	"testing"

	"zhiyin/kb"
)

func TestDocuments(t *testing.T) {
	docs, err := Documents()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].ID != "gz-2017-it-guideline" {
		t.Fatalf("documents %d, first %q", len(docs), docs[0].ID)
	}
	diffClauses(t, docs[0].Clauses, goldenClauses(t))
	if docs[0].Status != kb.StatusCurrent {
		t.Errorf("status %q", docs[0].Status)
	}
}

func TestParse(t *testing.T) {
	md, err := os.ReadFile("documents/gz-2017-it-guideline.md")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse("gz-2017-it-guideline.md", md)
	if err != nil {
		t.Fatal(err)
	}
	if doc.ID != "gz-2017-it-guideline" || len(doc.Clauses) != 52 {
		t.Errorf("markdown: id %q, %d clauses", doc.ID, len(doc.Clauses))
	}

	// A raw text gets only what it states: the title before its contents
	// and the year that title starts with.
	doc, rep, err := ParseWithReport("gz-2017-raw.txt", rawSeed(t))
	if err != nil {
		t.Fatal(err)
	}
	want := kb.Document{Title: "2017 年广州市财政投资信息化项目建设内容指引", Year: 2017}
	if doc.ID != "" || doc.Title != want.Title || doc.Year != want.Year || doc.Status != "" {
		t.Errorf("raw: %q %q %d %q", doc.ID, doc.Title, doc.Year, doc.Status)
	}
	diffClauses(t, doc.Clauses, goldenFromRaw(t))
	if len(rep.Pages) != 8 {
		t.Errorf("raw report: %s", rep.Summary())
	}

	// Errors name the file.
	_, err = Parse("broken.md", []byte("---\nid: x\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "corpus: broken.md: line 1: ") {
		t.Errorf("error %v", err)
	}
	_, err = Parse("broken.txt", []byte("1、一、甲。三、丙。"))
	if err == nil || !strings.HasPrefix(err.Error(), "corpus: broken.txt: line 1, column ") {
		t.Errorf("error %v", err)
	}
}

func TestIsMarkdown(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"---\nid: x\n---\n", true},
		{"\ufeff---\r\nid: x\r\n---\r\n", true},
		{"1、2017 年…", false},
		{"--- not front matter", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsMarkdown([]byte(tt.src)); got != tt.want {
			t.Errorf("IsMarkdown(%q) = %v", tt.src, got)
		}
	}
}

func TestTitleYear(t *testing.T) {
	tests := map[string]int{
		"2017 年广州市财政投资信息化项目建设内容指引": 2017,
		"2017年指引":  2017,
		"广州市2017年": 0,
		"2017":     0,
		"12345 年":  0,
		"":         0,
	}
	for title, want := range tests {
		if got := titleYear(title); got != want {
			t.Errorf("titleYear(%q) = %d, want %d", title, got, want)
		}
	}
}
