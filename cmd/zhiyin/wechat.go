package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"zhiyin/channels/wechat"
	"zhiyin/kb"
)

// newWeChatHandler returns the WeChat Official Account callback and the path
// to mount it at (GET and POST), configured from the environment, or a nil
// handler when ZHIYIN_WECHAT_TOKEN is unset (the channel is off, and the log
// says so). svc returns nil until the knowledge base is loaded; until then
// users are told the service is starting. It returns an error for a
// malformed setting. Nothing here calls WeChat's servers.
//
//	ZHIYIN_WECHAT_TOKEN              token of the server settings (required)
//	ZHIYIN_WECHAT_APPID              AppID (safe mode, customer-service API)
//	ZHIYIN_WECHAT_APPSECRET          AppSecret (customer-service API)
//	ZHIYIN_WECHAT_AES_KEY            EncodingAESKey (safe and compatible modes)
//	ZHIYIN_WECHAT_AES_KEY_PREVIOUS   the key before the last rotation
//	ZHIYIN_WECHAT_REQUIRE_AES        refuse plain-mode messages (true/false)
//	ZHIYIN_WECHAT_PATH               mount path (default /wechat)
//	ZHIYIN_WECHAT_API_BASE           WeChat API base URL (default https://api.weixin.qq.com)
//	ZHIYIN_WECHAT_REPLY_BUDGET       time before "success" and a later send (default 4s)
//	ZHIYIN_WECHAT_MAX_SKEW           timestamp window (default 300s)
//	ZHIYIN_WECHAT_RATE               per-user rate: 20/min (default), 1/s, 0 for none
//	ZHIYIN_WECHAT_HASH_KEY           key of the OpenID hash in logs (random per process)
//	ZHIYIN_HELPDESK_CONTACT          the human help desk, added to refusals
func newWeChatHandler(svc func() *kb.Service, logger *slog.Logger) (string, http.Handler, error) {
	token := os.Getenv("ZHIYIN_WECHAT_TOKEN")
	if token == "" {
		logger.Info("wechat channel off: ZHIYIN_WECHAT_TOKEN is not set")
		return "", nil, nil
	}
	path := envOr("ZHIYIN_WECHAT_PATH", "/wechat")
	if !strings.HasPrefix(path, "/") {
		return "", nil, fmt.Errorf("wechat: ZHIYIN_WECHAT_PATH %q must start with /", path)
	}
	budget, err := wechatDuration("ZHIYIN_WECHAT_REPLY_BUDGET", 4*time.Second)
	if err != nil {
		return "", nil, err
	}
	skew, err := wechatDuration("ZHIYIN_WECHAT_MAX_SKEW", 300*time.Second)
	if err != nil {
		return "", nil, err
	}
	requireAES, err := wechatBool("ZHIYIN_WECHAT_REQUIRE_AES")
	if err != nil {
		return "", nil, err
	}
	limit, burst, err := wechat.ParseRate(os.Getenv("ZHIYIN_WECHAT_RATE"))
	if err != nil {
		return "", nil, fmt.Errorf("wechat: ZHIYIN_WECHAT_RATE: %w", err)
	}
	var hashKey []byte
	if k := os.Getenv("ZHIYIN_WECHAT_HASH_KEY"); k != "" {
		hashKey = []byte(k)
	} else {
		logger.Info("wechat: ZHIYIN_WECHAT_HASH_KEY not set: user hashes in logs change with every restart")
	}
	h, err := wechat.New(wechat.Config{
		Token:          token,
		AppID:          os.Getenv("ZHIYIN_WECHAT_APPID"),
		AppSecret:      os.Getenv("ZHIYIN_WECHAT_APPSECRET"),
		AESKey:         os.Getenv("ZHIYIN_WECHAT_AES_KEY"),
		PreviousAESKey: os.Getenv("ZHIYIN_WECHAT_AES_KEY_PREVIOUS"),
		RequireAES:     requireAES,
		APIBase:        envOr("ZHIYIN_WECHAT_API_BASE", wechat.DefaultAPIBase),
		ReplyBudget:    budget,
		MaxSkew:        skew,
		Rate:           limit,
		Burst:          burst,
		Helpdesk:       os.Getenv("ZHIYIN_HELPDESK_CONTACT"),
		HashKey:        hashKey,
		Engine: func() wechat.Engine {
			// A nil *kb.Service must become a nil interface, not a
			// non-nil interface holding nil.
			if s := svc(); s != nil {
				return s
			}
			return nil
		},
		Logger: logger,
	})
	if err != nil {
		return "", nil, err
	}
	logger.Info("wechat channel on", "path", path,
		"safe_mode", os.Getenv("ZHIYIN_WECHAT_AES_KEY") != "", "require_aes", requireAES)
	return path, h, nil
}

// wechatDuration reads a duration ("4s", "1500ms") or a number of seconds.
func wechatDuration(name string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def, nil
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		return time.Duration(n * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("wechat: %s: %q is not a duration (e.g. 4s)", name, v)
	}
	return d, nil
}

// wechatBool reads a boolean; unset is false.
func wechatBool(name string) (bool, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("wechat: %s: %q is not true or false", name, v)
	}
	return b, nil
}
