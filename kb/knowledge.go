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
	// Negatives are questions editors marked as out of scope: a question
	// that reads like one of them is refused even when its words match a
	// clause.
	Negatives []Negative `json:"negatives,omitempty"`
}

// Negative is a question an editor marked as one the guidelines do not
// answer (from the unanswered-question queue), so that such questions stay
// refused.
type Negative struct {
	ID       string `json:"id"`
	Question string `json:"question"`
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
