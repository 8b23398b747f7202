package kb_test

import (
	"context"
	"strings"
	"testing"

	"zhiyin/kb"
)

func TestAnswersQuoteTheCitedClauseVerbatim(t *testing.T) {
	svc := defaultService(t)
	doc, err := svc.Document("gz-2017-it-guideline")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range loadCases(t, "testdata/questions.tsv") {
		a := ask(t, svc, c.Question)
		if !a.Answered {
			continue
		}
		cit := a.Citations[0]
		clause, ok := doc.Clause(cit.Clause)
		if !ok {
			t.Errorf("%s: cites unknown clause %s", c.ID, cit.Clause)
			continue
		}
		if cit.Text != clause.Text || cit.Label != clause.Label {
			t.Errorf("%s: citation text/label differ from clause %s", c.ID, cit.Clause)
		}
		if cit.Quote == "" || !strings.Contains(clause.Text, cit.Quote) {
			t.Errorf("%s: quote %q is not verbatim text of clause %s", c.ID, cit.Quote, cit.Clause)
		}
		if !strings.Contains(a.Text, cit.Quote) || !strings.Contains(a.Text, cit.Ref) {
			t.Errorf("%s: answer text %q lacks the quote or the citation", c.ID, a.Text)
		}
		if cit.Ref != "《2017年广州市财政投资信息化项目建设内容指引》"+clause.Label {
			t.Errorf("%s: citation %q", c.ID, cit.Ref)
		}
		if a.Confidence < 0.5 || a.Confidence > 1 {
			t.Errorf("%s: answered with confidence %.2f", c.ID, a.Confidence)
		}
	}
}

func TestAskKinds(t *testing.T) {
	svc := defaultService(t)
	tests := []struct {
		q    string
		kind kb.Kind
	}{
		{"你好", kb.KindGreeting},
		{"谢谢！", kb.KindGreeting},
		{"你是谁", kb.KindGreeting},
		{"行，那先这样，拜拜", kb.KindRefusal}, // nothing to answer: no clause for 先
		{"？？？", kb.KindEmpty},
		{"😀😀", kb.KindEmpty},
		{"明天会下雨吗", kb.KindRefusal},
		{"怎么办理护照", kb.KindRefusal},
		{"公积金怎么提取", kb.KindRefusal},
		{"电子政务外网带宽怎么申请", kb.KindRefusal},
		{"各单位还能新建业务机房吗", kb.KindAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a := ask(t, svc, tt.q)
			if a.Kind != tt.kind {
				t.Fatalf("kind = %s, want %s (answer %q)", a.Kind, tt.kind, a.Text)
			}
			if a.Answered != (tt.kind == kb.KindAnswer) {
				t.Errorf("answered = %v for kind %s", a.Answered, a.Kind)
			}
			if a.Text == "" || a.Citations == nil {
				t.Errorf("empty text or nil citations: %+v", a)
			}
			if tt.kind == kb.KindRefusal && !strings.Contains(a.Text, "指引未作规定") {
				t.Errorf("refusal does not say 指引未作规定: %q", a.Text)
			}
		})
	}
}

func TestAskRejectsBlankAndOverlong(t *testing.T) {
	svc := defaultService(t)
	for _, q := range []string{"", "   ", "\n\t", "\u200b\u200b", strings.Repeat("机", kb.MaxQuestionRunes+1)} {
		_, err := svc.Ask(context.Background(), kb.Question{Text: q})
		if kb.ErrorCode(err) != kb.CodeInvalid {
			t.Errorf("Ask(%.20q) error = %v, want code invalid", q, err)
		}
		if msg := kb.ErrorMessage(err); !strings.ContainsAny(msg, "问题") {
			t.Errorf("message %q is not a Chinese message for users", msg)
		}
	}
	if _, err := svc.Ask(context.Background(), kb.Question{Text: strings.Repeat("机", kb.MaxQuestionRunes)}); err != nil {
		t.Errorf("a question of exactly %d characters is refused: %v", kb.MaxQuestionRunes, err)
	}
}

// Traditional characters, full-width letters and invisible characters are
// the same question to a person, so they must get the same answer.
func TestNormalisedVariantsGetTheSameAnswer(t *testing.T) {
	svc := defaultService(t)
	pairs := [][2]string{
		{"各单位还能新建业务机房吗", "各單位還能新建業務機房嗎"},
		{"VPN设备还能自己买吗", "ＶＰＮ设备还能自己买吗"},
		{"电子政务外网", "电子\u200b政务外网"},
	}
	for _, p := range pairs {
		a, b := ask(t, svc, p[0]), ask(t, svc, p[1])
		if a.Answered != b.Answered || (a.Answered && a.Citations[0].Clause != b.Citations[0].Clause) {
			t.Errorf("%q and %q answered differently: %v %v", p[0], p[1], summary(a), summary(b))
		}
	}
}

func summary(a kb.Answer) string {
	if !a.Answered {
		return "refused"
	}
	return a.Citations[0].Clause
}

// People set the scene with their own business (养老院, 跌倒报警, 温湿度) —
// words nothing in the knowledge base has. A question that plainly matches a
// clause on several content words is answered despite them; one whose
// unknown words are what it asks is still refused.
func TestTheAskersOwnBusinessDoesNotHideTheClause(t *testing.T) {
	svc := defaultService(t)
	a := ask(t, svc, "养老院想在房间里装跌倒报警和温湿度传感器，这种物联网感知项目算今年重点支持的方向吗")
	if !a.Answered || a.Citations[0].Clause != "4.1" {
		t.Errorf("scene-heavy question: answered=%v %+v", a.Answered, a.Citations)
	}
	for _, q := range []string{"养老院的跌倒报警器坏了找谁修", "物联网传感器一般多少钱一个"} {
		if a := ask(t, svc, q); a.Answered {
			t.Errorf("%s: answered from %s", q, a.Citations[0].Clause)
		}
	}
}

// The help desk's out-of-scope list (corpus/faq/out-of-scope.txt) refuses a
// question worded like one of its entries, though a clause has its words
// (营业执照 is in 二、（四）); a question about what the clause says is still
// answered.
func TestOutOfScopeListRefusesItsQuestions(t *testing.T) {
	svc := defaultService(t)
	if a := ask(t, svc, "营业执照怎么办理？"); a.Answered {
		t.Errorf("营业执照怎么办理: answered from %s", a.Citations[0].Clause)
	}
	if a := ask(t, svc, "营业执照能作为企业的标识吗"); !a.Answered || a.Citations[0].Clause != "2.4" {
		t.Errorf("营业执照能作为企业的标识吗: answered=%v %+v", a.Answered, a.Citations)
	}
}
