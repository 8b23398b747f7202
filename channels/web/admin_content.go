package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// AdminConfig turns on the admin API under /api/v1/admin.
type AdminConfig struct {
	// Store keeps the knowledge base, its history, users and audit log.
	Store kb.Store
	// Review keeps the unanswered-question loop (the question log, the
	// editors' resolutions) and the dashboard's figures; nil leaves the
	// review, impact-free stats routes answering 503.
	Review kb.ReviewStore
	// Try answers a question from a throwaway generation built from k (the
	// draft): the editors' "try it" box. Nil leaves it answering 503.
	Try func(ctx context.Context, k kb.Knowledge, question string) (kb.Answer, error)
	// Token, when set, is an admin credential (Authorization: Bearer).
	Token string
	// Publish serves a new generation of the knowledge base (kb.Service.Publish).
	Publish func(ctx context.Context, k kb.Knowledge, rev int64) error
	// Import parses an uploaded guideline (raw extracted text or Markdown)
	// into a document, with warnings an editor should check.
	Import func(name string, data []byte) (kb.Document, []string, error)
	// SessionTTL is how long a console login lasts (default 12 hours).
	SessionTTL time.Duration
	// Now returns the current time (default time.Now); tests set it.
	Now func() time.Time
}

// MaxUploadBytes bounds an uploaded document.
const MaxUploadBytes = 4 << 20

// publishTimeout bounds a publish, which must not stop half-way because the
// client went away.
const publishTimeout = 5 * time.Minute

// adminState is what the admin handlers share besides the config.
type adminState struct {
	publishMu sync.Mutex // one publish at a time: generations follow revisions
}

// etag is the ETag of an item's version.
func etag(v int64) string { return `"` + strconv.FormatInt(v, 10) + `"` }

// ifMatch returns the version an If-Match header names: CodePrecondition
// (428) when there is none, CodeStale (412) when it names no version.
func ifMatch(c *gin.Context) (int64, error) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" {
		return 0, kb.Errorf(kb.CodePrecondition, "缺少 If-Match 请求头：请先获取内容及其 ETag，再带上 ETag 修改")
	}
	h = strings.TrimPrefix(h, "W/")
	if n, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64); err == nil && n > 0 {
		return n, nil
	}
	return 0, kb.Errorf(kb.CodeStale, "If-Match 与当前版本不符，请重新获取后再修改")
}

func queryLimit(c *gin.Context, def int) int {
	if n, err := strconv.Atoi(c.Query("limit")); err == nil && n > 0 && n <= 1000 {
		return n
	}
	return def
}

func sendVersioned[T any](c *gin.Context, status int, v kb.Versioned[T]) {
	c.Header("ETag", etag(v.Version))
	c.JSON(status, v.Item)
}

// checkText refuses text that cannot be stored or shown.
func checkText(field, s string, max int) error {
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return kb.Errorf(kb.CodeInvalid, "%s 含有无效字符", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return kb.Errorf(kb.CodeInvalid, "%s 太长（%d 字），不能超过 %d 字", field, n, max)
	}
	return nil
}

// --- documents ---

func (s *Server) adminDocuments(c *gin.Context) {
	ds, err := s.cfg.Admin.Store.Documents(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	type docVersion struct {
		kb.Document
		ETag string `json:"etag"`
	}
	out := make([]docVersion, 0, len(ds))
	for _, d := range ds {
		out = append(out, docVersion{d.Item, etag(d.Version)})
	}
	c.JSON(http.StatusOK, gin.H{"documents": out})
}

func (s *Server) adminDocument(c *gin.Context) {
	d, err := s.cfg.Admin.Store.Document(c.Request.Context(), c.Param("doc"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sendVersioned(c, http.StatusOK, d)
}

// importResult is the answer to an upload: the parsed tree and what an
// editor should check.
type importResult struct {
	Document kb.Document `json:"document"`
	Warnings []string    `json:"warnings"`
	Saved    bool        `json:"saved"`
}

// createDocument imports an uploaded guideline: POST
// /api/v1/admin/documents?id=ID&status=现行[&dry_run=1], body the raw text or
// Markdown. A dry run returns the parsed tree without saving; a structural
// error is a 400 naming the line.
func (s *Server) createDocument(c *gin.Context) {
	r := c.Request
	if r.ContentLength > MaxUploadBytes {
		s.writeError(c, kb.Errorf(kb.CodeTooLarge, "上传的文件太大，不能超过 %d MB", MaxUploadBytes>>20))
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, r.Body, MaxUploadBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.writeError(c, kb.Errorf(kb.CodeTooLarge, "上传的文件太大，不能超过 %d MB", MaxUploadBytes>>20))
			return
		}
		s.writeError(c, kb.WrapError(kb.CodeInvalid, err, "上传内容读取失败"))
		return
	}
	if s.cfg.Admin.Import == nil {
		s.writeError(c, kb.Errorf(kb.CodeUnavailable, "文件导入暂不可用"))
		return
	}
	doc, warnings, err := s.cfg.Admin.Import("upload", data)
	if err != nil {
		s.writeError(c, kb.WrapError(kb.CodeInvalid, err, "文件结构有误："+err.Error()))
		return
	}
	if id := c.Query("id"); id != "" {
		doc.ID = id
	}
	if st := c.Query("status"); st != "" {
		doc.Status = kb.Status(st)
	}
	if doc.Status == "" {
		doc.Status = kb.StatusCurrent
	}
	if warnings == nil {
		warnings = []string{}
	}
	if err := validDocument(doc); err != nil {
		if c.Query("dry_run") != "" {
			warnings = append(warnings, kb.ErrorMessage(err))
			c.JSON(http.StatusOK, importResult{Document: doc, Warnings: warnings})
			return
		}
		s.writeError(c, err)
		return
	}
	if c.Query("dry_run") != "" {
		c.JSON(http.StatusOK, importResult{Document: doc, Warnings: warnings})
		return
	}
	v, err := s.cfg.Admin.Store.CreateDocument(r.Context(), doc, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("ETag", etag(v))
	c.Header("Location", "/api/v1/admin/documents/"+doc.ID)
	c.JSON(http.StatusCreated, importResult{Document: doc, Warnings: warnings, Saved: true})
}

func validDocument(d kb.Document) error {
	switch {
	case d.ID == "" || len(d.ID) > 100 || strings.ContainsAny(d.ID, "/#?% \x00") || !utf8.ValidString(d.ID):
		return kb.Errorf(kb.CodeInvalid, "文件编号无效：请用 ?id= 给出（字母、数字和连字符）")
	case strings.TrimSpace(d.Title) == "":
		return kb.Errorf(kb.CodeInvalid, "文件缺少标题")
	case !d.Status.Valid():
		return kb.Errorf(kb.CodeInvalid, "文件状态必须是 现行、修订 或 废止")
	case len(d.Clauses) == 0:
		return kb.Errorf(kb.CodeInvalid, "文件没有条款")
	}
	return checkText("标题", d.Title, 500)
}

type documentMeta struct {
	Title      *string    `json:"title"`
	ShortTitle *string    `json:"short_title"`
	Number     *string    `json:"number"`
	Issuer     *string    `json:"issuer"`
	Year       *int       `json:"year"`
	Status     *kb.Status `json:"status"`
	Source     *string    `json:"source"`
}

// updateDocument changes metadata (fields left out keep their value):
// PUT /api/v1/admin/documents/{doc} with If-Match.
func (s *Server) updateDocument(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var req documentMeta
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	cur, err := s.cfg.Admin.Store.Document(ctx, c.Param("doc"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	d := cur.Item
	for _, f := range []struct {
		p   *string
		dst *string
	}{{req.Title, &d.Title}, {req.ShortTitle, &d.ShortTitle}, {req.Number, &d.Number}, {req.Issuer, &d.Issuer}, {req.Source, &d.Source}} {
		if f.p != nil {
			*f.dst = *f.p
		}
	}
	if req.Year != nil {
		d.Year = *req.Year
	}
	if req.Status != nil {
		d.Status = *req.Status
	}
	if err := validDocument(d); err != nil {
		s.writeError(c, err)
		return
	}
	v, err := s.cfg.Admin.Store.UpdateDocument(ctx, d, ver, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	d.Clauses = nil
	sendVersioned(c, http.StatusOK, kb.Versioned[kb.Document]{Item: d, Version: v})
}

func (s *Server) deleteDocument(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.cfg.Admin.Store.DeleteDocument(c.Request.Context(), c.Param("doc"), ver, actor(c)); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// --- clauses ---

func (s *Server) adminClause(c *gin.Context) {
	cl, err := s.cfg.Admin.Store.Clause(c.Request.Context(), c.Param("doc"), c.Param("clause"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sendVersioned(c, http.StatusOK, cl)
}

type clauseRequest struct {
	Title *string `json:"title"`
	Text  *string `json:"text"`
}

// updateClause changes a clause's title and text in the draft: PUT
// /api/v1/admin/documents/{doc}/clauses/{clause} with If-Match, body
// {"title": …, "text": …}.
func (s *Server) updateClause(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var req clauseRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if req.Text == nil {
		s.writeError(c, kb.Errorf(kb.CodeInvalid, "缺少 text 字段"))
		return
	}
	title := ""
	if req.Title != nil {
		title = *req.Title
	}
	if err := errors.Join(checkText("title", title, 200), checkText("text", *req.Text, 5000)); err != nil {
		s.writeError(c, err)
		return
	}
	doc, id := c.Param("doc"), c.Param("clause")
	v, err := s.cfg.Admin.Store.UpdateClause(c.Request.Context(), doc, id, title, *req.Text, ver, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	cl, err := s.cfg.Admin.Store.Clause(c.Request.Context(), doc, id)
	if err != nil || cl.Version != v {
		// Changed again meanwhile: answer with what this request wrote.
		cl = kb.Versioned[kb.Clause]{Item: kb.Clause{ID: id, Title: title, Text: *req.Text}, Version: v}
	}
	sendVersioned(c, http.StatusOK, cl)
}

// --- FAQ entries ---

func (s *Server) adminFAQs(c *gin.Context) {
	fs, err := s.cfg.Admin.Store.FAQs(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	type faqVersion struct {
		kb.FAQ
		ETag string `json:"etag"`
	}
	out := make([]faqVersion, 0, len(fs))
	for _, f := range fs {
		out = append(out, faqVersion{f.Item, etag(f.Version)})
	}
	c.JSON(http.StatusOK, gin.H{"faqs": out})
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
	var f kb.FAQ
	if err := decodeJSON(c, &f); err != nil {
		s.writeError(c, err)
		return
	}
	if err := validFAQ(f); err != nil {
		s.writeError(c, err)
		return
	}
	v, err := s.cfg.Admin.Store.PutFAQ(c.Request.Context(), f, 0, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sendVersioned(c, http.StatusCreated, kb.Versioned[kb.FAQ]{Item: f, Version: v})
}

// updateFAQ: PUT /api/v1/admin/faqs/{id} with If-Match.
func (s *Server) updateFAQ(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var f kb.FAQ
	if err := decodeJSON(c, &f); err != nil {
		s.writeError(c, err)
		return
	}
	f.ID = c.Param("id")
	if err := validFAQ(f); err != nil {
		s.writeError(c, err)
		return
	}
	v, err := s.cfg.Admin.Store.PutFAQ(c.Request.Context(), f, ver, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sendVersioned(c, http.StatusOK, kb.Versioned[kb.FAQ]{Item: f, Version: v})
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

// --- lexicon ---

func (s *Server) adminWords(c *gin.Context) {
	ws, err := s.cfg.Admin.Store.Words(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	type wordVersion struct {
		kb.LexiconWord
		ETag string `json:"etag"`
	}
	out := make([]wordVersion, 0, len(ws))
	for _, w := range ws {
		out = append(out, wordVersion{w.Item, etag(w.Version)})
	}
	c.JSON(http.StatusOK, gin.H{"words": out})
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
	var w kb.LexiconWord
	if err := decodeJSON(c, &w); err != nil {
		s.writeError(c, err)
		return
	}
	if err := validWord(w); err != nil {
		s.writeError(c, err)
		return
	}
	v, err := s.cfg.Admin.Store.PutWord(c.Request.Context(), w, 0, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sendVersioned(c, http.StatusCreated, kb.Versioned[kb.LexiconWord]{Item: w, Version: v})
}

func (s *Server) updateWord(c *gin.Context) {
	ver, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var w kb.LexiconWord
	if err := decodeJSON(c, &w); err != nil {
		s.writeError(c, err)
		return
	}
	w.Text = c.Param("word")
	if err := validWord(w); err != nil {
		s.writeError(c, err)
		return
	}
	v, err := s.cfg.Admin.Store.PutWord(c.Request.Context(), w, ver, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sendVersioned(c, http.StatusOK, kb.Versioned[kb.LexiconWord]{Item: w, Version: v})
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
	ss, err := s.cfg.Admin.Store.Synonyms(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	type synVersion struct {
		kb.SynonymEntry
		ETag string `json:"etag"`
	}
	out := make([]synVersion, 0, len(ss))
	for _, x := range ss {
		out = append(out, synVersion{x.Item, etag(x.Version)})
	}
	c.JSON(http.StatusOK, gin.H{"synonyms": out})
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
