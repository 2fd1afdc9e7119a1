package x

import (
	"bytes"
	"context"
	"encoding/json"
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

// maxBody bounds what is read of an API answer.
const maxBody = 4 << 20

// rateWindow is X's rate-limit window, the wait assumed when an answer says
// "too many requests" without a reset header
// (https://docs.x.com/fundamentals/rate-limits: "Most limits reset every 15
// minutes").
const rateWindow = 15 * time.Minute

// Problem is an X API error body. v2 answers with an RFC 7807 problem
// ({"title","detail","type","status"}, e.g.
// https://docs.x.com/x-api/posts/create-or-edit-post); older surfaces answer
// {"errors":[{"code","message"}]} (https://docs.x.com/fundamentals/rate-limits)
// and the OAuth token endpoint {"error","error_description"}.
type Problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
	Status int    `json:"status"`
	Errors []struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
		Title   string `json:"title"`
		Code    int    `json:"code"`
	} `json:"errors"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// Reason is the platform's most specific explanation.
func (p Problem) Reason() string {
	for _, s := range []string{p.Detail, p.ErrorDescription, p.Title, p.Error} {
		if s = strings.TrimSpace(s); s != "" {
			return clip(s)
		}
	}
	for _, e := range p.Errors {
		for _, s := range []string{e.Detail, e.Message, e.Title} {
			if s = strings.TrimSpace(s); s != "" {
				return clip(s)
			}
		}
	}
	return ""
}

// ParseProblem reads an error body; unknown shapes give an empty Problem.
func ParseProblem(body []byte) Problem {
	var p Problem
	_ = json.Unmarshal(body, &p)
	return p
}

func clip(s string) string {
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// apiCall is one request to the X API.
type apiCall struct {
	method string
	path   string // starting with "/2/"
	query  url.Values
	body   any // JSON-encoded when non-nil
}

// do sends a call with the channel's bearer token and decodes a 2xx answer
// into out (when non-nil). Errors are classified for the outbox: a
// *channel.RateLimitError on 429, channel.ErrUnauthorized on a refused
// token, channel.ErrPermanent on other 4xx, a plain (retried) error on 5xx
// and transport failures. The answer's headers are returned in every case
// where the platform answered.
func (c *Connector) do(ctx context.Context, ch model.Channel, call apiCall, out any) (http.Header, error) {
	base, err := apiBase(ch)
	if err != nil {
		return nil, err
	}
	token := strings.TrimSpace(ch.Credentials[CredAccessToken])
	if token == "" {
		return nil, fmt.Errorf("x: channel %s has no access token: %w", ch.ID, channel.ErrUnauthorized)
	}
	u := base + call.path
	if len(call.query) > 0 {
		u += "?" + call.query.Encode()
	}
	var body io.Reader
	if call.body != nil {
		b, err := json.Marshal(call.body)
		if err != nil {
			return nil, fmt.Errorf("x: encode %s %s: %w", call.method, call.path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, call.method, u, body)
	if err != nil {
		return nil, fmt.Errorf("x: %s %s: %v: %w", call.method, call.path, err, channel.ErrPermanent)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("User-Agent", "Heed/1")
	req.Header.Set("Accept", "application/json")
	if call.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("x: %s %s: %w", call.method, call.path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp.Header, fmt.Errorf("x: %s %s: read answer: %w", call.method, call.path, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out != nil {
			if err := json.Unmarshal(data, out); err != nil {
				return resp.Header, fmt.Errorf("x: %s %s: malformed answer: %w", call.method, call.path, err)
			}
		}
		return resp.Header, nil
	}
	return resp.Header, c.classify(call, resp.StatusCode, resp.Header, data)
}

// classify turns a non-2xx answer into an error the outbox understands.
func (c *Connector) classify(call apiCall, status int, h http.Header, body []byte) error {
	p := ParseProblem(body)
	reason := p.Reason()
	if reason == "" {
		reason = http.StatusText(status)
	}
	op := call.method + " " + call.path
	switch {
	case status == http.StatusTooManyRequests:
		// The bare type, so a type assertion finds it as well as errors.As.
		return &channel.RateLimitError{Reset: c.resetOf(h)}
	case status == http.StatusUnauthorized:
		return fmt.Errorf("x: %s answered 401: %s: %w", op, reason, channel.ErrUnauthorized)
	case status == http.StatusForbidden && tokenRefused(p):
		return fmt.Errorf("x: %s answered 403: %s: %w", op, reason, channel.ErrUnauthorized)
	case status >= 500:
		return fmt.Errorf("x: %s answered %d: %s", op, status, reason)
	case status == http.StatusRequestTimeout:
		return fmt.Errorf("x: %s answered 408: %s", op, reason)
	default:
		return fmt.Errorf("x: %s answered %d: %s: %w", op, status, reason, channel.ErrPermanent)
	}
}

// tokenRefused tells a 403 that is about the token or the app (reconnect the
// channel) from one about the content or the target (duplicate text,
// recipient who does not accept messages, reply to a deleted post): X
// answers 403 for both. The former are X's client-forbidden and
// unsupported-authentication problem types and the "not permitted" answer
// for a missing scope.
func tokenRefused(p Problem) bool {
	t := strings.ToLower(p.Type)
	if strings.Contains(t, "client-forbidden") || strings.Contains(t, "unsupported-authentication") {
		return true
	}
	r := strings.ToLower(p.Reason())
	for _, s := range []string{"not permitted to perform this action", "oauth", "access token", "scope"} {
		if strings.Contains(r, s) {
			return true
		}
	}
	return false
}

// resetOf reads when a refused request may be retried. X sends the 15-minute
// window as x-rate-limit-*, and daily caps as x-user-limit-24hour-* and
// x-app-limit-24hour-*; the latest reset among exhausted limits wins.
func (c *Connector) resetOf(h http.Header) time.Time {
	var latest time.Time
	for _, prefix := range []string{"x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"} {
		if strings.TrimSpace(h.Get(prefix+"-remaining")) != "0" {
			continue
		}
		if t, ok := epoch(h.Get(prefix + "-reset")); ok && t.After(latest) {
			latest = t
		}
	}
	if latest.IsZero() {
		if t, ok := epoch(h.Get("x-rate-limit-reset")); ok {
			latest = t
		}
	}
	if latest.IsZero() {
		latest = c.now().Add(rateWindow)
	}
	return latest.UTC()
}

// exhausted reports whether an answer's x-rate-limit-remaining is 0, and the
// window's reset.
func (c *Connector) exhausted(h http.Header) (time.Time, bool) {
	if h == nil || strings.TrimSpace(h.Get("x-rate-limit-remaining")) != "0" {
		return time.Time{}, false
	}
	return c.resetOf(h), true
}

// epoch parses a header of Unix seconds.
func epoch(s string) (time.Time, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}
