// Package sqlite is the kb.Store and kb.QuestionLog kept in one embedded
// SQLite database (modernc.org/sqlite: pure Go, so the build stays cgo-free).
//
// The database runs in WAL mode with synchronous=FULL: readers never wait for
// the writer, and a committed transaction survives a crash of the process or
// the machine. The question log alone writes through its own connection with
// synchronous=NORMAL (see OpenLog): a power loss may lose its last moments,
// never corrupt anything. Every multi-row change is one transaction, started
// IMMEDIATE so that two writers queue on the busy timeout instead of failing
// on a lock upgrade.
//
// Migrations are the numbered files of migrations/, embedded, applied in
// order at Open, each in its own transaction together with its row in
// schema_migrations. A migration library was considered: golang-migrate's
// SQLite drivers either need cgo (sqlite3) or bring their own copy of the
// driver and a dozen dependencies, for what is twenty lines here.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"zhiyin/kb"
)

// FileName is the database's name inside the data directory.
const FileName = "zhiyin.db"

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the database: a kb.Store. Open it with Open; the question log is
// opened on it with OpenLog.
type DB struct {
	sql  *sql.DB
	path string
	now  func() time.Time
}

var _ kb.Store = (*DB)(nil)

// Exists reports whether dir holds a database.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, FileName))
	return err == nil
}

// Open opens (creating where needed) the database in dir and brings its
// schema up to date. It returns an error when the directory or the database
// cannot be created, or a migration fails.
func Open(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return OpenFile(ctx, filepath.Join(dir, FileName))
}

// OpenFile opens the database at path; see Open.
func OpenFile(ctx context.Context, path string) (*DB, error) {
	db, err := sql.Open("sqlite", dsn(path, "FULL"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	d := &DB{sql: db, path: path, now: time.Now}
	if err := d.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	return d, nil
}

// dsn is the data source name of a connection to path with the given
// synchronous setting: FULL for the store, NORMAL only for the question
// log's own connection (see OpenLog).
func dsn(path, synchronous string) string {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(" + synchronous + ")", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Close closes the database.
func (d *DB) Close() error { return d.sql.Close() }

// Path is the database file.
func (d *DB) Path() string { return d.path }

// migrate applies the migrations not yet applied, in order.
func (d *DB) migrate(ctx context.Context) error {
	if _, err := d.sql.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current int
	if err := d.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: %s: not numbered", base)
		}
		if v <= current {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = d.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`,
				v, base, d.now().UTC().Format(time.RFC3339Nano))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", base, err)
		}
	}
	return nil
}

// SchemaVersion returns the latest applied migration.
func (d *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := d.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// tx runs fn in a write transaction, committing when it returns nil.
func (d *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	return inTx(ctx, d.sql, fn)
}

// inTx runs fn in a write transaction on db, committing when it returns nil.
func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return writeErr(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return writeErr(err)
	}
	if err := tx.Commit(); err != nil {
		return writeErr(err)
	}
	return nil
}

// writeErr gives a failed write a code: a kb error passes as it is; a full
// disk or an I/O error is CodeUnavailable with a message saying nothing was
// saved.
func writeErr(err error) error {
	var ke *kb.Error
	if err == nil || errors.As(err, &ke) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN,
			sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return kb.WrapError(kb.CodeUnavailable, err, "知识库存储暂时无法写入，本次修改未保存，请稍后再试")
		case sqlite3.SQLITE_CONSTRAINT:
			return kb.WrapError(kb.CodeConflict, err, "与已有内容冲突（编号重复或仍被引用）")
		}
	}
	return kb.WrapError(kb.CodeUnavailable, err, "知识库存储暂时无法写入，本次修改未保存，请稍后再试")
}

// Backup writes a consistent copy of the database to path (VACUUM INTO),
// while it stays in use. path must not exist.
func (d *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("sqlite: backup: %s already exists", path)
	}
	if _, err := d.sql.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check; it returns an error unless
// the answer is "ok".
func (d *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := d.sql.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return err
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(msgs) != 1 || msgs[0] != "ok" {
		return fmt.Errorf("sqlite: integrity check: %s", strings.Join(msgs, "; "))
	}
	return nil
}

// nextVersion takes the next version number: versions are never reused, so
// an ETag cannot match a deleted and re-created item.
func nextVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `UPDATE meta SET value = value + 1 WHERE key = 'version_seq' RETURNING value`).Scan(&v)
	return v, err
}

func audit(ctx context.Context, tx *sql.Tx, now time.Time, by kb.Actor, action, target, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (time, actor, remote, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		now.UTC().Format(time.RFC3339Nano), by.Name, by.Remote, action, target, detail)
	return err
}

func checkMatch(current, ifMatch int64) error {
	if current != ifMatch {
		return kb.Errorf(kb.CodeStale, "内容已被他人修改（当前版本 %d），请重新获取后再修改", current)
	}
	return nil
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
