package kb

import (
	"regexp"
	"strings"
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
		`|(指引|指南|文件|政策)(允许|要求|规定|指定|对|怎么|有没有|有无|说|讲)`)

// referenceWords are the words every match of referencePhrase contains.
var referenceWords = []string{"指引", "指南", "文件", "规定", "政策"}

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
		for _, verb := range []string{"允许", "要求", "规定", "指定", "对", "怎么", "有没有", "有无"} {
			for _, doc := range []string{"指引", "指南", "文件", "政策"} {
				if m == doc+verb {
					return verb
				}
			}
		}
		return " "
	})
}

// A help-desk note or a relayed question starts with who is asking:
// 来电：某事业单位，问项目变更要先报给谁审核; 处长问：要不要单独建…; 新人问
// 啥样的数据可以不纳入共享. The caller's description (某事业单位) is not what
// is asked, and its words (单位) would have to be covered by the clause, so
// the question is read from the word after 问.
var callerPrefix = regexp.MustCompile(
	`^来电[:：]?[^。？?!！]{0,20}?[,，]\s*(问|咨询)[:：]?\s*` +
		`|^[^,，。？?!！:：\s]{0,12}?(问|想问|问一句|问下|问一下|求教|请教)[:：,，\s]+`)

// dropCaller returns the normalised question without its caller prefix
// (see callerPrefix), unless nothing would be left.
func dropCaller(norm string) string {
	if !strings.Contains(norm, "问") && !strings.Contains(norm, "求教") && !strings.Contains(norm, "请教") {
		return norm
	}
	loc := callerPrefix.FindStringIndex(norm)
	if loc == nil || loc[1] == len(norm) {
		return norm
	}
	return norm[loc[1]:]
}
