package corpus

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestParseRawBroken: where the structure cannot be recovered, the parse
// stops with an error naming the line, column and surrounding text, and
// returns no clauses.
func TestParseRawBroken(t *testing.T) {
	seed := string(rawSeed(t))
	tests := []struct {
		name     string
		old, new string // one edit of the seed
		line     int
		msg      string // in the message
		near     string // in the surrounding text
	}{
		{"section gap", "四、重点建设方向(一)", "五、重点建设方向(一)", 10,
			"section 五、 where 四、 was expected", "▶五、重点建设方向"},
		{"sub-section gap", "(三)单位间的协同业务", "(四)单位间的协同业务", 6,
			"sub-section （四） where （三） was expected", "▶(四)单位间"},
		{"dotted item out of sequence", "2.统一互联网出口", "3.统一互联网出口", 3,
			"item 3. out of sequence: 2. was expected", "理2由。▶3.统一"},
		{"bare item out of sequence", "4凡与行政审批", "5凡与行政审批", 14,
			"item 5 out of sequence: 4 was expected", "▶5凡与行政审批"},
		{"page number missing", "提供,4法人", "提供,法人", 8,
			"stray number 5: it is neither the next page number (4, after page 3 at line 5, column 26)", "。▶5(四)"},
		{"stray number", "促进集约整合", "促进集约7整合", 3,
			"stray number 2: it is neither the next page number (8, after page 7 at line 1", "依据和理▶2由"},
		{"lone bare number", "(五)自主产权新建项目", "(五)自主产权1新建项目", 5,
			"the bare number 1 at line 5, column 178 starts no list", "▶二、信息资源"},
		{"sub-section under items", "。9各单位需按年度", "。(一)各单位需按年度", 15,
			"sub-section （一） in section 六、, whose items are numbered directly under it", "▶(一)各单位"},
		{"line prefix", "\n5、", "\n6、", 5,
			`line prefix "5、" expected`, "▶6、"},
		{"line prefix missing", "\n5、", "\n", 5,
			`line prefix "5、" expected`, "▶均应使用"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Count(seed, tt.old) != 1 {
				t.Fatalf("%q is not in the seed exactly once", tt.old)
			}
			src := strings.Replace(seed, tt.old, tt.new, 1)
			clauses, _, err := ParseRaw(strings.NewReader(src))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("got %d clauses, error %v; want a *SyntaxError", len(clauses), err)
			}
			if clauses != nil {
				t.Errorf("clauses returned with the error")
			}
			if se.Line != tt.line || !strings.Contains(se.Msg, tt.msg) || !strings.Contains(se.Near, tt.near) {
				t.Errorf("got %v\nwant line %d, message with %q, near text with %q", err, tt.line, tt.msg, tt.near)
			}
			// The offset points into the input at the reported column.
			lineStart := 0
			for n := 1; n < se.Line; n++ {
				lineStart += strings.IndexByte(src[lineStart:], '\n') + 1
			}
			if col := len([]rune(src[lineStart:se.Offset])) + 1; se.Col != col {
				t.Errorf("offset %d is column %d, error says %d", se.Offset, col, se.Col)
			}
		})
	}
}

func TestParseRawSmall(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // clauses as id:title|text, one per line
	}{
		{"empty", "", ""},
		{"only text", "前言。", "0:引言|前言。"},
		{"no prefixes, no contents", "总的说明。\n一、总则\n甲乙。\n(一)分则丙丁。\n",
			"0:引言|总的说明。\n1:|总则甲乙。\n1.1:|分则丙丁。"},
		{"bare items need two", "一、要求1凡项目。2项目存档。",
			"1:要求|\n1.1:|凡项目。\n1.2:|项目存档。"},
		{"numbers in running text stay", "一、甲。按照2017 年(2016)第 75 号 7x24 小时,30%核减。",
			"1:|甲。按照2017 年(2016)第 75 号 7x24 小时,30%核减。"},
		{"page number splits a dotted item", "一、甲(一)信息安全31.各单位。2.应用。",
			"1:甲|\n1.1:信息安全|\n1.1.1:|各单位。\n1.1.2:|应用。"},
		{"byte-order mark and CRLF", "\ufeff1、一、甲。\r\n2、乙。\r\n", "1:|甲。乙。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clauses, rep, err := ParseRaw(strings.NewReader(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range clauses {
				got = append(got, c.ID+":"+c.Title+"|"+c.Text)
			}
			if g := strings.Join(got, "\n"); g != tt.want {
				t.Errorf("got\n%s\nwant\n%s", g, tt.want)
			}
			checkAccounting(t, []byte(tt.src), clauses, rep)
		})
	}
}

func TestParseRawNotUTF8(t *testing.T) {
	_, _, err := ParseRaw(bytes.NewReader([]byte("1、一、甲\n2、\xff")))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 2 || se.Col != 3 {
		t.Fatalf("error %v", err)
	}
}

// TestParseRawWithoutContents: without a table of contents the sections'
// titles come from the general rules only. Those followed directly by their
// sub-sections keep them, and 三、 by its sentence opener (…方面全市已…);
// 一、, whose title runs into text with no opener (…方面跟随…), keeps
// title and text together as its text.
func TestParseRawWithoutContents(t *testing.T) {
	seed := string(rawSeed(t))
	i := strings.Index(seed, "为更好地")
	src := "1、" + seed[i:]
	clauses, rep, err := ParseRaw(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, []byte(src), clauses, rep)
	want := goldenFromRaw(t)
	if len(clauses) != len(want) {
		t.Fatalf("%d clauses, want %d", len(clauses), len(want))
	}
	for k, c := range clauses {
		w := want[k]
		if c.ID != w.ID || c.Label != w.Label || c.Title+c.Text != w.Title+w.Text {
			t.Errorf("got %+v, want %+v", c, w)
		}
		if c.Title != w.Title {
			t.Logf("%s: title %q (with contents: %q)", c.Label, c.Title, w.Title)
		}
	}
}

func FuzzParseRaw(f *testing.F) {
	f.Add(string(rawSeed(f)))
	f.Add("1、一、甲。(一)乙1.丙。2.丁。\n2、二、戊1己。2庚。")
	f.Add("标题目录一、甲1二、乙2前言。一、甲。二、乙3。")
	f.Add("一、要求1凡项目。2项目存档。3变更。")
	f.Fuzz(func(t *testing.T, src string) {
		clauses, rep, err := ParseRaw(strings.NewReader(src))
		if err != nil {
			return
		}
		// Whatever parses is fully accounted for.
		checkAccounting(t, []byte(src), clauses, rep)
	})
}
