package kb

import (
	"context"
	"time"
)

// Role is what a user of the admin API may do. Each role includes the ones
// below it: an admin can do what an editor can, an editor what a viewer can.
type Role string

// The roles.
const (
	RoleViewer Role = "viewer" // reads drafts, revisions, the knowledge base
	RoleEditor Role = "editor" // also edits and publishes
	RoleAdmin  Role = "admin"  // also manages users and reads the audit log
)

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleEditor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// Allows reports whether r may do what needs the role need.
func (r Role) Allows(need Role) bool { return r.Valid() && r.rank() >= need.rank() }

// User is a named account of the admin API.
type User struct {
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Created time.Time `json:"created"`
}

// Actor is who makes a change and from where, as the audit log records it.
type Actor struct {
	Name   string
	Remote string
}

// AuditEntry is one change or login.
type AuditEntry struct {
	ID     int64     `json:"id"`
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	Remote string    `json:"remote,omitempty"`
	Action string    `json:"action"` // such as "clause.update", "publish", "login"
	Target string    `json:"target,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// Revision is one publish: a numbered, immutable state of the knowledge base.
type Revision struct {
	N       int64     `json:"n"`
	Author  string    `json:"author"`
	Time    time.Time `json:"time"`
	Message string    `json:"message"`
	Changes []Change  `json:"changes"`
}

// Versioned is a stored item with its version: the ETag of the admin API.
// A version is never reused, even across a delete and a re-create.
type Versioned[T any] struct {
	Item    T
	Version int64
}

// Store keeps the knowledge base, its history, the users and the audit log.
// The working copy (the tables editors change) is the draft; Publish turns it
// into a numbered revision, the state that is served.
//
// Every method returns *Error values: CodeNotFound for a missing item,
// CodeStale when ifMatch is not the current version, CodeConflict for a
// duplicate, CodeInvalid for malformed input, CodeUnavailable when the store
// cannot write. A change is durable once its method returns nil, and is
// recorded in the audit log in the same transaction.
type Store interface {
	// Published returns the latest revision's knowledge base and number.
	Published(ctx context.Context) (Knowledge, int64, error)
	// Working returns the draft: the published state plus unpublished edits.
	Working(ctx context.Context) (Knowledge, error)
	// Drafts returns the changes of the draft against the latest revision.
	Drafts(ctx context.Context) ([]Change, error)
	// Publish makes the draft the next revision. build is called with the
	// new knowledge base and number before the revision is committed; its
	// error cancels the publish.
	Publish(ctx context.Context, by Actor, message string, build func(Knowledge, int64) error) (Revision, error)
	// Restore makes revision n the draft and publishes it as a new revision.
	Restore(ctx context.Context, n int64, by Actor, message string, build func(Knowledge, int64) error) (Revision, error)
	// Revisions returns the latest revisions, newest first.
	Revisions(ctx context.Context, limit int) ([]Revision, error)

	Documents(ctx context.Context) ([]Versioned[Document], error) // without clauses
	Document(ctx context.Context, id string) (Versioned[Document], error)
	// CreateDocument adds d with its clauses; CodeConflict if its id exists.
	CreateDocument(ctx context.Context, d Document, by Actor) (int64, error)
	// UpdateDocument changes d's metadata (not its clauses).
	UpdateDocument(ctx context.Context, d Document, ifMatch int64, by Actor) (int64, error)
	DeleteDocument(ctx context.Context, id string, ifMatch int64, by Actor) error
	Clause(ctx context.Context, doc, id string) (Versioned[Clause], error)
	UpdateClause(ctx context.Context, doc, id, title, text string, ifMatch int64, by Actor) (int64, error)
	// AddClause appends a clause as the last child of parent ("" for a new
	// section), numbered by NextClause.
	AddClause(ctx context.Context, doc, parent, title, text string, by Actor) (Versioned[Clause], error)
	// DeleteClause removes a clause; CodeConflict while it has children or
	// FAQ entries point at it. The ids of the others do not change.
	DeleteClause(ctx context.Context, doc, id string, ifMatch int64, by Actor) error

	FAQs(ctx context.Context) ([]Versioned[FAQ], error)
	FAQ(ctx context.Context, id string) (Versioned[FAQ], error)
	// PutFAQ creates f when ifMatch is 0 (CodeConflict if it exists), else
	// replaces it.
	PutFAQ(ctx context.Context, f FAQ, ifMatch int64, by Actor) (int64, error)
	DeleteFAQ(ctx context.Context, id string, ifMatch int64, by Actor) error

	Words(ctx context.Context) ([]Versioned[LexiconWord], error)
	Word(ctx context.Context, text string) (Versioned[LexiconWord], error)
	PutWord(ctx context.Context, w LexiconWord, ifMatch int64, by Actor) (int64, error)
	DeleteWord(ctx context.Context, text string, ifMatch int64, by Actor) error
	Synonyms(ctx context.Context) ([]Versioned[SynonymEntry], error)
	Synonym(ctx context.Context, id int64) (Versioned[SynonymEntry], error)
	// PutSynonym creates a group when s.ID is 0, else replaces group s.ID.
	PutSynonym(ctx context.Context, s SynonymEntry, ifMatch int64, by Actor) (SynonymEntry, int64, error)
	DeleteSynonym(ctx context.Context, id int64, ifMatch int64, by Actor) error

	// Audit records an event that is not a change (a login).
	Audit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, limit int) ([]AuditEntry, error)

	Users(ctx context.Context) ([]User, error)
	// UserHash returns a user and their password hash.
	UserHash(ctx context.Context, name string) (User, []byte, error)
	CreateUser(ctx context.Context, u User, hash []byte, by Actor) error
	DeleteUser(ctx context.Context, name string, by Actor) error
	// CreateSession stores a login session by the hash of its token.
	CreateSession(ctx context.Context, tokenHash []byte, user string, expires time.Time) error
	// SessionUser returns the user of an unexpired session.
	SessionUser(ctx context.Context, tokenHash []byte, now time.Time) (User, error)
	DeleteSession(ctx context.Context, tokenHash []byte) error
}

// LexiconWord is a domain word as the admin API edits it.
type LexiconWord struct {
	Text string `json:"text"`
	Freq int    `json:"freq,omitempty"`
	POS  string `json:"pos,omitempty"`
}

// SynonymEntry is a synonym group as the admin API edits it.
type SynonymEntry struct {
	ID    int64    `json:"id"`
	Words []string `json:"words"`
}
