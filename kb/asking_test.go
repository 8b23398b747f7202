package kb

import (
	"strings"
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
		if got := askingText(phrases(nlp.Normalize(tt.question))); got != tt.want {
			t.Errorf("askingText(%q) = %q, want %q", tt.question, got, tt.want)
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
		{"交通局攒了几年的刷卡数据，这样的项目算不算今年重点", ""},
	}
	for _, tt := range tests {
		got := askedFor(phrases(nlp.Normalize(tt.question))).unit
		name := ""
		if got != noUnit {
			name = countUnits[got]
		}
		if name != tt.unit {
			t.Errorf("askedFor(%q).unit = %q, want %q", tt.question, name, tt.unit)
		}
	}
}

func TestMarkScene(t *testing.T) {
	terms := func(ws ...string) []qterm {
		var q []qterm
		for i := 0; i < len(ws); i += 2 {
			w := 5.0
			if ws[i+1] == "light" {
				w = lightWeight
			}
			q = append(q, qterm{term: ws[i], w: w})
		}
		return q
	}
	tests := []struct {
		question string
		q        []qterm
		scene    []string // the terms marked as scene only
	}{
		// The scene comes first; the asking phrase has content of its own.
		{"博物馆讲解系统要升级，机房服务器才买两年，接着用可以吗？", terms("讲解", "", "升级", "", "服务器", "", "接着用", ""), []string{"讲解", "升级", "服务器"}},
		// 这样行吗 has no content: the phrase before it asks too.
		{"园长想先采购设备，之后再补办存档备查，这样行吗？", terms("采购", "", "设备", "", "补办", "", "存档备查", ""), []string{"采购", "设备"}},
		// One phrase: no scene.
		{"存档备查啥时候要搞定？", terms("存档备查", "", "搞定", ""), nil},
		// Only light words where it asks: all of it is asked.
		{"我们单位想办个营业执照，怎么弄？", terms("单位", "", "营业执照", "", "弄", "light"), nil},
	}
	for _, tt := range tests {
		markScene(phrases(nlp.Normalize(tt.question)), tt.q)
		var scene []string
		for _, t := range tt.q {
			if t.scene {
				scene = append(scene, t.term)
			}
		}
		if strings.Join(scene, " ") != strings.Join(tt.scene, " ") {
			t.Errorf("markScene(%q): scene %v, want %v", tt.question, scene, tt.scene)
		}
	}
}

// A yes-or-no question about what to do (需要按年做个使用计划吗) asks no fact
// that the phrases before it name (什么时候花、花多少); a question that
// offers an answer (要走什么协议,GB/T 28181吗) still asks its question.
func TestAskedForYesNo(t *testing.T) {
	tests := []struct {
		question string
		asks     []string
	}{
		{"幼儿园的信息化资金什么时候花、花多少，需要按年做个使用计划吗？", nil},
		{"视频监控接入平台要走什么协议,GB/T 28181吗?", []string{"technical"}},
		{"预审要几个工作日？能加急吗？", []string{"duration"}},
	}
	for _, tt := range tests {
		got := askedFor(phrases(nlp.Normalize(tt.question))).types
		var want typeSet
		for _, name := range tt.asks {
			for i, at := range answerTypes {
				if at.name == name {
					want |= 1 << i
				}
			}
		}
		if got&want != want || (want == 0) != (got == 0) {
			t.Errorf("askedFor(%q) = %v, want %v", tt.question, typeNames(got), tt.asks)
		}
	}
}
