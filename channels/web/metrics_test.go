package web

import (
	"regexp"
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	s := newTestServer(t)
	postJSON(t, s, "/api/v1/ask", map[string]string{"question": "单位还能自己建机房吗？"})
	postJSON(t, s, "/api/v1/ask", map[string]string{"question": "？？？"})
	postJSON(t, s, "/api/v1/ask", map[string]string{"question": ""})
	get(t, s, "/api/v1/documents/"+guideID+"/clauses/1.1")
	get(t, s, "/api/v1/documents/"+guideID+"/clauses/nope")
	get(t, s, "/no/such/path")

	r := get(t, s, "/metrics")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	body := string(r.body)
	want := []string{
		`zhiyin_http_requests_total{method="POST",route="/api/v1/ask",status="200"} 2`,
		`zhiyin_http_requests_total{method="POST",route="/api/v1/ask",status="400"} 1`,
		`zhiyin_http_requests_total{method="GET",route="/api/v1/documents/:doc/clauses/:clause",status="200"} 1`,
		`zhiyin_http_requests_total{method="GET",route="/api/v1/documents/:doc/clauses/:clause",status="404"} 1`,
		`zhiyin_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`zhiyin_http_request_duration_seconds_bucket{method="POST",route="/api/v1/ask",status="200",le="+Inf"} 2`,
		`zhiyin_questions_total{channel="web",outcome="answered"} 1`,
		`zhiyin_questions_total{channel="web",outcome="empty"} 1`,
		`zhiyin_index_revision 7`,
		`zhiyin_ready 1`,
		`go_goroutines`,
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("metrics lack %s", w)
		}
	}
	if !regexp.MustCompile(`zhiyin_build_info\{goversion="go[^"]+",revision="[^"]*",version="[^"]*"\} 1`).MatchString(body) {
		t.Error("no build info")
	}
	// Raw paths never become labels: their values are unbounded.
	if strings.Contains(body, "/no/such/path") || strings.Contains(body, "nope") {
		t.Error("a raw path leaked into a label")
	}
}

func TestMetricsBeforeReady(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.Engine = func() Engine { return nil } })
	body := string(get(t, s, "/metrics").body)
	for _, w := range []string{"zhiyin_ready 0", "zhiyin_index_revision -1"} {
		if !strings.Contains(body, w) {
			t.Errorf("metrics lack %s", w)
		}
	}
}
