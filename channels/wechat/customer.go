package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// memCache is a cache.Cache safe for concurrent use. The library's
// cache.NewMemory reads its map without the lock and crashes the process
// under load ("concurrent map read and map write", issue #888).
type memCache struct {
	mu sync.RWMutex
	m  map[string]cacheItem
}

type cacheItem struct {
	val     any
	expires time.Time // zero: never
}

var _ cache.Cache = (*memCache)(nil)

func newMemCache() *memCache { return &memCache{m: map[string]cacheItem{}} }

// Get returns the value, or nil when it is missing or expired.
func (c *memCache) Get(key string) any {
	c.mu.RLock()
	it, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || (!it.expires.IsZero() && time.Now().After(it.expires)) {
		return nil
	}
	return it.val
}

// Set stores val for timeout (forever when timeout <= 0) and drops expired
// entries, so the map stays as small as its live keys.
func (c *memCache) Set(key string, val any, timeout time.Duration) error {
	now := time.Now()
	it := cacheItem{val: val}
	if timeout > 0 {
		it.expires = now.Add(timeout)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, old := range c.m {
		if !old.expires.IsZero() && now.After(old.expires) {
			delete(c.m, k)
		}
	}
	c.m[key] = it
	return nil
}

// IsExist reports whether key holds a live value.
func (c *memCache) IsExist(key string) bool { return c.Get(key) != nil }

// Delete removes key.
func (c *memCache) Delete(key string) error {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
	return nil
}

// maxAPIResponse bounds what is read from WeChat's API.
const maxAPIResponse = 64 << 10

// Access-token errors after which the token is fetched anew: invalid
// credential, invalid token, token expired.
var staleToken = map[int64]bool{40001: true, 40014: true, 42001: true}

// customerService sends text through WeChat's customer-service message API
// and keeps the access token for it.
//
// The library has both (message.Manager.Send, credential.DefaultAccessToken)
// but hard-wires https://api.weixin.qq.com (only a process-wide, unlocked
// URI modifier changes it), uses http.DefaultClient with no timeout, reads
// responses without limit, offers no way to drop a token WeChat says is
// stale (40001/42001), and its errors carry the full URL, which holds the
// AppSecret or the access token, into whatever logs them. So the HTTP calls
// are ours; the request and response types are the library's, and the
// token handle plugs into its OfficialAccount.
type customerService struct {
	base, appID, secret string
	client              *http.Client
	cache               cache.Cache
	key                 string
	mu                  sync.Mutex // one token fetch at a time
	oa                  *officialaccount.OfficialAccount
	retryWait           time.Duration
}

var _ credential.AccessTokenContextHandle = (*customerService)(nil)

// GetAccessToken returns a valid access token, fetching one when needed.
func (c *customerService) GetAccessToken() (string, error) {
	return c.GetAccessTokenContext(context.Background())
}

// GetAccessTokenContext returns the cached access token, or fetches one
// (one fetch at a time; the others wait for it). It returns an error when
// WeChat refuses or cannot be reached.
func (c *customerService) GetAccessTokenContext(ctx context.Context) (string, error) {
	if tok, _ := c.cache.Get(c.key).(string); tok != "" {
		return tok, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if tok, _ := c.cache.Get(c.key).(string); tok != "" {
		return tok, nil
	}
	q := url.Values{"grant_type": {"client_credential"}, "appid": {c.appID}, "secret": {c.secret}}
	body, err := c.call(ctx, http.MethodGet, "/cgi-bin/token", q, nil)
	if err != nil {
		return "", fmt.Errorf("wechat: access token: %w", err)
	}
	var res credential.ResAccessToken
	if err := json.Unmarshal(body, &res); err != nil {
		return "", fmt.Errorf("wechat: access token: bad response: %w", err)
	}
	if res.ErrCode != 0 || res.AccessToken == "" {
		return "", fmt.Errorf("wechat: access token: errcode %d: %s", res.ErrCode, res.ErrMsg)
	}
	// Keep it a little less than WeChat says (7200 s by default), so a
	// token never expires between the cache and WeChat.
	life := time.Duration(res.ExpiresIn) * time.Second
	if life <= 0 {
		life = 7200 * time.Second
	}
	keep := life - 5*time.Minute
	if keep < life/2 {
		keep = life / 2
	}
	_ = c.cache.Set(c.key, res.AccessToken, keep) // memCache.Set does not fail
	return res.AccessToken, nil
}

// invalidate drops tok when it is still the cached token: of several
// senders that all saw it rejected, one causes a fetch, not each.
func (c *customerService) invalidate(tok string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cur, _ := c.cache.Get(c.key).(string); cur == tok {
		_ = c.cache.Delete(c.key)
	}
}

// sendText sends one text to openid. A stale token is replaced and the
// send tried again; a connection that could not be made is tried again
// once. Other failures are returned: a send that may have arrived is never
// repeated, so the user never gets a message twice.
func (c *customerService) sendText(ctx context.Context, openid, text string) error {
	msg := message.NewCustomerTextMessage(openid, text)
	var payload bytes.Buffer
	enc := json.NewEncoder(&payload)
	enc.SetEscapeHTML(false) // "<" stays "<" in the user's chat
	if err := enc.Encode(msg); err != nil {
		return fmt.Errorf("wechat: customer message: %w", err)
	}
	dialRetried := false
	for attempt := 0; attempt < 3; attempt++ {
		tok, err := c.oa.GetAccessTokenContext(ctx)
		if err != nil {
			return err
		}
		body, err := c.call(ctx, http.MethodPost, "/cgi-bin/message/custom/send",
			url.Values{"access_token": {tok}}, payload.Bytes())
		if err != nil {
			if !dialRetried && isDialError(err) {
				dialRetried = true
				if err := sleep(ctx, c.retryWait); err != nil {
					return err
				}
				continue
			}
			return fmt.Errorf("wechat: customer message: %w", err)
		}
		var res util.CommonError
		if err := json.Unmarshal(body, &res); err != nil {
			return fmt.Errorf("wechat: customer message: bad response: %w", err)
		}
		switch {
		case res.ErrCode == 0:
			return nil
		case staleToken[res.ErrCode]:
			c.invalidate(tok)
			continue
		}
		return fmt.Errorf("wechat: customer message: errcode %d: %s", res.ErrCode, res.ErrMsg)
	}
	return errors.New("wechat: customer message: access token keeps being refused")
}

// call makes one API request and returns the body of a 200 response. Its
// errors name the path only: the query holds the secret or the token.
func (c *customerService) call(ctx context.Context, method, path string, q url.Values, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path+"?"+q.Encode(), rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: bad request", method, path)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error's text holds the URL
		}
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIResponse))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read: %w", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
	}
	return data, nil
}

// isDialError reports whether the request never left: no connection was
// made, so trying again cannot deliver a message twice.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
