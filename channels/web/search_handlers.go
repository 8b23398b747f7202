package web

import (
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// maxSearchLimit bounds how many hits one search returns.
const maxSearchLimit = 100

type searchResponse struct {
	Query string         `json:"query"`
	Hits  []kb.SearchHit `json:"hits"`
}

// search finds clauses for browsing, with the matches marked as spans:
// GET /api/v1/search?q=…[&limit=20][&doc=ID].
func (s *Server) search(c *gin.Context) {
	eng, ok := s.ready(c)
	if !ok {
		return
	}
	q, err := queryText(c, "q")
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := kb.ValidateQuestion(q); err != nil {
		// kb's message speaks of a question; a search box wants its own.
		msg := "请输入要搜索的内容"
		if utf8.RuneCountInString(q) > kb.MaxQuestionRunes {
			msg = fmt.Sprintf("搜索内容太长了，请精简到 %d 字以内", kb.MaxQuestionRunes)
		}
		s.writeError(c, kb.WrapError(kb.CodeInvalid, err, msg))
		return
	}
	doc, err := queryText(c, "doc")
	if err != nil {
		s.writeError(c, err)
		return
	}
	limit := 20
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSearchLimit {
			s.writeError(c, kb.Errorf(kb.CodeInvalid, "参数 limit 应为 1 到 %d 之间的整数", maxSearchLimit))
			return
		}
		limit = n
	}
	want := limit
	if doc != "" {
		want = maxSearchLimit // filtered below: fetch enough to fill the page
	}
	hits, err := eng.Search(c.Request.Context(), q, want)
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := make([]kb.SearchHit, 0, len(hits))
	for _, h := range hits {
		if doc != "" && h.Doc != doc {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, h)
	}
	c.JSON(http.StatusOK, searchResponse{Query: q, Hits: out})
}
