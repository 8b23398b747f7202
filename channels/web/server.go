// Package web is Zhiyin's HTTP channel: the public JSON API under /api/v1,
// the health and metrics endpoints, and the help-desk console (plain
// HTML/CSS/JS embedded in the binary, for intranets with no internet).
//
// The package depends on kb through the small interfaces it declares
// (Engine, FeedbackStore); gin types stay inside it. The engine is obtained
// through a func that returns nil until the knowledge base is loaded, so the
// server can listen at once and answer /healthz while the index is built.
package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// Engine is what the web channel needs of the answering service
// (*kb.Service implements it).
type Engine interface {
	Ask(ctx context.Context, q kb.Question) (kb.Answer, error)
	Documents() []kb.Document
	Document(id string) (kb.Document, error)
	Clause(doc, clause string) (kb.ClauseView, error)
	Search(ctx context.Context, query string, limit int) ([]kb.SearchHit, error)
	Revision() int64
}

// FeedbackStore stores people's verdicts on answers (kb.QuestionLog
// implements it).
type FeedbackStore interface {
	Feedback(ctx context.Context, f kb.Feedback) error
}

// Mount is another channel's handler served beside the API, such as the
// WeChat callback. It answers GET and POST at Path.
type Mount struct {
	Path    string
	Handler http.Handler
}

// Config is what a Server is built from.
type Config struct {
	// Engine returns the answering service, or nil while it is loading.
	Engine func() Engine
	// Feedback stores feedback; nil makes the feedback endpoint answer 503.
	Feedback FeedbackStore
	// Logger receives one line per request and every server-side error.
	Logger *slog.Logger
	// Version and Revision label zhiyin_build_info (the release's -ldflags
	// values); empty ones are taken from the build information Go embeds.
	Version, Revision string
	// RateLimit is the requests per second allowed per client on the POST
	// endpoints (burst twice that); 0 turns limiting off.
	RateLimit float64
	// TrustedProxies are the CIDRs (or addresses) of reverse proxies whose
	// X-Forwarded-For is believed. Requests from anywhere else are known by
	// their own address.
	TrustedProxies []string
	// Mounts are served as they are, outside /api.
	Mounts []Mount
	// Admin turns on the admin API under /api/v1/admin; nil leaves it out.
	Admin *AdminConfig
	// Shed bounds the concurrent work of the answering endpoints (loadshed.go).
	Shed ShedConfig
}

// gin's debug mode prints every route and warnings to stdout; the mode is
// process-wide, so it is set once here rather than in New.
func init() { gin.SetMode(gin.ReleaseMode) }

// Server is the web channel: an http.Handler.
type Server struct {
	cfg      Config
	log      *slog.Logger
	engine   *gin.Engine
	metrics  *metrics
	limiter  *limiter // nil when rate limiting is off
	shedder  *shedder // nil when load shedding is off
	console  *console
	salt     [16]byte // hashes client addresses into kb.Question.User
	draining atomic.Bool
	admin    *adminAuth // nil without Config.Admin
	adminState
}

// New builds the server. It returns an error for a malformed trusted proxy,
// a negative rate limit or a mount that clashes with the server's routes.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Engine == nil {
		cfg.Engine = func() Engine { return nil }
	}
	if cfg.RateLimit < 0 {
		return nil, fmt.Errorf("web: rate limit %v is negative", cfg.RateLimit)
	}
	s := &Server{cfg: cfg, log: cfg.Logger}
	_, _ = rand.Read(s.salt[:]) // crypto/rand.Read never fails on supported platforms
	var err error
	if s.console, err = newConsole(); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(s)
	s.shedder = newShedder(cfg.Shed, s.metrics.reg)
	if cfg.RateLimit > 0 {
		s.limiter = newLimiter(cfg.RateLimit, 2*cfg.RateLimit)
	}
	s.engine = gin.New()
	s.engine.HandleMethodNotAllowed = true
	s.engine.ContextWithFallback = true
	// gin trusts every proxy by default: anyone could then pick the address
	// the rate limiter sees by sending X-Forwarded-For.
	if err := s.engine.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("web: trusted proxies: %w", err)
	}
	if err := s.routes(); err != nil {
		return nil, err
	}
	return s, nil
}

// routes lists every route of the server.
func (s *Server) routes() error {
	e := s.engine
	e.Use(s.requestID, s.observe, s.recover, securityHeaders)
	e.NoRoute(s.notFound)
	e.NoMethod(s.methodNotAllowed)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metrics.handler)

	api := e.Group("/api/v1")
	api.POST("/ask", fairTurn, s.rateLimit, s.loadShed, s.ask)
	api.POST("/feedback", s.rateLimit, s.feedback)
	api.GET("/documents", s.documents)
	api.GET("/documents/:doc", s.document)
	api.GET("/documents/:doc/clauses/:clause", s.clause)
	api.GET("/search", fairTurn, s.loadShed, s.search)
	api.GET("/openapi.json", s.openAPI)

	if s.cfg.Admin != nil {
		s.admin = newAdminAuth(s.cfg.Admin.Token)
		viewer, editor, admin := s.requireRole(kb.RoleViewer), s.requireRole(kb.RoleEditor), s.requireRole(kb.RoleAdmin)
		adm := api.Group("/admin")
		adm.POST("/login", s.login)
		adm.POST("/logout", viewer, s.logout)
		adm.GET("/me", viewer, s.me)
		adm.GET("/users", admin, s.listUsers)
		adm.POST("/users", admin, s.createUser)
		adm.DELETE("/users/:name", admin, s.deleteUser)
		adm.GET("/audit", admin, s.auditLog)
		adm.GET("/documents", viewer, s.adminDocuments)
		adm.POST("/documents", editor, s.createDocument)
		adm.GET("/documents/:doc", viewer, s.adminDocument)
		adm.PUT("/documents/:doc", editor, s.updateDocument)
		adm.DELETE("/documents/:doc", editor, s.deleteDocument)
		adm.GET("/documents/:doc/clauses/:clause", viewer, s.adminClause)
		adm.PUT("/documents/:doc/clauses/:clause", editor, s.updateClause)
		adm.POST("/documents/:doc/clauses", editor, s.addClause)
		adm.DELETE("/documents/:doc/clauses/:clause", editor, s.deleteClause)
		adm.GET("/faqs", viewer, s.adminFAQs)
		adm.POST("/faqs", editor, s.createFAQ)
		adm.GET("/faqs/:id", viewer, s.adminFAQ)
		adm.PUT("/faqs/:id", editor, s.updateFAQ)
		adm.DELETE("/faqs/:id", editor, s.deleteFAQ)
		adm.GET("/lexicon/words", viewer, s.adminWords)
		adm.POST("/lexicon/words", editor, s.createWord)
		adm.GET("/lexicon/words/:word", viewer, s.adminWord)
		adm.PUT("/lexicon/words/:word", editor, s.updateWord)
		adm.DELETE("/lexicon/words/:word", editor, s.deleteWord)
		adm.GET("/lexicon/synonyms", viewer, s.adminSynonyms)
		adm.POST("/lexicon/synonyms", editor, s.createSynonym)
		adm.GET("/lexicon/synonyms/:id", viewer, s.adminSynonym)
		adm.PUT("/lexicon/synonyms/:id", editor, s.updateSynonym)
		adm.DELETE("/lexicon/synonyms/:id", editor, s.deleteSynonym)
		adm.GET("/drafts", viewer, s.drafts)
		adm.POST("/publish", editor, s.publish)
		adm.GET("/revisions", viewer, s.revisions)
		adm.POST("/revisions/:n/restore", editor, s.restore)
		adm.GET("/review", viewer, s.needReview, s.review)
		adm.POST("/review/resolve", editor, s.needReview, s.resolveReview)
		adm.GET("/stats", viewer, s.needReview, s.stats)
		adm.GET("/impact", viewer, s.impact)
		adm.POST("/try", editor, s.tryDraft)
		adm.POST("/segment", viewer, s.segment)
	}

	for _, p := range []string{"/", "/c/:doc/:clause"} {
		e.GET(p, s.consolePage)
		e.HEAD(p, s.consolePage)
	}
	e.GET("/admin", s.adminPage)
	e.HEAD("/admin", s.adminPage)
	e.GET("/static/*file", s.consoleAsset)
	e.HEAD("/static/*file", s.consoleAsset)

	for _, m := range s.cfg.Mounts {
		if err := s.mount(m); err != nil {
			return err
		}
	}
	return nil
}

// mount adds another channel's handler. gin panics on a path that clashes
// with an existing route; that is turned into an error here.
func (s *Server) mount(m Mount) (err error) {
	if m.Handler == nil {
		return nil
	}
	p := m.Path
	if !strings.HasPrefix(p, "/") || p == "/" || strings.ContainsAny(p, ":*") ||
		strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/c/") || strings.HasPrefix(p, "/static/") {
		return fmt.Errorf("web: cannot mount a handler at %q", p)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("web: mount %q: %v", p, r)
		}
	}()
	h := gin.WrapH(m.Handler)
	s.engine.GET(p, h)
	s.engine.POST(p, h)
	return nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.engine.ServeHTTP(w, r)
}

// Drain makes /readyz answer 503 so that load balancers stop sending new
// requests while the server shuts down; requests still arriving are served.
func (s *Server) Drain() { s.draining.Store(true) }

// ready returns the engine, or writes 503 and returns false while the
// knowledge base is loading.
func (s *Server) ready(c *gin.Context) (Engine, bool) {
	if eng := s.cfg.Engine(); eng != nil {
		return eng, true
	}
	c.Header("Retry-After", "5")
	s.writeError(c, kb.Errorf(kb.CodeUnavailable, "服务正在启动，请稍后再试"))
	return nil, false
}

// routeInfo lists the server's routes (method and gin path), for tests.
func (s *Server) routeInfo() gin.RoutesInfo { return s.engine.Routes() }
