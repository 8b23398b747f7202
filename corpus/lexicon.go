package corpus

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"zhiyin/kb"
	"zhiyin/nlp"
)

func loadLexicon(fsys fs.FS) (kb.Lexicon, error) {
	var lex kb.Lexicon
	if data, err := fs.ReadFile(fsys, "lexicon/words.txt"); err == nil {
		words, err := ParseWords(strings.NewReader(string(data)))
		if err != nil {
			return lex, fmt.Errorf("corpus: words.txt: %w", err)
		}
		lex.Words = words
	}
	if data, err := fs.ReadFile(fsys, "lexicon/synonyms.txt"); err == nil {
		groups, err := ParseSynonyms(strings.NewReader(string(data)))
		if err != nil {
			return lex, fmt.Errorf("corpus: synonyms.txt: %w", err)
		}
		lex.Synonyms = groups
	}
	return lex, nil
}

// ParseWords reads a domain dictionary in gse's format, one word a line:
// "word [freq [pos]]", with # comments and blank lines. It returns an error
// naming the line when a frequency is not a positive number.
func ParseWords(r io.Reader) ([]nlp.Word, error) {
	var out []nlp.Word
	err := eachLine(r, func(n int, fields []string) error {
		w := nlp.Word{Text: fields[0]}
		if len(fields) > 1 {
			f, err := strconv.Atoi(fields[1])
			if err != nil || f <= 0 {
				return fmt.Errorf("line %d: frequency %q is not a positive whole number", n, fields[1])
			}
			w.Freq = f
		}
		if len(fields) > 2 {
			w.POS = fields[2]
		}
		if len(fields) > 3 {
			return fmt.Errorf("line %d: want \"word freq pos\", got %d fields", n, len(fields))
		}
		out = append(out, w)
		return nil
	})
	return out, err
}

// ParseSynonyms reads synonym groups, one a line, words separated by spaces,
// the formal term first; # comments and blank lines are skipped. A group of
// one word is an error naming its line.
func ParseSynonyms(r io.Reader) ([]nlp.SynonymGroup, error) {
	var out []nlp.SynonymGroup
	err := eachLine(r, func(n int, fields []string) error {
		if len(fields) < 2 {
			return fmt.Errorf("line %d: a synonym group needs at least two words", n)
		}
		out = append(out, nlp.SynonymGroup(fields))
		return nil
	})
	return out, err
}

func eachLine(r io.Reader, fn func(n int, fields []string) error) error {
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if err := fn(n, fields); err != nil {
			return err
		}
	}
	return sc.Err()
}
