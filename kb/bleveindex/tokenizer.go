package bleveindex

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"zhiyin/kb"
	"zhiyin/nlp"
)

// Names of the tokenizers this package registers with Bleve.
const (
	// TermsTokenizerName splits kb's already analysed terms
	// (kb.IndexDoc.Terms) at kb.TermSep.
	TermsTokenizerName = "zhiyin_terms"
	// BigramTokenizerName emits overlapping character bigrams of the
	// normalised text: a fallback for words the dictionary cuts badly.
	BigramTokenizerName = "zhiyin_bigram"
)

func init() {
	if err := registry.RegisterTokenizer(TermsTokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return termsTokenizer{}, nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterTokenizer(BigramTokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return bigramTokenizer{}, nil
	}); err != nil {
		panic(err)
	}
}

// termsTokenizer cuts kb.IndexDoc.Terms at kb.TermSep: kb has segmented
// the clause already (with the same segmenter, in search mode), and cutting
// it again was the larger half of Bleve's build. Offsets are into the terms
// string; nothing highlights this field.
type termsTokenizer struct{}

func (termsTokenizer) Tokenize(input []byte) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, bytes.Count(input, sep)+1)
	start := 0
	for start <= len(input) {
		end := bytes.Index(input[start:], sep)
		if end < 0 {
			end = len(input)
		} else {
			end += start
		}
		if end > start {
			out = append(out, &analysis.Token{
				Term:     input[start:end:end],
				Start:    start,
				End:      end,
				Position: len(out) + 1,
				Type:     analysis.Ideographic,
			})
		}
		start = end + len(sep)
	}
	return out
}

var sep = []byte(kb.TermSep)

type bigramTokenizer struct{}

// Tokenize emits the character bigrams of each run of letters and digits of
// the normalised text (a run of one character is emitted as is).
func (bigramTokenizer) Tokenize(input []byte) analysis.TokenStream {
	return bigramStream(Bigrams(string(input)))
}

func bigramStream(grams []string) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(grams))
	for i, g := range grams {
		out = append(out, &analysis.Token{Term: []byte(g), Position: i + 1, Type: analysis.Ideographic})
	}
	return out
}

// Bigrams returns the terms of the bigram field for the normalised form of
// s: the overlapping character bigrams of each run of Chinese characters (a
// run of one is kept as is), and each run of Latin letters and digits whole.
func Bigrams(s string) []string {
	norm := nlp.Normalize(s)
	var out []string
	var run []rune
	han := false
	flush := func() {
		switch {
		case len(run) == 0:
		case !han || len(run) == 1:
			out = append(out, string(run))
		default:
			for i := 0; i+1 < len(run); i++ {
				out = append(out, string(run[i:i+2]))
			}
		}
		run = run[:0]
	}
	for _, r := range norm {
		word := r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsNumber(r))
		isHan := unicode.Is(unicode.Han, r)
		if !word || (len(run) > 0 && isHan != han) {
			flush()
		}
		if word {
			han = isHan
			run = append(run, r)
		}
	}
	flush()
	return out
}
