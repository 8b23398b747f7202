package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"zhiyin/kb"
)

var _ kb.ReviewStore = (*DB)(nil)

func insertNegative(ctx context.Context, tx *sql.Tx, n kb.Negative, pos int) error {
	v, err := nextVersion(ctx, tx)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO negatives (id, position, question, version) VALUES (?, ?, ?, ?)`, n.ID, pos, n.Question, v)
	return err
}

func readNegatives(ctx context.Context, q queryer) ([]kb.Negative, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, question FROM negatives ORDER BY position, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.Negative
	for rows.Next() {
		var n kb.Negative
		if err := rows.Scan(&n.ID, &n.Question); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// ReviewQuestions returns the logged questions that need an editor: refused
// (not greetings or empty input), answered with confidence below low, or
// marked unhelpful; newest first.
func (d *DB) ReviewQuestions(ctx context.Context, since time.Time, low float64, limit int) ([]kb.ReviewQuestion, error) {
	if limit <= 0 {
		limit = 20000
	}
	rows, err := d.sql.QueryContext(ctx, `SELECT q.id, q.time, q.channel, q.question, q.answered, q.confidence,
			EXISTS (SELECT 1 FROM feedback f WHERE f.question_id = q.id AND f.helpful = 0) AS unhelpful
		FROM questions q
		WHERE q.time >= ? AND q.kind NOT IN ('greeting', 'empty')
		  AND (q.answered = 0 OR q.confidence < ?
		       OR EXISTS (SELECT 1 FROM feedback f WHERE f.question_id = q.id AND f.helpful = 0))
		ORDER BY q.time DESC LIMIT ?`, fmtTime(since), low, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.ReviewQuestion
	for rows.Next() {
		var q kb.ReviewQuestion
		var t string
		var answered, unhelpful bool
		var conf float64
		if err := rows.Scan(&q.ID, &t, &q.Channel, &q.Question, &answered, &conf, &unhelpful); err != nil {
			return nil, err
		}
		q.Time = parseTime(t)
		switch {
		case unhelpful:
			q.Reason = kb.ReasonUnhelpful
		case !answered:
			q.Reason = kb.ReasonRefused
		default:
			q.Reason = kb.ReasonLowConfidence
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// Resolutions returns the editors' resolutions by folded question text.
func (d *DB) Resolutions(ctx context.Context) (map[string]kb.Resolution, error) {
	rows, err := d.sql.QueryContext(ctx, `SELECT key, action, doc, clause, faq, negative, actor, time FROM review_resolutions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]kb.Resolution{}
	for rows.Next() {
		var key, t string
		var r kb.Resolution
		if err := rows.Scan(&key, &r.Action, &r.Doc, &r.Clause, &r.FAQ, &r.Neg, &r.By, &t); err != nil {
			return nil, err
		}
		r.Time = parseTime(t)
		out[key] = r
	}
	return out, rows.Err()
}

// reviewID derives a stable id from a question's folded text.
func reviewID(prefix, question string) string {
	h := sha256.Sum256([]byte(kb.FoldQuestion(question)))
	return prefix + hex.EncodeToString(h[:6])
}

// Resolve applies r to the draft and records it for every key.
func (d *DB) Resolve(ctx context.Context, keys []string, question string, r kb.Resolution, by kb.Actor) (kb.Resolution, error) {
	if len(keys) == 0 || question == "" {
		return r, kb.Errorf(kb.CodeInvalid, "缺少要处理的问题")
	}
	r.By, r.Time = by.Name, d.now().UTC()
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var target string
		switch r.Action {
		case kb.ActionLink:
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM clauses WHERE doc = ? AND id = ?`, r.Doc, r.Clause).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return kb.Errorf(kb.CodeNotFound, "没有找到条款 %s", kb.ClauseKey(r.Doc, r.Clause))
			}
			id, err := linkQuestion(ctx, tx, r.Doc, r.Clause, question)
			if err != nil {
				return err
			}
			r.FAQ, r.Neg, target = id, "", kb.ClauseKey(r.Doc, r.Clause)
		case kb.ActionOutOfScope:
			r.Doc, r.Clause, r.FAQ = "", "", ""
			r.Neg = reviewID("neg-", question)
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM negatives WHERE id = ?`, r.Neg).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				var pos int
				if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), -1) + 1 FROM negatives`).Scan(&pos); err != nil {
					return err
				}
				if err := insertNegative(ctx, tx, kb.Negative{ID: r.Neg, Question: question}, pos); err != nil {
					return err
				}
			}
			target = r.Neg
		case kb.ActionDismiss:
			r.Doc, r.Clause, r.FAQ, r.Neg = "", "", "", ""
		default:
			return kb.Errorf(kb.CodeInvalid, "未知的处理方式 %q（可选 link、out_of_scope、dismiss）", r.Action)
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO review_resolutions (key, question, action, doc, clause, faq, negative, actor, time)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, k, question, r.Action, r.Doc, r.Clause, r.FAQ, r.Neg, r.By, fmtTime(r.Time)); err != nil {
				return err
			}
		}
		detail := question
		if target != "" {
			detail += " → " + target
		}
		return audit(ctx, tx, r.Time, by, "review."+r.Action, clip(question, 80), detail)
	})
	return r, err
}

// linkQuestion makes question a similar question of the first FAQ entry
// whose first clause is doc#clause, or of a new entry; it returns the
// entry's id.
func linkQuestion(ctx context.Context, tx *sql.Tx, doc, clause, question string) (string, error) {
	faqs, err := readFAQs(ctx, tx, "")
	if err != nil {
		return "", err
	}
	for _, v := range faqs {
		f := v.Item
		if f.Doc != doc || len(f.Clauses) == 0 || f.Clauses[0] != clause {
			continue
		}
		fold := kb.FoldQuestion(question)
		for _, q := range append([]string{f.Question}, f.Similar...) {
			if kb.FoldQuestion(q) == fold {
				return f.ID, nil
			}
		}
		f.Similar = append(f.Similar, question)
		ver, err := nextVersion(ctx, tx)
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE faqs SET similar = ?, version = ? WHERE id = ?`, mustJSON(f.Similar), ver, f.ID); err != nil {
			return "", err
		}
		return f.ID, nil
	}
	id := reviewID("review-", question)
	var pos int64
	err = tx.QueryRowContext(ctx, `SELECT position FROM faqs WHERE id = ?`, id).Scan(&pos)
	if err == nil {
		return "", kb.Errorf(kb.CodeConflict, "问答 %s 已存在但未指向该条款", id)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), -1) + 1 FROM faqs`).Scan(&pos); err != nil {
		return "", err
	}
	ver, err := nextVersion(ctx, tx)
	if err != nil {
		return "", err
	}
	return id, insertFAQ(ctx, tx, kb.FAQ{ID: id, Doc: doc, Clauses: []string{clause}, Question: question}, int(pos), ver)
}

// Stats sums up the question log since the given time.
func (d *DB) Stats(ctx context.Context, since time.Time) (kb.Stats, error) {
	st := kb.Stats{Days: []kb.DayCount{}, Channels: map[string]int{}, TopClauses: []kb.ClauseCount{}}
	from := fmtTime(since)
	rows, err := d.sql.QueryContext(ctx, `SELECT substr(time, 1, 10) AS day, channel, answered, COUNT(*)
		FROM questions WHERE time >= ? AND kind NOT IN ('greeting', 'empty') GROUP BY day, channel, answered ORDER BY day`, from)
	if err != nil {
		return st, err
	}
	idx := map[string]int{}
	for rows.Next() {
		var day, ch string
		var answered bool
		var n int
		if err := rows.Scan(&day, &ch, &answered, &n); err != nil {
			rows.Close()
			return st, err
		}
		i, ok := idx[day]
		if !ok {
			i = len(st.Days)
			idx[day] = i
			st.Days = append(st.Days, kb.DayCount{Day: day, Channels: map[string]int{}})
		}
		st.Days[i].Total += n
		st.Days[i].Channels[ch] += n
		st.Channels[ch] += n
		if answered {
			st.Days[i].Answered += n
			st.Answered += n
		} else {
			st.Refused += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	if err := d.sql.QueryRowContext(ctx, `SELECT COALESCE(SUM(helpful), 0), COALESCE(SUM(1 - helpful), 0) FROM feedback WHERE time >= ?`, from).
		Scan(&st.Helpful, &st.Unhelpful); err != nil {
		return st, err
	}
	rows, err = d.sql.QueryContext(ctx, `SELECT doc, clause, COUNT(*) AS n FROM questions
		WHERE time >= ? AND answered = 1 AND clause != '' GROUP BY doc, clause ORDER BY n DESC, doc, clause LIMIT 10`, from)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var c kb.ClauseCount
		if err := rows.Scan(&c.Doc, &c.Clause, &c.Count); err != nil {
			return st, err
		}
		st.TopClauses = append(st.TopClauses, c)
	}
	return st, rows.Err()
}
