package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// Admin handlers for FAQ entries.

func (s *Server) adminFAQs(c *gin.Context) {
	items, err := s.cfg.Admin.Store.FAQs(c.Request.Context())
	sendVersionedList(s, c, "faqs", items, err)
}

func (s *Server) adminFAQ(c *gin.Context) {
	f, err := s.cfg.Admin.Store.FAQ(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sendVersioned(c, http.StatusOK, f)
}

func validFAQ(f kb.FAQ) error {
	if f.ID == "" || len(f.ID) > 100 || strings.ContainsAny(f.ID, "/#?% \x00") {
		return kb.Errorf(kb.CodeInvalid, "问答编号无效")
	}
	if f.Doc == "" || len(f.Clauses) == 0 {
		return kb.Errorf(kb.CodeInvalid, "问答必须给出文件（doc）和至少一个条款（clauses）")
	}
	if strings.TrimSpace(f.Question) == "" {
		return kb.Errorf(kb.CodeInvalid, "问答缺少标准问题（question）")
	}
	errs := []error{checkText("question", f.Question, 200)}
	for _, q := range f.Similar {
		errs = append(errs, checkText("similar", q, 200))
	}
	return errors.Join(errs...)
}

// createFAQ: POST /api/v1/admin/faqs.
func (s *Server) createFAQ(c *gin.Context) {
	putItem(s, c, nil, validFAQ, s.cfg.Admin.Store.PutFAQ)
}

// updateFAQ: PUT /api/v1/admin/faqs/{id} with If-Match.
func (s *Server) updateFAQ(c *gin.Context) {
	putItem(s, c, func(f *kb.FAQ) { f.ID = c.Param("id") }, validFAQ, s.cfg.Admin.Store.PutFAQ)
}

func (s *Server) deleteFAQ(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.cfg.Admin.Store.DeleteFAQ(c.Request.Context(), c.Param("id"), ver, actor(c)); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
