package kb

import (
	"testing"
	"time"
)

func TestGroupReview(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	q := func(h int, text, ch, reason string) ReviewQuestion {
		return ReviewQuestion{Question: text, Channel: ch, Reason: reason, Time: t0.Add(time.Duration(h) * time.Hour)}
	}
	terms := map[string][]string{
		"食堂几点开饭":    {"食堂", "几点", "开饭"},
		"食堂几点开饭？":   {"食堂", "几点", "开饭"},
		"食堂什么时候开饭":  {"食堂", "时候", "开饭"},       // Jaccard 2/4: apart
		"单位食堂几点开饭呀": {"单位", "食堂", "几点", "开饭"}, // 3/4 < 0.8: apart
		"？？":        nil,
	}
	qs := []ReviewQuestion{
		q(5, "食堂几点开饭？", "wechat", ReasonRefused),
		q(4, "食堂什么时候开饭", "web", ReasonRefused),
		q(3, "食堂几点开饭", "web", ReasonUnhelpful),
		q(2, "食堂几点开饭", "web", ReasonRefused),
		q(1, "单位食堂几点开饭呀", "web", ReasonLowConfidence),
		q(0, "？？", "web", ReasonRefused), // nothing to fold: left out
	}
	res := map[string]Resolution{"食堂什么时候开饭": {Action: ActionDismiss, By: "ed"}}
	items := GroupReview(qs, func(s string) []string { return terms[s] }, res)
	if len(items) != 3 {
		t.Fatalf("%d items: %+v", len(items), items)
	}
	first := items[0]
	if first.Question != "食堂几点开饭" || first.Count != 3 || first.Channels["web"] != 2 || first.Reasons[ReasonUnhelpful] != 1 ||
		!first.First.Equal(t0.Add(2*time.Hour)) || !first.Last.Equal(t0.Add(5*time.Hour)) || first.Resolution != nil {
		t.Errorf("first item: %+v", first)
	}
	if items[1].Question != "单位食堂几点开饭呀" && items[1].Question != "食堂什么时候开饭" {
		t.Errorf("second item: %+v", items[1])
	}
	for _, it := range items[1:] {
		if (it.Question == "食堂什么时候开饭") != (it.Resolution != nil) {
			t.Errorf("%s: resolution %+v", it.Question, it.Resolution)
		}
	}
	// Near-duplicates by tokens: 4 shared of 5 = 0.8.
	terms["单位食堂几点开饭呀"] = []string{"食堂", "几点", "开饭", "单位"}
	terms["食堂几点开饭"] = []string{"食堂", "几点", "开饭", "单位", "呀"}
	items = GroupReview(qs[1:5], func(s string) []string { return terms[s] }, nil)
	if len(items) != 2 || items[0].Count != 3 || len(items[0].Variants) != 1 {
		t.Errorf("Jaccard 0.8 grouping: %+v", items)
	}
}

func TestImpact(t *testing.T) {
	pub := Knowledge{Documents: []Document{{ID: "d", Clauses: []Clause{{ID: "1", Label: "一、", Text: "旧"}, {ID: "2", Label: "二、", Text: "同"}}}},
		FAQs: []FAQ{{ID: "f1", Doc: "d", Clauses: []string{"2", "1"}, Question: "问"}, {ID: "f2", Doc: "d", Clauses: []string{"2"}, Question: "问2"}}}
	work := pub
	work.Documents = []Document{{ID: "d", Clauses: []Clause{{ID: "1", Label: "一、", Text: "新"}, {ID: "2", Label: "二、", Text: "同"}, {ID: "3", Label: "三、", Text: "加"}}}}
	got := Impact(pub, work)
	if len(got) != 1 || got[0].Clause != "1" || got[0].Before != "旧" || got[0].After != "新" || len(got[0].FAQs) != 1 || got[0].FAQs[0].ID != "f1" {
		t.Errorf("impact: %+v", got)
	}
	ch := Diff(Knowledge{}, Knowledge{Negatives: []Negative{{ID: "n1", Question: "问"}}})
	if len(ch) != 1 || ch[0].Kind != "negative" || ch[0].Op != "added" {
		t.Errorf("negative diff: %+v", ch)
	}
}
