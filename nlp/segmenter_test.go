package nlp

import (
	"strings"
	"sync"
	"testing"
)

var (
	testSegOnce sync.Once
	testSeg     *Analyzer
)

// testAnalyzer has a few domain words and synonyms, as corpus/lexicon would.
func testAnalyzer(t testing.TB) *Analyzer {
	t.Helper()
	testSegOnce.Do(func() {
		an, err := NewAnalyzer(
			[]Word{{Text: "电子政务外网", Freq: 3000, POS: "n"}, {Text: "市政府信息化云平台"}, {Text: "VPN"}, {Text: "存档备查"}},
			[]SynonymGroup{{"电子政务外网", "政务外网", "外网"}, {"VPN", "远程登录"}},
		)
		if err != nil {
			panic(err)
		}
		testSeg = an
	})
	return testSeg
}

func terms(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Term
	}
	return out
}

func TestTokensKeepDomainWordsWhole(t *testing.T) {
	an := testAnalyzer(t)
	tests := []struct{ in, want string }{
		{"新建项目应依托市政府信息化云平台", "新建 项目 应 依托 市政府信息化云平台"},
		{"业务系统部署在电子政务外网", "业务 系统 部署 在 电子政务外网"},
		{"值班人员晚上要远程登录系统", "值班 人员 晚上 要 远程登录 系统"},
		{"不再购置ＶＰＮ设备", "不再 购置 vpn 设备"},
		{"明天会下雨吗", "明天 会 下雨 吗"},
		{"機房遷移", "机房 迁移"},
	}
	for _, tt := range tests {
		if got := strings.Join(terms(an.Seg.Tokens(tt.in)), " "); got != tt.want {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenOffsetsPointIntoTheOriginal(t *testing.T) {
	an := testAnalyzer(t)
	in := "各單位原則上不再購置 ＶＰＮ 設備，應採用电子政务外网"
	for _, tk := range an.Seg.SearchTokens(in) {
		if tk.Start < 0 || tk.End > len(in) || tk.Start >= tk.End {
			t.Fatalf("token %q has offsets %d..%d in %d bytes", tk.Term, tk.Start, tk.End, len(in))
		}
		if got := Normalize(in[tk.Start:tk.End]); got != tk.Term {
			t.Errorf("token %q covers %q (normalised %q)", tk.Term, in[tk.Start:tk.End], got)
		}
	}
}

func TestSearchTokensAddWordsInsideLongOnes(t *testing.T) {
	an := testAnalyzer(t)
	got := strings.Join(terms(an.Seg.SearchTokens("电子政务外网")), " ")
	for _, w := range []string{"电子政务外网", "电子政务", "政务", "外网"} {
		if !strings.Contains(" "+got+" ", " "+w+" ") {
			t.Errorf("SearchTokens(电子政务外网) = %q, lacks %s", got, w)
		}
	}
}

func TestStopListKeepsNegationsAndModals(t *testing.T) {
	for _, w := range []string{"不", "不得", "不再", "必须", "应", "可以", "除外", "否则", "不能", "没有"} {
		if IsStop(w) {
			t.Errorf("%s is a stop word: it carries the guideline's rules", w)
		}
	}
	for _, w := range []string{"的", "吗", "怎么", "什么", "我们", "请问"} {
		if !IsStop(w) {
			t.Errorf("%s is not a stop word", w)
		}
	}
}

func TestContentTokensDropStopWords(t *testing.T) {
	an := testAnalyzer(t)
	got := strings.Join(terms(an.ContentTokens("请问我们单位的VPN账号怎么申请？")), " ")
	if got != "单位 vpn 账号 申请" {
		t.Errorf("ContentTokens = %q", got)
	}
}

func TestSynonymsAreSymmetricAndNormalised(t *testing.T) {
	an := testAnalyzer(t)
	if got := an.Syn.Of("外网"); !contains(got, "电子政务外网") || !contains(got, "政务外网") {
		t.Errorf("Of(外网) = %v", got)
	}
	if got := an.Syn.Of("vpn"); !contains(got, "远程登录") {
		t.Errorf("Of(vpn) = %v (groups are normalised: VPN → vpn)", got)
	}
	if got := an.Syn.Of("机房"); got != nil {
		t.Errorf("Of(机房) = %v, want none", got)
	}
}

func TestParts(t *testing.T) {
	an := testAnalyzer(t)
	tests := []struct{ in, want string }{
		{"国产软硬件", "国产 软硬件"},
		{"存储设备", "存储 设备"},
		{"机房", ""},  // too short to split
		{"vpn", ""}, // not Chinese words
		{"政府信息化", "政府 信息化"},
	}
	for _, tt := range tests {
		if got := strings.Join(an.Seg.Parts(tt.in), " "); got != tt.want {
			t.Errorf("Parts(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestInfoRanksSpecificWordsAboveEverydayOnes(t *testing.T) {
	an := testAnalyzer(t)
	for _, p := range [][2]string{{"带宽", "人员"}, {"护照", "处理"}, {"账号", "系统"}} {
		if an.Seg.Info(p[0]) <= an.Seg.Info(p[1]) {
			t.Errorf("Info(%s)=%.1f <= Info(%s)=%.1f", p[0], an.Seg.Info(p[0]), p[1], an.Seg.Info(p[1]))
		}
	}
}

func TestLexiconWordWithSpaceIsRefused(t *testing.T) {
	if _, err := NewSegmenter([]Word{{Text: "电子 政务"}}); err == nil {
		t.Error("a lexicon word with a space was accepted")
	}
}

func BenchmarkNormalizeAndSegment(b *testing.B) {
	an := testAnalyzer(b)
	q := "值班人员晚上要远程登录系统处理故障，新建项目应依托市政府信息化云平台"
	b.SetBytes(int64(len(q)))
	for b.Loop() {
		an.ContentTokens(q)
	}
}

func BenchmarkNewAnalyzer(b *testing.B) {
	for b.Loop() {
		if _, err := NewAnalyzer([]Word{{Text: "电子政务外网"}}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// An editor can take a rare dictionary word that mis-cuts questions out of
// the dictionary: 供应商报的方案 is about a 供应商, not a 商报 (newspaper).
func TestNotAWordLeavesTheDictionary(t *testing.T) {
	cut := func(seg *Segmenter) string { return strings.Join(terms(seg.Tokens("供应商报的方案")), " ") }
	plain, err := NewSegmenter(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := cut(plain); !strings.Contains(got, "商报") {
		t.Fatalf("without the entry the cut is %q; the test needs the mis-cut to exist", got)
	}
	seg, err := NewSegmenter([]Word{{Text: "商报", Freq: 1, POS: NotAWord}})
	if err != nil {
		t.Fatal(err)
	}
	if got := cut(seg); !strings.HasPrefix(got, "供应商 报") {
		t.Errorf("Tokens = %q, want 供应商 报 …", got)
	}
	if seg.Known("商报") || seg.Domain("商报") {
		t.Error("商报 is still a word")
	}
}

// An editor marks the words of the asker's world (SceneWord). A scene word
// the dictionary lacks is cut whole; the mark does not make it a domain
// word, and a word that is also a domain word stays one.
func TestSceneWords(t *testing.T) {
	plain, err := NewSegmenter(nil)
	if err != nil {
		t.Fatal(err)
	}
	if plain.Known("交警中队") {
		t.Fatal("the dictionary has 交警中队; the test needs a word it lacks")
	}
	seg, err := NewSegmenter([]Word{
		{Text: "交警中队", Freq: 1000, POS: SceneWord},
		{Text: "地下室", Freq: 1000, POS: SceneWord},
		{Text: "信息科", Freq: 1000, POS: SceneWord},
		{Text: "信息科", Freq: 1000, POS: "n"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(terms(seg.Tokens("交警中队的地下室")), " "); got != "交警中队 的 地下室" {
		t.Errorf("Tokens = %q, want 交警中队 的 地下室", got)
	}
	for _, w := range []string{"交警中队", "地下室"} {
		if !seg.Scene(w) || seg.Domain(w) {
			t.Errorf("%s: Scene %v, Domain %v; want a scene word only", w, seg.Scene(w), seg.Domain(w))
		}
	}
	if seg.Scene("信息科") || !seg.Domain("信息科") {
		t.Error("信息科, also a domain word, should stay a domain word")
	}
	if seg.Freq("地下室") != plain.Freq("地下室") {
		t.Error("a scene word the dictionary has should keep its frequency")
	}
}
