package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// termer is the part of an engine that segments text into content terms
// (kb.Service), used to group near-duplicate questions.
type termer interface {
	ContentTerms(text string) []string
}

// reviewQueue builds the queue: the logged questions that need an editor,
// grouped, with their resolutions.
func (s *Server) reviewQueue(ctx context.Context, days int, low float64) ([]kb.ReviewItem, error) {
	rs := s.cfg.Admin.Review
	since := s.adminNow().AddDate(0, 0, -days)
	qs, err := rs.ReviewQuestions(ctx, since, low, 0)
	if err != nil {
		return nil, err
	}
	res, err := rs.Resolutions(ctx)
	if err != nil {
		return nil, err
	}
	var terms func(string) []string
	if t, ok := s.cfg.Engine().(termer); ok {
		terms = t.ContentTerms
	}
	items := kb.GroupReview(qs, terms, res)
	var published time.Time
	if revs, err := s.cfg.Admin.Store.Revisions(ctx, 1); err == nil && len(revs) > 0 {
		published = revs[0].Time
	}
	for i := range items {
		if r := items[i].Resolution; r != nil && r.Action != kb.ActionDismiss {
			r.Pending = !published.After(r.Time)
		}
	}
	return items, nil
}

func (s *Server) adminNow() time.Time {
	if s.cfg.Admin.Now != nil {
		return s.cfg.Admin.Now()
	}
	return time.Now()
}

func queryInt(c *gin.Context, name string, def, max int) int {
	if n, err := strconv.Atoi(c.Query(name)); err == nil && n > 0 && n <= max {
		return n
	}
	return def
}

// review lists the queue: GET /api/v1/admin/review[?status=open|resolved|all]
// [&days=90][&low=0.6][&limit=200].
func (s *Server) review(c *gin.Context) {
	low := kb.LowConfidence
	if v := c.Query("low"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			s.writeError(c, kb.Errorf(kb.CodeInvalid, "low 应为 0 到 1 之间的数"))
			return
		}
		low = f
	}
	status := c.DefaultQuery("status", "all")
	if status != "open" && status != "resolved" && status != "all" {
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "status 应为 open、resolved 或 all"))
		return
	}
	days := queryInt(c, "days", 90, 3660)
	items, err := s.reviewQueue(c.Request.Context(), days, low)
	if err != nil {
		s.writeError(c, err)
		return
	}
	limit := queryLimit(c, 200)
	out := make([]kb.ReviewItem, 0, min(len(items), limit))
	open := 0
	for _, it := range items {
		if it.Resolution == nil {
			open++
		}
		if (status == "open" && it.Resolution != nil) || (status == "resolved" && it.Resolution == nil) || len(out) >= limit {
			continue
		}
		out = append(out, it)
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "open": open, "total": len(items), "threshold": low, "days": days})
}

type resolveRequest struct {
	Key    string `json:"key"`
	Action string `json:"action"`
	Doc    string `json:"doc"`
	Clause string `json:"clause"`
}

// resolveReview resolves a queue item: POST /api/v1/admin/review/resolve
// {"key","action":"link"|"out_of_scope"|"dismiss","doc","clause"}. It
// changes the draft; the next publish serves it.
func (s *Server) resolveReview(c *gin.Context) {
	var req resolveRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	for _, f := range []struct{ name, v string }{{"key", req.Key}, {"doc", req.Doc}, {"clause", req.Clause}} {
		if err := checkText(f.name, f.v, 500); err != nil {
			s.writeError(c, err)
			return
		}
	}
	if req.Action == kb.ActionLink && (req.Doc == "" || req.Clause == "") {
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "关联条款时须指明文件（doc）和条款（clause）"))
		return
	}
	ctx := c.Request.Context()
	key := strings.TrimSpace(req.Key)
	var item *kb.ReviewItem
	// The queue as the editor saw it by default; failing that, with every
	// answered question too (the editor may have raised the threshold).
	for _, low := range []float64{kb.LowConfidence, 1.01} {
		items, err := s.reviewQueue(ctx, 3660, low)
		if err != nil {
			s.writeError(c, err)
			return
		}
		for i := range items {
			if slices.Contains(items[i].Keys, key) {
				item = &items[i]
			}
		}
		if item != nil {
			break
		}
	}
	if item == nil {
		s.writeError(c, kb.Errorf(kb.CodeNotFound, "待处理问题中没有这一条"))
		return
	}
	if utf8.RuneCountInString(item.Question) > kb.MaxQuestionRunes {
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "问题太长，无法加入问答"))
		return
	}
	r, err := s.cfg.Admin.Review.Resolve(ctx, item.Keys, item.Question,
		kb.Resolution{Action: req.Action, Doc: req.Doc, Clause: req.Clause}, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	if r.Action != kb.ActionDismiss {
		r.Pending = true
	}
	item.Resolution = &r
	c.JSON(http.StatusOK, item)
}

// impact lists the clauses whose draft differs from the published text,
// with the FAQ entries linked to each: GET /api/v1/admin/impact.
func (s *Server) impact(c *gin.Context) {
	ctx := c.Request.Context()
	pub, _, err := s.cfg.Admin.Store.Published(ctx)
	if err != nil && kb.ErrorCode(err) != kb.CodeNotFound {
		s.writeError(c, err)
		return
	}
	work, err := s.cfg.Admin.Store.Working(ctx)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": kb.Impact(pub, work)})
}

// stats sums up the question log for the dashboard: GET
// /api/v1/admin/stats[?days=30].
func (s *Server) stats(c *gin.Context) {
	ctx := c.Request.Context()
	days := queryInt(c, "days", 30, 3660)
	st, err := s.cfg.Admin.Review.Stats(ctx, s.adminNow().AddDate(0, 0, -days))
	if err != nil {
		s.writeError(c, err)
		return
	}
	items, err := s.reviewQueue(ctx, days, kb.LowConfidence)
	if err != nil {
		s.writeError(c, err)
		return
	}
	top := []kb.ReviewItem{}
	for _, it := range items {
		if it.Resolution == nil && len(top) < 10 {
			top = append(top, it)
		}
	}
	c.JSON(http.StatusOK, gin.H{"days": days, "stats": st, "top_unanswered": top})
}

// needReview answers 503 when the server has no review store.
func (s *Server) needReview(c *gin.Context) {
	if s.cfg.Admin.Review == nil {
		s.writeError(c, kb.Errorf(kb.CodeUnavailable, "问题日志未启用"))
		c.Abort()
	}
}

type textRequest struct {
	Question string `json:"question"`
	Text     string `json:"text"`
}

// tryDraft answers a question from the draft, not the served revision:
// POST /api/v1/admin/try {"question"}.
func (s *Server) tryDraft(c *gin.Context) {
	var req textRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if err := kb.ValidateQuestion(req.Question); err != nil {
		s.writeError(c, err)
		return
	}
	if s.cfg.Admin.Try == nil {
		s.writeError(c, kb.Errorf(kb.CodeUnavailable, "试答功能未启用"))
		return
	}
	ctx := c.Request.Context()
	work, err := s.cfg.Admin.Store.Working(ctx)
	if err != nil {
		s.writeError(c, err)
		return
	}
	a, err := s.cfg.Admin.Try(ctx, work, req.Question)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

// segment shows how the draft lexicon cuts a sentence: POST
// /api/v1/admin/segment {"text"}.
func (s *Server) segment(c *gin.Context) {
	var req textRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if err := checkText("text", req.Text, kb.MaxQuestionRunes); err != nil {
		s.writeError(c, err)
		return
	}
	work, err := s.cfg.Admin.Store.Working(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	toks, err := kb.Segment(work, req.Text)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"text": req.Text, "tokens": toks})
}
