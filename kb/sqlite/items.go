package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"zhiyin/kb"
)

// readItems reads the rows of a SELECT over one table, in order: every row,
// or with key set only those whose key column equals arg; scan reads one.
func readItems[T any](ctx context.Context, q queryer, query, order, key string, arg any,
	scan func(*sql.Rows, *kb.Versioned[T]) error,
) ([]kb.Versioned[T], error) {
	var args []any
	if key != "" {
		query += ` WHERE ` + key + ` = ?`
		args = append(args, arg)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY `+order, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kb.Versioned[T]{}
	for rows.Next() {
		var v kb.Versioned[T]
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// keyIf is key when one item is asked for (set), else "" (every item).
func keyIf(set bool, key string) string {
	if set {
		return key
	}
	return ""
}

func readDocuments(ctx context.Context, q queryer, id string) ([]kb.Versioned[kb.Document], error) {
	return readItems(ctx, q, `SELECT id, title, short_title, number, issuer, year, status, source, version FROM documents`,
		`position, id`, keyIf(id != "", "id"), id,
		func(rows *sql.Rows, v *kb.Versioned[kb.Document]) error {
			var status string
			d := &v.Item
			if err := rows.Scan(&d.ID, &d.Title, &d.ShortTitle, &d.Number, &d.Issuer, &d.Year, &status, &d.Source, &v.Version); err != nil {
				return err
			}
			d.Status = kb.Status(status)
			return nil
		})
}

// Documents lists the draft's documents, without clauses.
func (d *DB) Documents(ctx context.Context) ([]kb.Versioned[kb.Document], error) {
	return readDocuments(ctx, d.sql, "")
}

// Document returns a draft document with its clauses.
func (d *DB) Document(ctx context.Context, id string) (kb.Versioned[kb.Document], error) {
	docs, err := readDocuments(ctx, d.sql, id)
	v, err := first(docs, err, error(kb.Errorf(kb.CodeNotFound, "没有找到文件 %s", id)))
	if err != nil {
		return v, err
	}
	rows, err := d.sql.QueryContext(ctx, `SELECT id, label, title, text FROM clauses WHERE doc = ? ORDER BY position`, id)
	if err != nil {
		return v, err
	}
	defer rows.Close()
	for rows.Next() {
		var c kb.Clause
		if err := rows.Scan(&c.ID, &c.Label, &c.Title, &c.Text); err != nil {
			return v, err
		}
		v.Item.Clauses = append(v.Item.Clauses, c)
	}
	return v, rows.Err()
}

// CreateDocument adds a document with its clauses to the draft.
func (d *DB) CreateDocument(ctx context.Context, doc kb.Document, by kb.Actor) (int64, error) {
	var version int64
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var n, pos int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(position), -1) + 1 FROM documents WHERE 1`).Scan(&n, &pos); err != nil {
			return err
		}
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents WHERE id = ?`, doc.ID).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return kb.Errorf(kb.CodeConflict, "文件 %s 已存在", doc.ID)
		}
		if err := insertDocument(ctx, tx, doc, int(pos)); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT version FROM documents WHERE id = ?`, doc.ID).Scan(&version); err != nil {
			return err
		}
		return audit(ctx, tx, d.now(), by, "document.create", doc.ID, fmt.Sprintf("%s（%d 条）", doc.Title, len(doc.Clauses)))
	})
	return version, err
}

// UpdateDocument changes a document's metadata.
func (d *DB) UpdateDocument(ctx context.Context, doc kb.Document, ifMatch int64, by kb.Actor) (int64, error) {
	var version int64
	err := d.tx(ctx, func(tx *sql.Tx) error {
		cur, err := currentVersion(ctx, tx, `SELECT version FROM documents WHERE id = ?`, doc.ID)
		if err != nil {
			return err
		}
		if err := checkMatch(cur, ifMatch); err != nil {
			return err
		}
		if version, err = nextVersion(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET title = ?, short_title = ?, number = ?, issuer = ?, year = ?, status = ?, source = ?, version = ? WHERE id = ?`,
			doc.Title, doc.ShortTitle, doc.Number, doc.Issuer, doc.Year, string(doc.Status), doc.Source, version, doc.ID); err != nil {
			return err
		}
		return audit(ctx, tx, d.now(), by, "document.update", doc.ID, "status="+string(doc.Status))
	})
	return version, err
}

// DeleteDocument removes a document and its clauses from the draft.
func (d *DB) DeleteDocument(ctx context.Context, id string, ifMatch int64, by kb.Actor) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		cur, err := currentVersion(ctx, tx, `SELECT version FROM documents WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if err := checkMatch(cur, ifMatch); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = ?`, id); err != nil {
			return err
		}
		return audit(ctx, tx, d.now(), by, "document.delete", id, "")
	})
}

// first returns the first of items, or notFound when there is none: the
// single-item getters read through the list readers with a filter.
func first[T any](items []T, err error, notFound error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if len(items) == 0 {
		return zero, notFound
	}
	return items[0], nil
}

// slot checks an ordered item's If-Match for a put: with ifMatch 0 the item
// must not exist yet (CodeConflict: exists) and gets the next position; else
// it must exist (CodeNotFound: missing) at version ifMatch (checkMatch), and
// keeps its position. existed tells which case it was.
func slot(ctx context.Context, tx *sql.Tx, table, key string, id any, ifMatch int64, missing, exists error) (pos int64, existed bool, err error) {
	var cur int64
	err = tx.QueryRowContext(ctx, `SELECT version, position FROM `+table+` WHERE `+key+` = ?`, id).Scan(&cur, &pos)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if ifMatch != 0 {
			return 0, false, missing
		}
		err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), -1) + 1 FROM `+table).Scan(&pos)
		return pos, false, err
	case err != nil:
		return 0, false, err
	case ifMatch == 0:
		return 0, true, exists
	}
	return pos, true, checkMatch(cur, ifMatch)
}

// currentVersion returns the version a query selects, CodeNotFound when it
// selects nothing.
func currentVersion(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, query, args...).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, kb.Errorf(kb.CodeNotFound, "没有找到要修改的内容")
	}
	return v, err
}

// Clause returns a draft clause.
func (d *DB) Clause(ctx context.Context, doc, id string) (kb.Versioned[kb.Clause], error) {
	var v kb.Versioned[kb.Clause]
	c := &v.Item
	err := d.sql.QueryRowContext(ctx, `SELECT id, label, title, text, version FROM clauses WHERE doc = ? AND id = ?`, doc, id).
		Scan(&c.ID, &c.Label, &c.Title, &c.Text, &v.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return v, kb.Errorf(kb.CodeNotFound, "没有找到条款 %s#%s", doc, id)
	}
	return v, err
}

// UpdateClause changes a draft clause's title and text.
func (d *DB) UpdateClause(ctx context.Context, doc, id, title, text string, ifMatch int64, by kb.Actor) (int64, error) {
	var version int64
	err := d.tx(ctx, func(tx *sql.Tx) error {
		cur, err := currentVersion(ctx, tx, `SELECT version FROM clauses WHERE doc = ? AND id = ?`, doc, id)
		if err != nil {
			return err
		}
		if err := checkMatch(cur, ifMatch); err != nil {
			return err
		}
		if version, err = nextVersion(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE clauses SET title = ?, text = ?, version = ? WHERE doc = ? AND id = ?`,
			title, text, version, doc, id); err != nil {
			return err
		}
		return audit(ctx, tx, d.now(), by, "clause.update", kb.ClauseKey(doc, id), clip(text, 200))
	})
	return version, err
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func readFAQs(ctx context.Context, q queryer, id string) ([]kb.Versioned[kb.FAQ], error) {
	return readItems(ctx, q, `SELECT id, doc, clauses, question, similar, version FROM faqs`,
		`position, id`, keyIf(id != "", "id"), id,
		func(rows *sql.Rows, v *kb.Versioned[kb.FAQ]) error {
			var clauses, similar string
			if err := rows.Scan(&v.Item.ID, &v.Item.Doc, &clauses, &v.Item.Question, &similar, &v.Version); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(clauses), &v.Item.Clauses); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(similar), &v.Item.Similar); err != nil {
				return err
			}
			if len(v.Item.Similar) == 0 {
				v.Item.Similar = nil
			}
			return nil
		})
}

// FAQs lists the draft's FAQ entries.
func (d *DB) FAQs(ctx context.Context) ([]kb.Versioned[kb.FAQ], error) {
	return readFAQs(ctx, d.sql, "")
}

// FAQ returns one draft FAQ entry.
func (d *DB) FAQ(ctx context.Context, id string) (kb.Versioned[kb.FAQ], error) {
	fs, err := readFAQs(ctx, d.sql, id)
	return first(fs, err, error(kb.Errorf(kb.CodeNotFound, "没有找到问答 %s", id)))
}

// PutFAQ creates (ifMatch 0) or replaces a draft FAQ entry.
func (d *DB) PutFAQ(ctx context.Context, f kb.FAQ, ifMatch int64, by kb.Actor) (int64, error) {
	return d.put(ctx, "faqs", "id", f.ID, ifMatch,
		kb.Errorf(kb.CodeNotFound, "没有找到问答 %s", f.ID), kb.Errorf(kb.CodeConflict, "问答 %s 已存在", f.ID),
		func(tx *sql.Tx, pos int64, existed bool, version int64) error {
			if existed {
				if _, err := tx.ExecContext(ctx, `DELETE FROM faqs WHERE id = ?`, f.ID); err != nil {
					return err
				}
			}
			return insertFAQ(ctx, tx, f, int(pos), version)
		},
		by, "faq.put", f.ID, f.Question)
}

// put creates (ifMatch 0) or replaces the row of table whose key column is
// id, in one transaction: it takes the row's position (slot), a new
// version, lets write store the row, and records action in the audit log.
func (d *DB) put(ctx context.Context, table, key string, id any, ifMatch int64, missing, exists error,
	write func(tx *sql.Tx, pos int64, existed bool, version int64) error, by kb.Actor, action, target, detail string,
) (int64, error) {
	var version int64
	err := d.tx(ctx, func(tx *sql.Tx) error {
		pos, existed, err := slot(ctx, tx, table, key, id, ifMatch, missing, exists)
		if err != nil {
			return err
		}
		if version, err = nextVersion(ctx, tx); err != nil {
			return err
		}
		if err := write(tx, pos, existed, version); err != nil {
			return err
		}
		return audit(ctx, tx, d.now(), by, action, target, detail)
	})
	return version, err
}

// DeleteFAQ removes a draft FAQ entry.
func (d *DB) DeleteFAQ(ctx context.Context, id string, ifMatch int64, by kb.Actor) error {
	return d.deleteRow(ctx, "faqs", "id", id, ifMatch, by, "faq.delete")
}

func (d *DB) deleteRow(ctx context.Context, table, key string, id any, ifMatch int64, by kb.Actor, action string) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		cur, err := currentVersion(ctx, tx, `SELECT version FROM `+table+` WHERE `+key+` = ?`, id)
		if err != nil {
			return err
		}
		if err := checkMatch(cur, ifMatch); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+key+` = ?`, id); err != nil {
			return err
		}
		return audit(ctx, tx, d.now(), by, action, fmt.Sprint(id), "")
	})
}

func readWords(ctx context.Context, q queryer, text string) ([]kb.Versioned[kb.LexiconWord], error) {
	return readItems(ctx, q, `SELECT text, freq, pos, version FROM lexicon_words`,
		`position, text`, keyIf(text != "", "text"), text,
		func(rows *sql.Rows, v *kb.Versioned[kb.LexiconWord]) error {
			return rows.Scan(&v.Item.Text, &v.Item.Freq, &v.Item.POS, &v.Version)
		})
}

// Words lists the draft's lexicon words.
func (d *DB) Words(ctx context.Context) ([]kb.Versioned[kb.LexiconWord], error) {
	return readWords(ctx, d.sql, "")
}

// Word returns one draft lexicon word.
func (d *DB) Word(ctx context.Context, text string) (kb.Versioned[kb.LexiconWord], error) {
	ws, err := readWords(ctx, d.sql, text)
	return first(ws, err, error(kb.Errorf(kb.CodeNotFound, "词典中没有 %s", text)))
}

// PutWord creates (ifMatch 0) or replaces a draft lexicon word.
func (d *DB) PutWord(ctx context.Context, w kb.LexiconWord, ifMatch int64, by kb.Actor) (int64, error) {
	return d.put(ctx, "lexicon_words", "text", w.Text, ifMatch,
		kb.Errorf(kb.CodeNotFound, "词典中没有 %s", w.Text), kb.Errorf(kb.CodeConflict, "词典中已有 %s", w.Text),
		func(tx *sql.Tx, pos int64, _ bool, version int64) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO lexicon_words (text, position, freq, pos, version) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (text) DO UPDATE SET freq = excluded.freq, pos = excluded.pos, version = excluded.version`,
				w.Text, pos, w.Freq, w.POS, version)
			return err
		},
		by, "word.put", w.Text, "")
}

// DeleteWord removes a draft lexicon word.
func (d *DB) DeleteWord(ctx context.Context, text string, ifMatch int64, by kb.Actor) error {
	return d.deleteRow(ctx, "lexicon_words", "text", text, ifMatch, by, "word.delete")
}

func readSynonyms(ctx context.Context, q queryer, id int64) ([]kb.Versioned[kb.SynonymEntry], error) {
	return readItems(ctx, q, `SELECT id, words, version FROM synonym_groups`,
		`id`, keyIf(id != 0, "id"), id,
		func(rows *sql.Rows, v *kb.Versioned[kb.SynonymEntry]) error {
			var words string
			if err := rows.Scan(&v.Item.ID, &words, &v.Version); err != nil {
				return err
			}
			return json.Unmarshal([]byte(words), &v.Item.Words)
		})
}

// Synonyms lists the draft's synonym groups.
func (d *DB) Synonyms(ctx context.Context) ([]kb.Versioned[kb.SynonymEntry], error) {
	return readSynonyms(ctx, d.sql, 0)
}

// Synonym returns one draft synonym group.
func (d *DB) Synonym(ctx context.Context, id int64) (kb.Versioned[kb.SynonymEntry], error) {
	if id <= 0 {
		return kb.Versioned[kb.SynonymEntry]{}, kb.Errorf(kb.CodeNotFound, "没有找到同义词组 %d", id)
	}
	ss, err := readSynonyms(ctx, d.sql, id)
	return first(ss, err, error(kb.Errorf(kb.CodeNotFound, "没有找到同义词组 %d", id)))
}

// PutSynonym creates (s.ID 0) or replaces a draft synonym group.
func (d *DB) PutSynonym(ctx context.Context, s kb.SynonymEntry, ifMatch int64, by kb.Actor) (kb.SynonymEntry, int64, error) {
	var version int64
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if s.ID != 0 {
			cur, err := currentVersion(ctx, tx, `SELECT version FROM synonym_groups WHERE id = ?`, s.ID)
			if err != nil {
				return err
			}
			if err := checkMatch(cur, ifMatch); err != nil {
				return err
			}
		}
		if version, err = nextVersion(ctx, tx); err != nil {
			return err
		}
		if s.ID == 0 {
			if err := tx.QueryRowContext(ctx, `INSERT INTO synonym_groups (words, version) VALUES (?, ?) RETURNING id`,
				mustJSON(s.Words), version).Scan(&s.ID); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE synonym_groups SET words = ?, version = ? WHERE id = ?`,
			mustJSON(s.Words), version, s.ID); err != nil {
			return err
		}
		return audit(ctx, tx, d.now(), by, "synonym.put", fmt.Sprint(s.ID), mustJSON(s.Words))
	})
	return s, version, err
}

// DeleteSynonym removes a draft synonym group.
func (d *DB) DeleteSynonym(ctx context.Context, id int64, ifMatch int64, by kb.Actor) error {
	return d.deleteRow(ctx, "synonym_groups", "id", id, ifMatch, by, "synonym.delete")
}

// AddClause appends a clause under parent.
func (d *DB) AddClause(ctx context.Context, doc, parent, title, text string, by kb.Actor) (kb.Versioned[kb.Clause], error) {
	var out kb.Versioned[kb.Clause]
	err := d.tx(ctx, func(tx *sql.Tx) error {
		cur := kb.Document{ID: doc}
		rows, err := tx.QueryContext(ctx, `SELECT id, label, position FROM clauses WHERE doc = ? ORDER BY position`, doc)
		if err != nil {
			return err
		}
		pos := map[string]int{}
		for rows.Next() {
			var c kb.Clause
			var p int
			if err := rows.Scan(&c.ID, &c.Label, &p); err != nil {
				rows.Close()
				return err
			}
			cur.Clauses = append(cur.Clauses, c)
			pos[c.ID] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := currentVersion(ctx, tx, `SELECT version FROM documents WHERE id = ?`, doc); err != nil {
			return err
		}
		id, label, ok := kb.NextClause(&cur, parent)
		if !ok {
			return kb.Errorf(kb.CodeInvalid, "上级条款 %q 不存在或层级过深", parent)
		}
		// After the parent's last descendant (or at the end).
		at := -1
		for _, c := range cur.Clauses {
			if parent == "" || c.ID == parent || strings.HasPrefix(c.ID, parent+".") {
				at = max(at, pos[c.ID])
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE clauses SET position = position + 1 WHERE doc = ? AND position > ?`, doc, at); err != nil {
			return err
		}
		v, err := nextVersion(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO clauses (doc, id, position, label, title, text, version) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			doc, id, at+1, label, title, text, v); err != nil {
			return err
		}
		out = kb.Versioned[kb.Clause]{Item: kb.Clause{ID: id, Label: label, Title: title, Text: text}, Version: v}
		return audit(ctx, tx, d.now(), by, "clause.add", kb.ClauseKey(doc, id), clip(text, 200))
	})
	return out, err
}

// DeleteClause removes a clause that has no children and no FAQ entry
// pointing at it.
func (d *DB) DeleteClause(ctx context.Context, doc, id string, ifMatch int64, by kb.Actor) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		cur, err := currentVersion(ctx, tx, `SELECT version FROM clauses WHERE doc = ? AND id = ?`, doc, id)
		if err != nil {
			return err
		}
		if err := checkMatch(cur, ifMatch); err != nil {
			return err
		}
		var children int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM clauses WHERE doc = ? AND id LIKE ? ESCAPE '\'`,
			doc, strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(id)+".%").Scan(&children); err != nil {
			return err
		}
		if children > 0 {
			return kb.Errorf(kb.CodeConflict, "条款 %s 还有 %d 个下级条款，请先删除它们", id, children)
		}
		var faqs []string
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT f.id FROM faqs f, json_each(f.clauses) j WHERE f.doc = ? AND j.value = ? ORDER BY f.id`, doc, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var f string
			if err := rows.Scan(&f); err != nil {
				rows.Close()
				return err
			}
			faqs = append(faqs, f)
		}
		rows.Close()
		if len(faqs) > 0 {
			return kb.Errorf(kb.CodeConflict, "问答 %s 引用了条款 %s，请先修改这些问答", strings.Join(faqs, "、"), id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM clauses WHERE doc = ? AND id = ?`, doc, id); err != nil {
			return err
		}
		return audit(ctx, tx, d.now(), by, "clause.delete", kb.ClauseKey(doc, id), "")
	})
}
