package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// documentView is a document's metadata and, in the detail view, its
// clauses as a tree.
type documentView struct {
	ID         string        `json:"id"`
	Title      string        `json:"title"`
	ShortTitle string        `json:"short_title,omitempty"`
	Number     string        `json:"number,omitempty"`
	Issuer     string        `json:"issuer,omitempty"`
	Year       int           `json:"year,omitempty"`
	Status     kb.Status     `json:"status"`
	Source     string        `json:"source,omitempty"`
	Clauses    []*clauseNode `json:"clauses,omitempty"`
}

// clauseNode is one clause of the tree with its children in document order.
type clauseNode struct {
	ID       string        `json:"id"`
	Label    string        `json:"label"`
	Title    string        `json:"title"`
	Text     string        `json:"text"`
	Ref      string        `json:"citation"`
	Children []*clauseNode `json:"children,omitempty"`
}

func viewOf(d kb.Document) documentView {
	return documentView{
		ID: d.ID, Title: d.Title, ShortTitle: d.ShortTitle, Number: d.Number,
		Issuer: d.Issuer, Year: d.Year, Status: d.Status, Source: d.Source,
	}
}

// clauseTree nests the clauses under their parents (kb.ParentID). A clause
// whose parent is missing stays at the top level rather than disappear.
func clauseTree(d kb.Document) []*clauseNode {
	nodes := make(map[string]*clauseNode, len(d.Clauses))
	var roots []*clauseNode
	for _, c := range d.Clauses {
		n := &clauseNode{ID: c.ID, Label: c.Label, Title: c.Title, Text: c.Text, Ref: d.Citation(c)}
		nodes[c.ID] = n
		// Clauses come in document order, parents first, so the parent of
		// a clause is already there if the document has it.
		if p := nodes[kb.ParentID(c.ID)]; p != nil && kb.ParentID(c.ID) != "" {
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	if roots == nil {
		roots = []*clauseNode{}
	}
	return roots
}

// documents lists the documents served: GET /api/v1/documents.
func (s *Server) documents(c *gin.Context) {
	eng, ok := s.ready(c)
	if !ok {
		return
	}
	docs := eng.Documents()
	out := make([]documentView, 0, len(docs))
	for _, d := range docs {
		out = append(out, viewOf(d))
	}
	c.JSON(http.StatusOK, gin.H{"documents": out, "revision": eng.Revision()})
}

// document returns one document with its clause tree:
// GET /api/v1/documents/{doc}.
func (s *Server) document(c *gin.Context) {
	eng, ok := s.ready(c)
	if !ok {
		return
	}
	id, err := pathID(c, "doc")
	if err != nil {
		s.writeError(c, err)
		return
	}
	d, err := eng.Document(id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	v := viewOf(d)
	v.Clauses = clauseTree(d)
	c.JSON(http.StatusOK, v)
}

// clause returns one clause with its citation and neighbours:
// GET /api/v1/documents/{doc}/clauses/{clause}.
func (s *Server) clause(c *gin.Context) {
	eng, ok := s.ready(c)
	if !ok {
		return
	}
	doc, err := pathID(c, "doc")
	if err != nil {
		s.writeError(c, err)
		return
	}
	id, err := pathID(c, "clause")
	if err != nil {
		s.writeError(c, err)
		return
	}
	v, err := eng.Clause(doc, id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
