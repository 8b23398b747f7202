package kb

import (
	"testing"

	"zhiyin/nlp"
)

func TestAskingPart(t *testing.T) {
	tests := []struct{ question, want string }{
		{"存档备查啥时候要搞定？", "存档备查啥时候要搞定?"},
		{"我们单位在番禺，政务外网拉不过来，系统能挂互联网吗？", "政务外网拉不过来,系统能挂互联网吗?"},
		{"财务报账系统是好几年前建的，一直放在服务器间里，应该怎么处理？", "应该怎么处理?"},
		{"预算里有一笔机房扩建。这个还能报吗", "这个还能报吗"},
		{"预审要几个工作日，有规定吗", "预审要几个工作日,有规定吗"},
		{"我们馆加了几块屏，还能报变更吗", "我们馆加了几块屏,还能报变更吗"}, // 几 may ask: kept
		{"交好几次材料，有啥说法", "有啥说法"},
	}
	for _, tt := range tests {
		if got := askingPart(nlp.Normalize(tt.question)); got != tt.want {
			t.Errorf("askingPart(%q) = %q, want %q", tt.question, got, tt.want)
		}
	}
}

func TestAskedForIgnoresScene(t *testing.T) {
	tests := []struct {
		question string
		unit     string
	}{
		{"系统上线好几年了，评估结果会影响什么", ""},
		{"局里有十几套系统，等保要做几级", "级"},
		{"前几年建的系统要请几名专家验收", "名"},
	}
	for _, tt := range tests {
		got := askedFor(nlp.Normalize(tt.question)).unit
		name := ""
		if got != noUnit {
			name = countUnits[got]
		}
		if name != tt.unit {
			t.Errorf("askedFor(%q).unit = %q, want %q", tt.question, name, tt.unit)
		}
	}
}
