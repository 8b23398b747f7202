package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"zhiyin/kb/sqlite"
)

func init() {
	commands["backup"] = command{summary: "write a consistent copy of the database to FILE (safe while serving)", run: runBackup}
	commands["restore"] = command{summary: "replace the data directory's database with the backup FILE (server stopped)", run: runRestore}
}

func runBackup(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("backup", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dataDir := fl.String("data", envOr("ZHIYIN_DATA", "./data"), "data directory (env ZHIYIN_DATA)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: zhiyin backup [--data DIR] FILE")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil || fl.NArg() != 1 {
		if err == nil {
			fl.Usage()
		}
		return errUsage
	}
	if !sqlite.Exists(*dataDir) {
		return fmt.Errorf("%s holds no database", *dataDir)
	}
	db, err := sqlite.Open(ctx, *dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fl.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", db.Path(), fl.Arg(0))
	return nil
}

// runRestore copies the backup into the data directory beside the live
// database, checks the copy (integrity, a published revision), then renames
// it over the database: a failed restore leaves the old database as it was.
func runRestore(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("restore", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dataDir := fl.String("data", envOr("ZHIYIN_DATA", "./data"), "data directory (env ZHIYIN_DATA)")
	force := fl.Bool("force", false, "replace an existing database (it is kept as zhiyin.db.before-restore-TIME)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: zhiyin restore [--data DIR] [--force] FILE   (stop the server first)")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil || fl.NArg() != 1 {
		if err == nil {
			fl.Usage()
		}
		return errUsage
	}
	exists := sqlite.Exists(*dataDir)
	if exists && !*force {
		return fmt.Errorf("%s already holds a database: stop the server and add --force to replace it", *dataDir)
	}
	if err := os.MkdirAll(*dataDir, 0o750); err != nil {
		return err
	}
	live := filepath.Join(*dataDir, sqlite.FileName)
	tmp := live + ".restoring"
	removeDB(tmp)
	if err := copyFile(fl.Arg(0), tmp); err != nil {
		return err
	}
	if err := checkRestored(ctx, tmp); err != nil {
		removeDB(tmp)
		return fmt.Errorf("%s: %w", fl.Arg(0), err)
	}
	if exists {
		old := live + ".before-restore-" + time.Now().UTC().Format("20060102T150405")
		if err := os.Rename(live, old); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "kept the old database as %s\n", old)
	}
	removeDB(live) // stale -wal/-shm of the old database must not be replayed
	if err := os.Rename(tmp, live); err != nil {
		return err
	}
	if d, err := os.Open(*dataDir); err == nil {
		_ = d.Sync() // make the rename durable
		d.Close()
	}
	fmt.Fprintf(stdout, "restored %s into %s\n", fl.Arg(0), live)
	return nil
}

func checkRestored(ctx context.Context, path string) error {
	db, err := sqlite.OpenFile(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		return err
	}
	if ok, err := db.Seeded(ctx); err != nil || !ok {
		return errors.Join(errors.New("not a Zhiyin backup: no published revision"), err)
	}
	return nil
}

func removeDB(path string) {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		_ = os.Remove(p)
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
