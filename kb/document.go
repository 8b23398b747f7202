package kb

import (
	"strings"
)

// Status is the legal status of a document.
type Status string

// The statuses a document can have. Clauses of a repealed document are never
// cited as answers; answers from a revised one carry a notice.
const (
	StatusCurrent  Status = "现行"
	StatusRevised  Status = "修订"
	StatusRepealed Status = "废止"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	return s == StatusCurrent || s == StatusRevised || s == StatusRepealed
}

// Document is one guideline with its metadata and clauses. Fields the source
// does not state stay empty rather than guessed.
type Document struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	ShortTitle string `json:"short_title,omitempty"`
	Number     string `json:"number,omitempty"` // 文号
	Issuer     string `json:"issuer,omitempty"`
	Year       int    `json:"year,omitempty"`
	Status     Status `json:"status"`
	Source     string `json:"source,omitempty"`
	// Clauses are in document order; a parent comes before its children.
	Clauses []Clause `json:"clauses"`
}

// Clause is one numbered part of a document.
//
// ID is the numbering path in Arabic digits ("0" preamble, "1", "1.2",
// "1.2.3"); Label is the original numbering as printed ("一、（二）3.");
// Title is the heading where the source has one. Label, Title and Text keep
// the document's own characters: they are what people are shown and quoted.
type Clause struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Clause returns the clause with the given id, or false.
func (d *Document) Clause(id string) (Clause, bool) {
	for _, c := range d.Clauses {
		if c.ID == id {
			return c, true
		}
	}
	return Clause{}, false
}

// Children returns the direct children of the clause id ("" for top level),
// in document order.
func (d *Document) Children(id string) []Clause {
	var out []Clause
	for _, c := range d.Clauses {
		if ParentID(c.ID) == id {
			out = append(out, c)
		}
	}
	return out
}

// Citation is the human-readable citation of clause c in d, e.g.
// 《2017年广州市财政投资信息化项目建设内容指引》一、（二）3.
func (d *Document) Citation(c Clause) string {
	return "《" + d.Title + "》" + c.Label
}

// DisplayTitle is the short title where one is set, else the full title.
func (d *Document) DisplayTitle() string {
	if d.ShortTitle != "" {
		return d.ShortTitle
	}
	return d.Title
}

// ParentID returns the id of the clause's parent: "1.2" for "1.2.3", "" for a
// top-level clause such as "1" or the preamble "0".
func ParentID(id string) string {
	i := strings.LastIndexByte(id, '.')
	if i < 0 {
		return ""
	}
	return id[:i]
}

// Depth is the clause's level: 1 for "1", 3 for "1.2.3".
func Depth(id string) int {
	return strings.Count(id, ".") + 1
}
