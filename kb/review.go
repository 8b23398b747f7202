package kb

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"

	"zhiyin/nlp"
)

// LowConfidence is the confidence below which an answered question goes to
// the editors' queue as well as the refused ones and those marked unhelpful.
const LowConfidence = 0.6

// Why a question is in the review queue.
const (
	ReasonRefused       = "refused"        // the question was refused
	ReasonLowConfidence = "low_confidence" // answered with confidence below LowConfidence
	ReasonUnhelpful     = "unhelpful"      // someone marked the answer unhelpful
)

// What an editor did with a queue item.
const (
	ActionLink       = "link"         // linked to a clause: a similar question of its FAQ entry
	ActionOutOfScope = "out_of_scope" // a negative example: such questions stay refused
	ActionDismiss    = "dismiss"      // nothing to do
)

// ReviewQuestion is one logged question that needs an editor.
type ReviewQuestion struct {
	ID       string
	Question string
	Channel  string
	Time     time.Time
	Reason   string
}

// Resolution is what an editor did with a queue item.
type Resolution struct {
	Action string    `json:"action"`
	Doc    string    `json:"doc,omitempty"`
	Clause string    `json:"clause,omitempty"`
	FAQ    string    `json:"faq,omitempty"`      // the FAQ entry the question joined (link)
	Neg    string    `json:"negative,omitempty"` // the negative example's id (out_of_scope)
	By     string    `json:"by"`
	Time   time.Time `json:"time"`
	// Pending is true until a publish after the resolution serves it.
	Pending bool `json:"pending"`
}

// ReviewItem is a group of near-duplicate questions in the queue.
type ReviewItem struct {
	// Key identifies the item: the folded text of its most frequent wording.
	Key      string         `json:"key"`
	Question string         `json:"question"` // the most frequent wording
	Variants []string       `json:"variants"` // other wordings, most frequent first (at most 10)
	Keys     []string       `json:"-"`        // the folded text of every wording
	Count    int            `json:"count"`
	Channels map[string]int `json:"channels"`
	Reasons  map[string]int `json:"reasons"`
	First    time.Time      `json:"first"`
	Last     time.Time      `json:"last"`
	// Resolution is set once an editor resolved the item.
	Resolution *Resolution `json:"resolution,omitempty"`
}

// ReviewStore keeps what the unanswered-question loop needs: the logged
// questions, the editors' resolutions, and applies a resolution to the
// draft (a similar question of a FAQ entry, or a negative example).
type ReviewStore interface {
	// ReviewQuestions returns the questions since the given time that were
	// refused, answered with confidence below low, or marked unhelpful,
	// newest first, at most limit.
	ReviewQuestions(ctx context.Context, since time.Time, low float64, limit int) ([]ReviewQuestion, error)
	// Resolutions returns the resolutions by folded question text.
	Resolutions(ctx context.Context) (map[string]Resolution, error)
	// Resolve records r for every key and applies it to the draft: for
	// ActionLink question becomes a similar question of the first FAQ entry
	// whose first clause is r.Doc#r.Clause (or of a new entry); for
	// ActionOutOfScope it becomes a negative example. It returns r with FAQ
	// or Neg filled in.
	Resolve(ctx context.Context, keys []string, question string, r Resolution, by Actor) (Resolution, error)
	// Stats sums up the question log since the given time (the dashboard).
	Stats(ctx context.Context, since time.Time) (Stats, error)
}

// Stats is what the editors' dashboard shows of the question log.
type Stats struct {
	Days       []DayCount     `json:"days"`
	Channels   map[string]int `json:"channels"`
	Answered   int            `json:"answered"`
	Refused    int            `json:"refused"`
	Helpful    int            `json:"helpful"`
	Unhelpful  int            `json:"unhelpful"`
	TopClauses []ClauseCount  `json:"top_clauses"`
}

// DayCount is one day's questions by channel.
type DayCount struct {
	Day      string         `json:"day"` // YYYY-MM-DD (UTC)
	Total    int            `json:"total"`
	Answered int            `json:"answered"`
	Channels map[string]int `json:"channels"`
}

// ClauseCount is how often a clause was cited as the answer.
type ClauseCount struct {
	Doc    string `json:"doc"`
	Clause string `json:"clause"`
	Count  int    `json:"count"`
}

// FoldQuestion is the key under which wordings count as the same question:
// the normalised text (nlp.Normalize) with only its letters and digits.
func FoldQuestion(q string) string {
	var b strings.Builder
	for _, r := range nlp.Normalize(q) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NearDuplicate is the Jaccard overlap of content tokens from which two
// wordings form one queue item.
const NearDuplicate = 0.8

// GroupReview groups qs into queue items: wordings with the same folded
// text, then groups whose content tokens (terms) overlap by NearDuplicate
// or more. Items come most frequent first. res marks resolved items.
func GroupReview(qs []ReviewQuestion, terms func(string) []string, res map[string]Resolution) []ReviewItem {
	type wording struct {
		key   string
		text  string
		count int
		first time.Time
		lits  map[string]int // literal texts and their counts
		qs    []ReviewQuestion
		terms map[string]bool
	}
	byKey := map[string]*wording{}
	var ws []*wording
	for _, q := range qs {
		k := FoldQuestion(q.Question)
		if k == "" {
			continue
		}
		w := byKey[k]
		if w == nil {
			w = &wording{key: k, first: q.Time, lits: map[string]int{}}
			byKey[k] = w
			ws = append(ws, w)
		}
		w.count++
		w.lits[strings.TrimSpace(q.Question)]++
		if q.Time.Before(w.first) {
			w.first = q.Time
		}
		w.qs = append(w.qs, q)
	}
	for _, w := range ws {
		// The most frequent literal text stands for the wording; on a tie,
		// the shortest, then the first in sort order.
		for lit, n := range w.lits {
			if m := w.lits[w.text]; w.text == "" || n > m || (n == m && (len(lit) < len(w.text) || (len(lit) == len(w.text) && lit < w.text))) {
				w.text = lit
			}
		}
	}
	// Most frequent first; on a tie, the one asked first.
	sort.SliceStable(ws, func(i, j int) bool {
		if ws[i].count != ws[j].count {
			return ws[i].count > ws[j].count
		}
		return ws[i].first.Before(ws[j].first)
	})
	type group struct {
		ws    []*wording
		terms map[string]bool
	}
	// Terms in a global order, rarest first, for prefix filtering: two
	// sets with a Jaccard index of at least t share a term among the first
	// n - ceil(t·n) + 1 terms of each, so only those are indexed and probed.
	df := map[string]int{}
	sorted := make([][]string, len(ws))
	for i, w := range ws {
		w.terms = map[string]bool{}
		if terms != nil {
			for _, t := range terms(w.text) {
				w.terms[t] = true
			}
		}
		for t := range w.terms {
			df[t]++
			sorted[i] = append(sorted[i], t)
		}
	}
	prefix := func(ts []string) []string {
		sort.Slice(ts, func(i, j int) bool {
			if df[ts[i]] != df[ts[j]] {
				return df[ts[i]] < df[ts[j]]
			}
			return ts[i] < ts[j]
		})
		n := len(ts)
		return ts[:n-int(math.Ceil(NearDuplicate*float64(n)-1e-9))+1]
	}
	var groups []*group
	byTerm := map[string][]int{} // prefix term → the groups whose prefix holds it
	for i, w := range ws {
		into := -1
		var pre []string
		if len(w.terms) > 0 {
			pre = prefix(sorted[i])
			seen := map[int]bool{}
			for _, t := range pre {
				for _, gi := range byTerm[t] {
					if seen[gi] || (into >= 0 && gi > into) {
						continue
					}
					seen[gi] = true
					if jaccard(groups[gi].terms, w.terms) >= NearDuplicate {
						into = gi // the first (most frequent) group that overlaps enough
					}
				}
			}
		}
		if into < 0 {
			for _, t := range pre {
				byTerm[t] = append(byTerm[t], len(groups))
			}
			groups = append(groups, &group{ws: []*wording{w}, terms: w.terms})
			continue
		}
		groups[into].ws = append(groups[into].ws, w)
	}
	items := make([]ReviewItem, 0, len(groups))
	for _, g := range groups {
		it := ReviewItem{Key: g.ws[0].key, Question: g.ws[0].text, Variants: []string{},
			Channels: map[string]int{}, Reasons: map[string]int{}}
		for i, w := range g.ws {
			it.Keys = append(it.Keys, w.key)
			if i > 0 && len(it.Variants) < 10 {
				it.Variants = append(it.Variants, w.text)
			}
			for _, q := range w.qs {
				it.Count++
				it.Channels[q.Channel]++
				it.Reasons[q.Reason]++
				if it.First.IsZero() || q.Time.Before(it.First) {
					it.First = q.Time
				}
				if q.Time.After(it.Last) {
					it.Last = q.Time
				}
			}
			if r, ok := res[w.key]; ok && (it.Resolution == nil || r.Time.After(it.Resolution.Time)) {
				r := r
				it.Resolution = &r
			}
		}
		items = append(items, it)
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Count > items[j].Count })
	return items
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// ContentTerms returns the content terms of text as the served generation
// segments it (stop words dropped, each term once).
func (s *Service) ContentTerms(text string) []string {
	g, ok := s.acquire()
	if !ok {
		return nil
	}
	defer g.release()
	toks := g.an.ContentTokens(text)
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, t.Term)
	}
	return out
}

// ImpactItem is a clause whose draft text differs from the published one,
// with the FAQ entries of the draft that link to it: they may need review
// before the publish.
type ImpactItem struct {
	Doc    string `json:"doc"`
	Clause string `json:"clause"`
	Label  string `json:"label"`
	Before string `json:"before"`
	After  string `json:"after"`
	FAQs   []FAQ  `json:"faqs"`
}

// Impact lists the clauses of work whose title or text differs from pub,
// each with the FAQ entries of work linked to it, in corpus order.
func Impact(pub, work Knowledge) []ImpactItem {
	old := clauseMap(pub)
	out := []ImpactItem{}
	for _, d := range work.Documents {
		for _, c := range d.Clauses {
			key := ClauseKey(d.ID, c.ID)
			before, ok := old[key]
			after := c.Text
			if c.Title != "" {
				after = c.Title + "\n" + c.Text
			}
			if !ok || before == after {
				continue
			}
			it := ImpactItem{Doc: d.ID, Clause: c.ID, Label: c.Label, Before: before, After: after, FAQs: []FAQ{}}
			for _, f := range work.FAQs {
				if f.Doc == d.ID && containsString(f.Clauses, c.ID) {
					it.FAQs = append(it.FAQs, f)
				}
			}
			out = append(out, it)
		}
	}
	return out
}

// Segment cuts text as a generation built from k's lexicon would: the
// editors' segmentation preview of a draft lexicon. Stop words are marked.
func Segment(k Knowledge, text string) ([]SegmentToken, error) {
	an, err := nlp.NewAnalyzer(k.Lexicon.Words, k.Lexicon.Synonyms)
	if err != nil {
		return nil, Errorf(CodeInvalid, "词表无法生成分词器：%v", err)
	}
	out := []SegmentToken{}
	for _, t := range an.Seg.Tokens(text) {
		out = append(out, SegmentToken{Term: t.Term, Stop: nlp.IsStop(t.Term), Domain: an.Seg.Domain(t.Term), Synonyms: an.Syn.Of(t.Term)})
	}
	return out, nil
}

// SegmentToken is one word of a segmentation preview.
type SegmentToken struct {
	Term     string   `json:"term"`
	Stop     bool     `json:"stop,omitempty"`
	Domain   bool     `json:"domain,omitempty"`
	Synonyms []string `json:"synonyms,omitempty"`
}

// TryAsk answers question from a throwaway generation built from k, without
// logging it: the editors' "try it" box against the draft.
func TryAsk(ctx context.Context, k Knowledge, question string, build IndexBuilder) (Answer, error) {
	svc, err := NewService(ctx, k, 0, Options{Index: build})
	if err != nil {
		return Answer{}, Errorf(CodeInvalid, "草稿无法生成知识库：%v", err)
	}
	defer svc.Close()
	return svc.Ask(ctx, Question{Text: question, Channel: "try"})
}
