// Package nlp handles Chinese text for Zhiyin: normalisation (full-width to
// half-width, case, traditional to simplified, invisible characters), gse
// segmentation with a trimmed general dictionary plus the domain lexicon, a
// stop list that keeps negations and modal words, and synonym expansion.
//
// nlp knows nothing of Bleve, the knowledge base or any channel.
package nlp
