package kb

import (
	"regexp"
	"strings"
)

// People say how many they are — 六十多个人要在外面远程登系统, 十来个人的小单位 —
// and the dictionary's longest match after a numeral it does not know as a
// word (六十多, 十来) is 个人 "personal" (个人信息, a heavy word of the
// clauses on personal data), so a headcount looked like a question about
// personal data. headcount cuts 个人 after a numeral into its measure word
// and 人 by putting a space between them: the segmenter never joins across a
// space.
var headcount = regexp.MustCompile(`([0-9` + numerals + `多来每])个人`)

// splitHeadcount returns norm with every headcount's 个人 cut (see
// headcount).
func splitHeadcount(norm string) string {
	if !strings.Contains(norm, "个人") {
		return norm
	}
	return headcount.ReplaceAllString(norm, "${1}个 人")
}
