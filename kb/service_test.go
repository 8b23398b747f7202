package kb

import (
	"context"
	"strings"
	"sync"
	"testing"

	"zhiyin/nlp"
)

// smallKnowledge is a two-document knowledge base for the package's unit
// tests; the retrieval tests over the real corpus live in kb_test.
func smallKnowledge() Knowledge {
	return Knowledge{
		Documents: []Document{{
			ID: "t", Title: "测试指引", Status: StatusCurrent,
			Clauses: []Clause{
				{ID: "1", Label: "一、", Title: "机房建设", Text: "各单位不再新建业务机房。可建设本单位的网络机房,用于部署网络设备。"},
				{ID: "2", Label: "二、", Title: "网络", Text: ""},
				{ID: "2.1", Label: "二、1.", Text: "统一使用全市 VPN 系统。各单位原则上不再购置 VPN 设备,每一级单位 50 个账号。"},
				{ID: "2.2", Label: "二、2.", Text: "项目存档备查应在该项目采购实施前完成。"},
				{ID: "3", Label: "三、", Text: "软硬件产品的采购,原则上应采用国产软硬件产品。确需进口的,必须说明必要性。"},
			},
		}, {
			ID: "old", Title: "旧指引", Status: StatusRepealed,
			Clauses: []Clause{{ID: "1", Label: "一、", Text: "各单位可以自建视频会议系统。"}},
		}},
		FAQs: []FAQ{
			{ID: "a", Doc: "t", Clauses: []string{"2.1"}, Question: "晚上在家要远程处理系统故障怎么接入？", Similar: []string{"出差时怎么登录单位的系统？"}},
			{ID: "b", Doc: "t", Clauses: []string{"3"}, Question: "买服务器要用国产的吗？", Similar: []string{"能买国外品牌的设备吗？"}},
		},
		Lexicon: Lexicon{
			Words:    []nlp.Word{{Text: "存档备查"}, {Text: "VPN"}},
			Synonyms: []nlp.SynonymGroup{{"进口", "国外", "外国"}, {"VPN", "远程接入"}},
		},
	}
}

func newTestService(t testing.TB, k Knowledge) *Service {
	t.Helper()
	svc, err := NewService(context.Background(), k, 7, Options{Index: testIndexBuilder})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func mustAsk(t testing.TB, svc *Service, q Question) Answer {
	t.Helper()
	a, err := svc.Ask(context.Background(), q)
	if err != nil {
		t.Fatalf("Ask(%q): %v", q.Text, err)
	}
	return a
}

func TestAskAnswersWithQuoteOfTheRightSentence(t *testing.T) {
	svc := newTestService(t, smallKnowledge())
	a := mustAsk(t, svc, Question{Text: "还能新建业务机房吗"})
	if !a.Answered || a.Citations[0].Clause != "1" {
		t.Fatalf("got %+v", a)
	}
	if q := a.Citations[0].Quote; q != "各单位不再新建业务机房。可建设本单位的网络机房,用于部署网络设备。" && !strings.HasPrefix(q, "各单位不再新建业务机房") {
		t.Errorf("quote = %q", q)
	}
	if a.Revision != 7 {
		t.Errorf("revision = %d, want 7", a.Revision)
	}
	a = mustAsk(t, svc, Question{Text: "VPN账号每个单位有几个"})
	if !a.Answered || !strings.Contains(a.Citations[0].Quote, "50 个账号") {
		t.Errorf("quote %q does not hold the number asked for", a.Citations[0].Quote)
	}
}

func TestAnswerTypeMustBeStated(t *testing.T) {
	svc := newTestService(t, smallKnowledge())
	// 二、2. says when (before procurement) but no length of time or price.
	if a := mustAsk(t, svc, Question{Text: "存档备查要多久才能办完"}); a.Answered {
		t.Errorf("a duration question was answered by a clause stating none: %+v", a.Citations[0])
	}
	if a := mustAsk(t, svc, Question{Text: "存档备查要在什么时候完成"}); !a.Answered {
		t.Errorf("a when-question answered by 采购实施前 was refused")
	}
	if a := mustAsk(t, svc, Question{Text: "VPN设备多少钱"}); a.Answered {
		t.Errorf("a price question was answered by a clause stating no price")
	}
}

func TestRepealedDocumentIsNeverCited(t *testing.T) {
	svc := newTestService(t, smallKnowledge())
	a := mustAsk(t, svc, Question{Text: "可以自建视频会议系统吗"})
	for _, c := range a.Citations {
		if c.Doc == "old" {
			t.Fatalf("cited the repealed document: %+v", a)
		}
	}
	if _, err := svc.Clause("old", "1"); err != nil {
		t.Errorf("the repealed document is still browsable: %v", err)
	}
}

func TestRevisedDocumentCarriesANotice(t *testing.T) {
	k := smallKnowledge()
	k.Documents[0].Status = StatusRevised
	svc := newTestService(t, k)
	a := mustAsk(t, svc, Question{Text: "还能新建业务机房吗"})
	if !a.Answered || !strings.Contains(a.Notice, "已修订") {
		t.Errorf("answer from a revised document: notice %q", a.Notice)
	}
}

func TestFollowUpIsReadAgainstThePreviousQuestion(t *testing.T) {
	svc := newTestService(t, smallKnowledge())
	first := mustAsk(t, svc, Question{Text: "买服务器要用国产的吗", Session: "s"})
	if !first.Answered || first.Citations[0].Clause != "3" {
		t.Fatalf("first = %+v", first)
	}
	next := mustAsk(t, svc, Question{Text: "那国外品牌的呢？", Session: "s"})
	if !next.Answered || next.Citations[0].Clause != "3" {
		t.Errorf("follow-up in session: %+v", next)
	}
	// The same words without the session have nothing to lean on.
	alone := mustAsk(t, svc, Question{Text: "那软件呢？"})
	if alone.Answered {
		t.Errorf("an elliptical question without a session was answered: %+v", alone.Citations[0])
	}
}

func TestPublishSwapsWhileQuestionsKeepBeingAnswered(t *testing.T) {
	svc := newTestService(t, smallKnowledge())
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan string, 100)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				a, err := svc.Ask(context.Background(), Question{Text: "还能新建业务机房吗"})
				if err != nil || !a.Answered {
					errs <- "question failed during publish"
					return
				}
				// Old text or new text, never a mix.
				if txt := a.Citations[0].Text; txt != smallKnowledge().Documents[0].Clauses[0].Text && !strings.HasPrefix(txt, "新版") {
					errs <- "mixed generation: " + txt
					return
				}
			}
		}()
	}
	for i := 0; i < 10; i++ {
		k := smallKnowledge()
		k.Documents[0].Clauses[0].Text = "新版：各单位不再新建业务机房。"
		if i%2 == 0 {
			k = smallKnowledge()
		}
		if err := svc.Publish(context.Background(), k, int64(8+i)); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if svc.Revision() != 17 {
		t.Errorf("revision = %d after 10 publishes", svc.Revision())
	}
}

func TestSearchMarksMatchesWithoutLosingText(t *testing.T) {
	svc := newTestService(t, smallKnowledge())
	hits, err := svc.Search(context.Background(), "VPN 设备", 10)
	if err != nil || len(hits) == 0 {
		t.Fatalf("Search: %v, %v", hits, err)
	}
	h := hits[0]
	if h.Clause != "2.1" {
		t.Errorf("first hit %s", h.Clause)
	}
	clause, _ := svc.Clause(h.Doc, h.Clause)
	if joinSpans(h.Text) != clause.Clause.Text {
		t.Errorf("spans lose text: %q", joinSpans(h.Text))
	}
	marked := 0
	for _, s := range h.Text {
		if s.Match {
			marked++
			if n := nlp.Normalize(s.Text); n != "vpn" && n != "设备" {
				t.Errorf("marked %q", s.Text)
			}
		}
	}
	if marked == 0 {
		t.Error("nothing marked")
	}
	if _, err := svc.Search(context.Background(), "  ", 10); ErrorCode(err) != CodeInvalid {
		t.Errorf("blank search: %v", err)
	}
}

func TestClauseView(t *testing.T) {
	svc := newTestService(t, smallKnowledge())
	v, err := svc.Clause("t", "2.1")
	if err != nil {
		t.Fatal(err)
	}
	if v.Parent == nil || v.Parent.ID != "2" || v.Prev == nil || v.Next == nil || v.Ref != "《测试指引》二、1." {
		t.Errorf("view = %+v", v)
	}
	if _, err := svc.Clause("t", "9"); ErrorCode(err) != CodeNotFound {
		t.Errorf("unknown clause: %v", err)
	}
	if _, err := svc.Document("nope"); ErrorCode(err) != CodeNotFound {
		t.Errorf("unknown document: %v", err)
	}
}

func TestNegativeExamplesStayRefused(t *testing.T) {
	k := smallKnowledge()
	svc := newTestService(t, k)
	q := Question{Text: "VPN账号怎么开通"}
	if a := mustAsk(t, svc, q); !a.Answered {
		t.Skip("the small knowledge base does not answer the probe; nothing to override")
	}
	k.Negatives = []Negative{{ID: "n1", Question: "VPN账号如何开通"}}
	if err := svc.Publish(context.Background(), k, 8); err != nil {
		t.Fatal(err)
	}
	if a := mustAsk(t, svc, q); a.Answered {
		t.Errorf("a question an editor marked out of scope was answered: %+v", a.Citations[0])
	}
	if a := mustAsk(t, svc, Question{Text: "还能新建业务机房吗"}); !a.Answered {
		t.Errorf("an unrelated question was refused after adding a negative example")
	}
}

func TestClosedServiceRefusesInsteadOfHanging(t *testing.T) {
	svc := newTestService(t, smallKnowledge())
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Ask(context.Background(), Question{Text: "还能新建业务机房吗"}); ErrorCode(err) != CodeUnavailable {
		t.Errorf("Ask after Close: %v, want unavailable", err)
	}
	if _, err := svc.Clause("t", "1"); ErrorCode(err) != CodeUnavailable {
		t.Errorf("Clause after Close: %v", err)
	}
	if docs := svc.Documents(); docs != nil {
		t.Errorf("Documents after Close: %v", docs)
	}
}
