package meta

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
)

// DefaultRateLimitWait is how long a throttled channel waits when the
// platform's headers give no estimate (X-App-Usage has none; the Platform
// rate limit is a rolling hour).
const DefaultRateLimitWait = 5 * time.Minute

// APIError is the Graph API's error body
// {"error":{"message","type","code","error_subcode","fbtrace_id"}}
// (https://developers.facebook.com/docs/graph-api/guides/error-handling).
// Connector errors wrap it next to the channel sentinel that classifies it.
type APIError struct {
	Status    int    `json:"-"`
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   int    `json:"error_subcode"`
	FBTraceID string `json:"fbtrace_id"`
}

func (e *APIError) Error() string {
	code := strconv.Itoa(e.Code)
	if e.Subcode != 0 {
		code += "/" + strconv.Itoa(e.Subcode)
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	s := fmt.Sprintf("meta: %s (HTTP %d, code %s", msg, e.Status, code)
	if e.FBTraceID != "" {
		s += ", fbtrace_id " + e.FBTraceID
	}
	return s + ")"
}

// rateLimitCodes are the throttling codes: 4 app, 17 user, 32 Page, 613
// custom-level, and the Business Use Case codes 80001–80014.
func isRateLimitCode(code int) bool {
	switch code {
	case 4, 17, 32, 613:
		return true
	}
	return code >= 80001 && code <= 80014
}

// windowSubcodes are code-10 subcodes meaning "outside the allowed window":
// 2018278 (Messenger) and 2534022 (Instagram messaging).
func isWindowClosed(e *APIError) bool {
	return e.Code == 10 && (e.Subcode == 2018278 || e.Subcode == 2534022)
}

// classify maps a failed Graph call to Heed's delivery semantics.
func classify(e *APIError, h http.Header, now time.Time) error {
	switch {
	case e.Status == http.StatusTooManyRequests || isRateLimitCode(e.Code):
		return fmt.Errorf("%w: %w", e, &channel.RateLimitError{Reset: now.Add(rateLimitWait(h))})
	case e.Code == 190 || e.Code == 102 || (e.Type == "OAuthException" && e.Code == 0 && e.Status == http.StatusUnauthorized):
		return fmt.Errorf("%w: %w", e, channel.ErrUnauthorized)
	case isWindowClosed(e):
		return fmt.Errorf("%w: %w", e, channel.ErrWindowClosed)
	case e.Status >= 500 || e.Code == 1 || e.Code == 2 || e.Code == 368:
		return e // transient: the outbox retries
	default:
		return fmt.Errorf("%w: %w", e, channel.ErrPermanent)
	}
}

// usageEntry is one element of X-Business-Use-Case-Usage (and the shape of
// X-App-Usage / X-Page-Usage), values in percent and minutes.
type usageEntry struct {
	Type                  string  `json:"type"`
	CallCount             float64 `json:"call_count"`
	TotalCPUTime          float64 `json:"total_cputime"`
	TotalTime             float64 `json:"total_time"`
	EstimatedTimeToRegain float64 `json:"estimated_time_to_regain_access"`
}

// Usage is the rate-limit usage Meta reports in response headers
// (https://developers.facebook.com/docs/graph-api/overview/rate-limiting).
type Usage struct {
	// Percent is the highest call_count / total_cputime / total_time seen.
	Percent float64
	// RegainIn is the longest estimated_time_to_regain_access.
	RegainIn time.Duration
}

// ParseUsage reads X-Business-Use-Case-Usage, X-App-Usage and X-Page-Usage.
func ParseUsage(h http.Header) Usage {
	var u Usage
	take := func(e usageEntry) {
		for _, p := range []float64{e.CallCount, e.TotalCPUTime, e.TotalTime} {
			if p > u.Percent {
				u.Percent = p
			}
		}
		if d := time.Duration(e.EstimatedTimeToRegain * float64(time.Minute)); d > u.RegainIn {
			u.RegainIn = d
		}
	}
	if v := h.Get("X-Business-Use-Case-Usage"); v != "" {
		var m map[string][]usageEntry
		if json.Unmarshal([]byte(v), &m) == nil {
			for _, es := range m {
				for _, e := range es {
					take(e)
				}
			}
		}
	}
	for _, name := range []string{"X-App-Usage", "X-Page-Usage"} {
		if v := h.Get(name); v != "" {
			var e usageEntry
			if json.Unmarshal([]byte(v), &e) == nil {
				take(e)
			}
		}
	}
	return u
}

func rateLimitWait(h http.Header) time.Duration {
	if d := ParseUsage(h).RegainIn; d > 0 {
		return d
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return DefaultRateLimitWait
}

// graph is a Graph API client bound to one channel.
type graph struct {
	client    *http.Client
	base      string
	token     string
	appSecret string
	now       func() time.Time
}

func newGraph(client *http.Client, now func() time.Time, ch model.Channel) (graph, error) {
	s, err := ParseSettings(ch.Settings)
	if err != nil {
		return graph{}, fmt.Errorf("meta channel %s: %v: %w", ch.ID, err, channel.ErrPermanent)
	}
	tok := token(ch)
	if tok == "" {
		return graph{}, fmt.Errorf("meta channel %s has no page_access_token: %w", ch.ID, channel.ErrUnauthorized)
	}
	return graph{client: client, base: s.APIBase, token: tok, appSecret: ch.Credentials[CredAppSecret], now: now}, nil
}

// do calls the Graph API. form is sent url-encoded (POST) or as the query
// (GET, DELETE); jsonBody, when non-nil, is sent as JSON instead of form.
func (g graph) do(ctx context.Context, method, path string, form url.Values, jsonBody any, out any) error {
	u := g.base + "/" + path
	q := url.Values{}
	if g.appSecret != "" {
		m := hmac.New(sha256.New, []byte(g.appSecret))
		m.Write([]byte(g.token))
		q.Set("appsecret_proof", hex.EncodeToString(m.Sum(nil)))
	}
	var body io.Reader
	ctype := ""
	switch {
	case jsonBody != nil:
		b, err := json.Marshal(jsonBody)
		if err != nil {
			return fmt.Errorf("meta: encode request: %v: %w", err, channel.ErrPermanent)
		}
		body, ctype = bytes.NewReader(b), "application/json"
		for k, vs := range form {
			q[k] = vs
		}
	case method == http.MethodPost:
		body, ctype = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	default:
		for k, vs := range form {
			q[k] = vs
		}
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("meta: request: %v: %w", err, channel.ErrPermanent)
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Heed/1")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return fmt.Errorf("meta: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("meta: read response: %w", err)
	}
	var env struct {
		Error *APIError `json:"error"`
	}
	_ = json.Unmarshal(raw, &env)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 && env.Error == nil {
		if out != nil {
			if err := json.Unmarshal(raw, out); err != nil {
				return fmt.Errorf("meta: unreadable response to %s %s: %w", method, path, err)
			}
		}
		return nil
	}
	apiErr := env.Error
	if apiErr == nil {
		apiErr = &APIError{Message: strings.TrimSpace(string(raw[:min(len(raw), 200)]))}
	}
	apiErr.Status = resp.StatusCode
	return classify(apiErr, resp.Header, g.now())
}

// IsAPIError returns the Graph API error in err's chain, if any.
func IsAPIError(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok
}

func seg(id string) string { return url.PathEscape(id) }
