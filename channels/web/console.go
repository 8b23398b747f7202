package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// consoleFiles is the help-desk console: plain HTML, CSS and JavaScript with
// no build step, no CDN and no external fonts, for intranets with no
// internet access.
//
//go:embed console
var consoleFiles embed.FS

// asset is one console file with its validator.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// console serves the embedded files. Embedded files have no modification
// time, so caching rests on ETags computed from the content: browsers
// revalidate every time (no-cache) and get 304 while the binary is the same.
type console struct {
	assets map[string]*asset // by path under console/, e.g. "app.js"
}

func newConsole() (*console, error) {
	sub, err := fs.Sub(consoleFiles, "console")
	if err != nil {
		return nil, fmt.Errorf("web: console files: %w", err)
	}
	c := &console{assets: map[string]*asset{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		sum := sha256.Sum256(body)
		c.assets[p] = &asset{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: console files: %w", err)
	}
	for _, need := range []string{"index.html", "404.html", "app.js", "style.css", "admin.html", "admin.js", "admin.css"} {
		if c.assets[need] == nil {
			return nil, fmt.Errorf("web: console file %s missing", need)
		}
	}
	return c, nil
}

// serve writes a, or 304 when the browser's copy is current.
func (cs *console) serve(c *gin.Context, a *asset, status int) {
	h := c.Writer.Header()
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache")
	if status == http.StatusOK && etagMatch(c.GetHeader("If-None-Match"), a.etag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(status, a.contentType, a.body)
}

// etagMatch reports whether an If-None-Match header names etag.
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// consolePage serves the console's page for / and for deep links to a
// clause (/c/{doc}/{clause}): the page itself reads the path and shows the
// clause.
func (s *Server) consolePage(c *gin.Context) {
	s.console.serve(c, s.console.assets["index.html"], http.StatusOK)
}

// adminPage serves the editors' console at /admin: the page asks the admin
// API who is logged in and shows the login form or the editor pages.
func (s *Server) adminPage(c *gin.Context) {
	s.console.serve(c, s.console.assets["admin.html"], http.StatusOK)
}

// consoleAsset serves /static/{file}.
func (s *Server) consoleAsset(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("file"), "/")
	a := s.console.assets[name]
	if a == nil || name == "index.html" || name == "admin.html" {
		s.notFound(c)
		return
	}
	s.console.serve(c, a, http.StatusOK)
}

// notFoundPage tells a person in a browser that the page does not exist.
func (cs *console) notFoundPage(c *gin.Context) {
	cs.serve(c, cs.assets["404.html"], http.StatusNotFound)
	c.Abort()
}
