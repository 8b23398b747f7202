package bleveindex

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"zhiyin/nlp"
)

// Names of the tokenizers this package registers with Bleve.
const (
	// TokenizerName cuts text with the generation's gse segmenter, in search
	// mode (long words also yield the dictionary words inside them).
	TokenizerName = "zhiyin_gse"
	// BigramTokenizerName emits overlapping character bigrams of the
	// normalised text: a fallback for words the dictionary cuts badly.
	BigramTokenizerName = "zhiyin_bigram"
)

// Bleve keeps analyzers by name in the mapping and builds them through a
// global registry, so a generation's *nlp.Analyzer is registered here under
// an id that the mapping's tokenizer config names.
var (
	analyzers sync.Map // id string -> *nlp.Analyzer
	nextID    atomic.Int64
)

func init() {
	if err := registry.RegisterTokenizer(TokenizerName, newGseTokenizer); err != nil {
		panic(err)
	}
	if err := registry.RegisterTokenizer(BigramTokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return bigramTokenizer{}, nil
	}); err != nil {
		panic(err)
	}
}

func registerAnalyzer(an *nlp.Analyzer) string {
	id := fmt.Sprintf("an%d", nextID.Add(1))
	analyzers.Store(id, an)
	return id
}

func newGseTokenizer(config map[string]any, _ *registry.Cache) (analysis.Tokenizer, error) {
	id, _ := config["analyzer_id"].(string)
	v, ok := analyzers.Load(id)
	if !ok {
		return nil, fmt.Errorf("bleveindex: no analyzer registered as %q", id)
	}
	return gseTokenizer{an: v.(*nlp.Analyzer)}, nil
}

// gseTokenizer adapts nlp's segmenter to Bleve. Offsets are byte offsets in
// the original field text, as Bleve's highlighter expects.
type gseTokenizer struct{ an *nlp.Analyzer }

func (t gseTokenizer) Tokenize(input []byte) analysis.TokenStream {
	toks := t.an.Seg.SearchTokens(string(input))
	out := make(analysis.TokenStream, 0, len(toks))
	for i, tk := range toks {
		out = append(out, &analysis.Token{
			Term:     []byte(tk.Term),
			Start:    tk.Start,
			End:      tk.End,
			Position: i + 1,
			Type:     analysis.Ideographic,
		})
	}
	return out
}

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
