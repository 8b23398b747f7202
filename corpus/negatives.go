package corpus

import (
	"fmt"
	"io"
	"io/fs"
	"strings"

	"zhiyin/kb"
)

// loadNegatives reads faq/out-of-scope.txt when it exists: the questions
// the help desk has marked as out of scope for every guideline. A question
// that reads like one of them more closely than like any FAQ question is
// refused even though it shares words with a clause (社保 is in
// 社保(市民)卡, yet 怎么交社保 asks about social insurance).
func loadNegatives(fsys fs.FS) ([]kb.Negative, error) {
	data, err := fs.ReadFile(fsys, "faq/out-of-scope.txt")
	if err != nil {
		return nil, nil // optional
	}
	negs, err := ParseNegatives(strings.NewReader(string(data)))
	if err != nil {
		return nil, fmt.Errorf("corpus: out-of-scope.txt: %w", err)
	}
	return negs, nil
}

// ParseNegatives reads out-of-scope questions, one a line: an id, then the
// question; # comments and blank lines are skipped. A line without a
// question or a repeated id is an error naming its line.
func ParseNegatives(r io.Reader) ([]kb.Negative, error) {
	var out []kb.Negative
	seen := map[string]bool{}
	err := eachLine(r, func(n int, fields []string) error {
		switch {
		case len(fields) < 2:
			return fmt.Errorf("line %d: want \"id question\"", n)
		case seen[fields[0]]:
			return fmt.Errorf("line %d: id %q repeats", n, fields[0])
		}
		seen[fields[0]] = true
		out = append(out, kb.Negative{ID: fields[0], Question: strings.Join(fields[1:], " ")})
		return nil
	})
	return out, err
}
