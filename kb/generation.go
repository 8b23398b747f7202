package kb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"zhiyin/nlp"
)

// generation is one immutable build of the knowledge base: the documents,
// the analyzer of its lexicon, the index and the clause profiles. Questions
// hold it for reading; a publish retires it once they are done.
type generation struct {
	rev       int64
	k         Knowledge
	an        *nlp.Analyzer
	idx       Index
	w         weigher
	docs      map[string]*Document
	clauses   map[string]*clauseInfo // by ClauseKey
	order     []string               // clause keys in corpus order
	negs      []faqQuestion          // the editors' out-of-scope questions
	ids       map[string]int32       // term -> id, read-only once built (terms.go)
	names     []string               // id -> term
	inText    []bool                 // id -> some clause's text or title has the term (not only an FAQ question)
	faqsOf    map[int32][]int32      // id -> the numbers of the clauses' FAQ questions that have the term (a map: few terms are in FAQ questions, and a slice per term would cost 24 bytes for each of millions of terms at scale)
	faqCount  int                    // how many FAQ questions the clauses have
	slots     sync.Pool              // *[]int32 of len(names): matcher tables
	terms     sync.Map               // term -> qterm: analyses of question terms (see term)
	termCount atomic.Int64           // how many are cached

	mu      sync.RWMutex // held for reading while answering
	retired bool
}

// clauseInfo is a clause with what answering needs to know of it.
type clauseInfo struct {
	key     string
	doc     *Document
	clause  Clause
	textVoc idSet         // terms of the text and title
	faqVoc  idSet         // terms of the FAQ questions that textVoc lacks
	faqs    []faqQuestion // the FAQ questions that point here first
	sents   []sentence    // the text cut into sentences, for quotes
	norm    string        // the normalised title and text, for phrase matches, if not the clause's own
	states  typeSet       // the answer types the text states (answertype.go)
	units   unitSet       // the units it gives a number of (countunit.go)
	related []string      // keys of clauses the FAQ entries also name
}

// faqQuestion is one FAQ question (standard or similar) as a term set.
type faqQuestion struct {
	text   string
	ids    idSet
	weight float64 // sum of the terms' weights
	n      int32   // its number among the clauses' FAQ questions (see faqsOf)
}

func buildGeneration(ctx context.Context, k Knowledge, rev int64, build IndexBuilder) (*generation, error) {
	an, err := nlp.NewAnalyzer(k.Lexicon.Words, k.Lexicon.Synonyms)
	if err != nil {
		return nil, fmt.Errorf("kb: lexicon: %w", err)
	}
	g := &generation{
		rev: rev, k: k, an: an, w: weigher{an: an},
		docs:    map[string]*Document{},
		clauses: map[string]*clauseInfo{},
		ids:     map[string]int32{},
		faqsOf:  map[int32][]int32{},
	}
	// The FAQ questions by clause, read before the clauses: the index
	// indexes a clause with its FAQ questions.
	faqs := map[string][]string{}
	for _, f := range g.k.FAQs {
		if len(f.Clauses) > 0 {
			key := ClauseKey(f.Doc, f.Clauses[0])
			faqs[key] = append(append(faqs[key], f.Question), f.Similar...)
		}
	}
	var (
		clauses []Clause
		owners  []*Document
	)
	for i := range g.k.Documents {
		d := &g.k.Documents[i]
		g.docs[d.ID] = d
		if d.Status == StatusRepealed {
			continue // never cited as an answer
		}
		for _, c := range d.Clauses {
			if c.Text != "" { // a bare heading answers nothing
				clauses = append(clauses, c)
				owners = append(owners, d)
			}
		}
	}
	docs := make([]IndexDoc, 0, len(clauses))
	err = g.readClauses(ctx, clauses, func(i int, r clauseReading) {
		c, d := clauses[i], owners[i]
		key := ClauseKey(d.ID, c.ID)
		var terms strings.Builder
		ci := &clauseInfo{key: key, doc: d, clause: c, sents: r.sents, norm: r.norm, states: r.states, units: r.units}
		ci.textVoc = g.internTokens(r.toks, &terms)
		g.sentenceIDs(ci, r.toks, len(c.Title)+1)
		var faqIDs []int32
		for _, q := range faqs[key] {
			fq := g.faqQuestion(q, &terms)
			faqIDs = append(faqIDs, fq.ids...)
			ci.faqs = append(ci.faqs, fq)
		}
		g.indexFAQs(ci.faqs)
		ci.faqVoc = sortSet(faqIDs).minus(ci.textVoc)
		g.clauses[key] = ci
		g.order = append(g.order, key)
		docs = append(docs, IndexDoc{
			Key: key, Doc: d.ID, Clause: c.ID, DocTitle: d.Title,
			Label: c.Label, Title: c.Title, Text: c.Text,
			FAQ: faqs[key], Terms: terms.String(),
		})
	})
	if err != nil {
		return nil, err
	}
	for _, f := range g.k.FAQs {
		if len(f.Clauses) == 0 {
			continue
		}
		ci := g.clauses[ClauseKey(f.Doc, f.Clauses[0])]
		if ci == nil {
			continue // points at a missing, empty or repealed clause
		}
		for _, other := range f.Clauses[1:] {
			if ok := g.clauses[ClauseKey(f.Doc, other)]; ok != nil && !containsString(ci.related, ok.key) {
				ci.related = append(ci.related, ok.key)
			}
		}
	}
	for _, n := range g.k.Negatives {
		if fq := g.negativeQuestion(n.Question); len(fq.ids) > 0 {
			g.negs = append(g.negs, fq)
		}
	}
	g.inText = make([]bool, len(g.names))
	for _, ci := range g.clauses {
		for _, id := range ci.textVoc {
			g.inText[id] = true
		}
	}
	g.slots.New = func() any {
		slot := make([]int32, len(g.names))
		return &slot
	}
	idx, err := build(ctx, docs, an)
	if err != nil {
		return nil, fmt.Errorf("kb: build index: %w", err)
	}
	g.idx = idx
	return g, nil
}

// indexFAQs numbers a clause's FAQ questions after those of the clauses
// read before and lists them under each of their terms. A clause has
// dozens of FAQ questions and a question shares a word with few of them:
// rank compares a question only with those (see matcher.markFAQs), which
// gives the same similarities for a fraction of the work.
func (g *generation) indexFAQs(faqs []faqQuestion) {
	for i := range faqs {
		f := &faqs[i]
		f.n = int32(g.faqCount)
		g.faqCount++
		for _, id := range f.ids {
			g.faqsOf[id] = append(g.faqsOf[id], f.n)
		}
	}
}

// faqQuestion reads one FAQ question with the search cut; with index, it
// appends its terms to the index's terms of its clause.
func (g *generation) faqQuestion(q string, index *strings.Builder) faqQuestion {
	return g.termSet(q, g.an.Seg.SearchTokens(q), index)
}

// negativeQuestion reads an out-of-scope question the way a question is
// read (the precise cut, as query does), so that a question worded like it
// has a similarity of 1. (FAQ questions are read with the search cut, which
// adds the words inside long words — 营业 and 执照 inside 营业执照 — and
// so weighs them more than the question they match; the thresholds were
// calibrated that way. For a negative it made the very same question a
// 0.48 match, under negativeMinSim.)
func (g *generation) negativeQuestion(q string) faqQuestion {
	return g.termSet(q, g.an.Seg.Tokens(q), nil)
}

// termSet reads a question cut into toks as a term set with its weight.
func (g *generation) termSet(q string, toks []nlp.Token, index *strings.Builder) faqQuestion {
	fq := faqQuestion{text: q, ids: g.internTokens(toks, index)}
	for _, id := range fq.ids {
		fq.weight += g.w.weight(g.names[id])
	}
	return fq
}

// sentenceIDs gives each sentence of ci the content terms of toks that lie
// in it; off is where the clause text starts in the text toks were cut from.
func (g *generation) sentenceIDs(ci *clauseInfo, toks []nlp.Token, off int) {
	all := make([]int32, 0, len(toks))
	from := make([]int, len(ci.sents))
	t := 0
	for i := range ci.sents {
		s := &ci.sents[i]
		from[i] = len(all)
		for ; t < len(toks) && toks[t].Start < off+int(s.end); t++ {
			if toks[t].Start >= off+int(s.start) && !nlp.IsStop(toks[t].Term) {
				all = append(all, g.ids[toks[t].Term])
			}
		}
		n := len(sortSet(all[from[i]:]))
		all = all[:from[i]+n]
	}
	all = slices.Clip(all)
	for i := range ci.sents {
		end := len(all)
		if i+1 < len(ci.sents) {
			end = from[i+1]
		}
		ci.sents[i].ids = all[from[i]:end:end]
	}
}

// hold takes the generation for reading; false once it is retired.
func (g *generation) hold() bool {
	g.mu.RLock()
	if g.retired {
		g.mu.RUnlock()
		return false
	}
	return true
}

func (g *generation) release() { g.mu.RUnlock() }

// retire waits for the questions holding g, then closes its index.
func (g *generation) retire() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.retired {
		return
	}
	g.retired = true
	if g.idx != nil {
		_ = g.idx.Close() // an in-memory index has nothing left to flush
	}
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
