package kb

// Span is a piece of a text, marked when it matches the search. Channels
// render spans as text (never as HTML), so highlighting cannot inject markup.
type Span struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

// SearchHit is one clause found by a browsing search.
type SearchHit struct {
	Doc      string  `json:"doc"`
	DocTitle string  `json:"doc_title"`
	Clause   string  `json:"clause"`
	Label    string  `json:"label"`
	Title    string  `json:"title"`
	Ref      string  `json:"citation"`
	Score    float64 `json:"score"`
	// Text is the clause text cut into spans with the matches marked.
	Text []Span `json:"text"`
	// TitleSpans is the title with the matches marked.
	TitleSpans []Span `json:"title_spans,omitempty"`
}

// ClauseView is one clause with its place in the document.
type ClauseView struct {
	Doc      string   `json:"doc"`
	DocTitle string   `json:"doc_title"`
	Clause   Clause   `json:"clause"`
	Ref      string   `json:"citation"`
	Parent   *Clause  `json:"parent,omitempty"`
	Prev     *Clause  `json:"prev,omitempty"`
	Next     *Clause  `json:"next,omitempty"`
	Children []Clause `json:"children,omitempty"`
}
