package sqlite

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"zhiyin/kb"
	"zhiyin/nlp"
)

// queryer is what reads need: the database or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Seeded reports whether the database holds a revision.
func (d *DB) Seeded(ctx context.Context) (bool, error) {
	var n int64
	err := d.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM revisions`).Scan(&n)
	return n > 0, err
}

// Seed fills an empty database with k as revision 1. It returns a
// CodeConflict error when the database already holds a revision.
func (d *DB) Seed(ctx context.Context, k kb.Knowledge, by kb.Actor, message string) (kb.Revision, error) {
	var rev kb.Revision
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM revisions`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return kb.Errorf(kb.CodeConflict, "知识库已有内容，不能重复初始化")
		}
		if err := replaceWorking(ctx, tx, k); err != nil {
			return err
		}
		var err error
		rev, err = d.publishTx(ctx, tx, by, message, nil)
		return err
	})
	return rev, err
}

// replaceWorking makes k the working copy.
func replaceWorking(ctx context.Context, tx *sql.Tx, k kb.Knowledge) error {
	for _, t := range []string{"clauses", "documents", "faqs", "lexicon_words", "synonym_groups", "negatives"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
			return err
		}
	}
	for i, doc := range k.Documents {
		if err := insertDocument(ctx, tx, doc, i); err != nil {
			return err
		}
	}
	for i, f := range k.FAQs {
		v, err := nextVersion(ctx, tx)
		if err != nil {
			return err
		}
		if err := insertFAQ(ctx, tx, f, i, v); err != nil {
			return err
		}
	}
	for i, w := range k.Lexicon.Words {
		v, err := nextVersion(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO lexicon_words (text, position, freq, pos, version) VALUES (?, ?, ?, ?, ?)`,
			w.Text, i, w.Freq, w.POS, v); err != nil {
			return fmt.Errorf("word %q: %w", w.Text, err)
		}
	}
	for _, g := range k.Lexicon.Synonyms {
		v, err := nextVersion(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO synonym_groups (words, version) VALUES (?, ?)`, mustJSON([]string(g)), v); err != nil {
			return err
		}
	}
	for i, n := range k.Negatives {
		if err := insertNegative(ctx, tx, n, i); err != nil {
			return err
		}
	}
	return nil
}

func insertDocument(ctx context.Context, tx *sql.Tx, doc kb.Document, pos int) error {
	v, err := nextVersion(ctx, tx)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO documents (id, position, title, short_title, number, issuer, year, status, source, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		doc.ID, pos, doc.Title, doc.ShortTitle, doc.Number, doc.Issuer, doc.Year, string(doc.Status), doc.Source, v); err != nil {
		return fmt.Errorf("document %s: %w", doc.ID, err)
	}
	for j, c := range doc.Clauses {
		v, err := nextVersion(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO clauses (doc, id, position, label, title, text, version) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			doc.ID, c.ID, j, c.Label, c.Title, c.Text, v); err != nil {
			return fmt.Errorf("clause %s#%s: %w", doc.ID, c.ID, err)
		}
	}
	return nil
}

func insertFAQ(ctx context.Context, tx *sql.Tx, f kb.FAQ, pos int, v int64) error {
	if f.Clauses == nil {
		f.Clauses = []string{}
	}
	if f.Similar == nil {
		f.Similar = []string{}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO faqs (id, position, doc, clauses, question, similar, version) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		f.ID, pos, f.Doc, mustJSON(f.Clauses), f.Question, mustJSON(f.Similar), v)
	if err != nil {
		return fmt.Errorf("faq %s: %w", f.ID, err)
	}
	return nil
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v) // slices of strings always marshal
	return string(b)
}

// Working returns the draft.
func (d *DB) Working(ctx context.Context) (kb.Knowledge, error) {
	return readWorking(ctx, d.sql)
}

func readWorking(ctx context.Context, q queryer) (kb.Knowledge, error) {
	var k kb.Knowledge
	docs, err := readDocuments(ctx, q, "")
	if err != nil {
		return k, err
	}
	byID := map[string]int{}
	for _, doc := range docs {
		byID[doc.Item.ID] = len(k.Documents)
		k.Documents = append(k.Documents, doc.Item)
	}
	rows, err := q.QueryContext(ctx, `SELECT doc, id, label, title, text FROM clauses ORDER BY doc, position`)
	if err != nil {
		return k, err
	}
	for rows.Next() {
		var doc string
		var c kb.Clause
		if err := rows.Scan(&doc, &c.ID, &c.Label, &c.Title, &c.Text); err != nil {
			rows.Close()
			return k, err
		}
		if i, ok := byID[doc]; ok {
			k.Documents[i].Clauses = append(k.Documents[i].Clauses, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return k, err
	}
	faqs, err := readFAQs(ctx, q, "")
	if err != nil {
		return k, err
	}
	for _, f := range faqs {
		k.FAQs = append(k.FAQs, f.Item)
	}
	words, err := readWords(ctx, q, "")
	if err != nil {
		return k, err
	}
	for _, w := range words {
		k.Lexicon.Words = append(k.Lexicon.Words, nlp.Word{Text: w.Item.Text, Freq: w.Item.Freq, POS: w.Item.POS})
	}
	syns, err := readSynonyms(ctx, q, 0)
	if err != nil {
		return k, err
	}
	for _, s := range syns {
		k.Lexicon.Synonyms = append(k.Lexicon.Synonyms, nlp.SynonymGroup(s.Item.Words))
	}
	if k.Negatives, err = readNegatives(ctx, q); err != nil {
		return k, err
	}
	return k, nil
}

// Published returns the latest revision.
func (d *DB) Published(ctx context.Context) (kb.Knowledge, int64, error) {
	return readSnapshot(ctx, d.sql, 0)
}

// readSnapshot returns revision n, or the latest when n is 0.
func readSnapshot(ctx context.Context, q queryer, n int64) (kb.Knowledge, int64, error) {
	var k kb.Knowledge
	var blob []byte
	var err error
	if n == 0 {
		err = q.QueryRowContext(ctx, `SELECT n, snapshot FROM revisions ORDER BY n DESC LIMIT 1`).Scan(&n, &blob)
	} else {
		err = q.QueryRowContext(ctx, `SELECT n, snapshot FROM revisions WHERE n = ?`, n).Scan(&n, &blob)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return k, 0, kb.Errorf(kb.CodeNotFound, "没有找到该版本")
	}
	if err != nil {
		return k, 0, fmt.Errorf("sqlite: read revision: %w", err)
	}
	if err := decodeSnapshot(blob, &k); err != nil {
		return k, 0, fmt.Errorf("sqlite: revision %d: %w", n, err)
	}
	return k, n, nil
}

// A snapshot is the whole knowledge base as gzipped JSON: about 60 KB for
// the embedded corpus instead of 250 KB, for every revision kept.
func encodeSnapshot(k kb.Knowledge) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(k); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decodeSnapshot(blob []byte, k *kb.Knowledge) error {
	zr, err := gzip.NewReader(bytes.NewReader(blob))
	if err != nil {
		return err
	}
	defer zr.Close()
	return json.NewDecoder(zr).Decode(k)
}

// Drafts returns the unpublished changes.
func (d *DB) Drafts(ctx context.Context) ([]kb.Change, error) {
	tx, err := d.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	pub, _, err := readSnapshot(ctx, tx, 0)
	if err != nil && kb.ErrorCode(err) != kb.CodeNotFound {
		return nil, err
	}
	work, err := readWorking(ctx, tx)
	if err != nil {
		return nil, err
	}
	return kb.Diff(pub, work), nil
}

// Publish makes the draft the next revision.
func (d *DB) Publish(ctx context.Context, by kb.Actor, message string, build func(kb.Knowledge, int64) error) (kb.Revision, error) {
	var rev kb.Revision
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var err error
		rev, err = d.publishTx(ctx, tx, by, message, build)
		return err
	})
	return rev, err
}

// Restore publishes revision n again as a new revision.
func (d *DB) Restore(ctx context.Context, n int64, by kb.Actor, message string, build func(kb.Knowledge, int64) error) (kb.Revision, error) {
	var rev kb.Revision
	err := d.tx(ctx, func(tx *sql.Tx) error {
		k, _, err := readSnapshot(ctx, tx, n)
		if err != nil {
			return err
		}
		if err := replaceWorking(ctx, tx, k); err != nil {
			return err
		}
		if message == "" {
			message = fmt.Sprintf("恢复到版本 %d", n)
		}
		rev, err = d.publishTx(ctx, tx, by, message, build)
		return err
	})
	return rev, err
}

func (d *DB) publishTx(ctx context.Context, tx *sql.Tx, by kb.Actor, message string, build func(kb.Knowledge, int64) error) (kb.Revision, error) {
	work, err := readWorking(ctx, tx)
	if err != nil {
		return kb.Revision{}, err
	}
	pub, last, err := readSnapshot(ctx, tx, 0)
	if err != nil && kb.ErrorCode(err) != kb.CodeNotFound {
		return kb.Revision{}, err
	}
	rev := kb.Revision{N: last + 1, Author: by.Name, Time: d.now().UTC(), Message: message, Changes: kb.Diff(pub, work)}
	if rev.Changes == nil {
		rev.Changes = []kb.Change{}
	}
	if build != nil {
		if err := build(work, rev.N); err != nil {
			return kb.Revision{}, err
		}
	}
	snap, err := encodeSnapshot(work)
	if err != nil {
		return kb.Revision{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO revisions (n, author, time, message, changes, snapshot) VALUES (?, ?, ?, ?, ?, ?)`,
		rev.N, rev.Author, fmtTime(rev.Time), rev.Message, mustJSON(rev.Changes), snap); err != nil {
		return kb.Revision{}, err
	}
	err = audit(ctx, tx, rev.Time, by, "publish", fmt.Sprint(rev.N), fmt.Sprintf("%s（%d 处改动）", message, len(rev.Changes)))
	return rev, err
}

// Revisions returns the latest revisions, newest first.
func (d *DB) Revisions(ctx context.Context, limit int) ([]kb.Revision, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := d.sql.QueryContext(ctx, `SELECT n, author, time, message, changes FROM revisions ORDER BY n DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kb.Revision{}
	for rows.Next() {
		var r kb.Revision
		var t, ch string
		if err := rows.Scan(&r.N, &r.Author, &t, &r.Message, &ch); err != nil {
			return nil, err
		}
		r.Time = parseTime(t)
		if err := json.Unmarshal([]byte(ch), &r.Changes); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
