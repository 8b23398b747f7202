package kb_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"zhiyin/kb"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current answers")

// TestRetrievalGolden records, for every question of the project's own
// question set, whether Zhiyin answers and which clauses it cites. Any
// ranking change shows up as a diff of testdata/retrieval.golden in review;
// run `go test ./kb -run RetrievalGolden -args -update` to accept one.
func TestRetrievalGolden(t *testing.T) {
	svc := defaultService(t)
	var b bytes.Buffer
	b.WriteString("# id\texpected\tgot (answered clause, or refused)\tcitations\n")
	for _, c := range loadCases(t, "testdata/questions.tsv") {
		a := ask(t, svc, c.Question)
		exp := strings.Join(c.Expected, ",")
		if exp == "" {
			exp = "none"
		}
		var cits []string
		for _, ct := range a.Citations {
			cits = append(cits, ct.Clause)
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", c.ID, exp, summary(a), strings.Join(cits, ","))
	}
	const path = "testdata/retrieval.golden"
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, b.Bytes()) {
		t.Errorf("answers changed; review the diff and run `go test ./kb -run RetrievalGolden -args -update`:\n%s", lineDiff(string(want), b.String()))
	}
}

func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			out = append(out, "- "+a, "+ "+b)
		}
	}
	return strings.Join(out, "\n")
}

// TestQuestionSetAccuracy guards the figures measured on the project's own
// question set (see README). The floors sit a little under the measured
// values so that a real regression fails while the golden file catches
// every change.
func TestQuestionSetAccuracy(t *testing.T) {
	svc := defaultService(t)
	rep, err := kb.Evaluate(context.Background(), svc, loadCases(t, "testdata/questions.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	floors := map[string]float64{"plain": 0.97, "colloquial": 0.88, "oos": 0.85, "greeting": 1.0}
	for cat, floor := range floors {
		v := rep.ByCategory[cat]
		if v[1] == 0 {
			t.Errorf("no %s questions", cat)
			continue
		}
		if got := float64(v[0]) / float64(v[1]); got < floor {
			var b strings.Builder
			rep.Write(&b)
			t.Errorf("%s: %.1f%% correct, floor %.0f%%\n%s", cat, 100*got, 100*floor, b.String())
		}
	}
}

// TestFollowUps plays the sessions of testdata/followups.tsv: later turns
// are read against earlier ones of the same session.
func TestFollowUps(t *testing.T) {
	svc := defaultService(t)
	f, err := os.ReadFile("testdata/followups.tsv")
	if err != nil {
		t.Fatal(err)
	}
	right, total := 0, 0
	var misses []string
	for _, line := range strings.Split(string(f), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 4 {
			t.Fatalf("bad line %q", line)
		}
		a, err := svc.Ask(context.Background(), kb.Question{Text: p[2], Session: "followup-test-" + p[0]})
		if err != nil {
			t.Fatal(err)
		}
		total++
		exp := strings.Split(p[3], ",")
		ok := (p[3] == "none" && !a.Answered) || (a.Answered && contains(exp, a.Citations[0].Clause))
		if ok {
			right++
		} else {
			misses = append(misses, fmt.Sprintf("%s/%s %s: expected %s, got %s", p[0], p[1], p[2], p[3], summary(a)))
		}
	}
	t.Logf("follow-ups: %d/%d right\n%s", right, total, strings.Join(misses, "\n"))
	if float64(right) < 0.9*float64(total) {
		t.Errorf("follow-ups: %d/%d right, floor 90%%:\n%s", right, total, strings.Join(misses, "\n"))
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
