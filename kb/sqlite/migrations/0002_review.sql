-- The unanswered-question loop: negative examples (questions editors marked
-- out of scope; part of the draft and of every published revision) and the
-- editors' resolutions of queue items, by folded question text.

CREATE TABLE negatives (
	id       TEXT PRIMARY KEY,
	position INTEGER NOT NULL,
	question TEXT NOT NULL,
	version  INTEGER NOT NULL
);

CREATE TABLE review_resolutions (
	key      TEXT PRIMARY KEY, -- kb.FoldQuestion of a wording
	question TEXT NOT NULL,
	action   TEXT NOT NULL,    -- link, out_of_scope, dismiss
	doc      TEXT NOT NULL DEFAULT '',
	clause   TEXT NOT NULL DEFAULT '',
	faq      TEXT NOT NULL DEFAULT '',
	negative TEXT NOT NULL DEFAULT '',
	actor    TEXT NOT NULL,
	time     TEXT NOT NULL
);
