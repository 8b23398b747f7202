package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// Channel is the channel name the web API gives its questions.
const Channel = "web"

type askRequest struct {
	Question *string `json:"question"`
	Session  string  `json:"session"`
}

// askResponse is the answer object plus the session the question was read
// in (a new one when the request named none), so the console can send
// follow-ups.
type askResponse struct {
	kb.Answer
	Session string `json:"session"`
}

// ask answers one question: POST /api/v1/ask.
func (s *Server) ask(c *gin.Context) {
	eng, ok := s.ready(c)
	if !ok {
		return
	}
	var req askRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if req.Question == nil {
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "缺少 question 字段：请输入您要咨询的问题"))
		return
	}
	if req.Session == "" {
		req.Session = newSessionID()
	} else if !validToken(req.Session, 64) {
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "session 格式不正确：最多 64 个字母、数字或 ._:- 字符"))
		return
	}
	a, err := eng.Ask(c.Request.Context(), kb.Question{
		Text: *req.Question, Channel: Channel, User: s.clientHash(c), Session: req.Session,
	})
	if err != nil {
		s.writeError(c, err)
		return
	}
	if a.Citations == nil {
		a.Citations = []kb.Citation{} // the contract promises a list
	}
	c.JSON(http.StatusOK, askResponse{Answer: a, Session: req.Session})
}

func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// clientHash identifies the asking client in the question log without
// storing its address: a salted hash, with a salt that lives only as long as
// the process.
func (s *Server) clientHash(c *gin.Context) string {
	h := sha256.New()
	h.Write(s.salt[:])
	h.Write([]byte(c.ClientIP()))
	return "web:" + hex.EncodeToString(h.Sum(nil)[:8])
}
