package corpus

import (
	"errors"
	"os"
	"strings"
	"testing"

	"zhiyin/kb"
)

func TestParseMarkdownShippedGuideline(t *testing.T) {
	f, err := os.Open("documents/gz-2017-it-guideline.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := ParseMarkdown(f)
	if err != nil {
		t.Fatal(err)
	}
	want := kb.Document{
		ID:         "gz-2017-it-guideline",
		Title:      "2017年广州市财政投资信息化项目建设内容指引",
		ShortTitle: "2017年信息化项目建设内容指引",
		Year:       2017,
		Status:     kb.StatusCurrent,
	}
	got := doc
	got.Clauses = nil
	if got.ID != want.ID || got.Title != want.Title || got.ShortTitle != want.ShortTitle ||
		got.Year != want.Year || got.Status != want.Status || got.Number != "" || got.Issuer != "" || got.Source != "" {
		t.Errorf("metadata %+v, want %+v", got, want)
	}
	if len(doc.Clauses) != 52 {
		t.Errorf("%d clauses, want 52", len(doc.Clauses))
	}
	diffClauses(t, doc.Clauses, goldenClauses(t))
}

// mdDoc builds a Markdown source from a body, under valid front matter.
func mdDoc(body string) string {
	return "---\nid: test-doc\ntitle: 测试指引\nstatus: 现行\n---\n" + body
}

func TestParseMarkdownStructure(t *testing.T) {
	src := mdDoc(`
# 引言

引言第一段，
接着写。

第二段。

# 一、总体要求

## （一）第一项

正文。

## (二)

### 1.

条目一。

### 2. 小标题

条目二。

# 二、具体要求

## 1.

甲。

## 2.
`)
	doc, err := ParseMarkdown(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []kb.Clause{
		{ID: "0", Label: "引言", Title: "引言", Text: "引言第一段，接着写。\n第二段。"},
		{ID: "1", Label: "一、", Title: "总体要求", Text: ""},
		{ID: "1.1", Label: "一、（一）", Title: "第一项", Text: "正文。"},
		{ID: "1.2", Label: "一、（二）", Title: "", Text: ""},
		{ID: "1.2.1", Label: "一、（二）1.", Title: "", Text: "条目一。"},
		{ID: "1.2.2", Label: "一、（二）2.", Title: "小标题", Text: "条目二。"},
		{ID: "2", Label: "二、", Title: "具体要求", Text: ""},
		{ID: "2.1", Label: "二、1.", Title: "", Text: "甲。"},
		{ID: "2.2", Label: "二、2.", Title: "", Text: ""},
	}
	diffClauses(t, doc.Clauses, want)
}

func TestParseMarkdownErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		msg       string
	}{
		{"no front matter", "# 一、总则\n", 1, "missing front matter"},
		{"unclosed front matter", "---\nid: x\n# 一、\n", 1, "not closed"},
		{"yaml syntax", "---\nid: x\ntitle: a\n  b: c\n---\n", 4, "invalid front matter: mapping values"},
		{"unknown field", "---\nid: test-doc\ntitle: t\nstatus: 现行\nauthor: me\n---\n", 5, `unknown front matter field "author"`},
		{"unknown status", "---\nid: test-doc\ntitle: t\nstatus: 有效\n---\n", 2, `unknown status "有效"`},
		{"missing status", "---\nid: test-doc\ntitle: t\n---\n", 2, "no status"},
		{"bad id", "---\nid: Test Doc\ntitle: t\nstatus: 现行\n---\n", 2, "front matter id"},
		{"bad year", "---\nid: test-doc\ntitle: t\nstatus: 现行\nyear: 17a\n---\n", 5, "not a year"},
		{"text before heading", mdDoc("\n开头的话。\n# 一、总则\n"), 7, "text before the first heading"},
		{"preamble not first", mdDoc("# 一、总则\n# 引言\n"), 7, "must be the first heading"},
		{"skipped level", mdDoc("# 一、总则\n### 1.\n"), 7, "skips a level"},
		{"first heading too deep", mdDoc("## （一）\n"), 6, "skips a level"},
		{"section gap", mdDoc("# 一、甲\n# 三、丙\n"), 7, "三、 where 二、 was expected"},
		{"sub-section gap", mdDoc("# 一、甲\n## （一）\n## （三）\n"), 8, "（三） where （二） was expected"},
		{"item gap", mdDoc("# 一、甲\n## （一）\n### 1.\n### 3.\n"), 9, "item 3. where 2. was expected"},
		{"first item not 1", mdDoc("# 一、甲\n## 2.\n"), 7, "item 2. where 1. was expected"},
		{"items then sub-section", mdDoc("# 一、甲\n## 1.\n## （一）\n"), 8, "numbers its items directly"},
		{"sub-section then item", mdDoc("# 一、甲\n## （一）\n## 1.\n"), 8, "has sub-sections"},
		{"sub-item of an item", mdDoc("# 一、甲\n## 1.\n### 1.\n"), 8, "items have no sub-items"},
		{"under the preamble", mdDoc("# 引言\n## （一）\n"), 7, "under the preamble"},
		{"no space after #", mdDoc("#一、甲\n"), 6, "a space must follow"},
		{"unreadable numbering", mdDoc("# 第一章 总则\n"), 6, "cannot read the numbering"},
		{"too deep", mdDoc("# 一、甲\n## （一）\n### 1.\n#### (1)\n"), 9, "too deep"},
		{"not utf-8", mdDoc("# 一、甲\n\xff\n"), 7, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMarkdown(strings.NewReader(tt.src))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v, want a *SyntaxError", err)
			}
			if se.Line != tt.line || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("got line %d %q, want line %d containing %q", se.Line, se.Msg, tt.line, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "corpus: line ") {
				t.Errorf("error text %q", err)
			}
		})
	}
}

// TestParseMarkdownDuplicate: the sequence rules make duplicate ids hard to
// write, but a repeated preamble is one.
func TestParseMarkdownDuplicate(t *testing.T) {
	_, err := ParseMarkdown(strings.NewReader(mdDoc("# 引言\n\n甲\n\n# 引言\n")))
	if err == nil || !strings.Contains(err.Error(), "引言") {
		t.Fatalf("error %v", err)
	}
}

func FuzzParseMarkdown(f *testing.F) {
	shipped, err := os.ReadFile("documents/gz-2017-it-guideline.md")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(shipped))
	f.Add(mdDoc("# 引言\n\n甲\n\n# 一、总则\n\n## （一）\n\n### 1.\n\n乙\n"))
	f.Add("---\n---\n")
	f.Add("---\nid: [\n---\n# 一、")
	f.Fuzz(func(t *testing.T, src string) {
		doc, err := ParseMarkdown(strings.NewReader(src))
		if err != nil {
			return
		}
		// A parsed document is a well-formed tree: unique ids, parents first.
		seen := map[string]bool{"": true}
		for _, c := range doc.Clauses {
			if seen[c.ID] {
				t.Fatalf("duplicate id %q", c.ID)
			}
			if !seen[kb.ParentID(c.ID)] {
				t.Fatalf("clause %q comes before its parent", c.ID)
			}
			seen[c.ID] = true
		}
	})
}
