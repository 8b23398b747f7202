package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"zhiyin/kb"
)

// Audit records an event that is not a change, such as a login.
func (d *DB) Audit(ctx context.Context, e kb.AuditEntry) error {
	if e.Time.IsZero() {
		e.Time = d.now()
	}
	return d.tx(ctx, func(tx *sql.Tx) error {
		return audit(ctx, tx, e.Time, kb.Actor{Name: e.Actor, Remote: e.Remote}, e.Action, e.Target, e.Detail)
	})
}

// AuditLog returns the latest audit entries, newest first.
func (d *DB) AuditLog(ctx context.Context, limit int) ([]kb.AuditEntry, error) {
	if limit <= 0 {
		limit = 200
	}
	rows, err := d.sql.QueryContext(ctx, `SELECT id, time, actor, remote, action, target, detail FROM audit ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kb.AuditEntry{}
	for rows.Next() {
		var e kb.AuditEntry
		var t string
		if err := rows.Scan(&e.ID, &t, &e.Actor, &e.Remote, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, err
		}
		e.Time = parseTime(t)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Users lists the users.
func (d *DB) Users(ctx context.Context) ([]kb.User, error) {
	rows, err := d.sql.QueryContext(ctx, `SELECT name, role, created FROM users ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kb.User{}
	for rows.Next() {
		var u kb.User
		var role, t string
		if err := rows.Scan(&u.Name, &role, &t); err != nil {
			return nil, err
		}
		u.Role, u.Created = kb.Role(role), parseTime(t)
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserHash returns a user and their password hash.
func (d *DB) UserHash(ctx context.Context, name string) (kb.User, []byte, error) {
	var u kb.User
	var role, t string
	var hash []byte
	err := d.sql.QueryRowContext(ctx, `SELECT name, role, created, password FROM users WHERE name = ?`, name).Scan(&u.Name, &role, &t, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return u, nil, kb.Errorf(kb.CodeNotFound, "没有用户 %s", name)
	}
	u.Role, u.Created = kb.Role(role), parseTime(t)
	return u, hash, err
}

// CreateUser adds a user; CodeConflict if the name is taken.
func (d *DB) CreateUser(ctx context.Context, u kb.User, hash []byte, by kb.Actor) error {
	if u.Created.IsZero() {
		u.Created = d.now()
	}
	return d.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE name = ?`, u.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return kb.Errorf(kb.CodeConflict, "用户 %s 已存在", u.Name)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, password, created) VALUES (?, ?, ?, ?)`,
			u.Name, string(u.Role), hash, fmtTime(u.Created)); err != nil {
			return err
		}
		return audit(ctx, tx, d.now(), by, "user.create", u.Name, string(u.Role))
	})
}

// DeleteUser removes a user and their sessions.
func (d *DB) DeleteUser(ctx context.Context, name string, by kb.Actor) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE name = ?`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return kb.Errorf(kb.CodeNotFound, "没有用户 %s", name)
		}
		return audit(ctx, tx, d.now(), by, "user.delete", name, "")
	})
}

// CreateSession stores a login session.
func (d *DB) CreateSession(ctx context.Context, tokenHash []byte, user string, expires time.Time) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		// Expired sessions go as new ones come: the table stays small.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires < ?`, fmtTime(d.now())); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user, expires) VALUES (?, ?, ?)`, tokenHash, user, fmtTime(expires))
		return err
	})
}

// SessionUser returns the user of an unexpired session, CodeUnauthorized
// otherwise.
func (d *DB) SessionUser(ctx context.Context, tokenHash []byte, now time.Time) (kb.User, error) {
	var u kb.User
	var role, created, expires string
	err := d.sql.QueryRowContext(ctx, `SELECT u.name, u.role, u.created, s.expires FROM sessions s JOIN users u ON u.name = s.user WHERE s.token_hash = ?`,
		tokenHash).Scan(&u.Name, &role, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && parseTime(expires).Before(now)) {
		return kb.User{}, kb.Errorf(kb.CodeUnauthorized, "登录已过期，请重新登录")
	}
	if err != nil {
		return kb.User{}, err
	}
	u.Role, u.Created = kb.Role(role), parseTime(created)
	return u, nil
}

// DeleteSession ends a login session.
func (d *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
}
