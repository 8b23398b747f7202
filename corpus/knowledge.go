package corpus

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"

	"go.yaml.in/yaml/v3"

	"zhiyin/kb"
)

//go:embed documents/*.md faq/*.yaml faq/*.txt lexicon/*.txt
var embedded embed.FS

// Default returns the embedded knowledge base (see Load). It fails only when
// a shipped file is malformed, which the package's tests rule out.
func Default() (kb.Knowledge, error) {
	return Load(embedded)
}

// Load reads a knowledge base laid out as the repository's corpus/:
// documents/*.md (Markdown with front matter), faq/*.yaml,
// faq/out-of-scope.txt and lexicon/words.txt, lexicon/synonyms.txt (each
// optional). It returns an
// error naming the file and line of the first malformed source.
func Load(fsys fs.FS) (kb.Knowledge, error) {
	var k kb.Knowledge
	names, err := fs.Glob(fsys, "documents/*.md")
	if err != nil {
		return k, err
	}
	sort.Strings(names)
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return k, fmt.Errorf("corpus: %w", err)
		}
		d, err := ParseMarkdown(bytes.NewReader(data))
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) && se.File == "" {
				se.File = n // the error already says "corpus: … line N"
				return k, se
			}
			return k, fmt.Errorf("corpus: %s: %w", n, err)
		}
		k.Documents = append(k.Documents, d)
	}
	if k.FAQs, err = loadFAQs(fsys); err != nil {
		return k, err
	}
	if k.Lexicon, err = loadLexicon(fsys); err != nil {
		return k, err
	}
	if k.Negatives, err = loadNegatives(fsys); err != nil {
		return k, err
	}
	return k, nil
}

func loadFAQs(fsys fs.FS) ([]kb.FAQ, error) {
	names, err := fs.Glob(fsys, "faq/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var all []kb.FAQ
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		faqs, err := ParseFAQ(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("corpus: %s: %w", n, err)
		}
		all = append(all, faqs...)
	}
	return all, nil
}

// faqFile is the YAML form of a FAQ file: one document's entries.
type faqFile struct {
	Doc     string `yaml:"doc"`
	Entries []struct {
		ID       string   `yaml:"id"`
		Clauses  []string `yaml:"clauses"`
		Question string   `yaml:"question"`
		Similar  []string `yaml:"similar"`
	} `yaml:"entries"`
}

// ParseFAQ reads a FAQ file (YAML: doc, entries of id, clauses, question,
// similar). It returns an error naming the entry when one lacks an id, a
// question or a clause, or when an id repeats.
func ParseFAQ(r io.Reader) ([]kb.FAQ, error) {
	var f faqFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse FAQ: %w", err)
	}
	if f.Doc == "" {
		return nil, fmt.Errorf("parse FAQ: missing doc")
	}
	seen := map[string]bool{}
	out := make([]kb.FAQ, 0, len(f.Entries))
	for i, e := range f.Entries {
		switch {
		case e.ID == "":
			return nil, fmt.Errorf("parse FAQ: entry %d has no id", i+1)
		case seen[e.ID]:
			return nil, fmt.Errorf("parse FAQ: entry id %q repeats", e.ID)
		case e.Question == "":
			return nil, fmt.Errorf("parse FAQ: entry %q has no question", e.ID)
		case len(e.Clauses) == 0:
			return nil, fmt.Errorf("parse FAQ: entry %q names no clause", e.ID)
		}
		seen[e.ID] = true
		out = append(out, kb.FAQ{ID: e.ID, Doc: f.Doc, Clauses: e.Clauses, Question: e.Question, Similar: e.Similar})
	}
	return out, nil
}
