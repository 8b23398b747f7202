package kb_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"zhiyin/corpus"
	"zhiyin/kb"
	"zhiyin/kb/bleveindex"
)

// The default service is built once per test binary: building it loads the
// dictionary (about 0.2 s) and indexes the corpus.
var (
	defaultOnce sync.Once
	defaultSvc  *kb.Service
	defaultErr  error
)

// defaultService returns a Service over the embedded corpus, as `zhiyin
// serve` builds it.
func defaultService(t testing.TB) *kb.Service {
	t.Helper()
	defaultOnce.Do(func() {
		k, err := corpus.Default()
		if err != nil {
			defaultErr = err
			return
		}
		defaultSvc, defaultErr = kb.NewService(context.Background(), k, 1, kb.Options{Index: bleveindex.Build})
	})
	if defaultErr != nil {
		t.Fatalf("build default service: %v", defaultErr)
	}
	return defaultSvc
}

func ask(t testing.TB, svc *kb.Service, text string) kb.Answer {
	t.Helper()
	a, err := svc.Ask(context.Background(), kb.Question{Text: text, Channel: "test"})
	if err != nil {
		t.Fatalf("Ask(%q): %v", text, err)
	}
	return a
}

func loadCases(t testing.TB, path string) []kb.EvalCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := kb.ParseEvalSet(f)
	if err != nil {
		t.Fatal(err)
	}
	return cases
}
