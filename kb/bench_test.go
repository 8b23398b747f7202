package kb_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"zhiyin/kb"
)

// BenchmarkAsk answers the project's question set round-robin against the
// embedded corpus and reports the latency percentiles over all of them.
func BenchmarkAsk(b *testing.B) {
	svc := defaultService(b)
	cases := loadCases(b, "testdata/questions.tsv")
	lat := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		c := cases[i%len(cases)]
		i++
		start := time.Now()
		if _, err := svc.Ask(context.Background(), kb.Question{Text: c.Question}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
}

// BenchmarkAskParallel is BenchmarkAsk from as many goroutines as cores.
func BenchmarkAskParallel(b *testing.B) {
	svc := defaultService(b)
	cases := loadCases(b, "testdata/questions.tsv")
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := svc.Ask(context.Background(), kb.Question{Text: cases[i%len(cases)].Question}); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
