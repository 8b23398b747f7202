package kb

import "zhiyin/nlp"

// FAQ is a knowledge editor's entry: how people ask about a clause. The
// standard question and the similar questions are phrased the way unit staff
// ask, in their everyday words; they are searched alongside the clause text.
type FAQ struct {
	ID       string   `json:"id"`
	Doc      string   `json:"doc"`
	Clauses  []string `json:"clauses"` // clause ids in Doc; the first is the main one
	Question string   `json:"question"`
	Similar  []string `json:"similar,omitempty"`
}

// Lexicon is the editor-maintained vocabulary: domain words the segmenter must
// keep whole, and groups of words people use for the same thing.
type Lexicon struct {
	Words    []nlp.Word         `json:"words"`
	Synonyms []nlp.SynonymGroup `json:"synonyms"`
}

// Knowledge is a whole knowledge base at one moment: what an index
// generation is built from.
type Knowledge struct {
	Documents []Document `json:"documents"`
	FAQs      []FAQ      `json:"faqs"`
	Lexicon   Lexicon    `json:"lexicon"`
}

// Document returns the document with the given id, or nil.
func (k *Knowledge) Document(id string) *Document {
	for i := range k.Documents {
		if k.Documents[i].ID == id {
			return &k.Documents[i]
		}
	}
	return nil
}
