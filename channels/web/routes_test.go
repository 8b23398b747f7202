package web

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes keeps the OpenAPI document and the router in
// step: every operation it lists is routed, and every API route is listed.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := newTestServer(t)
	r := get(t, s, "/api/v1/openapi.json")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	var spec struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	r.json(t, &spec)
	if !strings.HasPrefix(spec.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", spec.OpenAPI)
	}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	listed := map[string]bool{}
	for path, ops := range spec.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			listed[strings.ToUpper(method)+" "+param.ReplaceAllString(path, ":$1")] = true
		}
	}
	routed := map[string]bool{}
	for _, ri := range s.routeInfo() {
		routed[ri.Method+" "+ri.Path] = true
	}
	for op := range listed {
		if !routed[op] {
			t.Errorf("OpenAPI lists %s, which the router does not serve", op)
		}
		// And it really answers (not 404/405).
		method, path, _ := strings.Cut(op, " ")
		path = strings.NewReplacer(":doc", guideID, ":clause", "1.1").Replace(path)
		var resp response
		if method == http.MethodPost {
			resp = do(t, s, method, path, strings.NewReader(`{}`), jsonHeader)
		} else {
			resp = get(t, s, path+"?q=机房")
		}
		if resp.status == 404 && !strings.Contains(path, "feedback") || resp.status == 405 {
			t.Errorf("%s %s answers %d", method, path, resp.status)
		}
	}
	for op := range routed {
		method, path, _ := strings.Cut(op, " ")
		if (strings.HasPrefix(path, "/api/") || slices.Contains([]string{"/healthz", "/readyz", "/metrics"}, path)) && !listed[op] {
			t.Errorf("router serves %s %s, which OpenAPI does not list", method, path)
		}
	}
}

func TestConsolePages(t *testing.T) {
	s := newTestServer(t)
	for _, path := range []string{"/", "/c/" + guideID + "/1.2.3", "/c/whatever/9"} {
		r := get(t, s, path)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", path, r.status, r.header.Get("Content-Type"))
		}
		if !strings.Contains(string(r.body), `<textarea id="q"`) {
			t.Errorf("%s: not the console page", path)
		}
		if r.header.Get("Content-Security-Policy") == "" || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: security headers missing: %v", path, r.header)
		}
	}
	for path, ct := range map[string]string{
		"/static/app.js":      "text/javascript",
		"/static/style.css":   "text/css",
		"/static/favicon.svg": "image/svg+xml",
	} {
		r := get(t, s, path)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), ct) {
			t.Errorf("%s: %d %q", path, r.status, r.header.Get("Content-Type"))
		}
	}
	if r := do(t, s, http.MethodHead, "/", nil, nil); r.status != 200 {
		t.Errorf("HEAD /: %d", r.status)
	}
	if r := get(t, s, "/static/nope.js"); r.status != 404 {
		t.Errorf("missing asset: %d", r.status)
	}
}

func TestConsoleCaching(t *testing.T) {
	s := newTestServer(t)
	for _, path := range []string{"/", "/static/app.js", "/static/style.css"} {
		r := get(t, s, path)
		etag := r.header.Get("ETag")
		if etag == "" || r.header.Get("Cache-Control") == "" {
			t.Errorf("%s: ETag %q Cache-Control %q", path, etag, r.header.Get("Cache-Control"))
			continue
		}
		r2 := do(t, s, http.MethodGet, path, nil, map[string]string{"If-None-Match": etag})
		if r2.status != http.StatusNotModified || len(r2.body) != 0 {
			t.Errorf("%s revalidated: %d (%d bytes)", path, r2.status, len(r2.body))
		}
		r3 := do(t, s, http.MethodGet, path, nil, map[string]string{"If-None-Match": `"stale"`})
		if r3.status != 200 {
			t.Errorf("%s with a stale ETag: %d", path, r3.status)
		}
	}
}

// TestConsoleIsSelfContained checks the console loads nothing from other
// hosts (the intranet has no internet) and never puts data in as HTML.
func TestConsoleIsSelfContained(t *testing.T) {
	external := regexp.MustCompile(`(?i)(src|href|action)\s*=\s*["']?\s*(https?:|//)|url\(\s*["']?(https?:|//)|@import`)
	unsafe := regexp.MustCompile(`\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function`)
	err := fs.WalkDir(consoleFiles, "console", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(consoleFiles, path)
		if err != nil {
			return err
		}
		text := string(data)
		if m := external.FindString(text); m != "" {
			t.Errorf("%s refers to another host: %q", path, m)
		}
		if strings.HasSuffix(path, ".js") {
			if m := unsafe.FindString(text); m != "" {
				t.Errorf("%s uses %q: data must go in as text", path, m)
			}
			if strings.Contains(text, "http://") || strings.Contains(text, "https://") {
				t.Errorf("%s holds an absolute URL", path)
			}
		}
		if strings.HasSuffix(path, ".html") && strings.Contains(text, "style=") {
			t.Errorf("%s has inline styles, which the content security policy blocks", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAskBoxIsFirstTextField: the help desk starts typing at once.
func TestAskBoxIsFirstTextField(t *testing.T) {
	data, err := fs.ReadFile(consoleFiles, "console/index.html")
	if err != nil {
		t.Fatal(err)
	}
	field := regexp.MustCompile(`<(textarea|input)\b[^>]*>`)
	first := field.FindString(string(data))
	if !strings.HasPrefix(first, `<textarea id="q"`) || !strings.Contains(first, "autofocus") {
		t.Errorf("first text field is %q", first)
	}
}
