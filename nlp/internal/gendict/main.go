// Command gendict writes the trimmed general dictionary that nlp embeds: the
// N most frequent words of gse's simplified Chinese dictionary, in gse's
// "word freq pos" format, sorted by word so that a regeneration diffs cleanly.
//
// Why trim: gse's full embedded dictionaries (587k words) take 1.6 s and about
// 300 MB to load; the 100k most frequent simplified words load in about
// 0.2 s and keep everyday segmentation intact, and the domain lexicon
// (corpus/lexicon) adds the guideline's own terms. See docs/PERFORMANCE.md.
//
// Run from the repository root: go generate ./nlp
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	n := flag.Int("n", 100000, "number of words to keep")
	out := flag.String("o", "dict/zh_s_top.txt", "output file")
	flag.Parse()
	if err := run(*n, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gendict:", err)
		os.Exit(1)
	}
}

type entry struct {
	line string
	word string
	freq float64
}

func run(n int, out string) error {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/go-ego/gse").Output()
	if err != nil {
		return fmt.Errorf("locate gse module: %w", err)
	}
	src := filepath.Join(strings.TrimSpace(string(dir)), "data", "dict", "zh", "s_1.txt")
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	var all []entry
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || seen[fields[0]] {
			continue
		}
		freq, err := strconv.ParseFloat(fields[1], 64)
		if err != nil {
			continue
		}
		seen[fields[0]] = true
		all = append(all, entry{strings.Join(fields, " "), fields[0], freq})
	}
	if err := sc.Err(); err != nil {
		return err
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].freq > all[j].freq })
	if len(all) > n {
		all = all[:n]
	}
	sort.Slice(all, func(i, j int) bool { return all[i].word < all[j].word })
	var b strings.Builder
	for _, e := range all {
		b.WriteString(e.line)
		b.WriteByte('\n')
	}
	return os.WriteFile(out, []byte(b.String()), 0o644)
}
