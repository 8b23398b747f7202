package kb

import (
	"regexp"
	"strings"
	"unicode"
)

// Unit staff point at the text they ask about: 按指引…, 指引里说的…, 这符合
// 文件要求吗, 指引允许吗. Such a phrase says where to look, not what is
// asked, yet 指引 and 文件 are words only the introduction (引言) has, so a
// question that used one looked as if the clause that answers it missed a
// heavy word. These phrases are taken out of the question before its terms
// are read. A question about the document itself (这份指引的文号是多少, 本指引
// 适用于哪些项目) names it without such a marker and keeps the word.
var referencePhrase = regexp.MustCompile(
	`(按照|按|根据|依照|依据|对照|符合|照)(这个|这份|本|咱们的|市里的)?(指引|指南|文件|规定|政策)(的规定|的要求|规定|要求)?` +
		`|(这个|这份|本)?(指引|指南|文件|政策)(里面|里|中|上)(说的|讲的|规定的|提到的|写的|说|讲|规定|提到)?` +
		`|(指引|指南|文件|政策)(允许|要求|规定|指定|建议|对|怎么|有没有|有无|说|讲)`)

// referenceWords are the words every match of referencePhrase contains.
var referenceWords = []string{"指引", "指南", "文件", "规定", "政策"}

// keptVerbs are the verbs after a document's name that a question may ask
// about (指引允许吗): dropReferences keeps them.
var keptVerbs = map[string]bool{"允许": true, "要求": true, "规定": true, "指定": true, "建议": true, "对": true, "怎么": true, "有没有": true, "有无": true}

// dropReferences returns the normalised question without its pointers to
// the text (see referencePhrase); the verb after the document's name (允许,
// 要求) stays, as it may be what is asked.
func dropReferences(norm string) string {
	found := false
	for _, w := range referenceWords {
		found = found || strings.Contains(norm, w)
	}
	if !found {
		return norm
	}
	return referencePhrase.ReplaceAllStringFunc(norm, func(m string) string {
		for _, doc := range referenceWords {
			if verb, ok := strings.CutPrefix(m, doc); ok && keptVerbs[verb] {
				return verb
			}
		}
		return " "
	})
}

// A help-desk note or a relayed question starts with who is asking:
// 来电：某事业单位，问项目变更要先报给谁审核; 处长问：要不要单独建…; 新人问
// 啥样的数据可以不纳入共享. The caller's description (某事业单位) is not what
// is asked, and its words (单位) would have to be covered by the clause, so
// it is dropped: a note's first phrase, or what comes before 问. (A note's
// later phrases are the situation — 来电：某局，新楼想弄个小间放交换机，问能否
// 建 — and stay.) A help-desk's relayed report starts with who reported
// it — 用户反映窗口要刷卡核验身份: the reporter (用户, 群众) is not what is
// asked, and 用户 is a word of 三、（三）'s user authentication.
var callerPrefix = regexp.MustCompile(
	`^来电[:：]?[^,，。？?!！]{0,15}[,，]\s*((问|咨询)[:：]?\s*)?` +
		`|^[^,，。？?!！:：\s]{0,12}?(问|想问|问一句|问下|问一下|求教|请教)[:：,，\s]+`)

// reporterPrefix is the reporter of a relayed report (see callerPrefix).
var reporterPrefix = regexp.MustCompile(`^有?(用户|群众|市民|居民|企业|来电人|办事人|客户|对方|老百姓|有人)(反映|反馈)[:：,，\s]*`)

// dropCaller returns the normalised question without its caller prefix
// (see callerPrefix), unless nothing would be left.
func dropCaller(norm string) string {
	var loc []int
	switch {
	case strings.Contains(norm, "问") || strings.Contains(norm, "求教") || strings.Contains(norm, "请教"):
		loc = callerPrefix.FindStringIndex(norm)
	case strings.Contains(norm, "反映") || strings.Contains(norm, "反馈"):
		loc = reporterPrefix.FindStringIndex(norm)
	}
	if loc == nil || loc[1] == len(norm) {
		return norm
	}
	return norm[loc[1]:]
}

// collapseReduplication reads a reduplicated AABB word as its AB word
// (零零散散 → 零散, 清清楚楚 → 清楚): the dictionary lacks most such forms
// and cut them into a heavy-looking stray. Only a form whose AB is a
// dictionary word is collapsed.
func collapseReduplication(norm string, known func(string) bool) string {
	r := []rune(norm)
	var out []rune
	for i := 0; i < len(r); i++ {
		if i+3 < len(r) && r[i] == r[i+1] && r[i+2] == r[i+3] && r[i] != r[i+2] && unicode.Is(unicode.Han, r[i]) && unicode.Is(unicode.Han, r[i+2]) && known(string([]rune{r[i], r[i+2]})) {
			if out == nil {
				out = append(make([]rune, 0, len(r)), r[:i]...)
			}
			out = append(out, r[i], r[i+2])
			i += 3
			continue
		}
		if out != nil {
			out = append(out, r[i])
		}
	}
	if out == nil {
		return norm
	}
	return string(out)
}
