// Package kb is Zhiyin's domain: documents and their clause trees, FAQ
// entries, the lexicon, and the answer object with its citations. It also
// holds retrieval and answering, behind small interfaces, so that channels
// (web, WeChat) and commands depend on kb and never the reverse.
//
// kb imports nlp for Chinese text handling; it never imports gin, WeChat or
// the corpus package.
package kb
