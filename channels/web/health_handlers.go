package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// healthz says the process is alive: GET /healthz. It needs nothing loaded.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz says whether questions can be answered: GET /readyz is 200 once
// the dictionary and the index are loaded, 503 before that and while the
// server shuts down.
func (s *Server) readyz(c *gin.Context) {
	if s.draining.Load() {
		s.writeError(c, kb.Errorf(kb.CodeUnavailable, "服务正在停止"))
		return
	}
	eng, ok := s.ready(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready", "revision": eng.Revision()})
}
