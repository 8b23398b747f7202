package nlp

import "sync"

// scratch holds the working buffers of normalising and segmenting one text.
// Questions are read many times a second, and allocating these afresh for
// each was most of the garbage reading one made; a pool reuses them.
type scratch struct {
	runes []rune // the normalised runes
	from  []int  // byte offset in the original text of each rune, then its length
	at    []int  // byte offset in the normalised text of each rune, then its length
	text  []byte // the normalised text, for dictionary lookups without conversions
	edges []dagEdge
	first []int // edges[first[k]:first[k+1]] are the words starting at rune k
	route []dagRoute
	cuts  []int // rune index where each word of the cut starts, then len(runes)
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch {
	return scratchPool.Get().(*scratch)
}

// maxPooledRunes bounds the buffers kept for reuse: an occasional huge text
// (a whole document being indexed) should not pin its buffers forever.
const maxPooledRunes = 1 << 16

func putScratch(b *scratch) {
	if cap(b.runes) > maxPooledRunes || cap(b.edges) > 4*maxPooledRunes {
		return
	}
	scratchPool.Put(b)
}
