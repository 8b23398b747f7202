package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// Admin handlers for lexicon.

func (s *Server) adminWords(c *gin.Context) {
	items, err := s.cfg.Admin.Store.Words(c.Request.Context())
	sendVersionedList(s, c, "words", items, err)
}

func (s *Server) adminWord(c *gin.Context) {
	w, err := s.cfg.Admin.Store.Word(c.Request.Context(), c.Param("word"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sendVersioned(c, http.StatusOK, w)
}

func validWord(w kb.LexiconWord) error {
	if strings.TrimSpace(w.Text) == "" || strings.ContainsAny(w.Text, " \t\n/\x00") || w.Freq < 0 {
		return kb.Errorf(kb.CodeInvalid, "词条无效：应为一个不含空格的词")
	}
	return checkText("text", w.Text, 30)
}

func (s *Server) createWord(c *gin.Context) {
	putItem(s, c, nil, validWord, s.cfg.Admin.Store.PutWord)
}

func (s *Server) updateWord(c *gin.Context) {
	putItem(s, c, func(w *kb.LexiconWord) { w.Text = c.Param("word") }, validWord, s.cfg.Admin.Store.PutWord)
}

func (s *Server) deleteWord(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.cfg.Admin.Store.DeleteWord(c.Request.Context(), c.Param("word"), ver, actor(c)); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) adminSynonyms(c *gin.Context) {
	items, err := s.cfg.Admin.Store.Synonyms(c.Request.Context())
	sendVersionedList(s, c, "synonyms", items, err)
}

func synonymID(c *gin.Context) (int64, error) {
	n, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, kb.Errorf(kb.CodeNotFound, "没有找到同义词组 %s", c.Param("id"))
	}
	return n, nil
}

func (s *Server) adminSynonym(c *gin.Context) {
	id, err := synonymID(c)
	if err == nil {
		var x kb.Versioned[kb.SynonymEntry]
		if x, err = s.cfg.Admin.Store.Synonym(c.Request.Context(), id); err == nil {
			sendVersioned(c, http.StatusOK, x)
			return
		}
	}
	s.writeError(c, err)
}

func validSynonym(x kb.SynonymEntry) error {
	if len(x.Words) < 2 {
		return kb.Errorf(kb.CodeInvalid, "同义词组至少要有两个词")
	}
	for _, w := range x.Words {
		if err := validWord(kb.LexiconWord{Text: w}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) createSynonym(c *gin.Context) {
	var x kb.SynonymEntry
	if err := decodeJSON(c, &x); err != nil {
		s.writeError(c, err)
		return
	}
	x.ID = 0
	if err := validSynonym(x); err != nil {
		s.writeError(c, err)
		return
	}
	x, v, err := s.cfg.Admin.Store.PutSynonym(c.Request.Context(), x, 0, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/admin/lexicon/synonyms/%d", x.ID))
	sendVersioned(c, http.StatusCreated, kb.Versioned[kb.SynonymEntry]{Item: x, Version: v})
}

func (s *Server) updateSynonym(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	id, err := synonymID(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var x kb.SynonymEntry
	if err := decodeJSON(c, &x); err != nil {
		s.writeError(c, err)
		return
	}
	x.ID = id
	if err := validSynonym(x); err != nil {
		s.writeError(c, err)
		return
	}
	x, v, err := s.cfg.Admin.Store.PutSynonym(c.Request.Context(), x, ver, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sendVersioned(c, http.StatusOK, kb.Versioned[kb.SynonymEntry]{Item: x, Version: v})
}

func (s *Server) deleteSynonym(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	id, err := synonymID(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.cfg.Admin.Store.DeleteSynonym(c.Request.Context(), id, ver, actor(c)); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type addClauseRequest struct {
	Parent string `json:"parent"`
	Title  string `json:"title"`
	Text   string `json:"text"`
}

// addClause appends a clause to the draft: POST
// /api/v1/admin/documents/{doc}/clauses {"parent","title","text"}. Its id
// and label are the next free number under parent.
func (s *Server) addClause(c *gin.Context) {
	var req addClauseRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if err := errors.Join(checkText("title", req.Title, 200), checkText("text", req.Text, 5000)); err != nil {
		s.writeError(c, err)
		return
	}
	doc := c.Param("doc")
	cl, err := s.cfg.Admin.Store.AddClause(c.Request.Context(), doc, req.Parent, req.Title, req.Text, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/admin/documents/"+doc+"/clauses/"+cl.Item.ID)
	sendVersioned(c, http.StatusCreated, cl)
}

// deleteClause removes a clause with no children and no FAQ entry
// pointing at it: DELETE /api/v1/admin/documents/{doc}/clauses/{clause}.
func (s *Server) deleteClause(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.cfg.Admin.Store.DeleteClause(c.Request.Context(), c.Param("doc"), c.Param("clause"), ver, actor(c)); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
