package web

import (
	"context"
	"testing"
	"time"

	"zhiyin/kb"
	"zhiyin/kb/sqlite"
)

type reviewList struct {
	Items     []kb.ReviewItem `json:"items"`
	Open      int             `json:"open"`
	Total     int             `json:"total"`
	Threshold float64         `json:"threshold"`
}

// waitLogged waits until the question log holds n questions.
func waitLogged(t *testing.T, l *sqlite.Log, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		es, err := l.Entries(context.Background(), n+10)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("question log holds %d questions, want %d", len(es), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReviewQueueGrouping: refused, low-confidence and unhelpful questions
// form the queue; wordings with the same normalised text or nearly the same
// content tokens are one item, most frequent first, with counts, channels
// and dates; greetings and confident answers stay out.
func TestReviewQueueGrouping(t *testing.T) {
	e := newAdminEnvLog(t, nil, true)
	base := time.Now().Add(-48 * time.Hour).UTC()
	rec := func(i int, id, q, ch string, answered bool, kind kb.Kind, conf float64) {
		e.log.Record(kb.LogEntry{ID: id, Time: base.Add(time.Duration(i) * time.Hour), Channel: ch, Question: q,
			Answered: answered, Kind: kind, Confidence: conf})
	}
	rec(0, "a1", "VPN账号如何开通", "web", false, kb.KindRefusal, 0.3)
	rec(1, "a2", "VPN账号如何开通", "web", false, kb.KindRefusal, 0.3)
	rec(2, "a3", "VPN账号如何开通？", "web", false, kb.KindRefusal, 0.3)    // same normalised text
	rec(3, "a4", "vpn账号怎么开通？", "wechat", false, kb.KindRefusal, 0.3) // same content tokens
	rec(4, "b1", "机房空调坏了找谁修", "web", false, kb.KindRefusal, 0.45)
	rec(5, "b2", "单位机房空调坏了找谁修", "wechat", false, kb.KindRefusal, 0.45) // Jaccard 5/6
	rec(6, "c1", "食堂几点开饭", "web", false, kb.KindRefusal, 0)
	rec(7, "d1", "网络机房能放服务器吗", "web", true, kb.KindAnswer, 0.5) // low confidence
	rec(8, "e1", "外网业务系统部署在哪里", "web", true, kb.KindAnswer, 0.95)
	rec(9, "f1", "单位还能自己建机房吗", "web", true, kb.KindAnswer, 1) // confident: not queued
	rec(10, "g1", "你好", "web", false, kb.KindGreeting, 0)     // greeting: not queued
	waitLogged(t, e.log, 11)
	if err := e.log.Feedback(context.Background(), kb.Feedback{ID: "e1", Helpful: false}); err != nil {
		t.Fatal(err)
	}
	if err := e.log.Feedback(context.Background(), kb.Feedback{ID: "f1", Helpful: true}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for n, _ := e.log.FeedbackCount(context.Background()); n < 2; n, _ = e.log.FeedbackCount(context.Background()) {
		if time.Now().After(deadline) {
			t.Fatal("feedback not written")
		}
		time.Sleep(10 * time.Millisecond)
	}

	r := e.req(t, "GET", "/api/v1/admin/review", e.login(t, "viewer"), nil, nil)
	if r.status != 200 {
		t.Fatalf("review: %d %s", r.status, r.body)
	}
	var got reviewList
	r.json(t, &got)
	if got.Threshold != kb.LowConfidence || got.Total != 5 || got.Open != 5 || len(got.Items) != 5 {
		t.Fatalf("queue: threshold %v, total %d, open %d, items %d: %s", got.Threshold, got.Total, got.Open, len(got.Items), r.body)
	}
	vpn := got.Items[0]
	if vpn.Question != "VPN账号如何开通" || vpn.Count != 4 || vpn.Channels["web"] != 3 || vpn.Channels["wechat"] != 1 ||
		len(vpn.Variants) != 1 || vpn.Variants[0] != "vpn账号怎么开通？" || vpn.Reasons[kb.ReasonRefused] != 4 {
		t.Errorf("first item: %+v", vpn)
	}
	if !vpn.First.Equal(base) || !vpn.Last.Equal(base.Add(3*time.Hour)) {
		t.Errorf("first item dates: %v – %v, want %v – %v", vpn.First, vpn.Last, base, base.Add(3*time.Hour))
	}
	if it := got.Items[1]; it.Count != 2 || it.Channels["wechat"] != 1 || it.Variants[0] != "单位机房空调坏了找谁修" {
		t.Errorf("second item: %+v", it)
	}
	reasons := map[string]string{}
	for _, it := range got.Items[2:] {
		if it.Count != 1 {
			t.Errorf("single item %q: count %d", it.Question, it.Count)
		}
		for k := range it.Reasons {
			reasons[it.Question] = k
		}
	}
	want := map[string]string{"食堂几点开饭": kb.ReasonRefused, "网络机房能放服务器吗": kb.ReasonLowConfidence, "外网业务系统部署在哪里": kb.ReasonUnhelpful}
	for q, reason := range want {
		if reasons[q] != reason {
			t.Errorf("%s: reason %q, want %q", q, reasons[q], reason)
		}
	}
	// A stricter threshold leaves the low-confidence answer out.
	r = e.req(t, "GET", "/api/v1/admin/review?low=0.4", "token", nil, nil)
	r.json(t, &got)
	if got.Total != 4 {
		t.Errorf("low=0.4: %d items, want 4", got.Total)
	}
	if r := e.req(t, "GET", "/api/v1/admin/review?low=2", "token", nil, nil); r.status != 400 {
		t.Errorf("low=2: %d", r.status)
	}
}

// TestReviewLoop: a refused question linked to a clause is answered from it
// after the next publish; an answered question marked out of scope is
// refused after it; a dismissed one changes nothing. The queue says who
// resolved what and whether a publish is pending.
func TestReviewLoop(t *testing.T) {
	e := newAdminEnvLog(t, nil, true)
	ask := func(q string) askResponse {
		t.Helper()
		r := e.req(t, "POST", "/api/v1/ask", "", map[string]string{"question": q}, nil)
		if r.status != 200 {
			t.Fatalf("ask %s: %d %s", q, r.status, r.body)
		}
		var a askResponse
		r.json(t, &a)
		return a
	}
	const linkQ, outQ, dismissQ = "机房空调坏了找谁修", "外网业务系统部署在哪里", "食堂几点开饭"
	if a := ask(linkQ); a.Answered {
		t.Fatalf("%s answered before the link: %+v", linkQ, a)
	}
	out := ask(outQ)
	if !out.Answered {
		t.Fatalf("%s refused before being marked out of scope", outQ)
	}
	ask(dismissQ)
	if r := e.req(t, "POST", "/api/v1/feedback", "", map[string]any{"id": out.ID, "helpful": false}, nil); r.status != 202 {
		t.Fatalf("feedback: %d %s", r.status, r.body)
	}
	waitLogged(t, e.log, 3)

	ed := e.login(t, "editor")
	var q reviewList
	deadline := time.Now().Add(5 * time.Second)
	for {
		e.req(t, "GET", "/api/v1/admin/review", ed, nil, nil).json(t, &q)
		if q.Total == 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	keys := map[string]string{}
	for _, it := range q.Items {
		keys[it.Question] = it.Key
	}
	if len(keys) != 3 || keys[outQ] == "" {
		t.Fatalf("queue: %+v", q.Items)
	}
	resolve := func(q, action, clause string) response {
		return e.req(t, "POST", "/api/v1/admin/review/resolve", ed, resolveRequest{Key: keys[q], Action: action, Doc: guideID, Clause: clause}, nil)
	}
	// Bad requests: an unknown clause, an unknown action, an unknown key, a viewer.
	if r := resolve(linkQ, kb.ActionLink, "9.9"); r.status != 404 {
		t.Errorf("link to a missing clause: %d %s", r.status, r.body)
	}
	if r := resolve(linkQ, "delete", ""); r.status != 400 {
		t.Errorf("unknown action: %d %s", r.status, r.body)
	}
	if r := e.req(t, "POST", "/api/v1/admin/review/resolve", ed, resolveRequest{Key: "没有这个问题", Action: kb.ActionDismiss}, nil); r.status != 404 {
		t.Errorf("unknown key: %d", r.status)
	}
	if r := e.req(t, "POST", "/api/v1/admin/review/resolve", e.login(t, "viewer"), resolveRequest{Key: keys[dismissQ], Action: kb.ActionDismiss}, nil); r.status != 403 {
		t.Errorf("viewer resolves: %d", r.status)
	}

	r := resolve(linkQ, kb.ActionLink, "1.1")
	if r.status != 200 {
		t.Fatalf("link: %d %s", r.status, r.body)
	}
	var item kb.ReviewItem
	r.json(t, &item)
	if item.Resolution == nil || item.Resolution.FAQ != "1.1-a" || item.Resolution.By != "editor" || !item.Resolution.Pending {
		t.Errorf("link resolution: %+v", item.Resolution)
	}
	if r := resolve(outQ, kb.ActionOutOfScope, ""); r.status != 200 {
		t.Fatalf("out of scope: %d %s", r.status, r.body)
	}
	if r := resolve(dismissQ, kb.ActionDismiss, ""); r.status != 200 {
		t.Fatalf("dismiss: %d %s", r.status, r.body)
	}
	// Nothing served changes before the publish.
	if a := ask(linkQ); a.Answered {
		t.Errorf("%s answered before the publish", linkQ)
	}
	if a := ask(outQ); !a.Answered {
		t.Errorf("%s refused before the publish", outQ)
	}
	var drafts struct{ Changes []kb.Change }
	e.req(t, "GET", "/api/v1/admin/drafts", ed, nil, nil).json(t, &drafts)
	kinds := map[string]string{}
	for _, c := range drafts.Changes {
		kinds[c.Kind] = c.Op
	}
	if len(drafts.Changes) != 2 || kinds["faq"] != "changed" || kinds["negative"] != "added" {
		t.Errorf("drafts: %+v", drafts.Changes)
	}

	if r := e.req(t, "POST", "/api/v1/admin/publish", ed, publishRequest{Message: "处理未答问题"}, nil); r.status != 200 {
		t.Fatalf("publish: %d %s", r.status, r.body)
	}
	a := ask(linkQ)
	if !a.Answered || len(a.Citations) == 0 || a.Citations[0].Clause != "1.1" {
		t.Errorf("%s after the publish: %+v", linkQ, a)
	}
	if a := ask(outQ); a.Answered {
		t.Errorf("%s answered after being marked out of scope: %+v", outQ, a)
	}
	if a := ask("外网业务系统部署在哪里？"); a.Answered {
		t.Errorf("a rewording of the out-of-scope question answered: %+v", a)
	}

	// The queue shows who resolved what, no longer pending.
	e.req(t, "GET", "/api/v1/admin/review?status=resolved", ed, nil, nil).json(t, &q)
	if len(q.Items) != 3 {
		t.Fatalf("resolved: %d items", len(q.Items))
	}
	for _, it := range q.Items {
		if it.Resolution == nil || it.Resolution.By != "editor" || it.Resolution.Pending {
			t.Errorf("%s: resolution %+v", it.Question, it.Resolution)
		}
	}
	e.req(t, "GET", "/api/v1/admin/review?status=open", ed, nil, nil).json(t, &q)
	for _, it := range q.Items {
		if it.Resolution != nil {
			t.Errorf("open list holds a resolved item %q", it.Question)
		}
	}
	// The audit log has the resolutions.
	var audit struct{ Entries []kb.AuditEntry }
	e.req(t, "GET", "/api/v1/admin/audit", "token", nil, nil).json(t, &audit)
	seen := map[string]bool{}
	for _, en := range audit.Entries {
		seen[en.Action] = true
	}
	for _, act := range []string{"review.link", "review.out_of_scope", "review.dismiss"} {
		if !seen[act] {
			t.Errorf("audit log lacks %s", act)
		}
	}
}

// TestReviewNewFAQ: a question linked to a clause no FAQ entry starts with
// becomes a new entry.
func TestReviewNewFAQ(t *testing.T) {
	e := newAdminEnvLog(t, nil, true)
	e.log.Record(kb.LogEntry{ID: "x1", Time: time.Now().UTC(), Channel: "web", Question: "信息共享平台是做什么的", Kind: kb.KindRefusal})
	waitLogged(t, e.log, 1)
	r := e.req(t, "POST", "/api/v1/admin/review/resolve", "token", resolveRequest{Key: kb.FoldQuestion("信息共享平台是做什么的"), Action: kb.ActionLink, Doc: guideID, Clause: "2"}, nil)
	if r.status != 200 {
		t.Fatalf("link: %d %s", r.status, r.body)
	}
	var item kb.ReviewItem
	r.json(t, &item)
	f, err := e.store.FAQ(context.Background(), item.Resolution.FAQ)
	if err != nil {
		t.Fatal(err)
	}
	if f.Item.Question != "信息共享平台是做什么的" || f.Item.Doc != guideID || len(f.Item.Clauses) != 1 || f.Item.Clauses[0] != "2" {
		t.Errorf("new entry: %+v", f.Item)
	}
}

// TestImpactStatsTrySegment: the impact list names the FAQ entries of a
// changed clause; the dashboard counts; "try it" answers from the draft;
// the segmentation preview uses the draft lexicon.
func TestImpactStatsTrySegment(t *testing.T) {
	e := newAdminEnvLog(t, nil, true)
	ed := e.login(t, "editor")
	path := "/api/v1/admin/documents/" + guideID + "/clauses/1.2.3"
	r := e.req(t, "GET", path, ed, nil, nil)
	tag := r.header.Get("ETag")
	if r := e.req(t, "PUT", path, ed, map[string]string{"text": "统一使用全市VPN系统，食堂每天十一点半开饭。"}, map[string]string{"If-Match": tag}); r.status != 200 {
		t.Fatalf("put clause: %d %s", r.status, r.body)
	}
	var imp struct{ Items []kb.ImpactItem }
	e.req(t, "GET", "/api/v1/admin/impact", ed, nil, nil).json(t, &imp)
	if len(imp.Items) != 1 || imp.Items[0].Clause != "1.2.3" || len(imp.Items[0].FAQs) != 1 || imp.Items[0].FAQs[0].ID != "1.2.3-a" {
		t.Errorf("impact: %+v", imp.Items)
	}

	var a askResponse
	r = e.req(t, "POST", "/api/v1/admin/try", ed, map[string]string{"question": "食堂几点开饭"}, nil)
	r.json(t, &a)
	if r.status != 200 || !a.Answered || a.Citations[0].Clause != "1.2.3" {
		t.Errorf("try against the draft: %d %s", r.status, r.body)
	}
	if a := e.req(t, "POST", "/api/v1/ask", "", map[string]string{"question": "食堂几点开饭"}, nil); a.status != 200 {
		t.Errorf("ask: %d", a.status)
	}
	if r := e.req(t, "POST", "/api/v1/admin/try", ed, map[string]string{"question": " "}, nil); r.status != 400 {
		t.Errorf("try a blank question: %d", r.status)
	}

	var seg struct {
		Tokens []kb.SegmentToken `json:"tokens"`
	}
	e.req(t, "POST", "/api/v1/admin/segment", ed, map[string]string{"text": "单位能自建业务机房吗"}, nil).json(t, &seg)
	terms := map[string]kb.SegmentToken{}
	for _, tk := range seg.Tokens {
		terms[tk.Term] = tk
	}
	if tk, ok := terms["业务机房"]; !ok || !tk.Domain {
		t.Errorf("segment: %+v", seg.Tokens)
	}
	if tk := terms["自建"]; len(tk.Synonyms) == 0 {
		t.Errorf("segment: 自建 has no synonyms: %+v", seg.Tokens)
	}

	// An editor takes a mis-cutting word out of the draft dictionary: the
	// preview then cuts 供应商报 as 供应商/报, not 供应/商报 ("a newspaper").
	if r := e.req(t, "POST", "/api/v1/admin/lexicon/words", ed, kb.LexiconWord{Text: "商报", Freq: 1, POS: "x"}, nil); r.status != 201 {
		t.Fatalf("create a not-a-word entry: %d %s", r.status, r.body)
	}
	seg.Tokens = nil
	e.req(t, "POST", "/api/v1/admin/segment", ed, map[string]string{"text": "供应商报的方案"}, nil).json(t, &seg)
	if len(seg.Tokens) == 0 || seg.Tokens[0].Term != "供应商" {
		t.Errorf("segment after 商报 x: %+v", seg.Tokens)
	}

	waitLogged(t, e.log, 1)
	var st struct {
		Stats         kb.Stats        `json:"stats"`
		TopUnanswered []kb.ReviewItem `json:"top_unanswered"`
	}
	e.req(t, "GET", "/api/v1/admin/stats", ed, nil, nil).json(t, &st)
	if st.Stats.Refused != 1 || len(st.Stats.Days) != 1 || st.Stats.Channels["web"] != 1 || len(st.TopUnanswered) != 1 {
		t.Errorf("stats: %+v", st)
	}
}
