package kb

import (
	"strings"
	"unicode/utf8"
)

// sentence is one sentence of a clause text: its position, and its terms
// (filled when the generation is built; a piece of one array per clause).
// A million clauses have several million sentences: nothing else is kept.
type sentence struct {
	start, end int32 // byte offsets in the clause text
	ids        idSet
}

// in returns the sentence's text in its clause text.
func (s sentence) in(text string) string { return text[s.start:s.end] }

// sentenceEnds are the marks that end a sentence or a clause of a list:
// the quote is built from these pieces, so it is always verbatim text.
const sentenceEnds = "。；;！？!?"

// splitSentences cuts text after each sentence mark; a closing bracket or
// quote right after the mark stays with the sentence.
func splitSentences(text string) []sentence {
	var out []sentence
	start := 0
	for i, r := range text {
		if !strings.ContainsRune(sentenceEnds, r) {
			continue
		}
		end := i + utf8.RuneLen(r)
		for end < len(text) {
			nr, size := utf8.DecodeRuneInString(text[end:])
			if !strings.ContainsRune("）)」”’", nr) {
				break
			}
			end += size
		}
		if end <= start {
			continue
		}
		out = appendSentence(out, text, start, end)
		start = end
	}
	if start < len(text) {
		out = appendSentence(out, text, start, len(text))
	}
	return out
}

func appendSentence(out []sentence, text string, start, end int) []sentence {
	// Trim spaces at the edges, keeping offsets right.
	for start < end && text[start] == ' ' {
		start++
	}
	for end > start && text[end-1] == ' ' {
		end--
	}
	if start == end {
		return out
	}
	return append(out, sentence{start: int32(start), end: int32(end)})
}

// minQuoteRunes: a quote shorter than this (a heading sentence such as
// "统一互联网出口。") says too little alone and takes the next sentence too.
const minQuoteRunes = 16

// quote picks the verbatim part of a clause that answers the question: the
// sentence covering most of the question's weight (its terms, their
// synonyms, and the terms of the FAQ question that matched), with a
// neighbour where that sentence alone is too short. Ties go to the earlier
// sentence, which in guideline text states the rule before its details.
func (g *generation) quote(ci *clauseInfo, m *matcher, faq *faqQuestion) string {
	if len(ci.sents) <= 1 {
		return strings.TrimSpace(ci.clause.Text)
	}
	best, bestScore := 0, -1.0
	for i, s := range ci.sents {
		score := m.matchedWeight(s.ids)
		if faq != nil {
			for _, id := range faq.ids {
				if s.ids.has(id) {
					score += 0.5 * g.w.weight(g.names[id])
				}
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	from, to := best, best
	if utf8.RuneCountInString(ci.sents[best].in(ci.clause.Text)) < minQuoteRunes {
		if best+1 < len(ci.sents) {
			to = best + 1
		} else if best > 0 {
			from = best - 1
		}
	}
	return ci.clause.Text[ci.sents[from].start:ci.sents[to].end]
}
