package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// Admin handlers for clauses.

func (s *Server) adminClause(c *gin.Context) {
	cl, err := s.cfg.Admin.Store.Clause(c.Request.Context(), c.Param("doc"), c.Param("clause"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sendVersioned(c, http.StatusOK, cl)
}

type clauseRequest struct {
	Title *string `json:"title"`
	Text  *string `json:"text"`
}

// updateClause changes a clause's title and text in the draft: PUT
// /api/v1/admin/documents/{doc}/clauses/{clause} with If-Match, body
// {"title": …, "text": …}.
func (s *Server) updateClause(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var req clauseRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if req.Text == nil {
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "缺少 text 字段"))
		return
	}
	title := ""
	if req.Title != nil {
		title = *req.Title
	}
	if err := errors.Join(checkText("title", title, 200), checkText("text", *req.Text, 5000)); err != nil {
		s.writeError(c, err)
		return
	}
	doc, id := c.Param("doc"), c.Param("clause")
	v, err := s.cfg.Admin.Store.UpdateClause(c.Request.Context(), doc, id, title, *req.Text, ver, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	cl, err := s.cfg.Admin.Store.Clause(c.Request.Context(), doc, id)
	if err != nil || cl.Version != v {
		// Changed again meanwhile: answer with what this request wrote.
		cl = kb.Versioned[kb.Clause]{Item: kb.Clause{ID: id, Title: title, Text: *req.Text}, Version: v}
	}
	sendVersioned(c, http.StatusOK, cl)
}
