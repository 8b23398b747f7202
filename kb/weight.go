package kb

import (
	"regexp"
	"strings"

	"zhiyin/nlp"
)

// qterm is one content term of a question.
type qterm struct {
	term   string
	w      float64  // how much of the question's meaning it carries
	alts   []string // synonyms from the lexicon
	groups []string // the index's tokens of its synonym groups (nlp.Synonyms.Groups)
	domain bool     // a word of the domain lexicon
	scene  bool     // only the question's scene-setting phrases have it (asking.go)
	// parts are the dictionary words that make up a compound term
	// (国产软硬件 → 国产, 软硬件), each with its synonyms: a clause that says
	// 国产可控软硬件 covers the question's 国产软硬件 through them.
	parts [][]string
	// The same as term ids of the generation that read the question (see
	// terms.go): id is noTerm when no text has the term, altIDs and
	// partIDs leave out the words no text has (partIDs keeps one entry,
	// perhaps empty, per part).
	id      int32
	altIDs  []int32
	partIDs [][]int32
}

// weigher turns a term's general-language information into a weight.
//
// Why information and not BM25's IDF: over one guideline of 52 clauses, IDF
// says little about which words of a question matter. The general
// dictionary's frequencies do: scenario words people wrap a question in
// (人员, 晚上, 处理, 系统) are frequent and weigh little; the words that say
// what is asked (带宽, 护照, 账号, 值班) are rare and weigh much. A question is
// answered only when the clause covers most of that weight, so a question
// that shares a term with a clause but asks about something else (电子政务外网
// + 带宽) is refused.
type weigher struct{ an *nlp.Analyzer }

const (
	// infoFloor is subtracted from a term's information (bits): words of
	// everyday frequency end up near zero. Calibrated on the project's own
	// question set (kb/testdata/questions.tsv).
	infoFloor = 10.0
	// domainInfo is the information a domain lexicon word has at least: the
	// lexicon gives its words a high frequency so that they cut whole, which
	// must not make them look common.
	domainInfo = 15.0
	minWeight  = 0.3
	maxWeight  = 9.0
	// lightWeight is the weight of modal words and negations: they matter
	// for which rule a quote states, not for whether a clause is on topic.
	lightWeight = 0.3
)

// countWord matches a number with its measure word (一台, 几个, 两套): how
// many of a thing is rarely what a question is about.
// Approximate counts (七八个, 十几套, 两三家) are counts too.
var countWord = regexp.MustCompile(`^[` + numerals + `半每]+[个台套次项家条位名种份张些天年月遍趟回下批轮类]$`)

// numerals are the characters a Chinese number is written with (几 among
// them: 几个 counts as 一个 does).
const numerals = "一二两三四五六七八九十百千几"

// lightWords are kept in questions (they carry rules) but weigh little.
var lightWords = map[string]bool{
	"能": true, "能不能": true, "可以": true, "可不可以": true, "可": true, "要": true,
	"要不要": true, "应": true, "应该": true, "应当": true, "必须": true, "须": true,
	"需": true, "需要": true, "需不需要": true, "会": true, "会不会": true, "得": true,
	"行": true, "行不行": true, "行吗": true, "好": true, "不": true, "没": true,
	"没有": true, "不能": true, "不得": true, "不再": true, "不用": true, "有": true,
	"有没有": true, "允许": true, "想": true, "打算": true, "准备": true, "还能": true,
	"吗": true, "了": true, "就": true, "搞": true, "弄": true, "做": true, "用": true,
	"办": true, "现在": true, "一定": true, "直接": true, "自己": true,
	"能否": true, "是否": true, "可否": true, "是不是": true, "不要": true,
	"合规": true, "合不合规": true, "想知道": true, "想了解": true, "知道": true, "了解": true,
	"行得通": true, "行不通": true, "走得通": true, "可行": true, "路子": true,
}

// functionPOS are the dictionary's part-of-speech tags of words that
// situate or qualify what a question is about but never name it: pronouns
// (那边, 有人, 各个), numerals (好多, 一套), measure words, locatives (两边,
// 以后), place words (手上), adverbs (已经), prepositions, conjunctions,
// particles and interjections. (Time words are not among them: 今天 and 春天
// are what 今天天气怎么样 and a poem about spring are about, and taking
// them out left those refusals suggesting clauses.) Adjectives (便宜, 熟悉的)
// are treated alike in term: they give the reason for asking, while a
// question that asks for a judgement (政务云稳定吗) is refused by its answer
// type (answertype.go). People wrap colloquial
// questions in them, and the dictionary rates some of them rare (好多 is
// as rare as 税务), so a question that used one the guideline lacks looked
// as if it asked about something the guideline does not cover. Such a word
// weighs as little as a modal word when no clause or FAQ question has it
// (see term); one the guideline uses (原则上) keeps its weight, as it helps
// find the clause that uses it. What a question asks about a date or an
// amount is checked by its answer type (answertype.go), not by these words.
var functionPOS = map[string]bool{
	"r": true, "m": true, "q": true, "mq": true, "f": true, "s": true,
	"d": true, "p": true, "c": true, "u": true, "uj": true, "ul": true, "uz": true,
	"uv": true, "ud": true, "ug": true, "y": true, "e": true, "o": true,
}

// sceneWord reports whether term names the people and places around the
// person asking: a scene word of the lexicon (nlp.SceneWord) — who
// suggested or ordered something (领导, 供应商, 乙方), whose office it is
// (局里, 科室), the kind of unit and its premises (卫生院, 地下室) — or an
// office of a unit (保卫科, see officeSuffix). Unit staff set the scene with
// them — 供应商说再拉条专线最稳，能这么搞吗 asks about 专线 — and the
// dictionary rates many of them rare (处室, 局里 weigh as much as 专线), so a
// clause that settles the question looked as if it missed half of it. Like
// the function words above, such a word weighs as little as a modal word
// unless some clause's text uses it (then it may be what the question is
// about; see term). A question about one of them that the guideline does
// not cover still has its other words to miss (供应商资质有什么要求 → 资质).
// Editors keep the list as data (corpus/lexicon/words.txt).
func (g *generation) sceneWord(term string) bool {
	return g.an.Seg.Scene(term) || g.officeSuffix(term)
}

// officeSuffix reports whether term names an office of a unit: a
// dictionary word and 科, 处 or 股 (保卫科, 财务科, 人事处).
func (g *generation) officeSuffix(term string) bool {
	r := []rune(term)
	if len(r) != 3 || (r[2] != '科' && r[2] != '处' && r[2] != '股') {
		return false
	}
	return g.an.Seg.Known(string(r[:2]))
}

// adjectivePOS are the dictionary's adjective tags (see functionPOS).
var adjectivePOS = map[string]bool{"a": true, "ad": true}

func (w weigher) weight(term string) float64 {
	if lightWords[term] || countWord.MatchString(term) {
		return lightWeight
	}
	seg := w.an.Seg
	if !seg.Domain(term) && !seg.Known(term) {
		return unknownWeight(term)
	}
	info := seg.Info(term)
	if seg.Domain(term) && info < domainInfo {
		info = domainInfo
	}
	x := info - infoFloor
	switch {
	case x < minWeight:
		return minWeight
	case x > maxWeight:
		return maxWeight
	}
	return x
}

// unknownWeight weighs a word the dictionary lacks. (Capping rare dictionary
// words as well was measured and lost more refusals than it won answers.) Such a "word" is most
// often what the segmenter made of a typo or a rare combination (部暑 →
// 系统部, 加点功能 → 加点), so its dictionary information would be
// overstated; numbers (50, 2018) are specific and weigh more.
func unknownWeight(term string) float64 {
	digits, latin := true, true
	for _, r := range term {
		if r < '0' || r > '9' {
			digits = false
		}
		if r >= 0x80 {
			latin = false
		}
	}
	switch {
	case digits:
		return 6
	case latin:
		return 4
	}
	return 3
}

// verbParticle splits a two-character word into a one-character verb and
// the particle after it: a complement of place (放到, 放在, 接到) or result
// (搬走, 删掉, 买完), or an aspect particle (改过, 建了, 用着). Such a word says
// no more than its verb — 放到云上 asks about 云, 方案已经改过一次 about 改 —
// but the dictionary has many of them as rare words of their own (放到 is
// rarer than 迁移; 改过 as in 改过自新), which made a clause that says 部署,
// 迁移 or 改 look as if it missed the heart of the question. So term
// weighs such a verb as its first character, and reads a word with an
// aspect particle as its verb when no text has the word and some text has
// the verb (a result complement likewise, but only a clause's text counts
// and only a word the dictionary tags as a verb: 出来, 马上 are not reread).
func verbParticle(term string) (verb string, kind particleKind) {
	r := []rune(term)
	if len(r) != 2 {
		return "", noParticle
	}
	switch r[1] {
	case '过', '了', '着':
		return string(r[0]), aspectParticle
	case '到', '在':
		return string(r[0]), placeComplement
	case '走', '掉', '完', '好', '成', '进', '出', '回', '下':
		return string(r[0]), resultComplement
	}
	return "", noParticle
}

// reduplicatedVerb returns A of a word AA (问问, 试试, 查查) and "" for any
// other term. A one-character verb said twice means doing it a little —
// 领导说先问问能不能建, 答疑机器人能不能拿来试试 — and says no more than the
// verb, but the dictionary rates many such words rare (问问 as rare as 审批),
// so term reads one as its verb when no clause has the word. The
// dictionary tags no single character, so the word's own tag (pos) decides:
// a verb, a noun (问问) or no tag; reduplicated adverbs and time words (常常,
// 天天) are function words already. 谢谢 and 拜拜 stay: they make a greeting.
func reduplicatedVerb(term, pos string) string {
	r := []rune(term)
	if len(r) == 2 && r[0] == r[1] && (pos == "" || pos == "n" || strings.HasPrefix(pos, "v")) {
		return string(r[0])
	}
	return ""
}

// particleKind is what follows the verb in verbParticle.
type particleKind int

const (
	noParticle       particleKind = iota
	aspectParticle                // 改过, 建了
	placeComplement               // 放到, 放在
	resultComplement              // 搬走, 删掉, 买完: read as the verb only when the dictionary calls the word a verb (完成, 形成 are, but a text has them)
)

// query returns the content terms of a question with weights and synonyms.
func (g *generation) query(text string) []qterm {
	return g.queryNorm(nlp.Normalize(text))
}

// queryNorm is query of a question already normalised.
func (g *generation) queryNorm(norm string) []qterm {
	return g.termsIn(g.questionText(norm))
}

// questionText returns a normalised question without its asides (see
// reference.go): the text its terms are read from.
func (g *generation) questionText(norm string) string {
	return splitHeadcount(collapseReduplication(dropReferences(dropCaller(norm)), g.an.Seg.Known))
}

// termsIn returns the content terms of a question's text.
func (g *generation) termsIn(text string) []qterm {
	toks := g.an.ContentTokens(text)
	out := make([]qterm, 0, len(toks))
	for _, t := range toks {
		out = append(out, g.term(t.Term))
	}
	return out
}

// maxCachedTerms bounds the per-generation cache of term analyses.
const maxCachedTerms = 100_000

// term analyses one question term: its weight, synonyms and compound parts.
// The analysis depends only on the term and the generation's lexicon, and
// people use the same words again and again, so it is cached per generation
// (the dictionary lookups of the compound split are a good part of a
// question's cost). The slices are shared: callers must not modify them.
func (g *generation) term(term string) qterm {
	if v, ok := g.terms.Load(term); ok {
		return v.(qterm)
	}
	pos, id := g.an.Seg.POS(term), g.idOf(term)
	if v := reduplicatedVerb(term, pos); v != "" && !socialWords[term] && !g.textHas(id) {
		return g.term(v)
	}
	verb, particle := verbParticle(term)
	switch particle {
	case aspectParticle:
		if id == noTerm && g.idOf(verb) != noTerm {
			return g.term(verb)
		}
	case resultComplement:
		if !g.textHas(id) && g.textHas(g.idOf(verb)) && pos == "v" {
			return g.term(verb)
		}
	}
	qt := qterm{
		term:   term,
		w:      g.w.weight(term),
		alts:   g.an.Syn.Of(term),
		groups: g.an.Syn.Groups(term),
		domain: g.an.Seg.Domain(term),
		id:     id,
	}
	switch {
	// Scene words, function words, adjectives and the names of
	// organisations and places (民政局, 番禺: nt, ns) weigh little unless a
	// clause's text has them.
	case !qt.domain && (g.sceneWord(term) || functionPOS[pos] || adjectivePOS[pos] || pos == "nt" || pos == "ns") && !g.textHas(qt.id):
		qt.w = lightWeight
	case (pos == "v" || g.an.Seg.POS(verb) == "v") && !qt.domain && particle != noParticle:
		qt.w = min(qt.w, g.w.weight(verb))
	}
	qt.altIDs = g.idsOf(qt.alts)
	parts := g.an.Seg.Parts(term)
	light := len(parts) > 0
	for _, p := range parts {
		words := append([]string{p}, g.an.Syn.Of(p)...)
		qt.parts = append(qt.parts, words)
		qt.partIDs = append(qt.partIDs, g.idsOf(words))
		light = light && (lightWords[p] || nlp.IsStop(p))
	}
	if light {
		// A "word" made of modal and function words only (能不能自己
		// cut as 能/不能自己) is as light as its parts.
		qt.w = lightWeight
	}
	if g.termCount.Add(1) <= maxCachedTerms {
		g.terms.Store(term, qt)
	}
	return qt
}
