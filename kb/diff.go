package kb

import (
	"encoding/json"
	"sort"
	"strings"
)

// Change is one difference between two states of the knowledge base.
type Change struct {
	Kind   string `json:"kind"` // document, clause, faq, word, synonym, negative
	Key    string `json:"key"`  // gz-2017-it-guideline, gz-2017-it-guideline#1.2, faq id, word
	Op     string `json:"op"`   // added, changed, removed
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// Diff returns the changes that turn old into new, in a stable order.
func Diff(old, new Knowledge) []Change {
	var out []Change
	out = diffMaps(out, "document", docMeta(old), docMeta(new))
	out = diffMaps(out, "clause", clauseMap(old), clauseMap(new))
	out = diffMaps(out, "faq", faqMap(old), faqMap(new))
	out = diffMaps(out, "word", wordMap(old), wordMap(new))
	out = diffMaps(out, "synonym", synMap(old), synMap(new))
	out = diffMaps(out, "negative", negMap(old), negMap(new))
	return out
}

func diffMaps(out []Change, kind string, a, b map[string]string) []Change {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		va, ina := a[k]
		vb, inb := b[k]
		switch {
		case !ina:
			out = append(out, Change{Kind: kind, Key: k, Op: "added", After: vb})
		case !inb:
			out = append(out, Change{Kind: kind, Key: k, Op: "removed", Before: va})
		case va != vb:
			out = append(out, Change{Kind: kind, Key: k, Op: "changed", Before: va, After: vb})
		}
	}
	return out
}

func docMeta(k Knowledge) map[string]string {
	m := map[string]string{}
	for _, d := range k.Documents {
		d.Clauses = nil
		m[d.ID] = jsonText(d)
	}
	return m
}

func clauseMap(k Knowledge) map[string]string {
	m := map[string]string{}
	for _, d := range k.Documents {
		for _, c := range d.Clauses {
			s := c.Text
			if c.Title != "" {
				s = c.Title + "\n" + c.Text
			}
			m[ClauseKey(d.ID, c.ID)] = s
		}
	}
	return m
}

func faqMap(k Knowledge) map[string]string {
	m := map[string]string{}
	for _, f := range k.FAQs {
		m[f.ID] = jsonText(f)
	}
	return m
}

func wordMap(k Knowledge) map[string]string {
	m := map[string]string{}
	for _, w := range k.Lexicon.Words {
		m[w.Text] = jsonText(w)
	}
	return m
}

// synMap keys a synonym group by its first (formal) word.
func synMap(k Knowledge) map[string]string {
	m := map[string]string{}
	for _, g := range k.Lexicon.Synonyms {
		if len(g) > 0 {
			m[g[0]] = strings.Join(g, " ")
		}
	}
	return m
}

func jsonText(v any) string {
	b, _ := json.Marshal(v) // plain structs of strings and numbers always marshal
	return string(b)
}

func negMap(k Knowledge) map[string]string {
	m := map[string]string{}
	for _, n := range k.Negatives {
		m[n.ID] = n.Question
	}
	return m
}
