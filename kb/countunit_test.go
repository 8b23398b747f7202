package kb

import (
	"regexp"
	"testing"

	"zhiyin/nlp"
)

func TestAskedUnit(t *testing.T) {
	tests := []struct{ question, unit string }{
		{"业务系统要做等保几级？", "级"},
		{"绩效评估得分低于多少分算不合格？", "分"},
		{"中标产品是哪几家厂商的", "家"},
		{"运维费用减少多少比例", "%"},
		{"运维费具体会减少百分之多少？", "%"},
		{"虚拟机最多能配多少核CPU", "核"},
		{"新建系统要通过等级保护第几级测评？", "级"},
		{"信息系统需要做几级等级保护测评？", "级"},
		{"一个信息化项目需要配几名专职信息化管理人员？", "名"},
		{"项目验收需要请几名专家？", "名"},
		{"一个项目组至少要配几个专职运维人员？", "人"},
		{"预审要几个工作日", "工作日"},
		{"租金预算要做几年的？", "年"},
		{"VPN账号每个单位多少个", ""},           // 多少个 of what: no unit to check
		{"我们科室想在楼里放几台服务器跑业务，行不行？", ""}, // 几台 is "a few"
		{"单位还能新建机房吗", ""},
	}
	for _, tt := range tests {
		got := askedUnit(nlp.Normalize(tt.question))
		name := ""
		if got != noUnit {
			name = countUnits[got]
		}
		if name != tt.unit {
			t.Errorf("askedUnit(%q) = %q, want %q", tt.question, name, tt.unit)
		}
	}
}

func TestClauseMustGiveACountOfTheAskedUnit(t *testing.T) {
	tests := []struct {
		question, clause string
		answered         bool
	}{
		{"绩效评估低于多少分算不合格", "对已经建成(2 年)的信息化系统进行专项评估,业务系统评估不合格或得分低的,将酌情减少后续新建项目及运维费用。", false},
		{"系统建成几年后要做绩效评估？", "对已经建成(2 年)的信息化系统进行专项评估", true},
		{"没迁移的每年核减多少比例", "2018 年后将陆续降低服务器、机房等运维经费,每年按 30%核减。", true},
		{"评估不合格的运维费减少多少比例", "将酌情减少后续新建项目及运维费用。", false},
		{"每个单位有几个VPN账号？", "每一级单位 50 个账号", true},
		{"单位能建机房吗", "各单位不再新建业务机房。", true}, // asks for no count
	}
	for _, tt := range tests {
		if got := statedUnits(tt.clause).states(askedUnit(nlp.Normalize(tt.question))); got != tt.answered {
			t.Errorf("%q against %q: answerable = %v, want %v", tt.question, tt.clause, got, tt.answered)
		}
	}
}

// unitRegexps define statedUnits: for each count unit, the expression of a
// number of it in a clause.
var unitRegexps = func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(countUnits))
	for i, u := range countUnits {
		if i == percentUnit {
			out[i] = regexp.MustCompile(`[0-9０-９]\s*[%％]|百分之|[一二三四五六七八九]成`)
			continue
		}
		out[i] = regexp.MustCompile(`[0-9０-９一二两三四五六七八九十百千万]\s*个?\s*` + regexp.QuoteMeta(u))
	}
	return out
}()

// regexpStatedUnits is statedUnits by its definition (checked against it in
// CheckAnswerTypesAgainstRegexp, on synthetic texts and the corpus).
func regexpStatedUnits(text string) unitSet {
	var s unitSet
	for i, re := range unitRegexps {
		if re.MatchString(text) {
			s |= 1 << i
		}
	}
	return s
}
