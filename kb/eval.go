package kb

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
)

// EvalCase is one question of an evaluation set with the clause ids that
// may answer it (any one is right as the first citation); none expected
// means the right reply is a refusal.
type EvalCase struct {
	ID       string
	Category string // optional: plain, colloquial, oos, greeting, …
	Question string
	Expected []string // clause ids; empty for "none"
}

// Answerable reports whether the case expects an answer.
func (c EvalCase) Answerable() bool { return len(c.Expected) > 0 }

// ParseEvalSet reads a tab-separated question set: "id, question, expected"
// or "id, category, question, expected", # comments and blank lines skipped;
// expected is a comma-separated list of clause ids or "none". It returns an
// error naming the line for a row of another shape.
func ParseEvalSet(r io.Reader) ([]EvalCase, error) {
	var out []EvalCase
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		var c EvalCase
		switch len(f) {
		case 3:
			c = EvalCase{ID: f[0], Question: f[1]}
		case 4:
			c = EvalCase{ID: f[0], Category: f[1], Question: f[2]}
		default:
			return nil, fmt.Errorf("kb: eval set line %d: want 3 or 4 tab-separated fields, got %d", n, len(f))
		}
		exp := strings.TrimSpace(f[len(f)-1])
		if exp == "" {
			return nil, fmt.Errorf("kb: eval set line %d: empty expected field (use none)", n)
		}
		if exp != "none" {
			for _, id := range strings.Split(exp, ",") {
				if id = strings.TrimSpace(id); id != "" {
					c.Expected = append(c.Expected, id)
				}
			}
		}
		if strings.TrimSpace(c.Question) == "" {
			return nil, fmt.Errorf("kb: eval set line %d: empty question", n)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("kb: read eval set: %w", err)
	}
	return out, nil
}

// EvalResult is one case with what Zhiyin replied.
type EvalResult struct {
	Case   EvalCase
	Answer Answer
	Top1   bool // answered, and the first citation is expected
	Top3   bool // an expected clause is among the first three citations
}

// Correct reports whether the reply was right: the expected clause first for
// an answerable case, a refusal for the others.
func (r EvalResult) Correct() bool {
	if r.Case.Answerable() {
		return r.Top1
	}
	return !r.Answer.Answered
}

// EvalReport sums up an evaluation run.
type EvalReport struct {
	Results       []EvalResult
	Answerable    int
	Top1, Top3    int
	FalseRefusals int // answerable but refused
	OutOfScope    int
	Refused       int               // out of scope and refused
	ByCategory    map[string][2]int // category -> correct, total
	Misses        []EvalResult
}

// Evaluate asks every case (each on its own, no session) against svc.
func Evaluate(ctx context.Context, svc *Service, cases []EvalCase) (EvalReport, error) {
	rep := EvalReport{ByCategory: map[string][2]int{}}
	for _, c := range cases {
		a, err := svc.Ask(ctx, Question{Text: c.Question, Channel: "eval"})
		if err != nil {
			a = Answer{Kind: KindEmpty, Text: ErrorMessage(err)}
		}
		r := EvalResult{Case: c, Answer: a}
		if c.Answerable() {
			rep.Answerable++
			for i, cit := range a.Citations {
				if i >= 3 {
					break
				}
				if containsString(c.Expected, cit.Clause) {
					r.Top3 = true
					if i == 0 && a.Answered {
						r.Top1 = true
					}
				}
			}
			if r.Top1 {
				rep.Top1++
			}
			if r.Top3 {
				rep.Top3++
			}
			if !a.Answered {
				rep.FalseRefusals++
			}
		} else {
			rep.OutOfScope++
			if !a.Answered {
				rep.Refused++
			}
		}
		cat := c.Category
		if cat == "" {
			cat = "answerable"
			if !c.Answerable() {
				cat = "none"
			}
		}
		bc := rep.ByCategory[cat]
		bc[1]++
		if r.Correct() {
			bc[0]++
		} else {
			rep.Misses = append(rep.Misses, r)
		}
		rep.ByCategory[cat] = bc
		rep.Results = append(rep.Results, r)
	}
	return rep, nil
}

// Write prints the report for people: the figures, then each miss with what
// was returned.
func (rep EvalReport) Write(w io.Writer) {
	pct := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return 100 * float64(a) / float64(b)
	}
	fmt.Fprintf(w, "answerable: %d  top-1: %d (%.1f%%)  top-3: %d (%.1f%%)  false refusals: %d\n",
		rep.Answerable, rep.Top1, pct(rep.Top1, rep.Answerable), rep.Top3, pct(rep.Top3, rep.Answerable), rep.FalseRefusals)
	fmt.Fprintf(w, "out of scope: %d  refused: %d (%.1f%%)\n", rep.OutOfScope, rep.Refused, pct(rep.Refused, rep.OutOfScope))
	for _, cat := range sortedKeys(rep.ByCategory) {
		v := rep.ByCategory[cat]
		fmt.Fprintf(w, "  %-12s %3d/%-3d correct (%.1f%%)\n", cat, v[0], v[1], pct(v[0], v[1]))
	}
	if len(rep.Misses) == 0 {
		return
	}
	fmt.Fprintln(w, "misses:")
	for _, m := range rep.Misses {
		got := "refused"
		if m.Answer.Answered {
			got = "answered " + m.Answer.Citations[0].Clause
		}
		var sugg []string
		for _, c := range m.Answer.Citations {
			sugg = append(sugg, c.Clause)
		}
		exp := strings.Join(m.Case.Expected, ",")
		if exp == "" {
			exp = "none"
		}
		fmt.Fprintf(w, "  %s\t%s\texpected %s\tgot %s (conf %.2f; citations %s)\n",
			m.Case.ID, m.Case.Question, exp, got, m.Answer.Confidence, strings.Join(sugg, ","))
	}
}

func sortedKeys(m map[string][2]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
