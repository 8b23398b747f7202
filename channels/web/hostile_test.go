package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestHostileInputs sends what a careless or malicious client might: every
// request gets a 4xx or a proper answer, never a 5xx, a panic or a body that
// is not the promised JSON.
func TestHostileInputs(t *testing.T) {
	s := newTestServer(t)
	q := func(text string) string {
		b, _ := json.Marshal(map[string]string{"question": text})
		return string(b)
	}
	deep := strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000)
	deepObj := strings.Repeat(`{"question":`, 1_000) + `"x"` + strings.Repeat("}", 1_000)
	tests := []struct {
		name        string
		method      string
		target      string
		body        string
		contentType string
	}{
		{"invalid UTF-8 in JSON", "POST", "/api/v1/ask", "{\"question\":\"\xff\xfe机房\xc3\"}", "application/json"},
		{"NUL and control characters", "POST", "/api/v1/ask", q("机\x00房\x01\x02\x1b[31m建设\u0085\u2028"), "application/json"},
		{"only control characters", "POST", "/api/v1/ask", q("\x00\x01\x02"), "application/json"},
		{"5000 repeated characters", "POST", "/api/v1/ask", q(strings.Repeat("机", 5000)), "application/json"},
		{"500 emoji", "POST", "/api/v1/ask", q(strings.Repeat("😀", 500)), "application/json"},
		{"emoji in a question", "POST", "/api/v1/ask", q("机房😀能建吗👍🏽"), "application/json"},
		{"extension-B characters", "POST", "/api/v1/ask", q("𠀀𠀁𪚥机房𠀂"), "application/json"},
		{"zero-width characters inside words", "POST", "/api/v1/ask", q("机\u200b房\u200d能\ufeff建\u200c吗"), "application/json"},
		{"only zero-width characters", "POST", "/api/v1/ask", q("\u200b\u200c\u200d\ufeff"), "application/json"},
		{"bleve syntax", "POST", "/api/v1/ask", q(`+a -b "x`), "application/json"},
		{"bleve wildcard", "POST", "/api/v1/ask", q("*"), "application/json"},
		{"bleve fuzzy", "POST", "/api/v1/ask", q("a~100"), "application/json"},
		{"bleve field query", "POST", "/api/v1/ask", q(`text:机房^10 /.*/ _all:x`), "application/json"},
		{"HTML and script", "POST", "/api/v1/ask", q(`<img src=x onerror=alert(1)><script>alert(2)</script>`), "application/json"},
		{"right-to-left override", "POST", "/api/v1/ask", q("\u202e机房\u202c"), "application/json"},
		{"JSON nested 10000 deep", "POST", "/api/v1/ask", deep, "application/json"},
		{"objects nested 1000 deep", "POST", "/api/v1/ask", deepObj, "application/json"},
		{"duplicate keys", "POST", "/api/v1/ask", `{"question":"机房","question":"VPN"}`, "application/json"},
		{"duplicate keys, wrong type last", "POST", "/api/v1/ask", `{"question":"机房","question":1}`, "application/json"},
		{"wrong content type", "POST", "/api/v1/ask", q("机房"), "text/plain"},
		{"garbage content type", "POST", "/api/v1/ask", q("机房"), ";;;==="},
		{"multipart", "POST", "/api/v1/ask", "--x\r\n\r\n", "multipart/form-data; boundary=x"},
		{"empty body", "POST", "/api/v1/ask", "", "application/json"},
		{"JSON array", "POST", "/api/v1/ask", `["机房"]`, "application/json"},
		{"JSON string", "POST", "/api/v1/ask", `"机房"`, "application/json"},
		{"JSON null", "POST", "/api/v1/ask", `null`, "application/json"},
		{"number for string", "POST", "/api/v1/ask", `{"question":1e999}`, "application/json"},
		{"object for string", "POST", "/api/v1/ask", `{"question":{"$gt":""}}`, "application/json"},
		{"bool for session", "POST", "/api/v1/ask", `{"question":"机房","session":true}`, "application/json"},
		{"huge session", "POST", "/api/v1/ask", `{"question":"机房","session":"` + strings.Repeat("s", 5000) + `"}`, "application/json"},
		{"escaped surrogates", "POST", "/api/v1/ask", `{"question":"\ud800\udc00\ud800"}`, "application/json"},
		{"trailing garbage", "POST", "/api/v1/ask", `{"question":"机房"} xyz`, "application/json"},
		{"truncated JSON", "POST", "/api/v1/ask", `{"question":"机`, "application/json"},
		{"UTF-8 BOM", "POST", "/api/v1/ask", "\ufeff" + q("机房"), "application/json"},
		{"body just over the limit", "POST", "/api/v1/ask", q(strings.Repeat("a", MaxBodyBytes)), "application/json"},
		{"feedback: invalid UTF-8", "POST", "/api/v1/feedback", "{\"id\":\"\xff\",\"helpful\":true}", "application/json"},
		{"feedback: nested", "POST", "/api/v1/feedback", deep, "application/json"},
		{"feedback: id as number", "POST", "/api/v1/feedback", `{"id":1,"helpful":true}`, "application/json"},
		{"feedback: huge id", "POST", "/api/v1/feedback", `{"id":"` + strings.Repeat("9", 10000) + `","helpful":true}`, "application/json"},
		{"search: bleve syntax", "GET", "/api/v1/search?q=%2Ba%20-b%20%22x", "", ""},
		{"search: control characters", "GET", "/api/v1/search?q=%00%01%1b", "", ""},
		{"search: script", "GET", "/api/v1/search?q=%3Cscript%3E", "", ""},
		{"search: extension B", "GET", "/api/v1/search?q=%F0%A0%80%80", "", ""},
		{"search: zero-width", "GET", "/api/v1/search?q=%E6%9C%BA%E2%80%8B%E6%88%BF", "", ""},
		{"search: 5000 characters", "GET", "/api/v1/search?q=" + strings.Repeat("a", 5000), "", ""},
		{"search: repeated q", "GET", "/api/v1/search?q=a&q=b&limit=1&limit=x", "", ""},
		{"clause: dot dot", "GET", "/api/v1/documents/" + guideID + "/clauses/..", "", ""},
		{"clause: encoded slash", "GET", "/api/v1/documents/" + guideID + "/clauses/1%2F2", "", ""},
		{"clause: NUL", "GET", "/api/v1/documents/" + guideID + "/clauses/%00", "", ""},
		{"document: script", "GET", "/api/v1/documents/%3Cscript%3E", "", ""},
		{"deep link: script", "GET", "/c/%3Cscript%3E/%3Cimg%3E", "", ""},
		{"static: traversal", "GET", "/static/../server.go", "", ""},
		{"static: encoded traversal", "GET", "/static/%2e%2e/openapi.json", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header map[string]string
			if tt.contentType != "" {
				header = map[string]string{"Content-Type": tt.contentType}
			}
			r := do(t, s, tt.method, tt.target, strings.NewReader(tt.body), header)
			if r.status >= 500 || r.status < 200 {
				t.Fatalf("status %d: %.300s", r.status, r.body)
			}
			if !utf8.Valid(r.body) {
				t.Errorf("response is not valid UTF-8: %q", r.body)
			}
			if strings.HasPrefix(tt.target, "/api/") {
				if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
					t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
				}
				if r.status >= 400 {
					r.errorOf(t)
				} else if tt.target == "/api/v1/ask" {
					var a answerJSON
					r.json(t, &a)
					if a.Answer == "" || a.Citations == nil {
						t.Errorf("200 without a proper answer: %.300s", r.body)
					}
				}
			}
			// Markup in the input never comes back as markup in JSON.
			if strings.Contains(string(r.body), "<script>") || strings.Contains(string(r.body), "<img") {
				if strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
					t.Errorf("raw markup in a JSON response: %.300s", r.body)
				}
			}
		})
	}
}

// TestChunkedBodyOverLimit checks the limit holds when the client does not
// say how long its body is.
func TestChunkedBodyOverLimit(t *testing.T) {
	s := newTestServer(t)
	req, _ := http.NewRequest(http.MethodPost, "/api/v1/ask", strings.NewReader(`{"question":"`+strings.Repeat("a", 20<<10)+`"}`))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
}
