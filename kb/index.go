package kb

import (
	"context"

	"zhiyin/nlp"
)

// IndexDoc is one clause as the search index sees it.
type IndexDoc struct {
	Key      string   // ClauseKey(doc, clause)
	Doc      string   // document id
	Clause   string   // clause id
	DocTitle string   // document title
	Label    string   // clause label
	Title    string   // clause heading
	Text     string   // clause text
	FAQ      []string // the FAQ questions (standard and similar) linked to it
	// Terms are the analysed terms of Title, Text and FAQ (in that order,
	// stop words included, as nlp's SearchTokens gives them), joined by
	// TermSep: kb has segmented the text already, and an index that takes
	// these instead of segmenting it again builds twice as fast and indexes
	// exactly the terms kb reads. Empty when there are none.
	Terms string
}

// TermSep separates IndexDoc.Terms: a control character, which
// normalisation removes from every term.
const TermSep = "\x1f"

// QueryTerm is one normalised term of a query with its weight.
type QueryTerm struct {
	Term  string
	Boost float64
}

// IndexHit is one clause found by the index.
type IndexHit struct {
	Key   string
	Score float64
}

// Index finds clauses for a set of weighted terms (any of them may match).
// Implementations are safe for concurrent use.
type Index interface {
	Search(ctx context.Context, terms []QueryTerm, limit int) ([]IndexHit, error)
	Close() error
}

// IndexBuilder builds an Index over docs, analysing text with an (the
// generation's own segmenter: a lexicon change builds a new one).
type IndexBuilder func(ctx context.Context, docs []IndexDoc, an *nlp.Analyzer) (Index, error)

// ClauseKey is the index key of a clause: "gz-2017-it-guideline#1.2.3".
func ClauseKey(doc, clause string) string { return doc + "#" + clause }
