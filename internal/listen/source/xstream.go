package source

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultXBaseURL is X API v2's host.
const DefaultXBaseURL = "https://api.x.com"

// XStreamConfig configures the X filtered-stream source.
type XStreamConfig struct {
	BaseURL     string // default DefaultXBaseURL
	BearerToken string // an app-only bearer token
	// BackfillMinutes (1–5) asks X to resend what matched while we were
	// disconnected, when we reconnect with a cursor; 0 asks for none (the
	// parameter needs an access level that allows it). Resent posts we
	// already delivered are dropped by id.
	BackfillMinutes int
	// MaxLine is the longest stream line accepted; default 1 MiB.
	MaxLine int
	Options
	// Now is the clock for rate-limit resets; nil is time.Now.
	Now func() time.Time
}

// XStream is the X filtered stream (GET /2/tweets/search/stream). X has
// no resume cursor; the cursor is the id of the last delivered post, and
// post ids grow with time, so anything at or below it is a repeat.
type XStream struct {
	cfg XStreamConfig
	o   Options
}

// NewXStream returns the X source.
func NewXStream(cfg XStreamConfig) *XStream {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultXBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.MaxLine <= 0 {
		cfg.MaxLine = 1 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.BackfillMinutes = min(max(cfg.BackfillMinutes, 0), 5)
	return &XStream{cfg: cfg, o: cfg.Options.withDefaults()}
}

// Name is the network's name.
func (x *XStream) Name() string { return "x" }

// Run streams posts after cursor ("" = from now) until ctx ends, or until
// X refuses the token (ErrUnauthorized).
func (x *XStream) Run(ctx context.Context, cursor string, h Handler) error {
	if cursor != "" && !xID(cursor) {
		return fmt.Errorf("x: cursor %q is not a post id", cursor)
	}
	if x.cfg.BearerToken == "" {
		return fmt.Errorf("x: %w: no bearer token configured", ErrUnauthorized)
	}
	last := cursor
	return reconnect(ctx, x.o, x.Name(), x.cfg.Now, func(ctx context.Context) (bool, error) {
		return x.session(ctx, &last, h)
	})
}

func (x *XStream) streamURL(backfill bool) string {
	q := url.Values{}
	q.Set("tweet.fields", "created_at,lang,author_id")
	q.Set("expansions", "author_id")
	q.Set("user.fields", "username")
	if backfill && x.cfg.BackfillMinutes > 0 {
		q.Set("backfill_minutes", strconv.Itoa(x.cfg.BackfillMinutes))
	}
	return x.cfg.BaseURL + "/2/tweets/search/stream?" + q.Encode()
}

func (x *XStream) session(ctx context.Context, last *string, h Handler) (delivered bool, err error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(sctx, http.MethodGet, x.streamURL(*last != ""), nil)
	if err != nil {
		return false, &fatalError{fmt.Errorf("stream request: %w", err)}
	}
	req.Header.Set("Authorization", "Bearer "+x.cfg.BearerToken)
	// Until the headers arrive the connect timeout applies; then the
	// idle watch takes over.
	timer := time.AfterFunc(x.o.ConnectTimeout, cancel)
	resp, err := x.o.HTTPClient.Do(req)
	if !timer.Stop() && err == nil {
		resp.Body.Close()
		err = errors.New("connect timeout")
	}
	if err != nil {
		return false, fmt.Errorf("connect x stream: %w", err)
	}
	defer resp.Body.Close()
	if err := x.statusError(resp); err != nil {
		return false, err
	}
	x.o.Logger.LogAttrs(ctx, slog.LevelInfo, "listening source connected",
		slog.String("source", x.Name()), slog.String("cursor", *last))

	body, stop := watchIdle(resp.Body, x.o.IdleTimeout, cancel)
	defer stop()
	r := bufio.NewReaderSize(body, 64<<10)
	for {
		line, err := readLine(r, x.cfg.MaxLine)
		if err != nil {
			if ctx.Err() != nil {
				return delivered, ctx.Err()
			}
			return delivered, fmt.Errorf("read x stream: %w", err)
		}
		p, ok, err := decodeXLine(line)
		if errors.Is(err, errXStream) {
			return delivered, err // X closes the stream after such a line
		}
		if err != nil {
			x.o.Logger.LogAttrs(ctx, slog.LevelWarn, "skipping undecodable x stream line",
				slog.String("source", x.Name()), slog.Any("err", err))
			continue
		}
		if !ok || (*last != "" && !idAfter(p.ID, *last)) {
			continue // keep-alive, or a backfilled repeat
		}
		if err := deliver(ctx, x.o, x.Name(), h, p); err != nil {
			return delivered, err
		}
		delivered = true
		*last = p.ID
	}
}

// statusError maps a refused stream connection to the loop's error kinds:
// 401 and 403 stop (a person must fix the token or the app's access), 429
// waits for x-rate-limit-reset, anything else reconnects with backoff.
func (x *XStream) statusError(resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	detail := problemDetail(resp.Body)
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return &fatalError{fmt.Errorf("%w: x answered %s: %s", ErrUnauthorized, resp.Status, detail)}
	case http.StatusTooManyRequests:
		reset := x.cfg.Now().Add(time.Minute) // X's advice when the header is missing
		if sec, err := strconv.ParseInt(resp.Header.Get("x-rate-limit-reset"), 10, 64); err == nil {
			reset = time.Unix(sec, 0)
		}
		return &RateLimitError{Reset: reset, Err: fmt.Errorf("x answered %s: %s", resp.Status, detail)}
	}
	return fmt.Errorf("x answered %s: %s", resp.Status, detail)
}

// problemDetail reads X's problem body (title, detail) for error messages.
func problemDetail(body io.Reader) string {
	raw, _ := io.ReadAll(io.LimitReader(body, 16<<10))
	var p struct {
		xProblem
		Errors []xProblem `json:"errors"`
	}
	if json.Unmarshal(raw, &p) == nil {
		if p.Title != "" || p.Detail != "" {
			return p.xProblem.String()
		}
		if len(p.Errors) > 0 {
			return p.Errors[0].String()
		}
	}
	s := strings.TrimSpace(string(raw))
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// readLine reads up to '\n' (the X stream's delimiter is "\r\n"; blank
// lines are keep-alives), refusing lines longer than max. The slice is
// valid until the next read.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(buf)+len(chunk) > max {
			return nil, fmt.Errorf("line longer than %d bytes", max)
		}
		if err == bufio.ErrBufferFull {
			buf = append(buf, chunk...)
			continue
		}
		if buf != nil {
			chunk = append(buf, chunk...)
		}
		// At the end of input the last line may lack its '\n': it is
		// returned with the error.
		return chunk, err
	}
}

// XRule is a filtered-stream rule (POST /2/tweets/search/stream/rules).
type XRule struct {
	ID    string `json:"id,omitempty"`
	Value string `json:"value"`
	Tag   string `json:"tag,omitempty"`
}

// Rules lists the stream's rules (GET /2/tweets/search/stream/rules,
// following meta.next_token with pagination_token, 1000 a page).
func (x *XStream) Rules(ctx context.Context) ([]XRule, error) {
	var rules []XRule
	token := ""
	for page := 0; ; page++ {
		q := url.Values{"max_results": {"1000"}}
		if token != "" {
			q.Set("pagination_token", token)
		}
		var out struct {
			Data []XRule `json:"data"`
			Meta struct {
				NextToken string `json:"next_token"`
			} `json:"meta"`
		}
		if err := x.rulesCall(ctx, http.MethodGet, "?"+q.Encode(), nil, &out); err != nil {
			return nil, err
		}
		rules = append(rules, out.Data...)
		if out.Meta.NextToken == "" || out.Meta.NextToken == token || page > 1000 {
			return rules, nil
		}
		token = out.Meta.NextToken
	}
}

// SyncRules makes the stream's rules exactly want (compared by value and
// tag): rules not wanted are deleted, missing ones added, the others left
// alone so that their ids, and the stream, are undisturbed.
func (x *XStream) SyncRules(ctx context.Context, want []XRule) (added, deleted int, err error) {
	have, err := x.Rules(ctx)
	if err != nil {
		return 0, 0, err
	}
	key := func(r XRule) string { return r.Value + "\x00" + r.Tag }
	wanted := map[string]bool{}
	for _, r := range want {
		wanted[key(r)] = true
	}
	present := map[string]bool{}
	var del []string
	for _, r := range have {
		if wanted[key(r)] && !present[key(r)] {
			present[key(r)] = true
			continue
		}
		del = append(del, r.ID)
	}
	var add []XRule
	for _, r := range want {
		if !present[key(r)] {
			present[key(r)] = true
			add = append(add, XRule{Value: r.Value, Tag: r.Tag})
		}
	}
	var out struct {
		Meta struct {
			Summary struct {
				Created    int `json:"created"`
				NotCreated int `json:"not_created"`
				Deleted    int `json:"deleted"`
				NotDeleted int `json:"not_deleted"`
			} `json:"summary"`
		} `json:"meta"`
		Errors []xProblem `json:"errors"`
	}
	// Deletes first: the rule count is capped by the access level.
	if len(del) > 0 {
		body := map[string]any{"delete": map[string]any{"ids": del}}
		if err := x.rulesCall(ctx, http.MethodPost, "", body, &out); err != nil {
			return 0, 0, err
		}
		deleted = out.Meta.Summary.Deleted
		if out.Meta.Summary.NotDeleted > 0 {
			return 0, deleted, fmt.Errorf("x: %d rules not deleted: %s", out.Meta.Summary.NotDeleted, firstProblem(out.Errors))
		}
	}
	if len(add) > 0 {
		out.Errors = nil
		if err := x.rulesCall(ctx, http.MethodPost, "", map[string]any{"add": add}, &out); err != nil {
			return 0, deleted, err
		}
		added = out.Meta.Summary.Created
		if out.Meta.Summary.NotCreated > 0 || added < len(add) {
			return added, deleted, fmt.Errorf("x: %d of %d rules not created: %s", len(add)-added, len(add), firstProblem(out.Errors))
		}
	}
	return added, deleted, nil
}

func firstProblem(ps []xProblem) string {
	if len(ps) == 0 {
		return "no reason given"
	}
	return ps[0].String()
}

func (x *XStream) rulesCall(ctx context.Context, method, query string, body any, out any) error {
	ctx, cancel := context.WithTimeout(ctx, x.o.ConnectTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("x rules: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, x.cfg.BaseURL+"/2/tweets/search/stream/rules"+query, rd)
	if err != nil {
		return fmt.Errorf("x rules: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+x.cfg.BearerToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := x.o.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("x rules: %w", err)
	}
	defer resp.Body.Close()
	if err := x.statusError(resp); err != nil {
		var fatal *fatalError
		if errors.As(err, &fatal) {
			err = fatal.err
		}
		return fmt.Errorf("x rules: %w", err)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(out); err != nil {
		return fmt.Errorf("x rules: decode answer: %w", err)
	}
	return nil
}
