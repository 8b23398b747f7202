package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"zhiyin/kb"
)

func init() {
	commands["eval"] = command{
		summary: "measure answers against a question set (TSV: id, [category,] question, expected)",
		run:     runEval,
	}
}

func runEval(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("eval", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dataDir := fl.String("data", envOr("ZHIYIN_DATA", "./data"), "data directory")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: zhiyin eval [--data DIR] FILE")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil || fl.NArg() != 1 {
		if err == nil {
			fl.Usage()
		}
		return errUsage
	}
	f, err := os.Open(fl.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	cases, err := kb.ParseEvalSet(f)
	if err != nil {
		return err
	}
	svc, src, err := openService(ctx, *dataDir, kb.Options{})
	if err != nil {
		return err
	}
	defer svc.Close()
	fmt.Fprintf(stderr, "zhiyin: knowledge base: %s\n", src)
	rep, err := kb.Evaluate(ctx, svc, cases)
	if err != nil {
		return err
	}
	rep.Write(stdout)
	return nil
}
