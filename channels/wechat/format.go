package wechat

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"zhiyin/kb"
)

// maxReplyBytes is the longest text sent in one message. WeChat does not
// document its limit; reports put it near 2047 bytes of UTF-8.
const maxReplyBytes = 2000

// Hints and fixed replies.
const (
	moreMark        = "…回复1看全文"
	hintFull        = "回复1看全文"
	hintRelated     = "回复2看相关条款"
	textAskForText  = "请发送文字问题，我会引用指引条款回答您。"
	textNoVoice     = "没有识别出您的语音内容，请发送文字问题。"
	textNotReady    = "指引问答服务正在启动，请稍后再试。"
	textFailed      = "服务暂时繁忙，请稍后再试。"
	textLimited     = "您的提问太频繁了，请稍等一会儿再问。"
	textNoPrevious  = "没有可以展开的上一条回答，请直接发送您的问题。"
	textNoRelated   = "上一条回答没有更多相关条款。"
	textRefusalFull = "上一个问题没有找到直接对应的条款，回复2查看可能相关的条款。"
	textLate        = "这个问题查询时间较长，请稍后再问一次。"
	maxFullParts    = 8
	maxHeaderRunes  = 40
	relatedSnippet  = 300 // bytes of each related clause shown by 2
)

// header is the first line of an answer: 【label title】, with the clause's
// first sentence standing in for a missing title.
func header(c kb.Citation) string {
	title := strings.TrimSpace(c.Title)
	if title == "" {
		title = firstSentence(c.Text)
	}
	label := strings.TrimSpace(c.Label)
	switch {
	case label == "":
		return "【" + title + "】"
	case title == "" || title == label:
		return "【" + label + "】"
	}
	return "【" + label + " " + title + "】"
}

// firstSentence is text up to its first sentence mark, at most
// maxHeaderRunes characters (then with "…").
func firstSentence(text string) string {
	text = strings.TrimSpace(text)
	if i := strings.IndexAny(text, "。；;！？!?\n"); i >= 0 {
		text = text[:i]
	}
	if utf8.RuneCountInString(text) > maxHeaderRunes {
		r := []rune(text)
		text = string(r[:maxHeaderRunes]) + "…"
	}
	return text
}

// docLine names the document: the short title where there is one.
func docLine(c kb.Citation) string {
	t := strings.TrimSpace(c.DocShort)
	if t == "" {
		t = strings.TrimSpace(c.DocTitle)
	}
	if t == "" {
		return ""
	}
	if !strings.HasPrefix(t, "《") {
		t = "《" + t + "》"
	}
	return "——" + t
}

// cutBytes returns the longest prefix of s of at most max bytes that ends
// on a rune boundary, preferring the end of a sentence or line when one is
// in the last quarter, and whether anything was cut.
func cutBytes(s string, max int) (string, bool) {
	if len(s) <= max {
		return s, false
	}
	if max <= 0 {
		return "", true
	}
	end := max
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	head := s[:end]
	if i := lastBreak(head, sentenceMarks); i >= end*3/4 && i > 0 {
		return head[:i], true
	}
	if i := lastBreak(head, phraseMarks); i >= end*3/4 && i > 0 {
		return head[:i], true
	}
	return head, true
}

// Where a cut reads best: after a sentence, else after a phrase.
var (
	sentenceMarks = []string{"。", "；", "！", "？", "\n", ";", "!", "?"}
	phraseMarks   = []string{"，", "、", "：", ",", ":", " "}
)

// lastBreak returns the byte offset just after the last of marks in s, or
// -1.
func lastBreak(s string, marks []string) int {
	best := -1
	for _, m := range marks {
		if i := strings.LastIndex(s, m); i >= 0 && i+len(m) > best {
			best = i + len(m)
		}
	}
	return best
}

// joinLines joins the non-empty parts with newlines.
func joinLines(parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n")
}

// fitReply is the last guard: clean and at most maxReplyBytes.
func fitReply(s string) string {
	s, _ = cutBytes(clean(s), maxReplyBytes)
	return s
}

// cleanCitation returns c with every text field cleaned, so lengths are
// measured on what is sent.
func cleanCitation(c kb.Citation) kb.Citation {
	c.Label, c.Title, c.Text, c.Quote = clean(c.Label), clean(c.Title), clean(c.Text), clean(c.Quote)
	c.DocShort, c.DocTitle = clean(c.DocShort), clean(c.DocTitle)
	return c
}

// formatAnswer renders an engine answer for a phone: 【label title】, the
// quote, the document; cut to maxReplyBytes on a rune boundary with
// "…回复1看全文" when it does not fit.
func formatAnswer(a kb.Answer, helpdesk string) string {
	switch {
	case a.Kind == kb.KindRefusal || (!a.Answered && len(a.Citations) > 0):
		return formatRefusal(a, helpdesk)
	case !a.Answered || len(a.Citations) == 0:
		t := clean(strings.TrimSpace(a.Text))
		if t == "" {
			t = textAskForText
		}
		return fitReply(t)
	}
	c := cleanCitation(a.Citations[0])
	head := header(c)
	quote := strings.TrimSpace(c.Quote)
	text := strings.TrimSpace(c.Text)
	if quote == "" {
		quote = text
	}
	tail := joinLines(docLine(c), clean(a.Notice))
	partial := quote != text
	related := len(a.Citations) > 1
	hints := func(full bool) string {
		var h []string
		if full {
			h = append(h, hintFull)
		}
		if related {
			h = append(h, hintRelated)
		}
		return strings.Join(h, "，")
	}
	msg := joinLines(head, quote, tail, hints(partial))
	if len(msg) <= maxReplyBytes {
		return msg
	}
	// Too long: cut the quote and say so; "回复1" now names the full text
	// in the mark, so the hint line keeps only "回复2".
	fixed := len(joinLines(head, moreMark, tail, hints(false))) + 1
	q, _ := cutBytes(quote, maxReplyBytes-fixed)
	return fitReply(joinLines(head, q+moreMark, tail, hints(false)))
}

// formatRefusal is the engine's polite refusal, the clauses it suggests
// (by heading; 2 shows them) and the help desk.
func formatRefusal(a kb.Answer, helpdesk string) string {
	var b strings.Builder
	b.WriteString(clean(strings.TrimSpace(a.Text)))
	if len(a.Citations) > 0 {
		b.WriteString("\n")
		for _, c := range a.Citations {
			c = cleanCitation(c)
			b.WriteString("\n· " + header(c))
		}
		b.WriteString("\n" + hintRelated)
	}
	if h := clean(strings.TrimSpace(helpdesk)); h != "" {
		b.WriteString("\n\n如需人工帮助，请联系：" + h)
	}
	return fitReply(b.String())
}

// formatFull renders the whole clause for "1": in several messages when it
// is long, each at most maxReplyBytes and numbered (1/3), the first with
// the heading, the last with the document.
func formatFull(c kb.Citation) []string {
	c = cleanCitation(c)
	head, tail := header(c), docLine(c)
	text := strings.TrimSpace(c.Text)
	if text == "" {
		text = strings.TrimSpace(c.Quote)
	}
	if one := joinLines(head, text, tail); len(one) <= maxReplyBytes {
		return []string{one}
	}
	const markRoom = len("（10/10）") + 1
	var chunks []string
	rest := text
	for rest != "" && len(chunks) < maxFullParts {
		room := maxReplyBytes - markRoom - 1
		if len(chunks) == 0 {
			room -= len(head) + 1
		}
		chunk, cut := cutBytes(rest, room)
		if !cut && len(chunk)+len(tail)+1 > room {
			// Fits but not with the document line: split once more.
			chunk, _ = cutBytes(rest, room-len(tail)-1)
		}
		if chunk == "" { // a single unbreakable run: cut hard
			chunk = rest[:runeFloor(rest, room)]
		}
		chunks = append(chunks, strings.TrimSpace(chunk))
		rest = strings.TrimSpace(rest[len(chunk):])
	}
	if rest != "" {
		const suffix = "…（全文较长，请到网页版查看）"
		last := len(chunks) - 1
		room := maxReplyBytes - markRoom - 1 - len(suffix) - len(tail) - 1
		if last == 0 {
			room -= len(head) + 1
		}
		chunks[last], _ = cutBytes(chunks[last], room)
		chunks[last] += suffix
	}
	n := len(chunks)
	out := make([]string, n)
	for i, ch := range chunks {
		mark := "（" + strconv.Itoa(i+1) + "/" + strconv.Itoa(n) + "）"
		switch {
		case i == 0:
			out[i] = joinLines(head, ch+mark)
		case i == n-1:
			out[i] = joinLines(ch+mark, tail)
		default:
			out[i] = ch + mark
		}
		out[i] = fitReply(out[i])
	}
	return out
}

// runeFloor is the largest rune boundary in s at or below max.
func runeFloor(s string, max int) int {
	if max >= len(s) {
		return len(s)
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return max
}

// formatRelated renders clauses for "2": each heading, the start of its
// text and its document, as many as fit.
func formatRelated(cs []kb.Citation) string {
	var b strings.Builder
	b.WriteString("相关条款：")
	for _, c := range cs {
		c = cleanCitation(c)
		body := strings.TrimSpace(c.Quote)
		if body == "" {
			body = strings.TrimSpace(c.Text)
		}
		if cut, was := cutBytes(body, relatedSnippet); was {
			body = cut + "…"
		}
		item := "\n\n" + joinLines(header(c), body, docLine(c))
		if b.Len()+len(item) > maxReplyBytes {
			break
		}
		b.WriteString(item)
	}
	return fitReply(b.String())
}
