package nlp

import "strconv"

// Synonyms maps each word to the other words of its groups. Expansion
// happens in our own code, at query time: Bleve's synonym sources silently
// drop multi-token terms, and our groups hold phrases such as 远程登录.
type Synonyms struct {
	alts   map[string][]string
	groups map[string][]string // word -> the group tokens of its groups
}

// NewSynonyms builds the lookup from editor-maintained groups. Words are
// normalised; a word in several groups gets the union of their members.
func NewSynonyms(groups []SynonymGroup) *Synonyms {
	s := &Synonyms{alts: map[string][]string{}, groups: map[string][]string{}}
	for i, g := range groups {
		norm := make([]string, 0, len(g))
		for _, w := range g {
			if n := Normalize(w); n != "" {
				norm = append(norm, n)
			}
		}
		tok := GroupTokenPrefix + strconv.Itoa(i)
		for _, w := range norm {
			if !contains(s.groups[w], tok) {
				s.groups[w] = append(s.groups[w], tok)
			}
			for _, o := range norm {
				if o != w && !contains(s.alts[w], o) {
					s.alts[w] = append(s.alts[w], o)
				}
			}
		}
	}
	return s
}

// Of returns the other words of term's groups, or nil.
func (s *Synonyms) Of(term string) []string {
	if s == nil {
		return nil
	}
	return s.alts[term]
}

// GroupTokenPrefix starts a group token: a control character, which
// normalisation removes from every word, so no word is ever one.
const GroupTokenPrefix = "\x1e"

// Groups returns the group tokens of term's groups, or nil: one token per
// group, the same for every word of the group. An index that indexes a
// word's group tokens beside the word finds all its synonyms with one term
// query instead of one per synonym.
func (s *Synonyms) Groups(term string) []string {
	if s == nil {
		return nil
	}
	return s.groups[term]
}

// Words lists every word that appears in a group: the segmenter must keep
// them whole.
func (s *Synonyms) Words() []string {
	out := make([]string, 0, len(s.alts))
	for w := range s.alts {
		out = append(out, w)
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
