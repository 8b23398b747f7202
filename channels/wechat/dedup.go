package wechat

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// WeChat retries a message it got no reply to after 5 s, three tries in
// all: a job is kept well past the last retry.
const (
	jobTTL  = 2 * time.Minute
	maxJobs = 50_000
)

// result is what one message gets: texts[0] is the passive reply, the rest
// go out through the customer-service API; silent means reply "success".
type result struct {
	texts  []string
	silent bool
}

// job is the processing of one message, shared by WeChat's retries of it:
// the first request starts it, every request waits on done, and whichever
// answers first renders the reply that all later retries get byte for
// byte.
type job struct {
	fp   [32]byte      // the message's content: a retry carries the same
	done chan struct{} // closed when res is set

	mu       sync.Mutex
	finished bool
	res      result
	async    bool      // the reply was "success": the texts go out through the API
	reply    []byte    // rendered passive reply, reused by retries
	mode     replyMode // the mode reply was rendered in
	restSent bool      // texts[1:] handed to the API
}

// jobs is the bounded set of recent messages by key.
type jobs struct {
	mu  sync.Mutex // makes look-up-or-add atomic; the LRU locks itself too
	lru *expirable.LRU[string, *job]
}

func newJobs() *jobs {
	return &jobs{lru: expirable.NewLRU[string, *job](maxJobs, nil, jobTTL)}
}

// get returns the job for key, creating it when there is none (first). It
// returns nil when a job with the key exists for different content: the
// same MsgId with another body is not a retry but a forgery or a replay
// with a swapped body, and must neither be processed nor be handed the
// reply meant for the real message.
func (js *jobs) get(key string, fp [32]byte) (j *job, first bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if old, ok := js.lru.Get(key); ok {
		if old.fp != fp {
			return nil, false
		}
		return old, false
	}
	j = &job{fp: fp, done: make(chan struct{})}
	js.lru.Add(key, j)
	return j, true
}

// finish records the result; it reports whether the reply has already
// gone out as "success", so the texts must be sent through the API.
func (j *job) finish(res result) (async bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.finished {
		return false
	}
	j.res, j.finished = res, true
	close(j.done)
	return j.async
}

// messageKey identifies a message across WeChat's retries: its MsgId, or
// for events (and messages without a MsgId) FromUserName, CreateTime and
// Event. The content fingerprint joins the event-style key so two distinct
// messages of one user in one second are not taken for retries.
func messageKey(m *message.MixMessage, fp [32]byte) string {
	from := string(m.FromUserName)
	if m.MsgID != 0 {
		return "m|" + strconv.FormatInt(m.MsgID, 10) + "|" + from
	}
	return "e|" + from + "|" + strconv.FormatInt(m.CreateTime, 10) + "|" +
		string(m.MsgType) + "|" + string(m.Event) + "|" + hex.EncodeToString(fp[:8])
}

// fingerprint hashes what a message says; WeChat's retries of a message
// say the same.
func fingerprint(m *message.MixMessage) [32]byte {
	h := sha256.New()
	for _, s := range []string{
		string(m.ToUserName), string(m.FromUserName), strconv.FormatInt(m.CreateTime, 10),
		string(m.MsgType), m.Content, m.Recognition, m.MediaID, string(m.Event), m.EventKey,
		strconv.FormatInt(m.MsgID, 10),
	} {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	var fp [32]byte
	h.Sum(fp[:0])
	return fp
}
