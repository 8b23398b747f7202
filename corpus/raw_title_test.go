package corpus

import (
	"strings"
	"testing"
)

func TestOpenerCut(t *testing.T) {
	tests := []struct {
		text  string
		title string // "" for no cut
	}{
		{"机房建设各单位不再新建业务机房,可建设本单位的网络机房。", "机房建设"},
		{"自主产权新建项目应采用通用国产可控软硬件产品搭建信息系统,非自主产权产品应提出明确依据。", "自主产权"},
		{"社会公共信用体系具有信用信息采集单位和信用应用单位,应进行信用信息采集工作。", "社会公共信用体系"},
		{"电子证照推进全市电子证照系统建设和应用,发证机构应开展电子证照制作工作。", "电子证照"},
		{"政府信息化云平台迁移2017 年,各单位应基本完成往政府信息化云平台迁移工作。", "政府信息化云平台迁移"},
		{"机房建设 各单位不再新建业务机房。", "机房建设 "},
		// Run-in sentences: the opener is at the start, or there is none
		// before the first punctuation.
		{"各单位业务系统信息交互统一通过市政府信息共享平台实施。", ""},
		{"按照关于在全省推广一门式一网式政府服务模式改革的实施方案统一部署,各单位应全面考虑。", ""},
		{"规范单位信息资源建设。要认真梳理本单位、本部门、本系统现有的信息资源内容。", ""},
		{"市财政投资信息化项目所产生的信息资源为政府所有。", ""},
		{"推进智慧城市建设和支撑市委、市政府重点工作的信息化项目。", ""},
		// Too short a phrase before the opener, or too long.
		{"甲各单位应当如此。", ""},
		{"这是一个相当长而且没有任何标点符号也没有开头词的句子各单位应当如此。", ""},
		{"(2016)各单位", ""},
	}
	for _, tt := range tests {
		rs := []rune(tt.text)
		k, ok := openerCut(rs)
		got := ""
		if ok {
			got = string(rs[:k])
		}
		if got != tt.title {
			t.Errorf("openerCut(%q) = %q, want %q", tt.text, got, tt.title)
		}
	}
}

// TestParseRawTitleRules: rules 3 to 5 of the title heuristic on small
// inputs (clauses as label title|text).
func TestParseRawTitleRules(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"heading followed by its items is all title",
			"一、总则(一)网络建设1.统一使用。2.统一出口。",
			"一、|总则|\n一、（一）|网络建设|\n一、（一）1.||统一使用。\n一、（一）2.||统一出口。"},
		{"siblings titled alike: most have a title",
			"一、甲。(一)机房建设各单位不再新建。(二)自主产权新建项目应采用国产。(三)第三件事的说明。",
			"一、||甲。\n一、（一）|机房建设|各单位不再新建。\n一、（二）|自主产权|新建项目应采用国产。\n一、（三）||第三件事的说明。"},
		{"siblings titled alike: one opener in run-in sentences is no title",
			"一、甲。(一)市财政投资项目各单位共享。(二)另一句话。(三)第三句话。",
			"一、||甲。\n一、（一）||市财政投资项目各单位共享。\n一、（二）||另一句话。\n一、（三）||第三句话。"},
		{"items never have titles",
			"一、甲。(一)乙。1.机房建设各单位不再新建。2.第二项。",
			"一、||甲。\n一、（一）||乙。\n一、（一）1.||机房建设各单位不再新建。\n一、（一）2.||第二项。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clauses, rep, err := ParseRaw(strings.NewReader(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range clauses {
				got = append(got, c.Label+"|"+c.Title+"|"+c.Text)
			}
			if g := strings.Join(got, "\n"); g != tt.want {
				t.Errorf("got\n%s\nwant\n%s", g, tt.want)
			}
			checkAccounting(t, []byte(tt.src), clauses, rep)
		})
	}
}
