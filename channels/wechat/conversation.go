package wechat

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/silenceper/wechat/v2/officialaccount/message"

	"zhiyin/kb"
)

// What is remembered of a user's last answer, for "1" and "2".
const (
	turnTTL  = 30 * time.Minute
	maxTurns = 100_000
)

// lastTurn is a user's last answered question.
type lastTurn struct {
	answered  bool
	citations []kb.Citation
}

// turns holds each user's last turn, by OpenID hash, bounded in number
// and age.
type turns struct {
	lru *expirable.LRU[string, *lastTurn]
}

func newTurns() *turns {
	return &turns{lru: expirable.NewLRU[string, *lastTurn](maxTurns, nil, turnTTL)}
}

func (t *turns) get(user string) *lastTurn {
	v, _ := t.lru.Get(user)
	return v
}

func (t *turns) put(user string, v *lastTurn) { t.lru.Add(user, v) }

// interactiveEvents are the events a person caused and may expect an
// answer to; other events (menu links, location reports, job reports) are
// notifications, answered "success" so nobody gets a message they did not
// ask for.
var interactiveEvents = map[message.EventType]bool{
	message.EventClick: true, message.EventScan: true,
	message.EventScancodePush: true, message.EventScancodeWaitmsg: true,
	message.EventPicSysphoto: true, message.EventPicPhotoOrAlbum: true,
	message.EventPicWeixin: true, message.EventLocationSelect: true,
}

// silent reports whether a message gets no reply at all: unsubscribe (the
// user can no longer read one) and notification events.
func silent(m *message.MixMessage) bool {
	if m.MsgType != message.MsgTypeEvent {
		return false
	}
	return m.Event != message.EventSubscribe && !interactiveEvents[m.Event]
}

// isQuestion reports whether a message counts against the user's rate:
// everything a user sends but events.
func isQuestion(m *message.MixMessage) bool { return m.MsgType != message.MsgTypeEvent }

// respond works out the reply to one message.
func (h *Handler) respond(ctx context.Context, m *message.MixMessage, user string) result {
	switch m.MsgType {
	case message.MsgTypeText:
		return h.onText(ctx, m.Content, user)
	case message.MsgTypeVoice:
		if strings.TrimSpace(m.Recognition) == "" {
			return one(textNoVoice)
		}
		return h.onText(ctx, m.Recognition, user)
	case message.MsgTypeEvent:
		if m.Event == message.EventSubscribe {
			return one(h.cfg.Welcome)
		}
	}
	// image, location, link, video, shortvideo, unknown, "TEXT" (WeChat
	// sends lower case: anything else is not a text message), menu clicks.
	return one(textAskForText)
}

func one(text string) result { return result{texts: []string{fitReply(text)}} }

// command reads the follow-up commands "1" and "2", in ASCII or
// full-width digits, with stray spaces or a full stop.
func command(text string) string {
	t := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(text), "。.！!"))
	switch t {
	case "1", "１":
		return "1"
	case "2", "２":
		return "2"
	}
	return ""
}

// onText answers a question, or a follow-up command about the last one.
func (h *Handler) onText(ctx context.Context, text, user string) result {
	text = strings.TrimSpace(text)
	switch command(text) {
	case "1":
		return h.fullText(user)
	case "2":
		return h.related(user)
	}
	if text == "" {
		return one(textAskForText)
	}
	eng := h.cfg.Engine()
	if eng == nil {
		return one(textNotReady)
	}
	select {
	case h.sem <- struct{}{}:
		defer func() { <-h.sem }()
	case <-ctx.Done():
		return one(textFailed)
	}
	// The session is the keyed hash of the OpenID: the engine reads an
	// elliptical follow-up ("那软件呢？") against this user's last question.
	a, err := eng.Ask(ctx, kb.Question{Text: text, Channel: "wechat", User: user, Session: "wechat:" + user})
	if err != nil {
		if kb.ErrorCode(err) == kb.CodeInvalid {
			return one(kb.ErrorMessage(err))
		}
		h.log.Error("wechat: ask", "user", user, "err", err)
		return one(withHelpdesk(textFailed, h.cfg.Helpdesk))
	}
	if a.Kind == kb.KindAnswer || a.Kind == kb.KindRefusal || a.Answered {
		h.turns.put(user, &lastTurn{answered: a.Answered && len(a.Citations) > 0, citations: a.Citations})
	}
	return result{texts: []string{formatAnswer(a, h.cfg.Helpdesk)}}
}

func withHelpdesk(text, helpdesk string) string {
	if helpdesk = strings.TrimSpace(helpdesk); helpdesk != "" {
		return text + "\n如需人工帮助，请联系：" + helpdesk
	}
	return text
}

// fullText is "1": the whole clause of the last answer, in as many
// messages as it takes.
func (h *Handler) fullText(user string) result {
	t := h.turns.get(user)
	switch {
	case t == nil:
		return one(textNoPrevious)
	case !t.answered && len(t.citations) > 0:
		return one(textRefusalFull)
	case !t.answered:
		return one(textNoPrevious)
	}
	return result{texts: formatFull(t.citations[0])}
}

// related is "2": the other clauses of the last answer, or the clauses a
// refusal suggested.
func (h *Handler) related(user string) result {
	t := h.turns.get(user)
	if t == nil {
		return one(textNoPrevious)
	}
	cs := t.citations
	if t.answered {
		cs = cs[1:]
	}
	if len(cs) == 0 {
		return one(textNoRelated)
	}
	return one(formatRelated(cs))
}
