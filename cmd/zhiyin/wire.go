package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"zhiyin/corpus"
	"zhiyin/kb"
	"zhiyin/kb/bleveindex"
)

// loadKnowledge returns the knowledge base of the data directory: the corpus
// under DIR/corpus (same layout as the repository's corpus/: documents/*.md,
// faq/*.yaml, lexicon/*.txt) when there is one, else the embedded corpus.
func loadKnowledge(dataDir string) (kb.Knowledge, string, error) {
	dir := filepath.Join(dataDir, "corpus")
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		k, err := corpus.Load(os.DirFS(dir))
		if err != nil {
			return kb.Knowledge{}, "", fmt.Errorf("load %s: %w", dir, err)
		}
		return k, dir, nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return kb.Knowledge{}, "", fmt.Errorf("load %s: %w", dir, err)
	}
	k, err := corpus.Default()
	return k, "embedded corpus", err
}

// openService builds the answering service over the data directory's
// knowledge base.
func openService(ctx context.Context, dataDir string, opts kb.Options) (*kb.Service, string, error) {
	k, src, err := loadKnowledge(dataDir)
	if err != nil {
		return nil, "", err
	}
	opts.Index = bleveindex.Build
	svc, err := kb.NewService(ctx, k, 0, opts)
	if err != nil {
		return nil, "", err
	}
	return svc, src, nil
}
