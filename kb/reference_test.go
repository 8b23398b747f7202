package kb

import (
	"strings"
	"testing"

	"zhiyin/nlp"
)

// A pointer to the text (按指引, 指引里说的, 符合规定吗) is not what a question
// asks; a question about the document itself keeps its name.
func TestDropReferences(t *testing.T) {
	tests := []struct{ in, gone, kept string }{
		{"这样做符合规定吗？", "规定", ""},
		{"按指引单位的信息化工作应该放在哪个层面", "指引", "单位"},
		{"指引里说的可共用系统具体指哪些", "指引", "共用"},
		{"新建系统指引允许用国外数据库吗", "指引", "允许"},
		{"资金使用计划，指引说按什么周期来明确", "指引", "周期"},
		{"这份指引的文号是多少", "", "指引"},
		{"本指引适用于哪些项目", "", "指引"},
		{"2018年的指引什么时候出", "", "指引"},
	}
	for _, tt := range tests {
		got := dropReferences(nlp.Normalize(tt.in))
		if tt.gone != "" && strings.Contains(got, tt.gone) {
			t.Errorf("dropReferences(%q) = %q, still has %s", tt.in, got, tt.gone)
		}
		if tt.kept != "" && !strings.Contains(got, tt.kept) {
			t.Errorf("dropReferences(%q) = %q, lost %s", tt.in, got, tt.kept)
		}
	}
}

// A help-desk note or a relayed question is read from what is asked, not
// from who asks.
func TestDropCaller(t *testing.T) {
	tests := []struct{ in, want string }{
		{"来电：某事业单位，问项目变更要先报给谁审核。", "项目变更要先报给谁审核。"},
		{"来电：某局，新楼想弄个小间放交换机，问能否建", "新楼想弄个小间放交换机，问能否建"}, // the situation stays
		{"处长问：要不要单独建安全基础设施", "要不要单独建安全基础设施"},
		{"新人问 啥样的数据可以不纳入共享啊", "啥样的数据可以不纳入共享啊"},
		{"请问存档备查什么时候做", "请问存档备查什么时候做"}, // no caller
		{"我想问一下", "我想问一下"},                 // nothing would be left
		{"领导问我为啥要把机房交出去", "领导问我为啥要把机房交出去"}, // 问 is the verb of the sentence
		{"用户反映窗口要刷卡核验身份，想知道用哪种卡", "窗口要刷卡核验身份，想知道用哪种卡"},
		{"群众反馈：同一份材料被要了好几遍", "同一份材料被要了好几遍"},
		{"领导反映机房太挤", "领导反映机房太挤"}, // only a relayed report's reporter
		{"来电的说方案改过一回了，还能改吗", "来电的说方案改过一回了，还能改吗"},
	}
	for _, tt := range tests {
		if got := dropCaller(nlp.Normalize(tt.in)); got != nlp.Normalize(tt.want) {
			t.Errorf("dropCaller(%q) = %q, want %q", tt.in, got, nlp.Normalize(tt.want))
		}
	}
}

// 零零散散的系统 is about 零散 systems: the dictionary lacks the AABB form.
func TestCollapseReduplication(t *testing.T) {
	known := func(w string) bool { return w == "零散" || w == "清楚" }
	tests := []struct{ in, want string }{
		{"把几个零零散散的系统合并", "把几个零散的系统合并"},
		{"说得清清楚楚", "说得清楚"},
		{"天天上报", "天天上报"}, // AABB only
		{"高高兴兴", "高高兴兴"}, // 高兴 unknown to this dictionary
	}
	for _, tt := range tests {
		if got := collapseReduplication(tt.in, known); got != tt.want {
			t.Errorf("collapseReduplication(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// 社保(市民)卡 is read as 社保卡 and 市民卡, not as a clause about 社保.
func TestMergeInsertions(t *testing.T) {
	text := "数字证书、社保(市民)卡、地理空间平台"
	toks := []nlp.Token{
		{Term: "数字证书", Start: 0, End: 12}, {Term: "社保", Start: 15, End: 21}, {Term: "市民", Start: 22, End: 28},
		{Term: "卡", Start: 29, End: 32}, {Term: "地理空间", Start: 35, End: 47},
	}
	if text[15:21] != "社保" || text[29:32] != "卡" {
		t.Fatal("offsets of the test tokens are wrong")
	}
	known := func(w string) bool { return w == "社保卡" || w == "市民卡" }
	var got []string
	for _, tk := range mergeInsertions(text, toks, known) {
		got = append(got, tk.Term)
	}
	if strings.Join(got, " ") != "数字证书 社保卡 市民卡 地理空间" {
		t.Errorf("mergeInsertions = %v", got)
	}
}

// 六十多个人要远程登系统 counts people; it says nothing of 个人 data.
func TestSplitHeadcount(t *testing.T) {
	tests := []struct{ in, want string }{
		{"我们局六十多个人要在外面远程登系统", "我们局六十多个 人要在外面远程登系统"},
		{"十来个人的小单位", "十来个 人的小单位"},
		{"就我一个人懂电脑", "就我一个 人懂电脑"},
		{"个人信息要脱敏吗", "个人信息要脱敏吗"},
		{"涉及个人隐私的数据", "涉及个人隐私的数据"},
	}
	for _, tt := range tests {
		if got := splitHeadcount(tt.in); got != tt.want {
			t.Errorf("splitHeadcount(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
