package web

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// openAPIOperation is what the route tests read of an OpenAPI operation.
type openAPIOperation struct {
	Parameters   []openAPIParameter         `json:"parameters"`
	Security     *[]map[string][]string     `json:"security"`
	Responses    map[string]openAPIResponse `json:"responses"`
	RequiredRole string                     `json:"x-required-role"`
}

type openAPIParameter struct {
	Ref      string `json:"$ref"`
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
}

type openAPIResponse struct {
	Ref     string                     `json:"$ref"`
	Headers map[string]json.RawMessage `json:"headers"`
}

// openAPIDoc is the served OpenAPI document, as the route tests read it.
type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Parameters      map[string]openAPIParameter `json:"parameters"`
		Responses       map[string]openAPIResponse  `json:"responses"`
		SecuritySchemes map[string]struct {
			Type   string `json:"type"`
			Scheme string `json:"scheme"`
			In     string `json:"in"`
			Name   string `json:"name"`
		} `json:"securitySchemes"`
	} `json:"components"`
}

// operations returns every operation of the document by "METHOD /gin/:path".
func (d *openAPIDoc) operations(t *testing.T) map[string]openAPIOperation {
	t.Helper()
	param := regexp.MustCompile(`\{([^}]+)\}`)
	ops := map[string]openAPIOperation{}
	for path, item := range d.Paths {
		for method, raw := range item {
			if method == "parameters" {
				t.Errorf("%s: keep parameters on the operations, which this test reads", path)
				continue
			}
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			for i, p := range op.Parameters {
				if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
					c, found := d.Components.Parameters[name]
					if !found {
						t.Errorf("%s %s: no parameter %s", method, path, p.Ref)
					}
					op.Parameters[i] = c
				}
			}
			for code, r := range op.Responses {
				if name, ok := strings.CutPrefix(r.Ref, "#/components/responses/"); ok {
					c, found := d.Components.Responses[name]
					if !found {
						t.Errorf("%s %s: no response %s", method, path, r.Ref)
					}
					op.Responses[code] = c
				}
			}
			key := strings.ToUpper(method) + " " + param.ReplaceAllString(path, ":$1")
			for _, m := range param.FindAllStringSubmatch(path, -1) {
				if !op.hasParam("path", m[1]) {
					t.Errorf("%s: path parameter %s is not described", key, m[1])
				}
			}
			ops[key] = op
		}
	}
	return ops
}

func (op openAPIOperation) hasParam(in, name string) bool {
	for _, p := range op.Parameters {
		if p.In == in && strings.EqualFold(p.Name, name) && (p.Required || in != "path" && in != "header") {
			return true
		}
	}
	return false
}

// documents reports whether the operation lists status.
func (op openAPIOperation) documents(status int) bool {
	_, ok := op.Responses[strconv.Itoa(status)]
	return ok
}

// routeTestServer is a server with every optional part of the router
// switched on, the admin API included, so that the OpenAPI checks see all
// routes.
func routeTestServer(t *testing.T) *adminEnv {
	t.Helper()
	e := newAdminEnv(t, nil)
	n := 0
	for _, ri := range e.srv.routeInfo() {
		if strings.HasPrefix(ri.Path, "/api/v1/admin/") {
			n++
		}
	}
	if n == 0 {
		t.Fatal("the server under test has no admin routes")
	}
	return e
}

// routeTestPath fills in a gin path's parameters with values the test
// knowledge base has.
func routeTestPath(path string) string {
	id := "1"
	if strings.HasPrefix(path, "/api/v1/admin/faqs/") {
		id = "1.1-a"
	}
	return strings.NewReplacer(":doc", guideID, ":clause", "1.1", ":id", id, ":word", "机房", ":name", "viewer", ":n", "1").Replace(path)
}

// TestOpenAPIMatchesRoutes keeps the OpenAPI document and the router in
// step: every operation it lists is routed, and every API route is listed.
// The router under test has the admin API configured.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := routeTestServer(t)
	s := e.srv
	r := get(t, s, "/api/v1/openapi.json")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	var spec openAPIDoc
	r.json(t, &spec)
	if !strings.HasPrefix(spec.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", spec.OpenAPI)
	}
	listed := spec.operations(t)
	routed := map[string]bool{}
	for _, ri := range s.routeInfo() {
		routed[ri.Method+" "+ri.Path] = true
	}
	admin := 0
	for op := range listed {
		if !routed[op] {
			t.Errorf("OpenAPI lists %s, which the router does not serve", op)
		}
		method, path, _ := strings.Cut(op, " ")
		if strings.HasPrefix(path, "/api/v1/admin/") {
			admin++
			continue // probed in TestOpenAPIAdmin
		}
		// And it really answers (not 404/405).
		path = routeTestPath(path)
		var resp response
		if method == http.MethodGet {
			resp = get(t, s, path+"?q=机房")
		} else {
			resp = do(t, s, method, path, strings.NewReader(`{}`), jsonHeader)
		}
		if resp.status == 404 && !strings.Contains(path, "feedback") || resp.status == 405 {
			t.Errorf("%s %s answers %d", method, path, resp.status)
		}
	}
	if admin == 0 {
		t.Error("OpenAPI lists no admin operations")
	}
	for op := range routed {
		method, path, _ := strings.Cut(op, " ")
		_, documented := listed[op]
		if (strings.HasPrefix(path, "/api/") || slices.Contains([]string{"/healthz", "/readyz", "/metrics"}, path)) && !documented {
			t.Errorf("router serves %s %s, which OpenAPI does not list", method, path)
		}
	}
}

// TestOpenAPIAdmin checks what the document says of each admin operation
// against the router: it answers (401 without credentials), needs the role
// x-required-role names (the one TestAdminRoutesNeedRoles checks), declares
// both credentials, and declares If-Match and ETag where the handler uses
// them.
func TestOpenAPIAdmin(t *testing.T) {
	e := routeTestServer(t)
	var spec openAPIDoc
	get(t, e.srv, "/api/v1/openapi.json").json(t, &spec)
	if b := spec.Components.SecuritySchemes["bearerToken"]; b.Type != "http" || b.Scheme != "bearer" {
		t.Errorf("bearerToken security scheme: %+v", b)
	}
	if c := spec.Components.SecuritySchemes["sessionCookie"]; c.Type != "apiKey" || c.In != "cookie" || c.Name != sessionCookie {
		t.Errorf("sessionCookie security scheme: %+v", c)
	}
	ops := spec.operations(t)
	for key, op := range ops {
		method, path, _ := strings.Cut(key, " ")
		if !strings.HasPrefix(path, "/api/v1/admin/") {
			if op.Security != nil && len(*op.Security) > 0 {
				t.Errorf("%s: a public operation with security", key)
			}
			continue
		}
		target := routeTestPath(path)
		// Without credentials: 401 from every admin route (login refuses
		// the empty name and password).
		var body io.Reader
		if method != http.MethodGet {
			body = strings.NewReader(`{}`)
		}
		if r := do(t, e.srv, method, target, body, jsonHeader); r.status != 401 {
			t.Errorf("%s %s without credentials answers %d, want 401", method, target, r.status)
		}
		if !op.documents(401) {
			t.Errorf("%s: 401 not documented", key)
		}
		if path == "/api/v1/admin/login" {
			if op.Security == nil || len(*op.Security) != 0 {
				t.Errorf("%s: security should be [] (no credentials)", key)
			}
			continue
		}
		if op.Security == nil || !slices.ContainsFunc(*op.Security, func(m map[string][]string) bool { _, ok := m["bearerToken"]; return ok && len(m) == 1 }) ||
			!slices.ContainsFunc(*op.Security, func(m map[string][]string) bool { _, ok := m["sessionCookie"]; return ok && len(m) == 1 }) {
			t.Errorf("%s: security should offer bearerToken or sessionCookie", key)
		}
		if want, ok := adminRouteRoles[key]; !ok || op.RequiredRole != string(want) {
			t.Errorf("%s: x-required-role %q, the route needs %q", key, op.RequiredRole, want)
		}
		if !op.documents(403) {
			t.Errorf("%s: 403 not documented", key)
		}
		switch method {
		case http.MethodGet:
			// Reads are safe to make: each answers 200, with an ETag
			// exactly when the document says so.
			r := e.req(t, method, target, "token", nil, nil)
			if r.status != 200 {
				t.Errorf("%s %s: %d %.200s", method, target, r.status, r.body)
				continue
			}
			_, documented := op.Responses["200"].Headers["ETag"]
			if sent := r.header.Get("ETag") != ""; sent != documented {
				t.Errorf("%s: sends an ETag: %v, documents one: %v", key, sent, documented)
			}
		case http.MethodPut, http.MethodDelete:
			// Without If-Match a versioned change answers 428 before it
			// touches anything.
			r := e.req(t, method, target, "token", map[string]string{}, nil)
			needs := r.status == http.StatusPreconditionRequired
			if declared := op.hasParam("header", "If-Match"); needs != declared {
				t.Errorf("%s: needs If-Match: %v (%d), declares it: %v", key, needs, r.status, declared)
			}
			if needs && (!op.documents(412) || !op.documents(428)) {
				t.Errorf("%s: takes If-Match but does not document 412 and 428", key)
			}
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
			// The SVG namespace is a name, not an address: nothing is loaded from it.
			noNS := strings.ReplaceAll(text, "'http://www.w3.org/2000/svg'", "")
			if strings.Contains(noNS, "http://") || strings.Contains(noNS, "https://") {
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
