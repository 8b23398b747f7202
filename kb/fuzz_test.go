package kb_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"zhiyin/kb"
)

// FuzzAsk: any question gets an answer object or a CodeInvalid error, never
// a panic; an answer's quote is always verbatim text of its clause.
func FuzzAsk(f *testing.F) {
	for _, s := range []string{"单位能建机房吗", "？？？", "", "\x00\xff", "那软件呢", strings.Repeat("机房", 300), `+a -b "x`, "<img src=x>", "𠀀😀"} {
		f.Add(s)
	}
	svc := defaultService(f)
	f.Fuzz(func(t *testing.T, q string) {
		a, err := svc.Ask(context.Background(), kb.Question{Text: q, Session: "fuzz"})
		if err != nil {
			if kb.ErrorCode(err) != kb.CodeInvalid {
				t.Fatalf("Ask(%q): %v", q, err)
			}
			return
		}
		if a.Citations == nil || a.Text == "" || !utf8.ValidString(a.Text) {
			t.Fatalf("Ask(%q) = %+v", q, a)
		}
		if a.Answered && !strings.Contains(a.Citations[0].Text, a.Citations[0].Quote) {
			t.Fatalf("quote not verbatim: %+v", a.Citations[0])
		}
	})
}

// FuzzParseEvalSet: any input parses or fails with an error, never panics.
func FuzzParseEvalSet(f *testing.F) {
	f.Add("D01\t单位能建机房吗\t1.1\n")
	f.Add("# c\nP1\tplain\tq\tnone\n\n")
	f.Add("a\tb\n")
	f.Fuzz(func(t *testing.T, s string) {
		cases, err := kb.ParseEvalSet(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, c := range cases {
			if strings.TrimSpace(c.Question) == "" {
				t.Fatalf("empty question accepted: %+v", c)
			}
		}
	})
}
