package corpus

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"zhiyin/kb"
)

// documentFiles are the shipped guidelines, one Markdown file each, named
// after the document id.
//
//go:embed documents/*.md
var documentFiles embed.FS

// Documents parses every embedded corpus/documents/*.md and returns the
// documents in file-name order. It fails only if a shipped file is
// malformed, its id differs from its file name, or two files share an id;
// the package's tests rule all of that out. Parsing the shipped guideline
// takes well under a millisecond, so it runs at start-up without a cache.
func Documents() ([]kb.Document, error) {
	names, err := fs.Glob(documentFiles, "documents/*.md")
	if err != nil {
		return nil, fmt.Errorf("corpus: list documents: %w", err)
	}
	docs := make([]kb.Document, 0, len(names))
	for _, name := range names { // fs.Glob returns names sorted
		data, err := documentFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("corpus: read %s: %w", name, err)
		}
		doc, err := ParseMarkdown(bytes.NewReader(data))
		if err != nil {
			return nil, withFile(err, name)
		}
		if want := strings.TrimSuffix(path.Base(name), ".md"); doc.ID != want {
			return nil, fmt.Errorf("corpus: %s: document id %q does not match the file name", name, doc.ID)
		}
		for _, d := range docs {
			if d.ID == doc.ID {
				return nil, fmt.Errorf("corpus: %s: document id %q is used twice", name, doc.ID)
			}
		}
		docs = append(docs, doc)
	}
	return docs, nil
}
