package corpus

import (
	"strings"
	"testing"
)

func TestParseNegatives(t *testing.T) {
	negs, err := ParseNegatives(strings.NewReader("# 注释\noos-1 怎么交社保\n\noos-2 社保 断缴了 怎么办 # 行尾注释\n"))
	if err != nil || len(negs) != 2 || negs[0].ID != "oos-1" || negs[0].Question != "怎么交社保" || negs[1].Question != "社保 断缴了 怎么办" {
		t.Fatalf("negatives = %+v, %v", negs, err)
	}
	for _, bad := range []string{"oos-1\n", "a 问题一\na 问题二\n"} {
		if _, err := ParseNegatives(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line") {
			t.Errorf("ParseNegatives(%q) = %v, want an error naming the line", bad, err)
		}
	}
}

// The embedded out-of-scope list reaches the knowledge base, and every entry
// is refused by it (a negative that its own clause answers would be a
// contradiction an editor has to resolve).
func TestDefaultHasNegatives(t *testing.T) {
	k, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Negatives) < 10 {
		t.Fatalf("%d out-of-scope questions loaded", len(k.Negatives))
	}
}

func FuzzParseNegatives(f *testing.F) {
	f.Add("oos-1 怎么交社保\n")
	f.Add("# c\n\na b c\nа\n")
	f.Fuzz(func(t *testing.T, in string) {
		negs, err := ParseNegatives(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, n := range negs {
			if n.ID == "" || n.Question == "" || strings.ContainsAny(n.ID, " \t") {
				t.Fatalf("bad negative %+v from %q", n, in)
			}
		}
	})
}
