package kb

import "testing"

func TestNextClause(t *testing.T) {
	d := &Document{Clauses: []Clause{
		{ID: "0", Label: "引言"},
		{ID: "1", Label: "一、"},
		{ID: "1.1", Label: "一、（一）"},
		{ID: "1.2", Label: "一、（二）"},
		{ID: "1.2.1", Label: "一、（二）1."},
		{ID: "1.2.3", Label: "一、（二）3."}, // 1.2.2 was removed
		{ID: "6", Label: "六、"},
		{ID: "6.1", Label: "六、1."},
	}}
	for _, tc := range []struct{ parent, id, label string }{
		{"", "7", "七、"},
		{"1", "1.3", "一、（三）"},
		{"1.2", "1.2.4", "一、（二）4."},
		{"1.1", "1.1.1", "一、（一）1."},
		{"6", "6.2", "六、2."},
	} {
		id, label, ok := NextClause(d, tc.parent)
		if !ok || id != tc.id || label != tc.label {
			t.Errorf("under %q: %q %q %v, want %q %q", tc.parent, id, label, ok, tc.id, tc.label)
		}
	}
	for _, parent := range []string{"9", "1.2.3"} {
		if _, _, ok := NextClause(d, parent); ok {
			t.Errorf("under %q: accepted", parent)
		}
	}
	if got := hanNumber(23); got != "二十三" {
		t.Errorf("hanNumber(23) = %q", got)
	}
}
