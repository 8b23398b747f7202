-- The knowledge base's working copy (the draft), its revisions, the users,
-- the audit log and the question log.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
INSERT INTO meta (key, value) VALUES ('version_seq', 0);

CREATE TABLE documents (
	id          TEXT PRIMARY KEY,
	position    INTEGER NOT NULL,
	title       TEXT NOT NULL,
	short_title TEXT NOT NULL DEFAULT '',
	number      TEXT NOT NULL DEFAULT '',
	issuer      TEXT NOT NULL DEFAULT '',
	year        INTEGER NOT NULL DEFAULT 0,
	status      TEXT NOT NULL,
	source      TEXT NOT NULL DEFAULT '',
	version     INTEGER NOT NULL
);

CREATE TABLE clauses (
	doc      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	id       TEXT NOT NULL,
	position INTEGER NOT NULL,
	label    TEXT NOT NULL,
	title    TEXT NOT NULL DEFAULT '',
	text     TEXT NOT NULL DEFAULT '',
	version  INTEGER NOT NULL,
	PRIMARY KEY (doc, id)
);

CREATE TABLE faqs (
	id       TEXT PRIMARY KEY,
	position INTEGER NOT NULL,
	doc      TEXT NOT NULL,
	clauses  TEXT NOT NULL, -- JSON array of clause ids
	question TEXT NOT NULL,
	similar  TEXT NOT NULL, -- JSON array of questions
	version  INTEGER NOT NULL
);

CREATE TABLE lexicon_words (
	text     TEXT PRIMARY KEY,
	position INTEGER NOT NULL,
	freq     INTEGER NOT NULL DEFAULT 0,
	pos      TEXT NOT NULL DEFAULT '',
	version  INTEGER NOT NULL
);

CREATE TABLE synonym_groups (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	words   TEXT NOT NULL, -- JSON array, the formal term first
	version INTEGER NOT NULL
);

CREATE TABLE revisions (
	n        INTEGER PRIMARY KEY,
	author   TEXT NOT NULL,
	time     TEXT NOT NULL,
	message  TEXT NOT NULL,
	changes  TEXT NOT NULL, -- JSON array of kb.Change
	snapshot BLOB NOT NULL  -- JSON kb.Knowledge: what revision n serves
);

CREATE TABLE audit (
	id     INTEGER PRIMARY KEY AUTOINCREMENT,
	time   TEXT NOT NULL,
	actor  TEXT NOT NULL,
	remote TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	target TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users (
	name     TEXT PRIMARY KEY,
	role     TEXT NOT NULL,
	password BLOB NOT NULL,
	created  TEXT NOT NULL
);

CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	user       TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
	expires    TEXT NOT NULL
);

CREATE TABLE questions (
	id         TEXT PRIMARY KEY,
	time       TEXT NOT NULL,
	channel    TEXT NOT NULL,
	user       TEXT NOT NULL DEFAULT '',
	session    TEXT NOT NULL DEFAULT '',
	question   TEXT NOT NULL,
	answered   INTEGER NOT NULL,
	kind       TEXT NOT NULL DEFAULT '',
	confidence REAL NOT NULL DEFAULT 0,
	doc        TEXT NOT NULL DEFAULT '',
	clause     TEXT NOT NULL DEFAULT '',
	latency_ms REAL NOT NULL DEFAULT 0,
	revision   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX questions_time ON questions(time);

CREATE TABLE feedback (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	question_id TEXT NOT NULL,
	helpful     INTEGER NOT NULL,
	comment     TEXT NOT NULL DEFAULT '',
	time        TEXT NOT NULL
);
CREATE INDEX feedback_question ON feedback(question_id);
