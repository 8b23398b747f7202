package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"zhiyin/kb"
)

// parseTestGolden returns the golden clauses encoded as the parse command
// must print them; fromRaw undoes the one editor correction (the document
// number's brackets) that raw extracted text cannot contain.
func parseTestGolden(t *testing.T, fromRaw bool) string {
	t.Helper()
	data, err := os.ReadFile("../../corpus/testdata/gz-2017-golden.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var clauses []kb.Clause
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c kb.Clause
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		if fromRaw {
			c.Text = strings.ReplaceAll(c.Text, "穗府办〔2015〕54 号", "穗府办201554 号")
		}
		clauses = append(clauses, c)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(clauses); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestParseCommand(t *testing.T) {
	raw, err := os.ReadFile("../../corpus/testdata/gz-2017-raw.txt")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		stdin   string
		fromRaw bool
		stderr  []string
	}{
		{"raw text", []string{"parse", "../../corpus/testdata/gz-2017-raw.txt"}, "", true,
			[]string{"raw text, 52 clauses", "15 line prefixes", "8 page numbers (2–9)", "table of contents"}},
		{"markdown", []string{"parse", "../../corpus/documents/gz-2017-it-guideline.md"}, "", false,
			[]string{"Markdown, 52 clauses, document gz-2017-it-guideline"}},
		{"stdin", []string{"parse", "-"}, string(raw), true,
			[]string{"stdin: raw text, 52 clauses"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if want := parseTestGolden(t, tt.fromRaw); stdout.String() != want {
				t.Errorf("stdout is not the golden clauses:\n%s", stdout.String()[:min(stdout.Len(), 600)])
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr %q lacks %q", stderr.String(), s)
				}
			}
		})
	}
}

func TestParseCommandErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stderr string
	}{
		{"structure", []string{"parse", "-"}, "一、甲。三、丙。", 1,
			"zhiyin parse: corpus: stdin: line 1, column 5 (byte offset 12): section 三、 where 二、 was expected"},
		{"markdown", []string{"parse", "-"}, "---\nid: x\n", 1, "corpus: stdin: line 1: "},
		{"missing file", []string{"parse", "no-such-file.txt"}, "", 1, "no-such-file.txt"},
		{"no file", []string{"parse"}, "", 2, "Usage: zhiyin parse FILE"},
		{"two files", []string{"parse", "a", "b"}, "", 2, "Usage: zhiyin parse FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr.String(), tt.code, tt.stderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
}
