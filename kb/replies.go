package kb

import (
	"strings"
)

// socialWords are greetings, thanks and questions about Zhiyin itself: a
// question made only of these (and stop words) gets the help text.
var socialWords = map[string]bool{
	"你好": true, "您好": true, "hi": true, "hello": true, "嗨": true, "哈喽": true,
	"早上好": true, "上午好": true, "下午好": true, "晚上好": true, "早": true, "早安": true,
	"谢谢": true, "感谢": true, "多谢": true, "谢了": true, "辛苦": true, "辛苦了": true,
	"再见": true, "拜拜": true, "bye": true, "好的": true, "收到": true, "明白": true,
	"知道": true, "了解": true, "ok": true, "在": true, "在吗": true, "在不在": true,
	"帮助": true, "help": true, "功能": true, "介绍": true, "能": true, "会": true,
	"做": true, "干": true, "可以": true, "机器人": true, "小助手": true, "助手": true,
	"有人": true, "人工": true, "客服": true, "好": true, "嗯": true, "哦": true,
}

// isSocial reports whether a question is a greeting, thanks or a question
// about Zhiyin: nothing but social and stop words.
func isSocial(q []qterm) bool {
	if len(q) == 0 {
		return true
	}
	for _, t := range q {
		if !socialWords[t.term] && !lightWords[t.term] {
			return false
		}
	}
	return true
}

// helpText says what Zhiyin answers, with example questions.
func (g *generation) helpText() string {
	var titles []string
	for _, d := range g.k.Documents {
		if d.Status != StatusRepealed {
			titles = append(titles, "《"+d.Title+"》")
		}
	}
	return "您好，我是指引问答助手，可以回答关于" + strings.Join(titles, "、") +
		"的问题，并给出条款出处。例如：\n· 单位还能自己建机房吗？\n· 项目合同签订后还能变更吗？"
}

func (g *generation) greetingReply() Answer {
	return Answer{Kind: KindGreeting, Text: g.helpText(), Citations: []Citation{}}
}

func (g *generation) emptyReply() Answer {
	return Answer{Kind: KindEmpty, Text: "没有看懂您的问题，请用文字描述您要咨询的事项。\n" + g.helpText(), Citations: []Citation{}}
}

// refusal says politely that the guidelines do not cover the question, with
// the nearest clauses as suggestions where they are near enough to help.
func (g *generation) refusal(ranked []scored) Answer {
	a := Answer{
		Kind:      KindRefusal,
		Text:      "指引未作规定：现行指引中没有找到能回答这个问题的条款。您可以换个说法再问，或咨询人工服务。",
		Citations: []Citation{},
	}
	if len(ranked) > 0 {
		a.Confidence = confidence(ranked[0])
	}
	for _, r := range ranked {
		if len(a.Citations) >= 3 {
			break
		}
		if r.cov >= suggestMinCov {
			a.Citations = append(a.Citations, g.citation(r.ci, ""))
		}
	}
	if len(a.Citations) > 0 {
		a.Text += "以下条款可能相关，供参考。"
	}
	return a
}
