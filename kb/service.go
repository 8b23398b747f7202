package kb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"time"
)

// MaxQuestionRunes is the longest question accepted, in characters.
const MaxQuestionRunes = 500

// Options configures a Service. The zero value of every field but Index is
// usable.
type Options struct {
	// Index builds each generation's search index (bleveindex.Build).
	Index IndexBuilder
	// Log records questions; nil records nothing.
	Log QuestionLog
	// SessionTTL is how long a session's last question is kept for
	// follow-ups (default 30 minutes); MaxSessions bounds how many are kept
	// (default 20,000).
	SessionTTL  time.Duration
	MaxSessions int
	// Now returns the current time (default time.Now); tests set it.
	Now func() time.Time
}

// Service answers questions from the current generation of the knowledge
// base. It is safe for concurrent use; Publish swaps in a new generation
// while questions keep being answered from the old one.
type Service struct {
	opts     Options
	gen      atomic.Pointer[generation]
	sessions *sessions
}

// NewService builds the first generation from k. It returns an error when
// the lexicon or the index cannot be built.
func NewService(ctx context.Context, k Knowledge, rev int64, opts Options) (*Service, error) {
	if opts.Index == nil {
		return nil, fmt.Errorf("kb: no index builder")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 30 * time.Minute
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = 20_000
	}
	s := &Service{opts: opts, sessions: newSessions(opts.MaxSessions, opts.SessionTTL)}
	g, err := buildGeneration(ctx, k, rev, opts.Index)
	if err != nil {
		return nil, err
	}
	s.gen.Store(g)
	return s, nil
}

// Publish builds a generation from k and swaps it in atomically. Questions
// asked meanwhile are answered from the old generation; the old one is
// closed once the questions using it are done.
func (s *Service) Publish(ctx context.Context, k Knowledge, rev int64) error {
	g, err := buildGeneration(ctx, k, rev, s.opts.Index)
	if err != nil {
		return err
	}
	old := s.gen.Swap(g)
	if old != nil {
		old.retire()
	}
	return nil
}

// Close closes the current generation.
func (s *Service) Close() error {
	if g := s.gen.Load(); g != nil {
		g.retire()
	}
	return nil
}

// Revision returns the revision of the knowledge base being served.
func (s *Service) Revision() int64 { return s.gen.Load().rev }

// acquire returns the current generation, held for reading until release,
// or false once the service is closed.
func (s *Service) acquire() (*generation, bool) {
	for {
		g := s.gen.Load()
		if g.hold() {
			return g, true
		}
		if s.gen.Load() == g {
			return nil, false // retired and not replaced: closed
		}
		// Retired by a publish between Load and hold: the next Load sees
		// its successor.
	}
}

// errClosed is what a closed service answers.
var errClosed = Errorf(CodeUnavailable, "服务正在关闭，请稍后再试")

// Ask answers q. It returns a CodeInvalid error for an empty or over-long
// question; a question with no letters ("？？？") is answered with
// Answered=false.
func (s *Service) Ask(ctx context.Context, q Question) (Answer, error) {
	start := s.opts.Now()
	if err := ValidateQuestion(q.Text); err != nil {
		return Answer{}, err
	}
	if err := ctx.Err(); err != nil {
		return Answer{}, WrapError(CodeUnavailable, err, "请求已取消")
	}
	g, ok := s.acquire()
	if !ok {
		return Answer{}, errClosed
	}
	defer g.release()
	var prev *turn
	if q.Session != "" {
		prev = s.sessions.get(q.Session)
	}
	a, t := g.answer(q.Text, prev)
	a.Revision = g.rev
	if q.Session != "" {
		s.sessions.put(q.Session, t)
	}
	if s.opts.Log != nil {
		a.ID = newID()
		e := LogEntry{
			ID: a.ID, Time: start, Channel: q.Channel, User: q.User, Session: q.Session,
			Question: q.Text, Answered: a.Answered, Kind: a.Kind, Confidence: a.Confidence,
			LatencyMS: float64(s.opts.Now().Sub(start).Microseconds()) / 1000, Revision: g.rev,
		}
		if a.Answered && len(a.Citations) > 0 {
			e.Doc, e.Clause = a.Citations[0].Doc, a.Citations[0].Clause
		}
		s.opts.Log.Record(e)
	}
	return a, nil
}

// ValidateQuestion returns a CodeInvalid error, with a message for end
// users, when text is empty, blank, or longer than MaxQuestionRunes.
func ValidateQuestion(text string) error {
	return validateText(text, "问题不能为空，请输入您要咨询的问题", "问题太长了（%d 字），请精简到 %d 字以内")
}

func validateText(text, emptyMsg, longMsg string) error {
	n := 0
	blank := true
	for _, r := range text {
		n++
		if !isBlank(r) {
			blank = false
		}
	}
	if blank {
		return Errorf(CodeInvalid, "%s", emptyMsg)
	}
	if n > MaxQuestionRunes {
		return Errorf(CodeInvalid, longMsg, n, MaxQuestionRunes)
	}
	return nil
}

// newID returns a question id: 24 hex digits, the first 12 the time in
// milliseconds and the rest random. Ids that rise with time land on the last
// pages of the question log's primary-key index, where random ids wrote a
// different page for every question (a third of logging's cost, measured
// in kb/sqlite's BenchmarkLogRecord); 48 random bits keep ids of the same
// millisecond apart.
func newID() string {
	var b [12]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	_, _ = rand.Read(b[6:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
