package kb

import (
	"context"
	"time"
	"unicode/utf8"
)

// LogEntry is one asked question as the question log keeps it.
type LogEntry struct {
	ID         string    `json:"id"`
	Time       time.Time `json:"time"`
	Channel    string    `json:"channel"`
	User       string    `json:"user,omitempty"` // already hashed by the channel
	Session    string    `json:"session,omitempty"`
	Question   string    `json:"question"`
	Answered   bool      `json:"answered"`
	Kind       Kind      `json:"kind"`
	Confidence float64   `json:"confidence"`
	Doc        string    `json:"doc,omitempty"`    // cited document, if any
	Clause     string    `json:"clause,omitempty"` // cited clause, if any
	LatencyMS  float64   `json:"latency_ms"`
	Revision   int64     `json:"revision,omitempty"`
}

// Feedback is a person's verdict on one answer.
type Feedback struct {
	ID      string    `json:"id"`
	Helpful bool      `json:"helpful"`
	Comment string    `json:"comment,omitempty"`
	Time    time.Time `json:"time"`
}

// MaxCommentRunes bounds a feedback comment, in characters.
const MaxCommentRunes = 1000

// ValidateFeedback returns a CodeInvalid error, with a message for end
// users, when the comment is over MaxCommentRunes; every question log
// checks it before storing feedback.
func ValidateFeedback(f Feedback) error {
	if utf8.RuneCountInString(f.Comment) > MaxCommentRunes {
		return Errorf(CodeInvalid, "反馈意见太长了，请精简到 %d 字以内", MaxCommentRunes)
	}
	return nil
}

// QuestionLog records questions and feedback. Record must not block the
// question: implementations buffer and write off the request path.
type QuestionLog interface {
	// Record queues e for writing; it never fails the question.
	Record(e LogEntry)
	// Feedback stores f. It accepts any id Record was given, even before
	// the entry reaches the disk; an id never recorded gives CodeNotFound.
	Feedback(ctx context.Context, f Feedback) error
}
