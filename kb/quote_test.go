package kb

import (
	"strings"
	"testing"
)

func TestSplitSentencesIsVerbatim(t *testing.T) {
	texts := []string{
		"统一使用全市 VPN 系统。各单位原则上不再购置 VPN 设备,凡通过互联网进入电子政务外网使用业务系统(移动办公等非互联网应用系统)或开展业务系统维护的,应采用广州市信息化服务中心提供的 VPN 平台(每一级单位 50 个账号,超出 50 个账号购置 license 费用概算参见方案编写指南)",
		"各单位业务应用、便民服务;基于移动互联网的便民服务应用系统;",
		"没有标点的一句话",
		"他说：“完了。”然后走了！",
		"",
	}
	for _, text := range texts {
		sents := splitSentences(text)
		var b strings.Builder
		for _, s := range sents {
			b.WriteString(s.in(text))
		}
		if strings.ReplaceAll(b.String(), " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Errorf("sentences of %q lose text: %q", text, b.String())
		}
	}
	if got := splitSentences("甲。乙；丙"); len(got) != 3 || got[1].in("甲。乙；丙") != "乙；" {
		t.Errorf("split = %+v, want 3 pieces with 乙；", got)
	}
	if got := splitSentences("他说：“完了。”然后"); got[0].in("他说：“完了。”然后") != "他说：“完了。”" {
		t.Errorf("closing quote not kept with its sentence: %+v", got)
	}
}

func TestSameLetters(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"各单位，不再新建机房。", "各单位,不再新建机房.", true},
		{"统一使用VPN", "统一使用vpn", false},
		{"機房", "机房", false},
		{"", "。，", true},
		{"机房", "机房建设", false},
	} {
		if got := sameLetters(tt.a, tt.b); got != tt.want {
			t.Errorf("sameLetters(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
