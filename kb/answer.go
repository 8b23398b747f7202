package kb

// Question is one question as a channel hands it to the engine.
type Question struct {
	Text    string
	Channel string // "web", "wechat", "cli"
	User    string // channel's user id (already hashed where it is personal)
	Session string // follow-up questions are read against earlier ones in the same session
}

// Kind says what sort of reply an Answer is.
type Kind string

// The kinds of reply.
const (
	KindAnswer   Kind = "answer"   // answered from a clause
	KindRefusal  Kind = "refusal"  // the guidelines do not cover the question
	KindGreeting Kind = "greeting" // greetings, thanks, "who are you": a help text
	KindEmpty    Kind = "empty"    // no words to work with ("？？？")
)

// Answer is the answer object, the same from the CLI and the web API (see
// docs/ARCHITECTURE.md). Citations[0] is the source when Answered; when not,
// Citations holds suggestions, possibly none.
type Answer struct {
	Answered   bool       `json:"answered"`
	Text       string     `json:"answer"`
	Confidence float64    `json:"confidence"`
	Citations  []Citation `json:"citations"`
	Kind       Kind       `json:"kind"`
	Notice     string     `json:"notice,omitempty"`
	Revision   int64      `json:"revision,omitempty"`
	// ID identifies the logged question (for feedback); empty when no
	// question log is configured.
	ID string `json:"id,omitempty"`
}

// Citation points at one clause: the source of an answer or a suggestion.
// Quote is verbatim text of the clause.
type Citation struct {
	Doc      string `json:"doc"`
	DocTitle string `json:"doc_title"`
	DocShort string `json:"doc_short_title,omitempty"` // for tight screens (WeChat)
	Clause   string `json:"clause"`
	Label    string `json:"label"`
	Title    string `json:"title"`
	Text     string `json:"text"`
	Quote    string `json:"quote"`
	Ref      string `json:"citation"` // 《title》label, for reading back to a caller
}
