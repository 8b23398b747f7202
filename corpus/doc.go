// Package corpus holds the documents, FAQ entries and lexicon as data embedded
// in the binary, and the parsers that turn guideline sources (Markdown, raw
// extracted text) into kb types.
//
// Two source formats exist. Markdown with YAML front matter (ParseMarkdown) is
// what knowledge editors keep in corpus/documents/: every clause is a heading
// whose numbering is written out, so an editor can fix it in any text editor
// and review it in a diff. Raw extracted text (ParseRaw) is what arrives from
// a PDF or Word file; its importer recovers the clause tree from the numbering
// alone and accounts for every character it removes. Parse picks the format.
package corpus
