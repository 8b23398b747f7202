package corpus

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefaultKnowledgeIsConsistent(t *testing.T) {
	k, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Documents) == 0 || len(k.FAQs) == 0 || len(k.Lexicon.Words) == 0 || len(k.Lexicon.Synonyms) == 0 {
		t.Fatalf("empty part: %d documents, %d FAQ entries, %d words, %d synonym groups",
			len(k.Documents), len(k.FAQs), len(k.Lexicon.Words), len(k.Lexicon.Synonyms))
	}
	withText := map[string]bool{}
	for _, d := range k.Documents {
		for _, c := range d.Clauses {
			if c.Text != "" {
				withText[d.ID+"#"+c.ID] = true
			}
		}
	}
	covered := map[string]bool{}
	for _, f := range k.FAQs {
		for _, c := range f.Clauses {
			if !withText[f.Doc+"#"+c] {
				t.Errorf("FAQ %s names %s#%s, which is no clause with text", f.ID, f.Doc, c)
			}
		}
		covered[f.Doc+"#"+f.Clauses[0]] = true
		if len(f.Similar) == 0 {
			t.Errorf("FAQ %s has no similar questions", f.ID)
		}
	}
	// Every clause that says something has FAQ entries: they are how people
	// who do not know the guideline's words find it.
	for key := range withText {
		if !covered[key] {
			t.Errorf("clause %s has no FAQ entry", key)
		}
	}
}

func TestParseFAQErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no doc", "entries: []\n", "missing doc"},
		{"no id", "doc: d\nentries:\n  - clauses: [\"1\"]\n    question: q\n", "no id"},
		{"repeated id", "doc: d\nentries:\n  - {id: a, clauses: [\"1\"], question: q}\n  - {id: a, clauses: [\"1\"], question: r}\n", "repeats"},
		{"no clause", "doc: d\nentries:\n  - {id: a, question: q}\n", "names no clause"},
		{"no question", "doc: d\nentries:\n  - {id: a, clauses: [\"1\"]}\n", "no question"},
		{"unknown field", "doc: d\nentries:\n  - {id: a, clauses: [\"1\"], question: q, answer: x}\n", "answer"},
		{"not yaml", "doc: [\n", "parse FAQ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFAQ(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestParseLexiconErrorsNameTheLine(t *testing.T) {
	if _, err := ParseWords(strings.NewReader("# c\n电子政务外网 1000 n\n外网 many\n")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("bad frequency: %v", err)
	}
	if _, err := ParseSynonyms(strings.NewReader("外网 电子政务外网\n\n孤单\n")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("one-word group: %v", err)
	}
	groups, err := ParseSynonyms(strings.NewReader("外网 电子政务外网 # 注释\n"))
	if err != nil || len(groups) != 1 || len(groups[0]) != 2 {
		t.Errorf("groups = %v, %v", groups, err)
	}
}

func TestLoadFromADirectory(t *testing.T) {
	md, err := embedded.ReadFile("documents/gz-2017-it-guideline.md")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"documents/gz-2017-it-guideline.md": {Data: md},
		"faq/x.yaml":                        {Data: []byte("doc: gz-2017-it-guideline\nentries:\n  - {id: a, clauses: [\"1.1\"], question: 能建机房吗, similar: [机房能建吗]}\n")},
		"lexicon/synonyms.txt":              {Data: []byte("机房 服务器间\n")},
	}
	k, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Documents) != 1 || len(k.FAQs) != 1 || len(k.Lexicon.Synonyms) != 1 || len(k.Lexicon.Words) != 0 {
		t.Errorf("loaded %d documents, %d FAQ, %d groups, %d words", len(k.Documents), len(k.FAQs), len(k.Lexicon.Synonyms), len(k.Lexicon.Words))
	}
	fsys["documents/bad.md"] = &fstest.MapFile{Data: []byte("no front matter\n")}
	if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), "documents/bad.md") {
		t.Errorf("a malformed document: %v", err)
	}
}
