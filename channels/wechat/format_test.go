package wechat

import (
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/message"

	"zhiyin/kb"
)

func cite(label, title, text, quote string) kb.Citation {
	return kb.Citation{
		Doc: "gz-2017-it-guideline", DocTitle: "2017年广州市财政投资信息化项目建设内容指引", DocShort: "2017信息化建设指引",
		Clause: "1.2.3", Label: label, Title: title, Text: text, Quote: quote,
	}
}

const vpnText = "统一使用全市 VPN 系统。各单位原则上不再购置 VPN 设备,凡通过互联网进入电子政务外网使用业务系统的,应采用广州市信息化服务中心提供的 VPN 平台。"

func TestFormatAnswer(t *testing.T) {
	long := strings.Repeat("各单位应当按照要求开展巡检并形成记录；", 200) // ~11 KB, sentence marks throughout
	unbroken := strings.Repeat("巡", 1500)              // 4500 bytes, no sentence mark
	tests := []struct {
		name      string
		a         kb.Answer
		first     string   // the first line
		has       []string // substrings the reply must hold
		hasNot    []string
		maxBytes  int
		wantLines int // 0: any
	}{
		{
			name:  "label and title first, quote, short title",
			a:     kb.Answer{Answered: true, Kind: kb.KindAnswer, Citations: []kb.Citation{cite("一、（二）3.", "统一使用全市VPN系统", vpnText, "各单位原则上不再购置 VPN 设备,凡通过互联网进入电子政务外网使用业务系统的,应采用广州市信息化服务中心提供的 VPN 平台。")}},
			first: "【一、（二）3. 统一使用全市VPN系统】",
			has:   []string{"应采用广州市信息化服务中心提供的 VPN 平台", "——《2017信息化建设指引》", "回复1看全文"},
		},
		{
			name:  "no title: the first sentence",
			a:     kb.Answer{Answered: true, Kind: kb.KindAnswer, Citations: []kb.Citation{cite("一、（二）3.", "", vpnText, vpnText)}},
			first: "【一、（二）3. 统一使用全市 VPN 系统】",
			// The quote is the whole clause: nothing more to show for 1.
			hasNot: []string{"回复1看全文", "回复2"},
		},
		{
			name: "no short title: the full title",
			a: kb.Answer{Answered: true, Kind: kb.KindAnswer, Citations: []kb.Citation{func() kb.Citation {
				c := cite("六、1.", "", "项目存档备查应在该项目采购实施前完成。", "")
				c.DocShort = ""
				return c
			}()}},
			first: "【六、1. 项目存档备查应在该项目采购实施前完成】",
			has:   []string{"——《2017年广州市财政投资信息化项目建设内容指引》"},
		},
		{
			name: "related clauses offered",
			a: kb.Answer{Answered: true, Kind: kb.KindAnswer, Citations: []kb.Citation{
				cite("一、（二）3.", "统一使用全市VPN系统", vpnText, vpnText), cite("一、（二）1.", "", "统一使用电子政务内外网。", ""),
			}},
			has: []string{"回复2看相关条款"},
		},
		{
			name:     "long quote cut on a sentence, said so",
			a:        kb.Answer{Answered: true, Kind: kb.KindAnswer, Citations: []kb.Citation{cite("七、1.", "运维巡检", long, long)}},
			first:    "【七、1. 运维巡检】",
			has:      []string{"；…回复1看全文", "——《2017信息化建设指引》"},
			maxBytes: 2000,
		},
		{
			name:     "long quote without sentence marks cut on a rune boundary",
			a:        kb.Answer{Answered: true, Kind: kb.KindAnswer, Citations: []kb.Citation{cite("七、1.", "", unbroken, unbroken)}},
			has:      []string{"巡…回复1看全文"},
			maxBytes: 2000,
		},
		{
			name: "revised document notice",
			a:    kb.Answer{Answered: true, Kind: kb.KindAnswer, Notice: "注意：已修订。", Citations: []kb.Citation{cite("六、2.", "", "项目存档备查应在该项目采购实施前完成。", "")}},
			has:  []string{"注意：已修订。"},
		},
		{
			name:   "control characters and invalid UTF-8 dropped, ]]> kept",
			a:      kb.Answer{Answered: true, Kind: kb.KindAnswer, Citations: []kb.Citation{cite("七、2.", "机房\x00监控", "数据]]>\f保存\xff。", "")}},
			first:  "【七、2. 机房监控】",
			has:    []string{"数据]]>保存。"},
			hasNot: []string{"\f", "\x00", "\xff"},
		},
		{
			name: "refusal with suggestions and help desk",
			a: kb.Answer{Kind: kb.KindRefusal, Text: "指引未作规定：现行指引中没有找到能回答这个问题的条款。以下条款可能相关，供参考。",
				Citations: []kb.Citation{cite("一、（一）", "机房建设", "各单位不再新建业务机房。", "")}},
			first: "指引未作规定：现行指引中没有找到能回答这个问题的条款。以下条款可能相关，供参考。",
			has:   []string{"· 【一、（一） 机房建设】", "回复2", "如需人工帮助，请联系：020-12345678"},
		},
		{
			name:   "refusal without suggestions",
			a:      kb.Answer{Kind: kb.KindRefusal, Text: "指引未作规定。", Citations: []kb.Citation{}},
			has:    []string{"020-12345678"},
			hasNot: []string{"回复2"},
		},
		{
			name:  "greeting: the help text",
			a:     kb.Answer{Kind: kb.KindGreeting, Text: "您好，我是指引问答助手。例如：\n· 单位还能自己建机房吗？"},
			first: "您好，我是指引问答助手。例如：",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := formatAnswer(tt.a, "020-12345678")
			if len(got) > maxReplyBytes || !utf8.ValidString(got) {
				t.Fatalf("%d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
			}
			if tt.maxBytes > 0 && len(got) < tt.maxBytes-200 {
				t.Errorf("cut too short: %d bytes", len(got))
			}
			if first, _, _ := strings.Cut(got, "\n"); tt.first != "" && first != tt.first {
				t.Errorf("first line %q, want %q", first, tt.first)
			}
			for _, s := range tt.has {
				if !strings.Contains(got, s) {
					t.Errorf("lacks %q:\n%s", s, got)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(got, s) {
					t.Errorf("holds %q:\n%s", s, got)
				}
			}
		})
	}
}

func TestFormatFull(t *testing.T) {
	for _, tt := range []struct {
		name  string
		text  string
		parts int
	}{
		{"short", vpnText, 1},
		{"7 KB with sentences", strings.Repeat("运维单位应当按照运维合同的约定开展巡检并形成巡检记录；", 90), 0},
		{"no sentence marks", strings.Repeat("巡", 3000), 0},
		{"huge: capped", strings.Repeat("巡检。", 20000), maxFullParts},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := cite("七、1.", "运维巡检", tt.text, "")
			parts := formatFull(c)
			if tt.parts > 0 && len(parts) != tt.parts {
				t.Errorf("%d parts, want %d", len(parts), tt.parts)
			}
			var all strings.Builder
			for i, p := range parts {
				if len(p) > maxReplyBytes || !utf8.ValidString(p) {
					t.Errorf("part %d: %d bytes", i+1, len(p))
				}
				all.WriteString(p)
			}
			if !strings.HasPrefix(parts[0], "【七、1. 运维巡检】") || !strings.Contains(parts[len(parts)-1], "——《2017信息化建设指引》") {
				t.Errorf("heading or document missing")
			}
			if tt.parts != maxFullParts {
				flat := strings.NewReplacer("\n", "").Replace(all.String())
				for _, s := range []string{tt.text[:60], tt.text[len(tt.text)-60:]} {
					if !strings.Contains(flat, s) {
						t.Errorf("text lost around %q", s)
					}
				}
				if got, want := utf8.RuneCountInString(strings.Map(keepHan, all.String())), utf8.RuneCountInString(strings.Map(keepHan, tt.text)); got < want {
					t.Errorf("%d of %d characters delivered", got, want)
				}
			} else if !strings.Contains(parts[len(parts)-1], "全文较长") {
				t.Error("capped text does not say so")
			}
		})
	}
}

// keepHan keeps the clause's characters, not the headings and marks.
func keepHan(r rune) rune {
	if r == '巡' || r == '检' || r == '运' {
		return r
	}
	return -1
}

func TestFormatRelated(t *testing.T) {
	var cs []kb.Citation
	for range 10 {
		cs = append(cs, cite("一、（二）1.", "", strings.Repeat("统一使用电子政务内外网。", 60), ""))
	}
	got := formatRelated(cs)
	if len(got) > maxReplyBytes || strings.Count(got, "【一、（二）1. 统一使用电子政务内外网】") < 2 {
		t.Errorf("%d bytes:\n%s", len(got), got)
	}
}

func TestCutBytes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		max  int
		want string
		cut  bool
	}{
		{"abc", 3, "abc", false},
		{"机房建设", 7, "机房", true}, // 3 bytes a character: never half of one
		{"机房。建设", 9, "机房。", true},
		{"", 0, "", false},
		{"机", 2, "", true},
	} {
		got, cut := cutBytes(tt.in, tt.max)
		if got != tt.want || cut != tt.cut {
			t.Errorf("cutBytes(%q, %d) = %q, %v; want %q, %v", tt.in, tt.max, got, cut, tt.want, tt.cut)
		}
	}
}

// TestRenderWellFormed: whatever the text, the reply is well-formed XML
// that reads back as the cleaned text.
func TestRenderWellFormed(t *testing.T) {
	h, err := New(Config{Token: "t", AppID: "wx1", AESKey: strings.Repeat("a", 43)})
	if err != nil {
		t.Fatal(err)
	}
	m := &message.MixMessage{}
	m.FromUserName, m.ToUserName = "user\x0c", "gh_account"
	for _, text := range []string{"]]>", "a]]>b]]]]>c", "\x00\x01\x0c\x1b", "\xff\xfe", "<![CDATA[", "&amp;<>\"'", "\ufffe\uffff", "🀄"} {
		b, err := h.renderText(m, clean(text), replyMode{})
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Content string `xml:"Content"`
			To      string `xml:"ToUserName"`
		}
		d := xml.NewDecoder(strings.NewReader(string(b)))
		if err := d.Decode(&out); err != nil {
			t.Fatalf("%q: %v\n%s", text, err, b)
		}
		if out.Content != clean(text) || out.To != "user" {
			t.Errorf("%q read back as %q to %q", text, out.Content, out.To)
		}
	}
}

func TestParseRate(t *testing.T) {
	for _, tt := range []struct {
		in    string
		limit float64
		burst int
		err   bool
	}{
		{"", 0, 0, false},
		{"20/min", 20.0 / 60, 10, false},
		{"1/s", 1, 1, false},
		{"300/h", 300.0 / 3600, 10, false},
		{"30", 0.5, 10, false},
		{"0", -1, 0, false},
		{"off", -1, 0, false},
		{"fast", 0, 0, true},
		{"5/day", 0, 0, true},
		{"-3/min", 0, 0, true},
	} {
		limit, burst, err := ParseRate(tt.in)
		if (err != nil) != tt.err || (!tt.err && (float64(limit) != tt.limit || burst != tt.burst)) {
			t.Errorf("ParseRate(%q) = %v, %d, %v", tt.in, limit, burst, err)
		}
	}
}
