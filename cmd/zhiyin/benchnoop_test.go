package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestParseShed(t *testing.T) {
	c, err := parseShed("0", "100ms")
	if err != nil || c.Off || c.MaxConcurrent != 0 || c.QueueWait != 100*time.Millisecond {
		t.Errorf("defaults: %+v, %v", c, err)
	}
	if c, err := parseShed("8", "0"); err != nil || !c.Off || c.MaxConcurrent != 8 {
		t.Errorf("0 wait must turn shedding off: %+v, %v", c, err)
	}
	for _, bad := range [][2]string{{"-1", "100ms"}, {"x", "100ms"}, {"4", "soon"}, {"4", "-1s"}} {
		if _, err := parseShed(bad[0], bad[1]); err == nil {
			t.Errorf("parseShed(%q, %q): no error", bad[0], bad[1])
		}
	}
}

func TestBenchNoop(t *testing.T) {
	w := httptest.NewRecorder()
	benchNoop(w, httptest.NewRequest(http.MethodPost, benchNoopPath, strings.NewReader(`{"question":"x"}`)))
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Errorf("status %d, type %q", w.Code, w.Header().Get("Content-Type"))
	}
}
