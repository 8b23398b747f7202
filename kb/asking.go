package kb

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// People set the scene before they ask — 我们医院用市财政的钱做了个随访系统，
// 几年下来攒了好几万病人的数据。…这个说法对吗？ — and the scene is told with
// the same words a question uses to ask for a fact: 钱 and 几万 would ask an
// amount of money, 几年 a count. What a question asks for (its answer types
// and the unit of a count) is therefore read from its asking phrases only:
// the phrases that have a question mark, a question particle or an
// interrogative word, and always the last phrase (a question without a
// mark, 存档备查啥时候要搞定, is one phrase). Counts that say "several"
// rather than ask how many (好几次, 前几天, 十几个, 几年下来) are no
// interrogative at all and are taken out first.
var (
	// indefiniteCount matches 几 used as "several": after 好, 前, 这, 那, 过, 近 or 十 (好几万, 前几天, 这几年, 十几个), before
	// 十, 百 or 千 (几十个), or a span of time looked back on (几年下来, 几年前, 攒了几年的数据).
	indefiniteCount = regexp.MustCompile(`(好|前|这|那|过|近|十)几|几(十|百|千)|几(年|天|个月|周)(来|下来|前|以前|之前)|(攒|存|积|用|跑|做|录|收)了几(年|天|个月|周)`)
	// interrogative matches what makes a phrase ask: a question mark or
	// particle, an interrogative word, or an A-not-A form (能不能).
	interrogative = regexp.MustCompile(`[?？吗呢么嘛]|是否|能否|可否|\p{Han}[不没]\p{Han}|` + whWords)
	// whWord matches the interrogative words that ask for a fact.
	whWord = regexp.MustCompile(whWords)
)

// whWords are the interrogative words that ask for a fact (谁, 多少, 还是…).
const whWords = `谁|几|怎|什么|啥|哪|多少|如何|咋|多久|多长|多大|还是`

// phraseEnds end a phrase of a question.
const phraseEnds = ",，;；。!！?？:：\n"

// phrase is one phrase of a question.
type phrase struct {
	text   string
	asking bool
}

// phrases splits a normalised question into phrases and marks the asking
// ones (see above).
func phrases(norm string) []phrase {
	if strings.Contains(norm, "几") {
		norm = indefiniteCount.ReplaceAllString(norm, "若干")
	}
	var out []phrase
	for rest := norm; rest != ""; {
		end := len(rest)
		if i := strings.IndexAny(rest, phraseEnds); i >= 0 {
			_, size := utf8.DecodeRuneInString(rest[i:])
			end = i + size
		}
		text := rest[:end]
		rest = rest[end:]
		if strings.Trim(text, phraseEnds+" \t") == "" {
			continue
		}
		out = append(out, phrase{text: text, asking: interrogative.MatchString(text)})
	}
	if len(out) > 0 {
		out[len(out)-1].asking = true
	}
	return out
}

// readQuestion reads a normalised question once for everything answer
// needs: its terms, with those of its scene marked, and what it asks for.
// (A keyword search needs only the terms: queryNorm.)
func (g *generation) readQuestion(norm string) ([]qterm, wanted) {
	text := g.questionText(norm)
	q := g.termsIn(text)
	ps := phrases(text)
	markScene(ps, q)
	return q, askedFor(ps)
}

// joinPhrases returns the phrases keep(i) selects, in order.
func joinPhrases(ps []phrase, keep func(i int) bool) string {
	var b strings.Builder
	for i, p := range ps {
		if keep(i) {
			b.WriteString(p.text)
		}
	}
	return b.String()
}

// askingText returns the asking phrases, in order.
func askingText(ps []phrase) string {
	return joinPhrases(ps, func(i int) bool { return ps[i].asking })
}

// askedFor returns what a question asks for besides its topic, read from
// its asking phrases. After a yes-or-no last phrase (see yesNo) only a
// phrase that ends its own question (…什么协议？GB/T 28181吗？) still asks.
func askedFor(ps []phrase) wanted {
	last := len(ps) - 1
	yn := last > 0 && yesNo(ps[last].text)
	ask := joinPhrases(ps, func(i int) bool {
		return ps[i].asking && (!yn || i == last || strings.ContainsAny(ps[i].text, "?？"))
	})
	return wanted{types: askedTypes(ask), unit: askedUnit(ask)}
}

// markScene marks the terms of q that only the question's scene-setting
// phrases have (qterm.scene). An asking phrase without a content word of
// its own (这样行吗, 可以吗) asks about the phrase before it, which then asks
// too; a question whose asking phrases have no content word at all has no
// scene (all of it is asked).
func markScene(ps []phrase, q []qterm) {
	if len(ps) < 2 {
		return
	}
	content := func(text string) bool {
		for _, t := range q {
			if t.w >= contentWeight && strings.Contains(text, t.term) {
				return true
			}
		}
		return false
	}
	asking := make([]bool, len(ps))
	for i, p := range ps {
		asking[i] = p.asking
	}
	for i := len(ps) - 1; i > 0; i-- {
		if asking[i] && !content(ps[i].text) {
			asking[i-1] = true
		}
	}
	if !slices.Contains(asking, false) {
		return // no scene: all of it is asked
	}
	a := joinPhrases(ps, func(i int) bool { return asking[i] })
	if !content(a) {
		return
	}
	for i := range q {
		q[i].scene = q[i].w > lightWeight && !strings.Contains(a, q[i].term)
	}
}

// yesNo reports whether a question's last phrase asks yes or no (需要按年做个
// 使用计划吗): then what the phrases before it ask without a question mark
// of their own (资金什么时候花、花多少，) is the content of what it asks
// about, not a fact asked for.
func yesNo(last string) bool {
	return strings.ContainsAny(last, "吗么嘛") && !whWord.MatchString(last) && proposal.MatchString(last)
}

// proposal matches the modal words of a yes-or-no question about what to
// do. A last phrase without one offers an answer to the question before it
// (要走什么协议,GB/T 28181吗?), which still asks.
var proposal = regexp.MustCompile(`要|需|能|可以|可不可以|应|得|必须|行|允许|算`)

// contentWeight is the weight from which a word says what a question is
// about (heavyCovered counts such words).
const contentWeight = 3
