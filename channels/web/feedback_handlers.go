package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

type feedbackRequest struct {
	ID      *string `json:"id"`
	Helpful *bool   `json:"helpful"`
	Comment string  `json:"comment"`
}

type feedbackResponse struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

// feedback stores a verdict on an answer: POST /api/v1/feedback. It answers
// 202: the feedback is queued for the log, not yet on disk.
func (s *Server) feedback(c *gin.Context) {
	if s.cfg.Feedback == nil {
		s.writeError(c, kb.Errorf(kb.CodeUnavailable, "反馈功能暂不可用"))
		return
	}
	var req feedbackRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if req.ID == nil || *req.ID == "" {
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "缺少 id 字段：请给出要反馈的回答编号"))
		return
	}
	if req.Helpful == nil {
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "缺少 helpful 字段：请说明回答是否有帮助（true 或 false）"))
		return
	}
	err := s.cfg.Feedback.Feedback(c.Request.Context(), kb.Feedback{ID: *req.ID, Helpful: *req.Helpful, Comment: req.Comment})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, feedbackResponse{ID: *req.ID, Status: "accepted", Message: "已收到反馈，谢谢"})
}
