package kb

import (
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// turn is what a session remembers of its last question, so that an
// elliptical follow-up ("那软件呢？") can be read against it. Only the
// words are kept: sessions are many (one per conversation, up to the LRU's
// bound) and the analyses of the words are in the generation's cache.
type turn struct {
	text  string
	terms []string
}

// sessions keeps the last turn of each session, bounded in number and age
// (an expirable LRU: it keeps its own clock).
type sessions struct {
	lru *expirable.LRU[string, *turn]
}

func newSessions(max int, ttl time.Duration) *sessions {
	return &sessions{lru: expirable.NewLRU[string, *turn](max, nil, ttl)}
}

func (s *sessions) get(id string) *turn {
	t, _ := s.lru.Get(id)
	return t
}

func (s *sessions) put(id string, t *turn) {
	if t == nil {
		return
	}
	s.lru.Add(id, t)
}
