package web

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// Admin handlers for documents.

func (s *Server) adminDocuments(c *gin.Context) {
	items, err := s.cfg.Admin.Store.Documents(c.Request.Context())
	sendVersionedList(s, c, "documents", items, err)
}

func (s *Server) adminDocument(c *gin.Context) {
	d, err := s.cfg.Admin.Store.Document(c.Request.Context(), c.Param("doc"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sendVersioned(c, http.StatusOK, d)
}

// importResult is the answer to an upload: the parsed tree and what an
// editor should check.
type importResult struct {
	Document kb.Document `json:"document"`
	Warnings []string    `json:"warnings"`
	Saved    bool        `json:"saved"`
}

// createDocument imports an uploaded guideline: POST
// /api/v1/admin/documents?id=ID&status=现行[&dry_run=1], body the raw text or
// Markdown. A dry run returns the parsed tree without saving; a structural
// error is a 400 naming the line.
func (s *Server) createDocument(c *gin.Context) {
	r := c.Request
	if r.ContentLength > MaxUploadBytes {
		s.writeError(c, kb.Errorf(kb.CodeTooLarge, "上传的文件太大，不能超过 %d MB", MaxUploadBytes>>20))
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, r.Body, MaxUploadBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.writeError(c, kb.Errorf(kb.CodeTooLarge, "上传的文件太大，不能超过 %d MB", MaxUploadBytes>>20))
			return
		}
		s.writeError(c, kb.WrapError(kb.CodeInvalid, err, "上传内容读取失败"))
		return
	}
	if s.cfg.Admin.Import == nil {
		s.writeError(c, kb.Errorf(kb.CodeUnavailable, "文件导入暂不可用"))
		return
	}
	doc, warnings, err := s.cfg.Admin.Import("upload", data)
	if err != nil {
		s.writeError(c, kb.WrapError(kb.CodeInvalid, err, "文件结构有误："+err.Error()))
		return
	}
	if id := c.Query("id"); id != "" {
		doc.ID = id
	}
	if st := c.Query("status"); st != "" {
		doc.Status = kb.Status(st)
	}
	if doc.Status == "" {
		doc.Status = kb.StatusCurrent
	}
	if warnings == nil {
		warnings = []string{}
	}
	if err := validDocument(doc); err != nil {
		if c.Query("dry_run") != "" {
			warnings = append(warnings, kb.ErrorMessage(err))
			c.JSON(http.StatusOK, importResult{Document: doc, Warnings: warnings})
			return
		}
		s.writeError(c, err)
		return
	}
	if c.Query("dry_run") != "" {
		c.JSON(http.StatusOK, importResult{Document: doc, Warnings: warnings})
		return
	}
	v, err := s.cfg.Admin.Store.CreateDocument(r.Context(), doc, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("ETag", etag(v))
	c.Header("Location", "/api/v1/admin/documents/"+doc.ID)
	c.JSON(http.StatusCreated, importResult{Document: doc, Warnings: warnings, Saved: true})
}

func validDocument(d kb.Document) error {
	switch {
	case d.ID == "" || len(d.ID) > 100 || strings.ContainsAny(d.ID, "/#?% \x00") || !utf8.ValidString(d.ID):
		return kb.Errorf(kb.CodeInvalid, "文件编号无效：请用 ?id= 给出（字母、数字和连字符）")
	case strings.TrimSpace(d.Title) == "":
		return kb.Errorf(kb.CodeInvalid, "文件缺少标题")
	case !d.Status.Valid():
		return kb.Errorf(kb.CodeInvalid, "文件状态必须是 现行、修订 或 废止")
	case len(d.Clauses) == 0:
		return kb.Errorf(kb.CodeInvalid, "文件没有条款")
	}
	return checkText("标题", d.Title, 500)
}

type documentMeta struct {
	Title      *string    `json:"title"`
	ShortTitle *string    `json:"short_title"`
	Number     *string    `json:"number"`
	Issuer     *string    `json:"issuer"`
	Year       *int       `json:"year"`
	Status     *kb.Status `json:"status"`
	Source     *string    `json:"source"`
}

// updateDocument changes metadata (fields left out keep their value):
// PUT /api/v1/admin/documents/{doc} with If-Match.
func (s *Server) updateDocument(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var req documentMeta
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	cur, err := s.cfg.Admin.Store.Document(ctx, c.Param("doc"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	d := cur.Item
	for _, f := range []struct {
		p   *string
		dst *string
	}{{req.Title, &d.Title}, {req.ShortTitle, &d.ShortTitle}, {req.Number, &d.Number}, {req.Issuer, &d.Issuer}, {req.Source, &d.Source}} {
		if f.p != nil {
			*f.dst = *f.p
		}
	}
	if req.Year != nil {
		d.Year = *req.Year
	}
	if req.Status != nil {
		d.Status = *req.Status
	}
	if err := validDocument(d); err != nil {
		s.writeError(c, err)
		return
	}
	v, err := s.cfg.Admin.Store.UpdateDocument(ctx, d, ver, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	d.Clauses = nil
	sendVersioned(c, http.StatusOK, kb.Versioned[kb.Document]{Item: d, Version: v})
}

func (s *Server) deleteDocument(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.cfg.Admin.Store.DeleteDocument(c.Request.Context(), c.Param("doc"), ver, actor(c)); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
