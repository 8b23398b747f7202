package kb

import (
	"testing"

	"zhiyin/nlp"
)

// A colloquial question wraps what it asks in words no clause uses —
// 好多 (numeral), 那边 (pronoun), 手上 (place word) — which the general
// dictionary rates rare. They must weigh like modal words, or the question
// looks as if it asked about something the guideline lacks; a rare noun the
// guideline lacks (公积金) must stay heavy, so that its question is refused.
func TestFunctionWordsTheGuidelineLacksWeighLittle(t *testing.T) {
	g := newTestService(t, smallKnowledge()).gen.Load()
	for _, w := range []string{"好多", "那边", "手上", "两边"} {
		if got := g.term(w).w; got != lightWeight {
			t.Errorf("weight of %s = %.1f, want %.1f", w, got, lightWeight)
		}
	}
	for _, w := range []string{"公积金", "营业执照", "带宽"} {
		if got := g.term(w).w; got < 3 {
			t.Errorf("weight of %s = %.1f, want a content word's (3 or more)", w, got)
		}
	}
	// 原则上 is an adverb, but a clause uses it: it keeps its weight.
	if got := g.term("原则上").w; got == lightWeight {
		t.Errorf("weight of 原则上, which the clauses use, = %.1f: it should help find them", got)
	}
}

// 方案已经改过一次 asks about 改: the dictionary's 改过 (as in 改过自新) is
// rare and would weigh as much as a topic no clause has.
func TestVerbWithAspectParticleIsReadAsTheVerb(t *testing.T) {
	k := smallKnowledge()
	k.Documents[0].Clauses[3].Text = "项目变更申报原则上不得多于一次,确需再次改的须报批。"
	g := newTestService(t, k).gen.Load()
	if got := g.term("改过"); got.term != "改" {
		t.Errorf("term(改过) reads as %q, want 改", got.term)
	}
	if got := g.term("机房"); got.term != "机房" {
		t.Errorf("term(机房) reads as %q", got.term)
	}
}

// 老系统得搬走吗 asks about 搬: a verb with a result complement (搬走, 删掉)
// reads as its verb when a clause has the verb and not the word; a word a
// clause uses (完成) stays whole.
func TestVerbWithResultComplementIsReadAsTheVerb(t *testing.T) {
	k := smallKnowledge()
	k.Documents[0].Clauses[3].Text = "老系统应搬到云平台,年底前完成。"
	g := newTestService(t, k).gen.Load()
	for w, want := range map[string]string{"搬走": "搬", "完成": "完成", "机房": "机房"} {
		if got := g.term(w); got.term != want {
			t.Errorf("term(%s) reads as %q, want %q", w, got.term, want)
		}
	}
}

// 放到云上 asks about 云: 放到 (rarer in the dictionary than 迁移) must not
// outweigh the topic, or a clause that says 迁移 looks as if it missed the
// heart of the question.
func TestVerbWithComplementWeighsAsItsVerb(t *testing.T) {
	g := newTestService(t, smallKnowledge()).gen.Load()
	for _, w := range []string{"放到", "放在", "接到", "写下"} {
		if got, verb := g.term(w).w, g.w.weight(string([]rune(w)[0])); got > verb {
			t.Errorf("weight of %s = %.1f, more than its verb's %.1f", w, got, verb)
		}
	}
	if got := g.term("迁移").w; got <= g.term("放到").w {
		t.Errorf("迁移 (%.1f) should outweigh 放到 (%.1f)", got, g.term("放到").w)
	}
}

// Unit staff set the scene with who suggested something and whose office it
// is (供应商说…, 局里想…, 领导让…), with rough counts (七八个人, 十几套) and
// with the qualities that make them ask (比云上的便宜).
// None of them says what is asked, so they weigh like modal words — unless
// a clause's text uses the word, which may then be what the question is
// about. An FAQ question's wording does not make a word the guideline's.
// The scene words are the lexicon's (an editor's list); the others are
// known by their part of speech.
func TestSituationWordsAndRoughCountsWeighLittle(t *testing.T) {
	k := smallKnowledge()
	for _, w := range []string{"供应商", "厂家", "局里", "科室", "处室", "领导", "新楼", "来电", "医院", "馆长", "地下室"} {
		k.Lexicon.Words = append(k.Lexicon.Words, nlp.Word{Text: w, Freq: 1000, POS: nlp.SceneWord})
	}
	k.FAQs = append(k.FAQs, FAQ{ID: "sit", Doc: "t", Clauses: []string{"1"}, Question: "局里这块还能建机房吗"})
	g := newTestService(t, k).gen.Load()
	for _, w := range []string{"供应商", "厂家", "局里", "科室", "处室", "领导", "新楼", "七八个", "十几套", "两三家", "能否", "这块", "便宜", "来电", "民政局", "合规", "保卫科", "医院", "馆长", "番禺", "地下室"} {
		if got := g.term(w).w; got != lightWeight {
			t.Errorf("weight of %s = %.1f, want %.1f", w, got, lightWeight)
		}
	}
	k.Documents[0].Clauses[4].Text += "供应商应提供国产化说明。"
	g = newTestService(t, k).gen.Load()
	if got := g.term("供应商").w; got <= lightWeight {
		t.Errorf("weight of 供应商, which a clause now uses, = %.1f: it should help find it", got)
	}
}

// 先问问能不能建 asks whether it may be built: 问问 says no more than 问,
// though the dictionary rates it rare. A reduplicated adverb (常常) or a
// greeting (谢谢) is not read as a verb.
func TestReduplicatedVerbWeighsAsItsVerb(t *testing.T) {
	g := newTestService(t, smallKnowledge()).gen.Load()
	for _, w := range []string{"问问", "试试", "查查"} {
		v := string([]rune(w)[0])
		if got, want := g.term(w).w, g.term(v).w; got != want {
			t.Errorf("weight of %s = %.1f, want its verb %s's %.1f", w, got, v, want)
		}
	}
	if g.term("谢谢").term != "谢谢" {
		t.Error("谢谢 was read as 谢")
	}
	if g.term("常常").term != "常常" {
		t.Error("常常 was read as 常")
	}
}
