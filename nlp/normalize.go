package nlp

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/unicode/norm"
)

// Normalize returns the copy of s used for search: invisible and control
// characters removed, NFKC (full-width → half-width, ＵＳＢ → USB), case
// folded, traditional characters converted to simplified (機房遷移 → 机房迁移),
// runs of white space folded to one space. What people are shown and quoted
// is never normalised; only the search copy is.
func Normalize(s string) string {
	buf := getScratch()
	defer putScratch(buf)
	buf.runes, buf.from = fold(s, buf.runes[:0], buf.from[:0])
	buf.text = buf.text[:0]
	for _, r := range buf.runes {
		buf.text = utf8.AppendRune(buf.text, r)
	}
	return string(buf.text)
}

// NormalizeOffsets is Normalize that also returns, for every byte of the
// result, the byte offset in s of the rune it came from, plus one final entry
// len(s): so a token at n[i:j] covers s[off[i]:off[j]]. Highlighting needs
// this to mark matches in the original text.
func NormalizeOffsets(s string) (string, []int) {
	buf := getScratch()
	defer putScratch(buf)
	buf.runes, buf.from = fold(s, buf.runes[:0], buf.from[:0])
	var b strings.Builder
	b.Grow(len(s))
	off := make([]int, 0, len(s)+1)
	for k, r := range buf.runes {
		n := utf8.RuneLen(r)
		b.WriteRune(r)
		for j := 0; j < n; j++ {
			off = append(off, buf.from[k])
		}
	}
	off = append(off, len(s))
	return b.String(), off
}

// fold appends the normalised runes of s to runes and, for each, the byte
// offset in s of the rune it came from to from; it returns both. The caller
// turns them into a string: Normalize and the segmenter need no per-byte
// offset map, and pooled buffers spare them the allocations.
func fold(s string, runes []rune, from []int) ([]rune, []int) {
	space := true // drop leading space, fold runs
	for i, r := range s {
		if isHan(r) {
			// Most of a question: neither invisible nor space, and
			// appendFolded leaves it as it is.
			runes = append(runes, r)
			from = append(from, i)
			space = false
			continue
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				continue // invalid UTF-8: drop the byte
			}
		}
		if invisible(r) {
			continue
		}
		var folded [4]rune // enough for all but rare NFKC expansions
		for _, nr := range appendFolded(folded[:0], r) {
			if unicode.IsSpace(nr) {
				if space {
					continue
				}
				space = true
				nr = ' '
			} else {
				space = false
			}
			runes = append(runes, nr)
			from = append(from, i)
		}
	}
	for len(runes) > 0 && runes[len(runes)-1] == ' ' {
		runes, from = runes[:len(runes)-1], from[:len(from)-1]
	}
	return toSimplified(runes), from
}

// isHan reports the CJK Unified Ideographs (basic block and extension A):
// they have no compatibility mapping, no case, and are not white space.
func isHan(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF)
}

// appendFolded applies NFKC and lower-casing to one rune and appends the
// result. NFKC per rune is enough here: the compositions it would make
// across runes (combining accents) do not occur in Chinese guideline text,
// and per-rune work keeps the offset map exact.
func appendFolded(dst []rune, r rune) []rune {
	if r < utf8.RuneSelf {
		return append(dst, unicode.ToLower(r))
	}
	if isHan(r) {
		return append(dst, r)
	}
	if r >= 0xFF01 && r <= 0xFF5E {
		// Full-width ASCII, common in questions (，？ＶＰＮ): NFKC maps each
		// to its ASCII form, U+FEE0 below.
		return append(dst, unicode.ToLower(r-0xFEE0))
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	for _, x := range norm.NFKC.String(string(buf[:n])) {
		dst = append(dst, unicode.ToLower(x))
	}
	return dst
}

// invisible reports characters that carry no text: controls (but white
// space), zero-width and format characters (U+200B, U+200D, U+FEFF, …).
func invisible(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == 0x200B
}

var (
	t2sOnce sync.Once
	t2s     *opencc.OpenCC
)

// toSimplified converts traditional characters with OpenCC's t2s
// dictionaries. OpenCC converts by phrase, which can change the number of
// runes; then the offset map would no longer line up, so we fall back to
// converting rune by rune (character-level t2s is what search needs anyway).
// Most questions hold no traditional character at all: a per-character
// cache of "does t2s change this character" lets them skip OpenCC.
func toSimplified(rs []rune) []rune {
	t2sOnce.Do(func() {
		// The dictionaries are embedded in the module; New fails only for an
		// unknown conversion name.
		t2s, _ = opencc.New("t2s")
	})
	if t2s == nil || !hasTraditional(rs) {
		return rs
	}
	conv, err := t2s.Convert(string(rs))
	if err != nil {
		return rs
	}
	out := []rune(conv)
	if len(out) == len(rs) {
		return out
	}
	out = make([]rune, len(rs))
	for i, r := range rs {
		out[i] = simplifiedRune(r)
	}
	return out
}

// t2sCache holds, per BMP character, 0 when not yet looked up, else the
// character t2s turns it into plus one.
var t2sCache [0x10000]atomic.Int32

// simplifiedRune is t2s of one character, cached.
func simplifiedRune(r rune) rune {
	if r < 0x3400 || r > 0xFFFF {
		return r
	}
	if v := t2sCache[r].Load(); v != 0 {
		return rune(v - 1)
	}
	out := r
	if c, err := t2s.Convert(string(r)); err == nil {
		if cr := []rune(c); len(cr) == 1 {
			out = cr[0]
		}
	}
	t2sCache[r].Store(int32(out) + 1)
	return out
}

// hasTraditional reports whether t2s changes any character of rs.
func hasTraditional(rs []rune) bool {
	for _, r := range rs {
		if simplifiedRune(r) != r {
			return true
		}
	}
	return false
}
