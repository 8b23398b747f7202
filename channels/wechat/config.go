package wechat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"zhiyin/kb"
)

// Engine answers one question; *kb.Service is one. The handler asks
// through this seam so tests can slow it down or count calls.
type Engine interface {
	Ask(ctx context.Context, q kb.Question) (kb.Answer, error)
}

// DefaultAPIBase is WeChat's API host, for the access token and the
// customer-service message API.
const DefaultAPIBase = "https://api.weixin.qq.com"

// Config configures the channel. Token is required; the zero value of every
// other field is usable.
type Config struct {
	// Token is the token set in the Official Account's server settings:
	// it signs every request.
	Token string
	// AppID and AppSecret identify the account: AppID is needed for safe
	// mode, both for the customer-service API (late answers, long texts).
	AppID     string
	AppSecret string
	// AESKey is the EncodingAESKey (43 characters): with it safe and
	// compatible modes work. PreviousAESKey is the key before the last
	// rotation: a message is tried with both and answered with the one that
	// opened it.
	AESKey         string
	PreviousAESKey string
	// RequireAES refuses plain-mode messages (403): in plain mode the
	// signature covers no body byte, so a leaked signature authorises any
	// body for as long as its timestamp is fresh.
	RequireAES bool
	// APIBase is the base URL of WeChat's API (DefaultAPIBase); tests point
	// it at a fake server.
	APIBase string
	// ReplyBudget is how long a message may take before the reply is
	// "success" and the answer goes out through the customer-service API
	// (default 4 s; WeChat gives up after 5 s).
	ReplyBudget time.Duration
	// MaxSkew is the largest difference allowed between a request's
	// timestamp and the clock (default 300 s).
	MaxSkew time.Duration
	// Rate and Burst limit the messages of one user (OpenID); Rate 0 means
	// the default (20 a minute, burst 10), a negative Rate means no limit.
	Rate  rate.Limit
	Burst int
	// Helpdesk is how to reach the human help desk, added to refusals.
	Helpdesk string
	// HashKey keys the hash that stands for an OpenID in logs and
	// sessions; random per process when empty.
	HashKey []byte
	// Engine returns the answering engine, or nil while the knowledge base
	// is still loading.
	Engine func() Engine
	// Logger receives the channel's log; nil discards it.
	Logger *slog.Logger
	// HTTPClient calls WeChat's API (default: 10 s timeout).
	HTTPClient *http.Client
	// Welcome is the reply to a subscribe event (default: what Zhiyin
	// answers, with two example questions).
	Welcome string
	// ReadTimeout bounds reading a request body, against slow clients
	// (default 5 s).
	ReadTimeout time.Duration
	// Now returns the current time (default time.Now); tests set it.
	Now func() time.Time
}

// Defaults.
const (
	defaultBudget      = 4 * time.Second
	defaultSkew        = 300 * time.Second
	defaultReadTimeout = 5 * time.Second
	defaultRatePerMin  = 20
	defaultBurst       = 10
	// WeChat drops the connection after 5 s; a budget at or past it means
	// every slow answer is lost.
	maxBudget = 4800 * time.Millisecond
)

// DefaultWelcome is the reply to a new follower.
const DefaultWelcome = "欢迎关注！我是指引问答助手，7×24小时解答政府信息化项目建设指引的问题，并给出条款出处。\n" +
	"请直接发送文字问题，例如：\n· 单位还能自己建机房吗？\n· 值班人员晚上要远程登录系统处理故障，用什么VPN？"

func (c *Config) setDefaults() error {
	if c.Token == "" {
		return errors.New("wechat: no token")
	}
	if c.APIBase == "" {
		c.APIBase = DefaultAPIBase
	}
	c.APIBase = strings.TrimRight(c.APIBase, "/")
	if c.ReplyBudget == 0 {
		c.ReplyBudget = defaultBudget
	}
	if c.ReplyBudget < 0 || c.ReplyBudget > maxBudget {
		return fmt.Errorf("wechat: reply budget %v outside (0, %v]", c.ReplyBudget, maxBudget)
	}
	if c.MaxSkew == 0 {
		c.MaxSkew = defaultSkew
	}
	if c.MaxSkew < 0 {
		return fmt.Errorf("wechat: negative max skew %v", c.MaxSkew)
	}
	if c.Rate == 0 {
		c.Rate, c.Burst = rate.Limit(defaultRatePerMin/60.0), defaultBurst
	}
	if c.Burst <= 0 {
		c.Burst = 1
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = defaultReadTimeout
	}
	if c.Welcome == "" {
		c.Welcome = DefaultWelcome
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Engine == nil {
		c.Engine = func() Engine { return nil }
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if (c.AESKey != "" || c.PreviousAESKey != "") && c.AppID == "" {
		return errors.New("wechat: safe mode needs the AppID")
	}
	if c.RequireAES && c.AESKey == "" {
		return errors.New("wechat: RequireAES without an EncodingAESKey")
	}
	return nil
}

// ParseRate parses a per-user rate such as "20/min", "1/s", "300/h" or a
// bare number (per minute). "0", "off" and "none" mean no limit (a negative
// Limit). The burst is the count itself, at most 10 and at least 1. It
// returns an error for anything else.
func ParseRate(s string) (rate.Limit, int, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch s {
	case "":
		return 0, 0, nil
	case "0", "off", "none", "unlimited":
		return -1, 0, nil
	}
	num, unit, ok := strings.Cut(s, "/")
	if !ok {
		unit = "min"
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n < 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, 0, fmt.Errorf("wechat: bad rate %q (want e.g. 20/min)", s)
	}
	if n == 0 {
		return -1, 0, nil
	}
	var per time.Duration
	switch strings.TrimSpace(unit) {
	case "s", "sec", "second":
		per = time.Second
	case "m", "min", "minute":
		per = time.Minute
	case "h", "hour":
		per = time.Hour
	default:
		return 0, 0, fmt.Errorf("wechat: bad rate unit in %q (want s, min or h)", s)
	}
	burst := int(math.Min(math.Max(math.Ceil(n), 1), defaultBurst))
	return rate.Limit(n / per.Seconds()), burst, nil
}
