package nlp

import (
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// generalDict is the trimmed general dictionary (see internal/gendict).
//
//go:embed dict/zh_s_top.txt
var generalDict string

// defaultWordFreq is the frequency given to lexicon words that state none:
// high enough that a domain term beats the general words it could be cut into.
const defaultWordFreq = 3000

// freq is the entry's frequency, or defaultWordFreq when it states none.
func (w Word) freq() int {
	if w.Freq <= 0 {
		return defaultWordFreq
	}
	return w.Freq
}

// Token is one word of a text with its byte offsets in the ORIGINAL text
// (before normalisation), so that matches can be highlighted there.
type Token struct {
	Term  string // normalised form
	Start int
	End   int
}

// Segmenter cuts normalised Chinese text into words with gse. It is immutable
// once built and safe for concurrent use: a lexicon change builds a new one
// (gse's dictionary must not change while it segments).
type Segmenter struct {
	seg      gse.Segmenter
	total    float64 // sum of dictionary frequencies, for Info
	logTotal float64 // its natural log, for the DAG cut (gse's logT)
	words    map[string]bool
	scene    map[string]bool // the lexicon's SceneWord entries
}

// NewSegmenter builds a segmenter from the embedded general dictionary plus
// the given domain words. The dictionary is loaded in one pass (gse's
// CalcToken, the expensive step, runs once).
func NewSegmenter(domain []Word) (*Segmenter, error) {
	var b strings.Builder
	b.Grow(len(generalDict) + 32*len(domain))
	b.WriteString(generalDict)
	words := make(map[string]bool, len(domain))
	var notWords []string
	var sceneWords []Word
	scene := map[string]bool{}
	for _, w := range domain {
		t := Normalize(w.Text)
		if t == "" || strings.ContainsAny(t, " \t\n") {
			return nil, fmt.Errorf("nlp: lexicon word %q is empty or contains space", w.Text)
		}
		switch w.POS {
		case NotAWord:
			notWords = append(notWords, t)
			continue
		case SceneWord:
			scene[t] = true
			sceneWords = append(sceneWords, Word{Text: t, Freq: w.Freq})
			continue
		}
		words[t] = true
		b.WriteString(t)
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(w.freq()))
		if w.POS != "" {
			b.WriteByte(' ')
			b.WriteString(w.POS)
		}
		b.WriteByte('\n')
	}
	s := &Segmenter{words: words, scene: scene}
	s.seg.SkipLog = true
	if err := s.seg.LoadDictStr(b.String()); err != nil {
		return nil, fmt.Errorf("nlp: load dictionary: %w", err)
	}
	s.fixSingleChars()
	for _, t := range notWords {
		// Deleting a word that is not in the dictionary is harmless.
		_ = s.seg.RemoveToken(t)
	}
	for _, w := range sceneWords {
		if !s.Known(w.Text) {
			if err := s.seg.AddToken(w.Text, float64(w.freq()), "n"); err != nil {
				return nil, fmt.Errorf("nlp: add scene word %q: %w", w.Text, err)
			}
		}
	}
	s.total = s.seg.Dict.TotalFreq()
	s.logTotal = math.Log(s.total)
	return s, nil
}

// singleCharFreq is the frequency given to a character that the dictionary
// holds only inside longer words.
const singleCharFreq = 1000

// fixSingleChars gives single characters usable frequencies. gse's loader
// sets every one-character entry to frequency 2, and a character the
// dictionary knows only as a prefix (会, 报) is found with frequency 0, whose
// log is -Inf in the DAG cut: both distort the cut ("明天会下雨" became
// 明/天会/下雨, "报数据" 报数/据). We put back the listed frequencies, and
// give the prefix-only characters a modest one. Cut reads frequencies
// directly, so no second CalcToken is needed.
func (s *Segmenter) fixSingleChars() {
	listed := map[rune]bool{}
	for _, line := range strings.Split(generalDict, "\n") {
		word, rest, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		r, size := utf8.DecodeRuneInString(word)
		if size != len(word) || r < 0x3400 {
			if size != len(word) {
				for _, c := range word {
					if c >= 0x3400 && !listed[c] {
						listed[c] = false
					}
				}
			}
			continue
		}
		freqText, _, _ := strings.Cut(rest, " ")
		freq, err := strconv.ParseFloat(freqText, 64)
		if err != nil || freq <= 0 {
			continue
		}
		listed[r] = true
		_ = s.seg.ReAddToken(word, freq)
	}
	for c, ok := range listed {
		if !ok {
			if f, _, _ := s.seg.Dict.Find([]byte(string(c))); f == 0 {
				_ = s.seg.AddToken(string(c), singleCharFreq)
			}
		}
	}
}

// Tokens cuts text into words (precise mode) and returns those holding a
// letter or digit, with offsets into text.
func (s *Segmenter) Tokens(text string) []Token {
	return s.cut(text, false)
}

// SearchTokens is Tokens plus the dictionary words inside long words
// (电子政务外网 also yields 电子政务, 政务, 外网): the index uses it so that a
// shorter everyday word finds the clause that uses the long formal term.
func (s *Segmenter) SearchTokens(text string) []Token {
	return s.cut(text, true)
}

// cut normalises text and cuts it the way gse's Cut(norm, false) does
// (jieba's DAG method without HMM: HMM merges unknown characters into words,
// which helps with 运维 but also glues 时要 and the like; the domain lexicon
// covers the terms that matter instead). gse's own Cut builds the DAG and the
// routes in maps and converts every candidate word to a string, a few
// hundred allocations for one question; dagCut computes the same cut with
// the same dictionary lookups and arithmetic in pooled slices.
func (s *Segmenter) cut(text string, search bool) []Token {
	b := getScratch()
	defer putScratch(b)
	b.runes, b.from = fold(text, b.runes[:0], b.from[:0])
	if len(b.runes) == 0 {
		return nil
	}
	b.from = append(b.from, len(text))
	b.text, b.at = b.text[:0], b.at[:0]
	caseless := true
	for _, r := range b.runes {
		if !isHan(r) && unicode.ToLower(r) != r {
			caseless = false
		}
		b.at = append(b.at, len(b.text))
		b.text = utf8.AppendRune(b.text, r)
	}
	b.at = append(b.at, len(b.text))
	if gse.ToLower && !caseless {
		// gse would cut a lower-cased copy. Normalised text is lower case
		// already (only an odd t2s dictionary entry could break that); should
		// it happen, the code dagCut replaces gives the original answer.
		return s.cutWithGse(text, search)
	}
	norm := string(b.text)
	s.dagCut(b)
	out := make([]Token, 0, len(b.cuts)-1)
	for k := 0; k+1 < len(b.cuts); k++ {
		i, j := b.cuts[k], b.cuts[k+1]
		out = appendRuneToken(out, norm, b, i, j)
		if search && j-i >= 3 {
			out = s.appendSubwordRunes(out, norm, b, i, j)
		}
	}
	return out
}

// dagEdge is a dictionary word of the text: it ends at rune end (inclusive),
// with the natural log of its frequency.
type dagEdge struct {
	end     int
	logFreq float64
}

// dagRoute is the best cut of the text from a rune on: its log probability
// and the last rune (inclusive) of its first word.
type dagRoute struct {
	logP float64
	end  int
}

// dagCut fills b.cuts with the word boundaries of gse's cutDAGNoHMM for the
// runes of b (gse v0.80.3, dag.go: getDag, calc, cutDAGNoHMM). It performs
// the same dictionary lookups and the same floating-point operations in the
// same order, so ties and rounding come out the same; the tests compare the
// two on many texts.
func (s *Segmenter) dagCut(b *scratch) {
	n := len(b.runes)
	// getDag: the words starting at each rune. A lookup fails once no
	// dictionary word starts with the fragment; a fragment that is only a
	// prefix has frequency 0 and is not a word. A rune that starts no word
	// is a word by itself. calc looks every word up again; the frequencies
	// found here are kept instead, including the single rune's (0 when it
	// is missing: log 1; -Inf when it is only a prefix: log 0).
	b.edges, b.first = b.edges[:0], b.first[:0]
	for k := 0; k < n; k++ {
		b.first = append(b.first, len(b.edges))
		singleFreq, singleOK := 0.0, false
		found := false
		for i := k; i < n; i++ {
			freq, _, ok := s.seg.Dict.Find(b.text[b.at[k]:b.at[i+1]])
			if !ok {
				break
			}
			if i == k {
				singleFreq, singleOK = freq, true
			}
			if freq > 0 {
				b.edges = append(b.edges, dagEdge{end: i, logFreq: math.Log(freq)})
				found = true
			}
		}
		if !found {
			single := math.Log(1.0)
			if singleOK {
				single = math.Log(singleFreq)
			}
			b.edges = append(b.edges, dagEdge{end: k, logFreq: single})
		}
	}
	b.first = append(b.first, len(b.edges))

	// calc: the most probable route from each rune, right to left; on equal
	// probability the longer first word wins.
	if cap(b.route) < n+1 {
		b.route = make([]dagRoute, n+1)
	}
	route := b.route[:n+1]
	route[n] = dagRoute{}
	for k := n - 1; k >= 0; k-- {
		for e, edge := range b.edges[b.first[k]:b.first[k+1]] {
			r := dagRoute{logP: edge.logFreq - s.logTotal + route[edge.end+1].logP, end: edge.end}
			best := route[k]
			if e == 0 || best.logP < r.logP || (best.logP == r.logP && best.end < r.end) {
				route[k] = r
			}
		}
	}

	// cutDAGNoHMM: follow the route; consecutive one-rune words that are
	// ASCII letters or digits join into one word (vpn, 2018).
	b.cuts = b.cuts[:0]
	run := -1 // start of the pending run of ASCII letters and digits
	for x := 0; x < n; {
		y := route[x].end + 1
		if y-x == 1 && isASCIIAlnum(b.runes[x]) {
			if run < 0 {
				run = x
			}
			x = y
			continue
		}
		if run >= 0 {
			b.cuts = append(b.cuts, run)
			run = -1
		}
		b.cuts = append(b.cuts, x)
		x = y
	}
	if run >= 0 {
		b.cuts = append(b.cuts, run)
	}
	b.cuts = append(b.cuts, n)
}

// isASCIIAlnum is gse's [[:alnum:]] test of a one-rune word.
func isASCIIAlnum(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

// appendRuneToken is appendToken for the runes i..j-1 of the text in b.
func appendRuneToken(out []Token, norm string, b *scratch, i, j int) []Token {
	term := norm[b.at[i]:b.at[j]]
	if !hasWordRune(term) {
		return out
	}
	return append(out, Token{Term: term, Start: b.from[i], End: b.from[j]})
}

// appendSubwordRunes adds the dictionary words of two or more runes found
// inside the word of runes i..j-1 (but the word itself), so that the index
// finds 电子政务外网 from 外网.
func (s *Segmenter) appendSubwordRunes(out []Token, norm string, b *scratch, i, j int) []Token {
	for x := i; x < j; x++ {
		for y := x + 2; y <= j; y++ {
			if x == i && y == j {
				continue // the word itself
			}
			freq, _, ok := s.seg.Dict.Find(b.text[b.at[x]:b.at[y]])
			if !ok {
				break // no dictionary word starts with these runes
			}
			if freq > 0 {
				out = appendRuneToken(out, norm, b, x, y)
			}
		}
	}
	return out
}

// cutWithGse is cut with gse's own Cut: kept for texts whose lower-cased
// copy differs, where gse's pieces must be found again in the text.
func (s *Segmenter) cutWithGse(text string, search bool) []Token {
	norm, off := NormalizeOffsets(text)
	if norm == "" {
		return nil
	}
	pieces := s.seg.Cut(norm, false)
	out := make([]Token, 0, len(pieces))
	pos := 0
	for _, p := range pieces {
		// Cut returns every piece in order; offsets are ours to compute.
		i := strings.Index(norm[pos:], p)
		if i < 0 {
			continue // cannot happen for a normalised text; never panic
		}
		start, end := pos+i, pos+i+len(p)
		pos = end
		out = appendToken(out, norm, off, start, end)
		if search && utf8.RuneCountInString(p) >= 3 {
			out = s.appendSubwords(out, norm, off, start, end)
		}
	}
	return out
}

// appendSubwords adds the dictionary words of two or more characters found
// inside norm[start:end], so that the index finds 电子政务外网 from 外网.
func (s *Segmenter) appendSubwords(out []Token, norm string, off []int, start, end int) []Token {
	word := norm[start:end]
	var idx []int // byte index of each rune, plus len
	for i := range word {
		idx = append(idx, i)
	}
	idx = append(idx, len(word))
	n := len(idx) - 1
	for i := 0; i < n; i++ {
		for j := i + 2; j <= n; j++ {
			if i == 0 && j == n {
				continue // the word itself
			}
			if s.Known(word[idx[i]:idx[j]]) {
				out = appendToken(out, norm, off, start+idx[i], start+idx[j])
			}
		}
	}
	return out
}

func appendToken(out []Token, norm string, off []int, start, end int) []Token {
	if start < 0 || end > len(norm) || start >= end {
		return out
	}
	term := norm[start:end]
	if !hasWordRune(term) {
		return out
	}
	return append(out, Token{Term: term, Start: off[start], End: off[end]})
}

func hasWordRune(s string) bool {
	for _, r := range s {
		// Han characters are letters; checking them first skips the
		// category tables for nearly every token.
		if isHan(r) || unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}

// Parts splits a compound word into the dictionary words (two characters or
// more) that make it up, fewest pieces first: 国产软硬件 → 国产, 软硬件. It
// returns nil for a word of fewer than three characters or one that such
// words cannot cover whole.
func (s *Segmenter) Parts(word string) []string {
	rs := []rune(word)
	n := len(rs)
	if n < 3 {
		return nil
	}
	// best[i]: fewest pieces covering rs[:i]; -1 when none.
	best := make([]int, n+1)
	from := make([]int, n+1)
	for i := 1; i <= n; i++ {
		best[i] = -1
		for j := 0; j+2 <= i; j++ {
			if best[j] < 0 || (j == 0 && i == n) {
				continue
			}
			if !s.Known(string(rs[j:i])) && !s.words[string(rs[j:i])] {
				continue
			}
			if best[i] < 0 || best[j]+1 < best[i] {
				best[i], from[i] = best[j]+1, j
			}
		}
	}
	if best[n] < 2 {
		return nil
	}
	var parts []string
	for i := n; i > 0; i = from[i] {
		parts = append([]string{string(rs[from[i]:i])}, parts...)
	}
	return parts
}

// Known reports whether term (normalised) is in the dictionary.
func (s *Segmenter) Known(term string) bool {
	// Find also answers true, with frequency 0, for a prefix of a word.
	freq, _, ok := s.seg.Dict.Find([]byte(term))
	return ok && freq > 0
}

// Freq returns the dictionary frequency of term (normalised), 0 when the
// dictionary lacks it.
func (s *Segmenter) Freq(term string) float64 {
	freq, _, ok := s.seg.Dict.Find([]byte(term))
	if !ok {
		return 0
	}
	return freq
}

// POS returns the part-of-speech tag the general dictionary gives term
// (normalised): "n", "v", "r", …; "" when it has none or lacks the word.
func (s *Segmenter) POS(term string) string {
	freq, pos, ok := s.seg.Dict.Find([]byte(term))
	if !ok || freq <= 0 {
		return ""
	}
	return pos
}

// Scene reports whether term (normalised) is a scene word of the lexicon
// (see SceneWord) and not a domain word: a word an editor has also put in
// the domain lexicon or a synonym group (卫生院 in a group of
// institutions) is one the guideline's answers use.
func (s *Segmenter) Scene(term string) bool {
	return s.scene[term] && !s.words[term]
}

// Domain reports whether term (normalised) is a word of the domain lexicon.
func (s *Segmenter) Domain(term string) bool {
	return s.words[term]
}

// Info is the self-information of term in bits, -log2(freq/total), from the
// general dictionary: everyday words (人员, 处理, 晚上) carry little, specific
// ones (带宽, 护照) much. Words the dictionary lacks get the information of a
// word seen once. gse gives every single character the same tiny frequency,
// so single characters are capped low: alone they rarely name a topic.
func (s *Segmenter) Info(term string) float64 {
	runes := utf8.RuneCountInString(term)
	freq, _, ok := s.seg.Dict.Find([]byte(term))
	if !ok || freq <= 0 {
		freq = 1
	}
	info := math.Log2(s.total / freq)
	if runes == 1 && info > singleCharInfo {
		info = singleCharInfo
	}
	return info
}

// singleCharInfo caps the information of a one-character word.
const singleCharInfo = 11
