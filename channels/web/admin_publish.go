package web

import (
	"context"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// drafts shows what a publish would change: GET /api/v1/admin/drafts.
func (s *Server) drafts(c *gin.Context) {
	ch, err := s.cfg.Admin.Store.Drafts(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	if ch == nil {
		ch = []kb.Change{}
	}
	c.JSON(http.StatusOK, gin.H{"revision": s.servedRevision(), "changes": ch})
}

func (s *Server) servedRevision() int64 {
	if eng := s.cfg.Engine(); eng != nil {
		return eng.Revision()
	}
	return 0
}

type publishRequest struct {
	Message string `json:"message"`
}

// publish makes the draft a revision and serves it: POST
// /api/v1/admin/publish {"message": …}. The new generation is built before
// the revision is committed, so a draft that cannot be served (a lexicon the
// segmenter refuses) is never stored as a revision.
func (s *Server) publish(c *gin.Context) {
	var req publishRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if !utf8.ValidString(req.Message) || utf8.RuneCountInString(req.Message) > 500 {
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "发布说明不能超过 500 字"))
		return
	}
	s.runPublish(c, func(ctx context.Context, build func(kb.Knowledge, int64) error) (kb.Revision, error) {
		return s.cfg.Admin.Store.Publish(ctx, actor(c), req.Message, build)
	})
}

// restore publishes an earlier revision again, as a new revision: POST
// /api/v1/admin/revisions/{n}/restore.
func (s *Server) restore(c *gin.Context) {
	n, err := strconv.ParseInt(c.Param("n"), 10, 64)
	if err != nil || n <= 0 {
		s.writeError(c, kb.Errorf(kb.CodeNotFound, "没有找到该版本"))
		return
	}
	s.runPublish(c, func(ctx context.Context, build func(kb.Knowledge, int64) error) (kb.Revision, error) {
		return s.cfg.Admin.Store.Restore(ctx, n, actor(c), "", build)
	})
}

func (s *Server) runPublish(c *gin.Context, do func(context.Context, func(kb.Knowledge, int64) error) (kb.Revision, error)) {
	if s.cfg.Engine() == nil {
		c.Header("Retry-After", "5")
		s.writeError(c, kb.Errorf(kb.CodeUnavailable, "服务正在启动，请稍后再试"))
		return
	}
	s.adminState.publishMu.Lock()
	defer s.adminState.publishMu.Unlock()
	// A publish is not cancelled by the client going away: it ends as a
	// whole or not at all.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), publishTimeout)
	defer cancel()
	swapped := false
	rev, err := do(ctx, func(k kb.Knowledge, n int64) error {
		if err := s.cfg.Admin.Publish(ctx, k, n); err != nil {
			return kb.WrapError(kb.CodeInvalid, err, "无法生成新的知识库版本："+err.Error())
		}
		swapped = true
		return nil
	})
	if err != nil && swapped {
		// Serving a revision that was not committed: go back to the
		// latest one that was.
		if k, n, perr := s.cfg.Admin.Store.Published(ctx); perr == nil {
			if perr := s.cfg.Admin.Publish(ctx, k, n); perr != nil {
				s.log.Error("admin: restore the served revision after a failed publish", "err", perr)
			}
		}
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, rev)
}

// revisions lists the revisions, newest first: GET /api/v1/admin/revisions.
func (s *Server) revisions(c *gin.Context) {
	rs, err := s.cfg.Admin.Store.Revisions(c.Request.Context(), queryLimit(c, 100))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"revision": s.servedRevision(), "revisions": rs})
}
