package web

import (
	"encoding/json"
	"testing"

	"zhiyin/kb"
)

func TestVersionedJSONAddsTheETag(t *testing.T) {
	b, err := json.Marshal(versionedJSON[kb.LexiconWord](kb.Versioned[kb.LexiconWord]{Item: kb.LexiconWord{Text: "外网", Freq: 3}, Version: 7}))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if got["text"] != "外网" || got["etag"] != `"7"` {
		t.Errorf("got %s", b)
	}
	b, err = json.Marshal(versionedJSON[struct{}](kb.Versioned[struct{}]{Version: 1}))
	if err != nil || string(b) != `{"etag":"\"1\""}` {
		t.Errorf("empty item: %s, %v", b, err)
	}
}
