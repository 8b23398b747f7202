package nlp

import "fmt"

// Analyzer is the text pipeline of one lexicon generation: the segmenter
// with the domain words and every synonym word, and the synonym lookup.
// It is immutable and safe for concurrent use.
type Analyzer struct {
	Seg *Segmenter
	Syn *Synonyms
}

// NewAnalyzer builds the pipeline for a lexicon. Synonym words join the
// dictionary so that the segmenter keeps them whole.
func NewAnalyzer(words []Word, groups []SynonymGroup) (*Analyzer, error) {
	syn := NewSynonyms(groups)
	all := make([]Word, 0, len(words)+len(syn.alts))
	seen := map[string]bool{}
	for _, w := range words {
		if w.POS == SceneWord {
			// A scene word marks a word; it does not take the place of
			// the same word's domain or synonym entry.
			all = append(all, w)
			continue
		}
		n := Normalize(w.Text)
		if seen[n] {
			continue
		}
		seen[n] = true
		all = append(all, w)
	}
	for _, w := range syn.Words() {
		if !seen[w] && len([]rune(w)) > 1 {
			seen[w] = true
			all = append(all, Word{Text: w})
		}
	}
	seg, err := NewSegmenter(all)
	if err != nil {
		return nil, fmt.Errorf("nlp: build analyzer: %w", err)
	}
	return &Analyzer{Seg: seg, Syn: syn}, nil
}

// ContentTokens returns the tokens of text without stop words, in order,
// each term once.
func (a *Analyzer) ContentTokens(text string) []Token {
	toks := a.Seg.Tokens(text)
	out := toks[:0]
	// A question has a dozen or two tokens: looking back over the kept ones
	// is cheaper than a map, which would be allocated for every question.
	// Long texts keep the map, so the work stays linear.
	var seen map[string]bool
	if len(toks) > maxScanTokens {
		seen = make(map[string]bool, len(toks))
	}
	for _, t := range toks {
		if IsStop(t.Term) {
			continue
		}
		if seen != nil {
			if seen[t.Term] {
				continue
			}
			seen[t.Term] = true
		} else if hasTerm(out, t.Term) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// maxScanTokens is the number of tokens up to which ContentTokens finds
// repeated terms by scanning rather than with a map.
const maxScanTokens = 64

func hasTerm(toks []Token, term string) bool {
	for _, t := range toks {
		if t.Term == term {
			return true
		}
	}
	return false
}
