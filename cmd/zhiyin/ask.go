package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"zhiyin/kb"
)

func init() {
	commands["ask"] = command{
		summary: "answer a question (or one per line of stdin with --jsonl)",
		run:     runAsk,
	}
}

func runAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("ask", flag.ContinueOnError)
	fl.SetOutput(stderr)
	asJSON := fl.Bool("json", false, "print the answer object as JSON")
	jsonl := fl.Bool("jsonl", false, "read one question per line on stdin, write one answer object per line")
	session := fl.String("session", "", "session id: questions of one session are read as follow-ups of each other")
	dataDir := fl.String("data", envOr("ZHIYIN_DATA", "./data"), "data directory")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: zhiyin ask [--json] [--session ID] [--data DIR] \"问题\"\n       zhiyin ask --jsonl [--session ID] < questions.txt")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return errUsage
	}
	if !*jsonl && fl.NArg() == 0 {
		fl.Usage()
		return errUsage
	}
	svc, src, err := openService(ctx, *dataDir, kb.Options{})
	if err != nil {
		return err
	}
	defer svc.Close()
	fmt.Fprintf(stderr, "zhiyin: knowledge base: %s\n", src)

	if *jsonl {
		return askLines(ctx, svc, *session, stdin, stdout)
	}
	q := kb.Question{Text: strings.Join(fl.Args(), " "), Channel: "cli", Session: *session}
	a, err := svc.Ask(ctx, q)
	if err != nil {
		return fmt.Errorf("%s", kb.ErrorMessage(err))
	}
	if *asJSON {
		return writeJSON(stdout, a, true)
	}
	printAnswer(stdout, a)
	return nil
}

// askLines answers each line of r (raw text, not JSON) and writes exactly one
// answer object per line, in order. A line the engine rejects (blank, too
// long) still gets its line: an answer object with answered=false and the
// error's message.
func askLines(ctx context.Context, svc *kb.Service, session string, r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		q := kb.Question{Text: strings.TrimSuffix(sc.Text(), "\r"), Channel: "cli", Session: session}
		a, err := svc.Ask(ctx, q)
		if err != nil {
			a = kb.Answer{Kind: kb.KindEmpty, Text: kb.ErrorMessage(err), Citations: []kb.Citation{}}
		}
		if err := writeJSON(bw, a, false); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read stdin: %w", err)
	}
	return nil
}

func writeJSON(w io.Writer, v any, indent bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

// printAnswer writes an answer for a person reading a terminal.
func printAnswer(w io.Writer, a kb.Answer) {
	fmt.Fprintln(w, a.Text)
	if a.Notice != "" {
		fmt.Fprintln(w, a.Notice)
	}
	if len(a.Citations) == 0 {
		return
	}
	if a.Answered {
		c := a.Citations[0]
		fmt.Fprintf(w, "\n出处：%s", c.Ref)
		if c.Title != "" {
			fmt.Fprintf(w, " %s", c.Title)
		}
		fmt.Fprintf(w, "\n条款全文：%s\n置信度：%.2f\n", c.Text, a.Confidence)
		if len(a.Citations) > 1 {
			fmt.Fprintln(w, "\n相关条款：")
			printRefs(w, a.Citations[1:])
		}
		return
	}
	fmt.Fprintln(w, "\n可能相关的条款：")
	printRefs(w, a.Citations)
}

func printRefs(w io.Writer, cs []kb.Citation) {
	for _, c := range cs {
		fmt.Fprintf(w, "· %s", c.Ref)
		if c.Title != "" {
			fmt.Fprintf(w, " %s", c.Title)
		}
		fmt.Fprintln(w)
	}
}
