package kb

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"zhiyin/nlp"
)

// clauseReading is what a build reads from one clause text before the terms
// are numbered.
type clauseReading struct {
	toks   []nlp.Token // SearchTokens of title + "\n" + text, offsets into it
	sents  []sentence
	norm   string  // the normalised title and text when they differ from the text
	states typeSet // the answer types the text states
	units  unitSet // the units the text gives a number of (countunit.go)
}

// readClause segments a clause once: the clause's terms, each sentence's
// terms and the index's terms all come from this one cut. (Cutting each
// sentence again gives the same words: no dictionary word spans a sentence
// mark, and gse's best route splits where no word spans.)
func (g *generation) readClause(c Clause) clauseReading {
	full := c.Title + "\n" + c.Text
	r := clauseReading{toks: mergeInsertions(full, g.an.Seg.SearchTokens(full), g.an.Seg.Known), sents: slices.Clip(splitSentences(c.Text)), states: statedTypes(c.Text), units: statedUnits(c.Text)}
	// Normalising guideline text nearly always changes only punctuation
	// (，→ ,): the phrase feature reads letters alone, so it then reads
	// the clause's own strings, and nothing is kept.
	if norm := nlp.Normalize(full); !sameLetters(norm, full) {
		r.norm = norm
	}
	return r
}

// readChunk is how many clauses are read before their terms are numbered:
// readings hold every token, so they are kept only a chunk at a time.
const readChunk = 4096

// readClauses reads the clauses on every core (segmenting is most of a
// build's cost and each clause reads alone), a chunk at a time, and hands
// each reading to use in corpus order on the calling goroutine, which may
// then change the generation without locks.
func (g *generation) readClauses(ctx context.Context, clauses []Clause, use func(i int, r clauseReading)) error {
	workers := runtime.GOMAXPROCS(0)
	buf := make([]clauseReading, min(readChunk, len(clauses)))
	for from := 0; from < len(clauses); from += readChunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		to := min(from+readChunk, len(clauses))
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := from + w; i < to; i += workers {
					buf[i-from] = g.readClause(clauses[i])
				}
			})
		}
		wg.Wait()
		for i := from; i < to; i++ {
			use(i, buf[i-from])
			buf[i-from] = clauseReading{}
		}
	}
	return nil
}

// internTokens numbers the content terms among toks as a set; with index it
// also appends every term (stop words too) and the group tokens of its
// synonym groups to the index's terms.
func (g *generation) internTokens(toks []nlp.Token, index *strings.Builder) idSet {
	out := make(idSet, 0, len(toks))
	for _, t := range toks {
		if index != nil {
			if index.Len() > 0 {
				index.WriteString(TermSep)
			}
			index.WriteString(t.Term)
			// Beside each word its synonym groups' tokens: a question
			// term then finds every synonym with one term query (see
			// rank).
			for _, grp := range g.an.Syn.Groups(t.Term) {
				index.WriteString(TermSep)
				index.WriteString(grp)
			}
		}
		if !nlp.IsStop(t.Term) {
			out = append(out, g.intern(t.Term))
		}
	}
	return sortSet(out)
}

// sameLetters reports whether a and b have the same letters and digits in
// the same order (isLetter's letters: what the phrase feature reads).
func sameLetters(a, b string) bool {
	for {
		ra, na := nextLetter(a)
		rb, nb := nextLetter(b)
		if ra != rb {
			return false
		}
		if ra < 0 {
			return true
		}
		a, b = a[na:], b[nb:]
	}
}

// nextLetter returns the first letter of s and the bytes up to its end, or
// -1 when s has none.
func nextLetter(s string) (rune, int) {
	for i, r := range s {
		if isLetter(r) {
			return r, i + utf8.RuneLen(r)
		}
	}
	return -1, len(s)
}

// mergeInsertions reads a word with a parenthetical inserted before its
// last part as the two words it stands for: the guideline writes
// 社保(市民)卡 for 社保卡 or 市民卡. Cut as it stands, the clause would
// hold 社保 alone, and a question about 社保 (social insurance, another
// service) would look answered by it. A triple X(Y)Z of adjacent tokens
// becomes XZ and YZ when XZ is a dictionary word.
func mergeInsertions(text string, toks []nlp.Token, known func(string) bool) []nlp.Token {
	for i := 0; i+2 < len(toks); i++ {
		x, y, z := toks[i], toks[i+1], toks[i+2]
		if x.End > y.Start || y.End > z.Start || z.Start > len(text) {
			continue // a search token inside the previous one
		}
		open, close := text[x.End:y.Start], text[y.End:z.Start]
		if (open != "(" && open != "（") || (close != ")" && close != "）") || !known(x.Term+z.Term) {
			continue
		}
		toks[i].Term, toks[i].End = x.Term+z.Term, z.End
		toks[i+1].Term = y.Term + z.Term
		toks = append(toks[:i+2], toks[i+3:]...)
	}
	return toks
}
