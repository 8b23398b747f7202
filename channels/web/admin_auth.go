package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"zhiyin/kb"
)

// Authentication of the admin API. Two credentials are accepted:
//
//   - Authorization: Bearer ZHIYIN_ADMIN_TOKEN (while one is configured),
//     for automation and the first login: it acts as an admin named "token".
//   - the session cookie set by POST /api/v1/admin/login, for the console.
//     Browsers send cookies by themselves, so a cookie-authenticated write
//     must also pass http.CrossOriginProtection (Sec-Fetch-Site / Origin):
//     another site cannot make a logged-in editor's browser change anything.
//     A bearer token is never sent by a browser on its own and needs no
//     such check.

const (
	sessionCookie = "zhiyin_session"
	actorKey      = "zhiyin.actor"
	roleKey       = "zhiyin.role"
	// bcryptCost is bcrypt's default: about 50–100 ms a login on the
	// machines this runs on, which the login rate limit makes affordable.
	bcryptCost      = bcrypt.DefaultCost
	minPasswordLen  = 10
	defaultTokenUse = "token"
)

// adminAuth holds what authentication needs beyond the store.
type adminAuth struct {
	token  []byte // sha256 of ZHIYIN_ADMIN_TOKEN; nil when none is set
	csrf   *http.CrossOriginProtection
	logins *limiter // per client address
	dummy  []byte   // a hash compared against for unknown users: same timing
	once   sync.Once
}

func newAdminAuth(token string) *adminAuth {
	a := &adminAuth{csrf: http.NewCrossOriginProtection(), logins: newLimiter(5.0/60, 5)}
	if token != "" {
		h := sha256.Sum256([]byte(token))
		a.token = h[:]
	}
	return a
}

func (a *adminAuth) dummyHash() []byte {
	a.once.Do(func() {
		a.dummy, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), bcryptCost)
	})
	return a.dummy
}

// tokenOK compares a bearer token with the configured one in constant time
// (both hashed first, so the length does not leak either).
func (a *adminAuth) tokenOK(got string) bool {
	if a.token == nil {
		return false
	}
	h := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(h[:], a.token) == 1
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// requireRole authenticates the request and checks its role: 401 without
// valid credentials, 403 for too small a role or a cross-origin
// cookie-authenticated write.
func (s *Server) requireRole(need kb.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		user, err := s.authenticate(c)
		if err != nil {
			s.writeError(c, err)
			return
		}
		if !user.Role.Allows(need) {
			s.writeError(c, kb.Errorf(kb.CodeForbidden, "权限不足：需要%s角色", roleName(need)))
			return
		}
		c.Set(actorKey, user.Name)
		c.Set(roleKey, user.Role)
		c.Next()
	}
}

func (s *Server) authenticate(c *gin.Context) (kb.User, error) {
	a := s.admin
	if h := c.GetHeader("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !a.tokenOK(strings.TrimSpace(tok)) {
			c.Header("WWW-Authenticate", `Bearer realm="zhiyin-admin"`)
			return kb.User{}, kb.Errorf(kb.CodeUnauthorized, "管理令牌无效")
		}
		return kb.User{Name: defaultTokenUse, Role: kb.RoleAdmin}, nil
	}
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck == "" || len(ck) > 200 {
		c.Header("WWW-Authenticate", `Bearer realm="zhiyin-admin"`)
		return kb.User{}, kb.Errorf(kb.CodeUnauthorized, "请先登录")
	}
	if err := a.csrf.Check(c.Request); err != nil {
		return kb.User{}, kb.WrapError(kb.CodeForbidden, err, "跨站请求被拒绝")
	}
	u, err := s.cfg.Admin.Store.SessionUser(c.Request.Context(), hashToken(ck), s.now())
	if err != nil {
		if kb.ErrorCode(err) == kb.CodeUnauthorized {
			return kb.User{}, err
		}
		return kb.User{}, kb.WrapError(kb.CodeUnavailable, err, "暂时无法验证登录，请稍后再试")
	}
	return u, nil
}

func roleName(r kb.Role) string {
	switch r {
	case kb.RoleAdmin:
		return "管理员"
	case kb.RoleEditor:
		return "编辑"
	}
	return "查看者"
}

// actor is who the request is from, for the audit log.
func actor(c *gin.Context) kb.Actor {
	return kb.Actor{Name: c.GetString(actorKey), Remote: c.ClientIP()}
}

func (s *Server) now() time.Time {
	if s.cfg.Admin != nil && s.cfg.Admin.Now != nil {
		return s.cfg.Admin.Now()
	}
	return time.Now()
}

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// login checks a name and password and sets the session cookie:
// POST /api/v1/admin/login. Attempts are limited per client address.
func (s *Server) login(c *gin.Context) {
	if ok, wait := s.admin.logins.allow(c.ClientIP()); !ok {
		c.Header("Retry-After", retryAfter(wait))
		s.writeError(c, kb.Errorf(kb.CodeRateLimited, "登录尝试过于频繁，请稍后再试"))
		return
	}
	if err := s.admin.csrf.Check(c.Request); err != nil {
		s.writeError(c, kb.WrapError(kb.CodeForbidden, err, "跨站请求被拒绝"))
		return
	}
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	store := s.cfg.Admin.Store
	u, hash, err := store.UserHash(ctx, req.Name)
	if err != nil && kb.ErrorCode(err) != kb.CodeNotFound {
		s.writeError(c, kb.WrapError(kb.CodeUnavailable, err, "暂时无法登录，请稍后再试"))
		return
	}
	if hash == nil {
		hash = s.admin.dummyHash()
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(req.Password)) != nil || err != nil {
		_ = store.Audit(ctx, kb.AuditEntry{Actor: clipName(req.Name), Remote: c.ClientIP(), Action: "login.failed"})
		s.writeError(c, kb.Errorf(kb.CodeUnauthorized, "用户名或密码错误"))
		return
	}
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	tok := hex.EncodeToString(b[:])
	ttl := s.cfg.Admin.SessionTTL
	if ttl <= 0 {
		ttl = 12 * time.Hour
	}
	if err := store.CreateSession(ctx, hashToken(tok), u.Name, s.now().Add(ttl)); err != nil {
		s.writeError(c, err)
		return
	}
	_ = store.Audit(ctx, kb.AuditEntry{Actor: u.Name, Remote: c.ClientIP(), Action: "login"})
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: tok, Path: "/api/v1/admin", MaxAge: int(ttl.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Request.TLS != nil,
	})
	c.JSON(http.StatusOK, u)
}

func clipName(s string) string {
	if len(s) > 64 || !utf8.ValidString(s) {
		return "(invalid)"
	}
	return s
}

// logout ends the session: POST /api/v1/admin/logout.
func (s *Server) logout(c *gin.Context) {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck != "" {
		if err := s.cfg.Admin.Store.DeleteSession(c.Request.Context(), hashToken(ck)); err != nil {
			s.writeError(c, err)
			return
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Path: "/api/v1/admin", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	c.Status(http.StatusNoContent)
}

// me returns who is logged in: GET /api/v1/admin/me.
func (s *Server) me(c *gin.Context) {
	c.JSON(http.StatusOK, kb.User{Name: c.GetString(actorKey), Role: c.MustGet(roleKey).(kb.Role)})
}

type userRequest struct {
	Name     string  `json:"name"`
	Role     kb.Role `json:"role"`
	Password string  `json:"password"`
}

func (s *Server) listUsers(c *gin.Context) {
	us, err := s.cfg.Admin.Store.Users(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"users": us})
}

// createUser adds a named user: POST /api/v1/admin/users.
func (s *Server) createUser(c *gin.Context) {
	var req userRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	switch {
	case req.Name == "" || len(req.Name) > 64 || strings.ContainsAny(req.Name, " /\x00") || req.Name == defaultTokenUse:
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "用户名无效"))
		return
	case !req.Role.Valid():
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "角色必须是 admin、editor 或 viewer"))
		return
	case utf8.RuneCountInString(req.Password) < minPasswordLen || len(req.Password) > 72:
		// bcrypt reads at most 72 bytes.
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "密码长度应为 %d 到 72 个字符", minPasswordLen))
		return
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(req.Password), bcryptCost)
	if err != nil {
		s.writeError(c, err)
		return
	}
	u := kb.User{Name: req.Name, Role: req.Role, Created: s.now()}
	if err := s.cfg.Admin.Store.CreateUser(c.Request.Context(), u, hash, actor(c)); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, u)
}

func (s *Server) deleteUser(c *gin.Context) {
	if err := s.cfg.Admin.Store.DeleteUser(c.Request.Context(), c.Param("name"), actor(c)); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// auditLog returns the latest audit entries: GET /api/v1/admin/audit.
func (s *Server) auditLog(c *gin.Context) {
	es, err := s.cfg.Admin.Store.AuditLog(c.Request.Context(), queryLimit(c, 200))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"entries": es})
}
