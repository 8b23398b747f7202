package kb

import (
	"strconv"
	"strings"
)

// NextClause returns the id and printed label of a new last child of the
// clause parent ("" for a new top-level section) in d: one more than the
// highest number among its children (a gap left by a removed clause stays
// a gap). Labels follow the guideline's numbering: 一、 for
// a section, （一） under it, 1. for an item. It returns false when parent
// is not a clause of d or the new clause would be deeper than an item.
func NextClause(d *Document, parent string) (id, label string, ok bool) {
	if parent != "" {
		if _, found := d.Clause(parent); !found {
			return "", "", false
		}
	}
	depth := 1
	if parent != "" {
		depth = Depth(parent) + 1
	}
	if depth > 3 {
		return "", "", false
	}
	highest, items := 0, depth == 3
	for _, c := range d.Clauses {
		if ParentID(c.ID) != parent || (parent == "" && c.ID == "0") {
			continue
		}
		last := c.ID[strings.LastIndexByte(c.ID, '.')+1:]
		if n, err := strconv.Atoi(last); err == nil && n > highest {
			highest = n
		}
		// Items directly under a section (六、1.) are numbered as items.
		items = items || strings.HasSuffix(c.Label, ".")
	}
	n := highest + 1
	id = strconv.Itoa(n)
	if parent != "" {
		id = parent + "." + id
	}
	switch {
	case depth == 1:
		label = hanNumber(n) + "、"
	case items:
		label = strconv.Itoa(n) + "."
	default:
		label = "（" + hanNumber(n) + "）"
	}
	if p, ok := d.Clause(parent); ok {
		label = p.Label + label
	}
	return id, label, true
}

// hanNumber writes 1–99 in Chinese numerals (一, 十, 十一, 二十三).
func hanNumber(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n >= 100:
		return strconv.Itoa(n)
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	}
	return digits[n/10] + "十" + digits[n%10]
}
