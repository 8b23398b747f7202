package sqlite

import (
	"context"
	"testing"

	"zhiyin/kb"
)

// TestResolveNegativesAndLinks: an out-of-scope question becomes a negative
// example of the draft, published with it and gone again after restoring
// a revision without it; a linked question joins the clause's FAQ entry
// once; resolutions are kept by key.
func TestResolveNegativesAndLinks(t *testing.T) {
	ctx := context.Background()
	db, k := seeded(t)
	doc := k.Documents[0].ID
	var main kb.FAQ
	for _, f := range k.FAQs {
		if f.Doc == doc && len(f.Clauses) > 0 {
			main = f
			break
		}
	}
	r, err := db.Resolve(ctx, []string{"vpn账号如何开通", "vpn账号怎么开通"}, "VPN账号如何开通", kb.Resolution{Action: kb.ActionOutOfScope}, admin)
	if err != nil || r.Neg == "" || r.By != admin.Name {
		t.Fatalf("out of scope: %+v, %v", r, err)
	}
	work, err := db.Working(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seededNegs := len(k.Negatives) // the corpus's own out-of-scope list
	if len(work.Negatives) != seededNegs+1 || work.Negatives[seededNegs].Question != "VPN账号如何开通" {
		t.Fatalf("negatives in the draft: %+v", work.Negatives)
	}
	// Resolving again does not add a second negative.
	if _, err := db.Resolve(ctx, []string{"vpn账号如何开通"}, "VPN账号如何开通", kb.Resolution{Action: kb.ActionOutOfScope}, admin); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		r, err = db.Resolve(ctx, []string{"机房空调坏了找谁修"}, "机房空调坏了找谁修", kb.Resolution{Action: kb.ActionLink, Doc: doc, Clause: main.Clauses[0]}, admin)
		if err != nil || r.FAQ != main.ID {
			t.Fatalf("link: %+v, %v", r, err)
		}
	}
	f, err := db.FAQ(ctx, main.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.Item.Similar); n != len(main.Similar)+1 || f.Item.Similar[n-1] != "机房空调坏了找谁修" {
		t.Errorf("similar questions: %v", f.Item.Similar)
	}
	ch, err := db.Drafts(ctx)
	if err != nil || len(ch) != 2 {
		t.Errorf("drafts: %+v, %v", ch, err)
	}
	if _, err := db.Publish(ctx, admin, "review", nil); err != nil {
		t.Fatal(err)
	}
	pub, _, err := db.Published(ctx)
	if err != nil || len(pub.Negatives) != seededNegs+1 {
		t.Fatalf("published negatives: %+v, %v", pub.Negatives, err)
	}
	res, err := db.Resolutions(ctx)
	if err != nil || len(res) != 3 || res["vpn账号怎么开通"].Action != kb.ActionOutOfScope || res["机房空调坏了找谁修"].FAQ != main.ID {
		t.Errorf("resolutions: %+v, %v", res, err)
	}
	if _, err := db.Restore(ctx, 1, admin, "", nil); err != nil {
		t.Fatal(err)
	}
	if work, _ := db.Working(ctx); len(work.Negatives) != seededNegs {
		t.Errorf("negatives after restoring revision 1: %+v", work.Negatives)
	}
	if _, err := db.Resolve(ctx, []string{"x"}, "x", kb.Resolution{Action: kb.ActionLink, Doc: doc, Clause: "99"}, admin); kb.ErrorCode(err) != kb.CodeNotFound {
		t.Errorf("link to a missing clause: %v", err)
	}
	if _, err := db.Resolve(ctx, []string{"x"}, "x", kb.Resolution{Action: "nope"}, admin); kb.ErrorCode(err) != kb.CodeInvalid {
		t.Errorf("unknown action: %v", err)
	}
}
