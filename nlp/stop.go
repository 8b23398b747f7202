package nlp

import (
	_ "embed"
	"strings"
)

//go:embed dict/stop.txt
var stopList string

// stopWords is the set of words dropped from questions before matching.
var stopWords = parseStopList(stopList)

func parseStopList(s string) map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[Normalize(line)] = true
	}
	return m
}

// IsStop reports whether the normalised term is a stop word: a function or
// question word that never names what a question is about. Negations and
// modal words are never stop words.
func IsStop(term string) bool {
	return stopWords[term]
}
