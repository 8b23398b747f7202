package kb

import "strings"

// followUpStarts begin an elliptical question that leans on the one
// before: "那软件呢？", "如果是区级单位呢", "还有呢".
var followUpStarts = []string{"那", "那么", "那如果", "如果是", "要是", "还有", "另外", "同样", "也"}

// followUpSigns tells how much a question looks like a follow-up: marked
// when it starts or ends like one ("那软件呢？", "如果是区级单位呢"), short
// when it has too few words of weight to stand alone.
func followUpSigns(norm string, q []qterm) (marked, short bool) {
	s := strings.TrimRight(norm, "?？。.!！ ")
	if strings.HasSuffix(s, "呢") {
		marked = true
	}
	for _, p := range followUpStarts {
		if strings.HasPrefix(s, p) {
			marked = true
		}
	}
	heavy := 0
	for _, t := range q {
		if t.w >= 2 {
			heavy++
		}
	}
	return marked, heavy <= 2
}

// mergeTerms reads a follow-up against the previous question: the new terms
// plus the previous ones. (Measured on kb/testdata/followups.tsv: keeping the
// previous terms at full weight reads ellipses best; down-weighting them let
// the one new word pull the answer to an unrelated clause.)
func mergeTerms(prev, cur []qterm) []qterm {
	out := append([]qterm(nil), cur...)
	have := map[string]bool{}
	for _, t := range cur {
		have[t.term] = true
	}
	for _, t := range prev {
		if have[t.term] {
			continue
		}
		out = append(out, t)
	}
	return out
}
