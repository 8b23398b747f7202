// Command scale measures the engine over a synthetic knowledge base: the
// embedded guideline plus N generated clauses, built from the guideline's own
// vocabulary with a fixed seed, so that a run is reproducible and the text
// segments and weighs like real clauses. It reports the build time and rate,
// the memory the built generation takes (Go heap in use and the process's
// RSS from /proc), and the latency of answering real and synthetic questions
// (p50/p99/max over every question, one at a time).
//
//	go run ./scripts/scale -clauses 100000 -queries 2000 -out bench-results/scale.jsonl
//
// The index is Zhiyin's in-memory scorch index (kb/bleveindex), so "index
// size" is the heap it occupies, not a size on disk.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"zhiyin/corpus"
	"zhiyin/kb"
	"zhiyin/kb/bleveindex"
	"zhiyin/nlp"
)

type result struct {
	Clauses    int     `json:"clauses"`
	Seed       uint64  `json:"seed"`
	BuildSec   float64 `json:"build_s"`
	RatePerSec float64 `json:"build_clauses_per_s"`
	// The CPU time of the build (user+system, all threads): on a shared
	// machine it varies much less than the wall time.
	BuildCPUSec float64 `json:"build_cpu_s"`
	RatePerCPU  float64 `json:"build_clauses_per_cpu_s"`
	HeapMiB     float64 `json:"heap_inuse_mib"` // after build and a GC
	RSSMiB      float64 `json:"rss_mib"`        // after build
	PeakRSSMiB  float64 `json:"peak_rss_mib"`   // VmHWM: the build's peak
	Queries     int     `json:"queries"`
	P50ms       float64 `json:"query_p50_ms"`
	P99ms       float64 `json:"query_p99_ms"`
	MaxMs       float64 `json:"query_max_ms"`
	Answered    int     `json:"answered"`
	Load        string  `json:"loadavg"`
	GOMAXPROCS  int     `json:"gomaxprocs"`
	GeneratedAt string  `json:"at"`
}

func main() {
	n := flag.Int("clauses", 10000, "synthetic clauses to generate")
	queries := flag.Int("queries", 2000, "questions to ask after the build")
	seed := flag.Uint64("seed", 1, "random seed of the generated corpus and questions")
	out := flag.String("out", "", "append the result as one JSON line to this file")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the queries here")
	buildProfile := flag.String("buildprofile", "", "write a CPU profile of the build here")
	memProfile := flag.String("memprofile", "", "write a heap profile after the build here")
	flag.Parse()
	if err := run(*n, *queries, *seed, *out, *cpuProfile, *buildProfile, *memProfile); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func run(n, queries int, seed uint64, out, cpuProfile, buildProfile, memProfile string) error {
	ctx := context.Background()
	base, err := corpus.Default()
	if err != nil {
		return err
	}
	an, err := nlp.NewAnalyzer(base.Lexicon.Words, base.Lexicon.Synonyms)
	if err != nil {
		return err
	}
	v := newVocab(base, an)
	rng := rand.New(rand.NewPCG(seed, seed^0x5a68697969))
	k := base
	k.Documents = append(slices.Clone(base.Documents), v.documents(rng, n)...)
	qs := v.questions(rng, queries)
	runtime.GC()

	stopProfile, err := startProfile(buildProfile)
	if err != nil {
		return err
	}
	start, cpu0 := time.Now(), cpuTime()
	svc, err := kb.NewService(ctx, k, 1, kb.Options{Index: bleveindex.Build})
	if err != nil {
		return err
	}
	defer svc.Close()
	build, buildCPU := time.Since(start), cpuTime()-cpu0
	stopProfile()
	k = kb.Knowledge{} // the service keeps its own; measure what it holds
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss, peak := procMemMiB()
	if memProfile != "" {
		f, err := os.Create(memProfile)
		if err != nil {
			return err
		}
		err = pprof.WriteHeapProfile(f)
		f.Close()
		if err != nil {
			return err
		}
	}

	stopProfile, err = startProfile(cpuProfile)
	if err != nil {
		return err
	}
	lat := make([]time.Duration, 0, len(qs))
	answered := 0
	for _, q := range qs {
		t := time.Now()
		a, err := svc.Ask(ctx, kb.Question{Text: q, Channel: "bench"})
		if err != nil {
			return fmt.Errorf("ask %q: %w", q, err)
		}
		lat = append(lat, time.Since(t))
		if a.Answered {
			answered++
		}
	}
	stopProfile()
	slices.Sort(lat)
	r := result{
		Clauses: n, Seed: seed, BuildSec: build.Seconds(), RatePerSec: float64(n) / build.Seconds(),
		BuildCPUSec: buildCPU.Seconds(), RatePerCPU: float64(n) / buildCPU.Seconds(),
		HeapMiB: float64(ms.HeapInuse) / (1 << 20), RSSMiB: rss, PeakRSSMiB: peak,
		Queries: len(lat), P50ms: ms2(pct(lat, 50)), P99ms: ms2(pct(lat, 99)), MaxMs: ms2(lat[len(lat)-1]),
		Answered: answered, Load: loadavg(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		GeneratedAt: time.Now().UTC().Format(time.RFC3339),
	}
	line, _ := json.Marshal(r)
	fmt.Println(string(line))
	if out != "" {
		f, err := os.OpenFile(out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := f.Write(append(line, '\n')); err != nil {
			return err
		}
	}
	return nil
}

// vocab is the guideline's content words with their counts, to draw
// generated text from in the guideline's own proportions.
type vocab struct {
	words []string
	cum   []int // cumulative counts, for weighted draws
	real  []string
}

func newVocab(k kb.Knowledge, an *nlp.Analyzer) *vocab {
	counts := map[string]int{}
	add := func(s string) {
		for _, t := range an.ContentTokens(s) {
			if t.Term != "" && !isNumber(t.Term) {
				counts[t.Term]++
			}
		}
	}
	for _, d := range k.Documents {
		for _, c := range d.Clauses {
			add(c.Title)
			add(c.Text)
		}
	}
	v := &vocab{}
	for _, f := range k.FAQs {
		add(f.Question)
		v.real = append(v.real, f.Question)
		for _, s := range f.Similar {
			add(s)
			v.real = append(v.real, s)
		}
	}
	for w := range counts {
		v.words = append(v.words, w)
	}
	// Sorted first: map order must not change what a seed generates.
	slices.SortFunc(v.words, func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b))
	})
	total := 0
	for _, w := range v.words {
		total += counts[w]
		v.cum = append(v.cum, total)
	}
	return v
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func (v *vocab) word(rng *rand.Rand) string {
	x := rng.IntN(v.cum[len(v.cum)-1])
	i, _ := slices.BinarySearch(v.cum, x+1)
	return v.words[i]
}

func (v *vocab) phrase(rng *rand.Rand, min, max int) string {
	var b strings.Builder
	for i, n := 0, min+rng.IntN(max-min+1); i < n; i++ {
		b.WriteString(v.word(rng))
	}
	return b.String()
}

// documents generates n clauses in documents of 1,000 clauses each.
func (v *vocab) documents(rng *rand.Rand, n int) []kb.Document {
	var docs []kb.Document
	for i := 0; i < n; i++ {
		if i%1000 == 0 {
			id := fmt.Sprintf("synth-%06d", i/1000+1)
			docs = append(docs, kb.Document{ID: id, Title: "合成测试指引" + id, Year: 2026, Status: kb.StatusCurrent})
		}
		d := &docs[len(docs)-1]
		num := len(d.Clauses) + 1
		var text strings.Builder
		for s, ns := 0, 2+rng.IntN(3); s < ns; s++ {
			text.WriteString(v.phrase(rng, 6, 14))
			text.WriteString("。")
		}
		d.Clauses = append(d.Clauses, kb.Clause{
			ID: strconv.Itoa(num), Label: "第" + strconv.Itoa(num) + "条",
			Title: v.phrase(rng, 1, 3), Text: text.String(),
		})
	}
	return docs
}

// questions mixes the real FAQ questions (the guideline still answers them)
// with generated ones of 2 to 5 content words.
func (v *vocab) questions(rng *rand.Rand, n int) []string {
	qs := make([]string, n)
	for i := range qs {
		if i%2 == 0 {
			qs[i] = v.real[rng.IntN(len(v.real))]
		} else {
			qs[i] = v.phrase(rng, 2, 5) + "吗？"
		}
	}
	return qs
}

// startProfile starts a CPU profile into path (nothing when path is empty)
// and returns the func that stops it.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func pct(lat []time.Duration, p int) time.Duration { return lat[(len(lat)-1)*p/100] }

func ms2(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// procMemMiB returns VmRSS and VmHWM of this process in MiB.
func procMemMiB() (rss, peak float64) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kbytes, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kbytes / 1024
		case "VmHWM:":
			peak = kbytes / 1024
		}
	}
	return rss, peak
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadavg() string {
	data, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
