package nlp

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file keeps the text pipeline as it was before it was made to
// allocate less (gse's own Cut, a fresh offset map, a map of seen terms), as
// the reference the current code must reproduce exactly.

func refNormalizeOffsets(s string) (string, []int) {
	var b strings.Builder
	b.Grow(len(s))
	off := make([]int, 0, len(s)+1)
	var runes []rune
	var from []int
	space := true
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				continue
			}
		}
		if invisible(r) {
			continue
		}
		for _, nr := range refFoldRune(r) {
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
	runes = toSimplified(runes)
	for k, r := range runes {
		n := utf8.RuneLen(r)
		b.WriteRune(r)
		for j := 0; j < n; j++ {
			off = append(off, from[k])
		}
	}
	off = append(off, len(s))
	return b.String(), off
}

func refFoldRune(r rune) []rune {
	if r < utf8.RuneSelf {
		return []rune{unicode.ToLower(r)}
	}
	if (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) {
		return []rune{r}
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	out := []rune(norm.NFKC.String(string(buf[:n])))
	for i, x := range out {
		out[i] = unicode.ToLower(x)
	}
	return out
}

func (s *Segmenter) refCut(text string, search bool) []Token {
	norm, off := refNormalizeOffsets(text)
	if norm == "" {
		return nil
	}
	pieces := s.seg.Cut(norm, false)
	out := make([]Token, 0, len(pieces))
	pos := 0
	for _, p := range pieces {
		i := strings.Index(norm[pos:], p)
		if i < 0 {
			continue
		}
		start, end := pos+i, pos+i+len(p)
		pos = end
		out = appendToken(out, norm, off, start, end)
		if search && utf8.RuneCountInString(p) >= 3 {
			out = s.refAppendSubwords(out, norm, off, start, end)
		}
	}
	return out
}

func (s *Segmenter) refAppendSubwords(out []Token, norm string, off []int, start, end int) []Token {
	word := norm[start:end]
	var idx []int
	for i := range word {
		idx = append(idx, i)
	}
	idx = append(idx, len(word))
	n := len(idx) - 1
	for i := 0; i < n; i++ {
		for j := i + 2; j <= n; j++ {
			if i == 0 && j == n {
				continue
			}
			if s.Known(word[idx[i]:idx[j]]) {
				out = appendToken(out, norm, off, start+idx[i], start+idx[j])
			}
		}
	}
	return out
}

func (a *Analyzer) refContentTokens(text string) []Token {
	toks := a.Seg.refCut(text, false)
	out := toks[:0]
	seen := map[string]bool{}
	for _, t := range toks {
		if IsStop(t.Term) || seen[t.Term] {
			continue
		}
		seen[t.Term] = true
		out = append(out, t)
	}
	return out
}

var (
	projectOnce     sync.Once
	projectAnalyzer *Analyzer
	projectTexts    []string
)

// projectData returns an analyzer with the project's lexicon and synonyms,
// and the lines of the project's guideline, FAQ, lexicon and question sets,
// read as files (package corpus imports this package through kb).
func projectData(t testing.TB) (*Analyzer, []string) {
	t.Helper()
	projectOnce.Do(func() {
		var words []Word
		data, err := os.ReadFile("../corpus/lexicon/words.txt")
		if err != nil {
			panic(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			if len(f) == 0 || strings.HasPrefix(f[0], "#") {
				continue
			}
			w := Word{Text: f[0]}
			if len(f) > 1 {
				w.Freq, _ = strconv.Atoi(f[1])
			}
			if len(f) > 2 {
				w.POS = f[2]
			}
			words = append(words, w)
		}
		var groups []SynonymGroup
		data, err = os.ReadFile("../corpus/lexicon/synonyms.txt")
		if err != nil {
			panic(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) > 1 && !strings.HasPrefix(f[0], "#") {
				groups = append(groups, f)
			}
		}
		projectAnalyzer, err = NewAnalyzer(words, groups)
		if err != nil {
			panic(err)
		}
		files, _ := filepath.Glob("../corpus/documents/*.md")
		more, _ := filepath.Glob("../corpus/faq/*.yaml")
		tsv, _ := filepath.Glob("../kb/testdata/*.tsv")
		files = append(append(append(files, more...), tsv...), "../corpus/lexicon/words.txt", "../corpus/lexicon/synonyms.txt")
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				panic(err)
			}
			for _, line := range strings.Split(string(data), "\n") {
				projectTexts = append(projectTexts, line)
				projectTexts = append(projectTexts, strings.Split(line, "\t")...)
			}
			projectTexts = append(projectTexts, string(data)) // a whole file: a long text
		}
	})
	if len(projectTexts) < 1000 {
		t.Fatalf("only %d project texts", len(projectTexts))
	}
	return projectAnalyzer, projectTexts
}

// oddTexts are strings that exercise normalisation: full-width forms,
// traditional characters, case, white space, invisible and invalid
// characters, NFKC expansions, combining marks, characters outside the BMP.
func oddTexts() []string {
	pieces := []string{
		"ＵＳＢ", "ＶＰＮ設備", "機房遷移", "電子政務外網", "資訊", "VPN", "Vpn", "vPN",
		"2018年", "２０１８", "①", "½", "㎡", "ﬁ", "Ⅻ", "ǅ", "İ", "ß", "ẞ", "Σ", "ς",
		"e\u0301", "\u0301", "😀", "𠀀", "\U00020021", "\u3000", " ", "  ", "\t", "\n", "\r",
		"\u200b", "\u200d", "\ufeff", "\x00", "\x07", "\x7f", "\u0085", "\u00a0", "\u2028",
		"\xff", "\xe5\xa4", "\xc0\x80", "\ufffd", "，", "。", "？", "！", "：", "、", "（", "）",
		"电子政务外网", "市政府信息化云平台", "存档备查", "远程登录", "的", "吗", "怎么", "请问",
		"a", "B", "0", "9", "_", "-", "%", ".", "ａｂｃ", "ＡＢＣ", "x86", "IPv6", "5G",
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var out []string
	out = append(out, pieces...)
	for range 5000 {
		var b strings.Builder
		for k := rng.IntN(12); k >= 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		out = append(out, b.String())
	}
	return out
}

// dictTexts strings general-dictionary words together at random, so that
// the cut meets competing words, ties and prefixes everywhere.
func dictTexts(n int) []string {
	var words []string
	for _, line := range strings.Split(generalDict, "\n") {
		if w, _, ok := strings.Cut(line, " "); ok {
			words = append(words, w)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	out := make([]string, 0, n)
	for range n {
		var b strings.Builder
		for k := rng.IntN(10); k >= 0; k-- {
			w := words[rng.IntN(len(words))]
			if rng.IntN(4) == 0 { // cut words apart too
				r := []rune(w)
				w = string(r[rng.IntN(len(r)):])
			}
			b.WriteString(w)
		}
		out = append(out, b.String())
	}
	return out
}

func TestNormalizeMatchesReference(t *testing.T) {
	_, texts := projectData(t)
	texts = append(append(texts, oddTexts()...), dictTexts(2000)...)
	for _, s := range texts {
		wantN, wantOff := refNormalizeOffsets(s)
		gotN, gotOff := NormalizeOffsets(s)
		if gotN != wantN || !reflect.DeepEqual(gotOff, wantOff) {
			t.Fatalf("NormalizeOffsets(%q) = %q %v, want %q %v", s, gotN, gotOff, wantN, wantOff)
		}
		if got := Normalize(s); got != wantN {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, wantN)
		}
	}
}

func TestTokensMatchReference(t *testing.T) {
	project, texts := projectData(t)
	texts = append(append(texts, oddTexts()...), dictTexts(20000)...)
	for _, an := range []*Analyzer{project, testAnalyzer(t)} {
		for _, s := range texts {
			if got, want := an.Seg.Tokens(s), an.Seg.refCut(s, false); !sameTokens(got, want) {
				t.Fatalf("Tokens(%q) =\n%v, want\n%v", s, got, want)
			}
			if got, want := an.Seg.SearchTokens(s), an.Seg.refCut(s, true); !sameTokens(got, want) {
				t.Fatalf("SearchTokens(%q) =\n%v, want\n%v", s, got, want)
			}
			if got, want := an.ContentTokens(s), an.refContentTokens(s); !sameTokens(got, want) {
				t.Fatalf("ContentTokens(%q) =\n%v, want\n%v", s, got, want)
			}
		}
	}
}

// TestCutWithGseMatchesReference covers the path kept for texts gse would
// lower-case: it must be the reference itself.
func TestCutWithGseMatchesReference(t *testing.T) {
	an := testAnalyzer(t)
	for _, s := range append(oddTexts()[:500], dictTexts(500)...) {
		for _, search := range []bool{false, true} {
			if got, want := an.Seg.cutWithGse(s, search), an.Seg.refCut(s, search); !sameTokens(got, want) {
				t.Fatalf("cutWithGse(%q, %v) = %v, want %v", s, search, got, want)
			}
		}
	}
}

func sameTokens(a, b []Token) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

// TestPooledBuffersDoNotLeak reads texts from many goroutines at once: a
// buffer shared by mistake would mix their tokens.
func TestPooledBuffersDoNotLeak(t *testing.T) {
	an := testAnalyzer(t)
	texts := dictTexts(200)
	want := make([][]Token, len(texts))
	for i, s := range texts {
		want[i] = an.Seg.refCut(s, true)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 20 {
				i := (g*31 + round*7) % len(texts)
				for k := range texts {
					j := (i + k) % len(texts)
					if got := an.Seg.SearchTokens(texts[j]); !sameTokens(got, want[j]) {
						select {
						case errs <- texts[j]:
						default:
						}
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Errorf("concurrent SearchTokens(%q) differs from the reference", s)
	}
}

func BenchmarkContentTokensReference(b *testing.B) {
	an := testAnalyzer(b)
	q := "值班人员晚上要远程登录系统处理故障，新建项目应依托市政府信息化云平台"
	b.SetBytes(int64(len(q)))
	for b.Loop() {
		an.refContentTokens(q)
	}
}

// TestFoldEveryRune compares the per-rune folding, with its shortcuts for
// Han characters and full-width ASCII, with the reference on every rune.
func TestFoldEveryRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue // surrogates never come out of ranging over a string
		}
		got := appendFolded(nil, r)
		if want := refFoldRune(r); !reflect.DeepEqual(got, want) {
			t.Fatalf("appendFolded(%U) = %q, want %q", r, got, want)
		}
	}
}

// TestHanRunesAreLetters backs the shortcut in hasWordRune.
func TestHanRunesAreLetters(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isHan(r) && !unicode.IsLetter(r) {
			t.Fatalf("%U is in isHan's ranges but is not a letter", r)
		}
	}
}

// projectQuestions returns the questions of kb/testdata/questions.tsv.
func projectQuestions(b *testing.B) []string {
	data, err := os.ReadFile("../kb/testdata/questions.tsv")
	if err != nil {
		b.Fatal(err)
	}
	var qs []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Split(line, "\t"); len(f) == 4 && !strings.HasPrefix(line, "#") {
			qs = append(qs, f[2])
		}
	}
	return qs
}

// BenchmarkContentTokensProject reads the project's questions with its
// lexicon, as Ask does (per op: one question).
func BenchmarkContentTokensProject(b *testing.B) {
	an, _ := projectData(b)
	qs := projectQuestions(b)
	i := 0
	for b.Loop() {
		an.ContentTokens(qs[i%len(qs)])
		i++
	}
}

func BenchmarkContentTokensProjectReference(b *testing.B) {
	an, _ := projectData(b)
	qs := projectQuestions(b)
	i := 0
	for b.Loop() {
		an.refContentTokens(qs[i%len(qs)])
		i++
	}
}

// FuzzTokensMatchReference compares the pipeline with the reference on
// arbitrary input.
func FuzzTokensMatchReference(f *testing.F) {
	for _, s := range []string{"機房遷移", "ＶＰＮ設備，不再購置", "\xff\xfe电子政务外网", "a\u200bB1２", "请问我们单位的VPN账号怎么申请？"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		an := testAnalyzer(t)
		if got, want := an.Seg.SearchTokens(s), an.Seg.refCut(s, true); !sameTokens(got, want) {
			t.Fatalf("SearchTokens(%q) = %v, want %v", s, got, want)
		}
		if got, want := an.ContentTokens(s), an.refContentTokens(s); !sameTokens(got, want) {
			t.Fatalf("ContentTokens(%q) = %v, want %v", s, got, want)
		}
		gotN, gotOff := NormalizeOffsets(s)
		wantN, wantOff := refNormalizeOffsets(s)
		if gotN != wantN || !reflect.DeepEqual(gotOff, wantOff) {
			t.Fatalf("NormalizeOffsets(%q) = %q %v, want %q %v", s, gotN, gotOff, wantN, wantOff)
		}
	})
}

func BenchmarkNormalize(b *testing.B) {
	q := "请问我们单位的ＶＰＮ账号怎么申请？值班人员晚上要远程登录系统处理故障"
	for b.Loop() {
		Normalize(q)
	}
}

func BenchmarkNormalizeReference(b *testing.B) {
	q := "请问我们单位的ＶＰＮ账号怎么申请？值班人员晚上要远程登录系统处理故障"
	for b.Loop() {
		refNormalizeOffsets(q)
	}
}
