package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"zhiyin/channels/web"
	"zhiyin/corpus"
	"zhiyin/kb"
	"zhiyin/kb/bleveindex"
	"zhiyin/kb/sqlite"
)

// seedKnowledge returns what a new database is seeded with: the corpus
// under DIR/corpus (same layout as the repository's corpus/: documents/*.md,
// faq/*.yaml, lexicon/*.txt) when there is one, else the embedded corpus.
func seedKnowledge(dataDir string) (kb.Knowledge, string, error) {
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

// seedStore seeds a database that holds no revision yet (first start of a
// data directory) from the data directory's seed corpus.
func seedStore(ctx context.Context, db *sqlite.DB, dataDir string) (string, error) {
	ok, err := db.Seeded(ctx)
	if err != nil || ok {
		return "", err
	}
	k, src, err := seedKnowledge(dataDir)
	if err != nil {
		return "", err
	}
	if _, err := db.Seed(ctx, k, kb.Actor{Name: "system"}, "初始化："+src); err != nil {
		return "", fmt.Errorf("seed: %w", err)
	}
	return src, nil
}

// loadKnowledge returns the published knowledge base of the data directory
// and its revision: from its database when it has one, else (ask and eval
// on a directory never served) the seed corpus, without creating anything.
func loadKnowledge(ctx context.Context, dataDir string) (kb.Knowledge, int64, string, error) {
	if !sqlite.Exists(dataDir) {
		k, src, err := seedKnowledge(dataDir)
		return k, 0, src, err
	}
	db, err := sqlite.Open(ctx, dataDir)
	if err != nil {
		return kb.Knowledge{}, 0, "", err
	}
	defer db.Close()
	if ok, err := db.Seeded(ctx); err != nil || !ok {
		k, src, err2 := seedKnowledge(dataDir)
		return k, 0, src, errors.Join(err, err2)
	}
	k, rev, err := db.Published(ctx)
	return k, rev, db.Path(), err
}

// openService builds the answering service over the data directory's
// published knowledge base.
func openService(ctx context.Context, dataDir string, opts kb.Options) (*kb.Service, string, error) {
	k, rev, src, err := loadKnowledge(ctx, dataDir)
	if err != nil {
		return nil, "", err
	}
	return newService(ctx, k, rev, src, opts)
}

// serviceFromStore builds the answering service over the store's latest
// revision.
func serviceFromStore(ctx context.Context, db *sqlite.DB, opts kb.Options) (*kb.Service, string, error) {
	k, rev, err := db.Published(ctx)
	if err != nil {
		return nil, "", err
	}
	return newService(ctx, k, rev, db.Path(), opts)
}

// newService builds the answering service with Zhiyin's index; src says
// where the knowledge base came from.
func newService(ctx context.Context, k kb.Knowledge, rev int64, src string, opts kb.Options) (*kb.Service, string, error) {
	opts.Index = bleveindex.Build
	svc, err := kb.NewService(ctx, k, rev, opts)
	if err != nil {
		return nil, "", err
	}
	return svc, src, nil
}

// adminConfig wires the admin API to the store and the service.
func (s *Server) adminConfig() *web.AdminConfig {
	return &web.AdminConfig{
		Store: s.db,
		Token: s.AdminToken,
		Publish: func(ctx context.Context, k kb.Knowledge, rev int64) error {
			svc := s.svc.Load()
			if svc == nil {
				return kb.Errorf(kb.CodeUnavailable, "服务正在启动，请稍后再试")
			}
			return svc.Publish(ctx, k, rev)
		},
		Import: importDocument,
		Review: s.db,
		Try: func(ctx context.Context, k kb.Knowledge, q string) (kb.Answer, error) {
			return kb.TryAsk(ctx, k, q, bleveindex.Build)
		},
	}
}

// importDocument parses an uploaded guideline for the admin API.
func importDocument(name string, data []byte) (kb.Document, []string, error) {
	doc, rep, err := corpus.ParseWithReport(name, data)
	if err != nil {
		return kb.Document{}, nil, err
	}
	return doc, rep.Warnings, nil
}
