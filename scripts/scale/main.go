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
// The index is Zhiyin's scorch index (kb/bleveindex), in memory unless
// -indexdir puts it on disk; -batch, -workers, -nobigram, -noprune and
// -prunemax set its options. The Bleve part is reported on its own: the
// time and CPU of the index build and the time of each index search within
// Ask. -recall compares every index search with the exact one-step search,
// to measure what the two-step search of large corpora loses. Bleve's share
// of the heap is in a -memprofile (the heap in use measured before and
// after the index build said 271 MiB at 1,000,000 clauses, the profile
// 0.71 GB, so the tool does not report the former):
//
//	go tool pprof -sample_index=inuse_space -top -focus 'blevesearch|bleveindex' PROFILE
//
// rss_free_mib is the RSS after the build once the runtime has returned
// its free heap to the OS; rss_mib also holds the build's garbage up to
// GOGC's heap goal (GOMEMLIMIT bounds it). 1,000,000 clauses need about
// 7.5 GiB of RAM at the defaults:
//
//	go run ./scripts/scale -clauses 1000000 -queries 500
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
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
	RSSFreeMiB  float64 `json:"rss_free_mib"`   // after build, GC and debug.FreeOSMemory
	Queries     int     `json:"queries"`
	P50ms       float64 `json:"query_p50_ms"`
	P99ms       float64 `json:"query_p99_ms"`
	MaxMs       float64 `json:"query_max_ms"`
	Answered    int     `json:"answered"`
	// The Bleve index alone (kb/bleveindex).
	IndexBuildSec    float64 `json:"index_build_s"`
	IndexBuildCPUSec float64 `json:"index_build_cpu_s"`
	IndexDiskMiB     float64 `json:"index_disk_mib,omitempty"`
	IndexSearches    int     `json:"index_searches"`
	IndexP50ms       float64 `json:"index_search_p50_ms"`
	IndexP99ms       float64 `json:"index_search_p99_ms"`
	IndexCPUPerQms   float64 `json:"index_search_cpu_ms_per_q"`
	// With -recall: the share of the exact top hits the search returned,
	// and of searches whose best hit is the exact best hit.
	RecallTop20 float64 `json:"recall_top20,omitempty"`
	SameTop1    float64 `json:"same_top1,omitempty"`
	BatchSize   int     `json:"batch_size,omitempty"`
	IndexDir    string  `json:"index_dir,omitempty"`
	NoPrune     bool    `json:"no_prune,omitempty"`
	PruneMax    int     `json:"prune_max_postings,omitempty"`
	Workers     int     `json:"index_workers,omitempty"`
	NoBigram    bool    `json:"no_bigram,omitempty"`
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
	o := bleveindex.DefaultOptions()
	flag.IntVar(&o.BatchSize, "batch", 0, "clauses per Bleve batch (0: bleveindex's default)")
	flag.StringVar(&o.Dir, "indexdir", "", "build the index on disk under this directory instead of in memory")
	flag.BoolVar(&o.NoPrune, "noprune", false, "exact one-step index searches at any corpus size")
	flag.IntVar(&o.Workers, "workers", o.Workers, "Bleve batches built at once (default: the cores)")
	flag.BoolVar(&o.NoBigram, "nobigram", o.NoBigram, "no bigram field (the default; -nobigram=false measures the field)")
	flag.IntVar(&o.PruneMaxPostings, "prunemax", 0, "postings bound of a one-step index search (0: bleveindex's default)")
	recall := flag.Bool("recall", false, "compare every index search with the exact one (adds its time to the Ask latencies)")
	flag.Parse()
	if err := run(*n, *queries, *seed, *out, *cpuProfile, *buildProfile, *memProfile, o, *recall); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func run(n, queries int, seed uint64, out, cpuProfile, buildProfile, memProfile string, o bleveindex.Options, recall bool) error {
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
	ix := &indexProbe{build: bleveindex.New(o), recall: recall}
	svc, err := kb.NewService(ctx, k, 1, kb.Options{Index: ix.Build})
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
	// RSS once the runtime has returned the free heap to the OS: what the
	// built service needs, where rss_mib also has the build's garbage the
	// runtime keeps for reuse (up to GOGC's heap goal).
	debug.FreeOSMemory()
	rssFree, _ := procMemMiB()
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
	ix.measure = true
	qcpu0 := cpuTime()
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
	qcpu := cpuTime() - qcpu0
	stopProfile()
	indexDisk := dirMiB(o.Dir)
	slices.Sort(lat)
	slices.Sort(ix.lat)
	r := result{
		Clauses: n, Seed: seed, BuildSec: build.Seconds(), RatePerSec: float64(n) / build.Seconds(),
		BuildCPUSec: buildCPU.Seconds(), RatePerCPU: float64(n) / buildCPU.Seconds(),
		HeapMiB: float64(ms.HeapInuse) / (1 << 20), RSSMiB: rss, PeakRSSMiB: peak, RSSFreeMiB: rssFree,
		Queries: len(lat), P50ms: ms2(pct(lat, 50)), P99ms: ms2(pct(lat, 99)), MaxMs: ms2(lat[len(lat)-1]),
		Answered: answered, Load: loadavg(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		GeneratedAt:   time.Now().UTC().Format(time.RFC3339),
		IndexBuildSec: ix.buildTime.Seconds(), IndexBuildCPUSec: ix.buildCPU.Seconds(),
		IndexDiskMiB: indexDisk, IndexSearches: len(ix.lat),
		BatchSize: o.BatchSize, IndexDir: o.Dir, NoPrune: o.NoPrune, PruneMax: o.PruneMaxPostings, Workers: o.Workers, NoBigram: o.NoBigram,
	}
	if len(ix.lat) > 0 {
		r.IndexP50ms, r.IndexP99ms = ms2(pct(ix.lat, 50)), ms2(pct(ix.lat, 99))
		// The searches' share of the queries' CPU time, by their share of
		// the wall time (one question at a time): an estimate, and an
		// underestimate with -recall, whose exact searches are not timed.
		var sum, all time.Duration
		for _, d := range ix.lat {
			sum += d
		}
		for _, d := range lat {
			all += d
		}
		r.IndexCPUPerQms = float64(qcpu.Microseconds()) / 1000 / float64(len(lat)) * sum.Seconds() / all.Seconds()
	}
	if ix.compared > 0 {
		r.RecallTop20 = float64(ix.found) / float64(ix.wanted)
		r.SameTop1 = float64(ix.sameTop) / float64(ix.compared)
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

// indexProbe wraps the index builder and the index to time them apart
// from the rest of kb.
type indexProbe struct {
	build  kb.IndexBuilder
	recall bool

	buildTime, buildCPU time.Duration

	measure bool // set once the build is measured: time searches
	lat     []time.Duration
	// recall counts (with recall): exact hits found, exact hits wanted,
	// searches with the same best hit, searches compared.
	found, wanted, sameTop, compared int
}

func (p *indexProbe) Build(ctx context.Context, docs []kb.IndexDoc, an *nlp.Analyzer) (kb.Index, error) {
	start, cpu0 := time.Now(), cpuTime()
	idx, err := p.build(ctx, docs, an)
	p.buildTime, p.buildCPU = time.Since(start), cpuTime()-cpu0
	if err != nil {
		return nil, err
	}
	return &probedIndex{Index: idx, p: p}, nil
}

type probedIndex struct {
	kb.Index
	p *indexProbe
}

func (x *probedIndex) Search(ctx context.Context, terms []kb.QueryTerm, limit int) ([]kb.IndexHit, error) {
	start := time.Now()
	hits, err := x.Index.Search(ctx, terms, limit)
	p := x.p
	if !p.measure || err != nil {
		return hits, err
	}
	p.lat = append(p.lat, time.Since(start))
	if bx, ok := x.Index.(*bleveindex.Index); ok && p.recall {
		exact, err := bx.SearchExact(ctx, terms, limit)
		if err != nil {
			return nil, err
		}
		got := map[string]bool{}
		for _, h := range hits {
			got[h.Key] = true
		}
		for _, h := range exact {
			if got[h.Key] {
				p.found++
			}
		}
		p.wanted += len(exact)
		if len(exact) > 0 {
			p.compared++
			if len(hits) > 0 && hits[0].Key == exact[0].Key {
				p.sameTop++
			}
		}
	}
	return hits, nil
}

// dirMiB is the size of the files under dir.
func dirMiB(dir string) float64 {
	if dir == "" {
		return 0
	}
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return float64(n) / (1 << 20)
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
