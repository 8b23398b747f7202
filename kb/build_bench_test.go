package kb_test

import (
	"context"
	"testing"

	"zhiyin/corpus"
	"zhiyin/kb"
	"zhiyin/kb/bleveindex"
)

// BenchmarkNewService builds a generation of the embedded corpus from
// scratch: the analyzer (gse dictionary plus the domain lexicon), the clause
// profiles and the Bleve index, i.e. the start-up work of `zhiyin serve`.
func BenchmarkNewService(b *testing.B) {
	k, err := corpus.Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		svc, err := kb.NewService(context.Background(), k, 1, kb.Options{Index: bleveindex.Build})
		if err != nil {
			b.Fatal(err)
		}
		svc.Close()
	}
}
