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
