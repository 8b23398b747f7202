package kb

import (
	"strings"
	"unicode/utf8"
)

// A question that asks for a count of something — 等保做几级, 低于多少分,
// 哪几家, 减少多少比例 — is answered only by a clause that gives a number of
// that unit (三级, 60 分, 30%). The quantity answer type (answertype.go)
// asks only for some number, and a clause that mentions "2 年" or "50 个账号"
// states one: 绩效评估低于多少分算不合格 shares every topic word with 六、8.,
// which gives no score at all.
//
// countUnits are the measure words such a count is read with. A question
// asks for the unit that follows 多少 or 几 (skipping 个: 几个工作日 asks
// for 工作日); the longest unit wins. "%" stands for a share (多少比例,
// 百分之几, 几成), which a clause gives as a percentage or in 成.
var countUnits = []string{
	"工作日", "小时", "级", "分", "家", "台", "套", "人", "名", "位", "项", "条", "次",
	"年", "天", "日", "月", "周", "倍", "页", "份", "元", "块", "张", "种", "类", "批",
	"期", "轮", "层", "核", "%",
}

// unitSet is a set of countUnits: bit i stands for countUnits[i].
type unitSet uint64

// noUnit is the unit of a question that asks for no count.
const noUnit = -1

// shareAsked are the ways of asking for a share.
var shareAsked = []string{"多少比例", "比例是多少", "比例多少", "百分之几", "百分之多少", "几成", "百分比", "百分点", "占比多少", "多大比例"}

// askedUnit returns the index in countUnits of the unit the normalised
// question asks a count of, or noUnit.
func askedUnit(norm string) int {
	for _, s := range shareAsked {
		if strings.Contains(norm, s) {
			return percentUnit
		}
	}
	if u := peopleCount(norm); u != noUnit {
		return u
	}
	for _, q := range []string{"多少", "几"} {
		rest := norm
		for {
			i := strings.Index(rest, q)
			if i < 0 {
				break
			}
			rest = rest[i+len(q):]
			after := strings.TrimPrefix(rest, "个")
			best := noUnit
			for u, name := range countUnits {
				if strings.HasPrefix(after, name) && (best == noUnit || len(name) > len(countUnits[best])) {
					best = u
				}
			}
			if best != noUnit && (q == "多少" || asksHowMany(norm[:len(norm)-len(rest)-len(q)], countUnits[best], after[len(countUnits[best]):])) {
				return best
			}
		}
	}
	return noUnit
}

// asksHowMany reports whether a 几 between before and after asks a number:
// 哪几家, an ordinal (第几级), or a count that ends the question (等保要做几级？, 要做几年的？).
// Elsewhere 几 means "a few": 放几台服务器跑业务 asks whether servers may
// be placed, not how many.
func asksHowMany(before, unit, after string) bool {
	if strings.HasSuffix(before, "哪") || strings.HasSuffix(before, "第") {
		return true
	}
	if strings.HasPrefix(after, "等级") || strings.HasPrefix(after, "等保") {
		return true // 做几级等级保护: a level, never "a few"
	}
	if (unit == "名" || unit == "位" || unit == "人") && staffing(before) {
		return true // 配几名专职人员, 请几名专家: provisioning people asks how many
	}
	after = strings.TrimLeft(after, "的了呢呀啊吧")
	return after == "" || strings.HasPrefix(after, "?") || strings.HasPrefix(after, "？") ||
		strings.HasPrefix(after, ",") || strings.HasPrefix(after, "，") || strings.HasPrefix(after, "。")
}

// statedUnits returns the units the clause text gives a number of. A
// generation computes it once per clause, so it is one pass over the text:
// a regexp per unit made the index build of 100,000 clauses 70 % slower.
// Its definition, which countunit_test.go checks it against, is for each
// unit u (but %) the expression [0-9０-９一二两三四五六七八九十百千万]\s*个?\s*u,
// and for % the expression [0-9０-９]\s*[%％]|百分之|[一二三四五六七八九]成.
func statedUnits(text string) unitSet {
	var s unitSet
	if strings.Contains(text, "百分之") {
		s |= 1 << percentUnit
	}
	for i, r := range text {
		if !strings.ContainsRune(unitNumerals, r) {
			continue
		}
		rest := text[i+utf8.RuneLen(r):]
		if strings.ContainsRune("一二三四五六七八九", r) && strings.HasPrefix(rest, "成") {
			s |= 1 << percentUnit
		}
		rest = strings.TrimLeft(rest, asciiSpace)
		if (r <= '9' || r >= '０' && r <= '９') && (strings.HasPrefix(rest, "%") || strings.HasPrefix(rest, "％")) {
			s |= 1 << percentUnit
		}
		rest = strings.TrimLeft(strings.TrimPrefix(rest, "个"), asciiSpace)
		for u, name := range countUnits {
			if u != percentUnit && strings.HasPrefix(rest, name) {
				s |= 1 << u
			}
		}
	}
	return s
}

// unitNumerals are the characters a count starts with; asciiSpace is what
// regexp's \s matches.
const (
	unitNumerals = "0123456789０１２３４５６７８９一二两三四五六七八九十百千万"
	asciiSpace   = " \t\n\f\r"
)

// states reports whether the set holds unit u; every set holds noUnit.
func (s unitSet) states(u int) bool {
	return u == noUnit || s&(1<<u) != 0
}

// staffing reports whether before ends with a verb of staffing (配, 招,
// 请, 需要…): a count of people after it asks how many.
func staffing(before string) bool {
	for _, v := range []string{"配", "配备", "招", "请", "需要", "要"} {
		if strings.HasSuffix(before, v) {
			return true
		}
	}
	return false
}

// peopleCount finds 配几个专职运维人员, 要几个人: a count of people after a
// verb of staffing asks how many, though 个 is followed by no unit.
func peopleCount(norm string) int {
	for rest, at := norm, 0; ; {
		i := strings.Index(rest, "几个")
		if i < 0 {
			return noUnit
		}
		after := []rune(rest[i+len("几个"):])
		if staffing(norm[:at+i]) && strings.Contains(string(after[:min(8, len(after))]), "人") {
			return peopleUnit
		}
		rest, at = rest[i+len("几个"):], at+i+len("几个")
	}
}

// unitIndex returns the index of name in countUnits.
func unitIndex(name string) int {
	for i, u := range countUnits {
		if u == name {
			return i
		}
	}
	panic("kb: no " + name + " among the count units")
}

// percentUnit and peopleUnit are the indexes of "%" and "人" in countUnits.
var percentUnit, peopleUnit = unitIndex("%"), unitIndex("人")
