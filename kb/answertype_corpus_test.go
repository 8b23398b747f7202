package kb_test

import (
	"testing"

	"zhiyin/corpus"
	"zhiyin/kb"
	"zhiyin/nlp"
)

// TestAnswerTypesMatchRegexpOnCorpus checks the answer-type fast path against
// the bare regexps on every clause text of the embedded corpus (and its
// titles), and on every FAQ and out-of-scope question as a question.
func TestAnswerTypesMatchRegexpOnCorpus(t *testing.T) {
	k, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	var questions, clauses []string
	for _, d := range k.Documents {
		for _, c := range d.Clauses {
			clauses = append(clauses, c.Text, c.Title, nlp.Normalize(c.Text))
		}
	}
	for _, f := range k.FAQs {
		for _, q := range append([]string{f.Question}, f.Similar...) {
			questions = append(questions, q, nlp.Normalize(q))
		}
	}
	for _, n := range k.Negatives {
		questions = append(questions, n.Question, nlp.Normalize(n.Question))
	}
	if len(clauses) < 100 || len(questions) < 100 {
		t.Fatalf("corpus too small: %d clause texts, %d questions", len(clauses), len(questions))
	}
	kb.CheckAnswerTypesAgainstRegexp(t, questions, clauses)
	t.Logf("checked %d questions and %d clause texts", len(questions), len(clauses))
}
