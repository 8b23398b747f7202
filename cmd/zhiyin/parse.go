package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"zhiyin/corpus"
	"zhiyin/kb"
)

func init() {
	commands["parse"] = command{
		summary: "parse a guideline (Markdown or raw extracted text) and print its clauses as JSON",
		run:     runParse,
	}
}

// runParse prints FILE's clauses as a JSON array of {id, label, title, text}
// on stdout, and nothing else there; what the importer removed and any
// warnings go to stderr. FILE "-" is stdin.
func runParse(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("parse", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: zhiyin parse FILE\n\n"+
			"Parses a guideline, Markdown with front matter or raw text extracted from\n"+
			"PDF/Word, and prints its clauses as JSON. FILE - reads stdin.")
	}
	if err := fl.Parse(args); err != nil || fl.NArg() != 1 {
		if err == flag.ErrHelp {
			return nil
		}
		if err == nil {
			fl.Usage()
		}
		return errUsage
	}
	name := fl.Arg(0)
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return err
	}
	if name == "-" {
		name = "stdin"
	}
	doc, rep, err := corpus.ParseWithReport(name, data)
	if err != nil {
		return err
	}

	format := "raw text"
	if corpus.IsMarkdown(data) {
		format = "Markdown"
	}
	fmt.Fprintf(stderr, "zhiyin parse: %s: %s, %d clauses", name, format, len(doc.Clauses))
	if doc.ID != "" {
		fmt.Fprintf(stderr, ", document %s", doc.ID)
	}
	fmt.Fprintln(stderr)
	if format == "raw text" {
		fmt.Fprintf(stderr, "zhiyin parse: %s\n", rep.Summary())
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(stderr, "zhiyin parse: warning: %s\n", w)
	}

	clauses := doc.Clauses
	if clauses == nil {
		clauses = []kb.Clause{}
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(clauses)
}
