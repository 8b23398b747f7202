package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkAskHandler measures POST /api/v1/ask through the whole gin stack
// (middleware, decoding, the engine over the small test knowledge base,
// encoding), without the network: the HTTP path's own cost.
func BenchmarkAskHandler(b *testing.B) {
	s := newTestServer(b)
	body := `{"question":"还能新建业务机房吗"}`
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/ask", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
	}
}
