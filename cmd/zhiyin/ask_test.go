package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"zhiyin/kb"
)

func TestAskJSONLWritesOneAnswerPerLine(t *testing.T) {
	in := "各单位还能新建业务机房吗\n？？？\n\n你好\n" + strings.Repeat("长", 600) + "\n明天会下雨吗\r\n"
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"ask", "--jsonl", "--data", t.TempDir()}, strings.NewReader(in), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d output lines for 6 input lines:\n%s", len(lines), out.String())
	}
	var answers []kb.Answer
	for i, l := range lines {
		var a kb.Answer
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("line %d is not an answer object: %v: %s", i+1, err, l)
		}
		answers = append(answers, a)
	}
	if !answers[0].Answered || answers[0].Citations[0].Clause != "1.1" {
		t.Errorf("line 1: %+v", answers[0])
	}
	for i := 1; i < 6; i++ {
		if answers[i].Answered {
			t.Errorf("line %d answered: %+v", i+1, answers[i])
		}
	}
	if answers[3].Kind != kb.KindGreeting || answers[5].Kind != kb.KindRefusal {
		t.Errorf("kinds: %s, %s", answers[3].Kind, answers[5].Kind)
	}
}

func TestAskJSONLSessionReadsFollowUps(t *testing.T) {
	in := "新建项目要用国产的数据库吗\n那服务器呢？\n"
	var with, without, errb bytes.Buffer
	if code := run(context.Background(), []string{"ask", "--jsonl", "--session", "s1"}, strings.NewReader(in), &with, &errb); code != 0 {
		t.Fatal(errb.String())
	}
	if code := run(context.Background(), []string{"ask", "--jsonl"}, strings.NewReader(in), &without, &errb); code != 0 {
		t.Fatal(errb.String())
	}
	second := func(s string) kb.Answer {
		var a kb.Answer
		_ = json.Unmarshal([]byte(strings.Split(s, "\n")[1]), &a)
		return a
	}
	a := second(with.String())
	if !a.Answered || (a.Citations[0].Clause != "6.5" && a.Citations[0].Clause != "1.5") {
		t.Errorf("with a session the follow-up reads as 'domestic servers?': %+v", a)
	}
	if b := second(without.String()); b.Answered && b.Citations[0].Clause == a.Citations[0].Clause {
		t.Errorf("without a session the follow-up gave the same answer: it must stand alone")
	}
}

func TestAskPrintsCitation(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"ask", "各单位还能新建业务机房吗"}, nil, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "出处：《2017年广州市财政投资信息化项目建设内容指引》一、（一）") {
		t.Errorf("output lacks the citation:\n%s", out.String())
	}
	if strings.Contains(out.String(), "knowledge base") {
		t.Errorf("logs leaked to stdout:\n%s", out.String())
	}
}

func TestEvalPrintsFigures(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"eval", "../../kb/testdata/questions.tsv"}, nil, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"top-1:", "top-3:", "false refusals:", "refused:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("eval output lacks %q:\n%s", want, out.String())
		}
	}
}
