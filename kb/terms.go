package kb

import (
	"slices"
	"strings"
)

// A generation numbers every term of its clauses and FAQ questions (int32
// ids, in the order first seen) and keeps each clause's vocabulary, each
// sentence's terms and each FAQ question's terms as a sorted slice of ids.
//
// Why not map[string]bool per clause: a map of a few dozen strings costs
// ~2–4 KB and is most of a generation's memory at scale (tens of GiB for a
// million clauses), and hashing strings is most of the cost of comparing a
// question with twenty candidates. A sorted []int32 is 4 bytes a term, and a
// question is compared with it through a dense table indexed by id (see
// matcher), one array read per term.

// noTerm is the id of a question term no clause or FAQ question contains.
const noTerm int32 = -1

// idSet is a sorted set of term ids without repeats.
type idSet []int32

// has reports whether the set contains id.
func (s idSet) has(id int32) bool {
	if id < 0 {
		return false
	}
	_, ok := slices.BinarySearch(s, id)
	return ok
}

// intern returns the id of term, numbering it if it is new. Only the
// generation's build calls it: afterwards the dictionary is read-only and
// questions look terms up with idOf.
func (g *generation) intern(term string) int32 {
	if id, ok := g.ids[term]; ok {
		return id
	}
	// A term is a piece of its clause's normalised text: copied, so that
	// the dictionary does not keep whole texts alive.
	term = strings.Clone(term)
	id := int32(len(g.names))
	g.ids[term] = id
	g.names = append(g.names, term)
	return id
}

// idOf returns the id of term, or noTerm.
func (g *generation) idOf(term string) int32 {
	if id, ok := g.ids[term]; ok {
		return id
	}
	return noTerm
}

// textHas reports whether some clause's text or title has the term id: an
// FAQ question alone does not make a word the guideline's.
func (g *generation) textHas(id int32) bool {
	return id != noTerm && g.inText[id]
}

// idsOf returns the ids of the words the generation knows; words it does not
// know can match nothing and are left out.
func (g *generation) idsOf(words []string) []int32 {
	var out []int32
	for _, w := range words {
		if id := g.idOf(w); id != noTerm {
			out = append(out, id)
		}
	}
	return out
}

// sortSet sorts ids and drops repeats, in place.
func sortSet(ids []int32) idSet {
	slices.Sort(ids)
	return slices.Clip(slices.Compact(ids))
}

// minus returns the ids of s that other lacks (nil when none), in a new
// slice.
func (s idSet) minus(other idSet) idSet {
	var out idSet
	for _, id := range s {
		if !other.has(id) {
			out = append(out, id)
		}
	}
	return out
}
