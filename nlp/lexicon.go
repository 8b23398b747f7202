package nlp

// Word is a dictionary entry: a word the segmenter should keep whole, with a
// frequency (higher wins when cuts compete) and an optional part of speech.
type Word struct {
	Text string `json:"text"`
	Freq int    `json:"freq,omitempty"`
	POS  string `json:"pos,omitempty"`
}

// SynonymGroup is a set of words that mean the same thing in the guidelines'
// context: the formal term first, then the everyday words people use for it.
type SynonymGroup []string
