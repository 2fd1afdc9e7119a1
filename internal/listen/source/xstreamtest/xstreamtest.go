// Package xstreamtest emulates X API v2's filtered stream for tests:
// GET /2/tweets/search/stream (newline-delimited JSON, "\r\n" keep-alive
// lines, backfill_minutes 1–5) and GET/POST /2/tweets/search/stream/rules
// (add, delete by ids), with bearer-token checks (401) and 429 answers
// carrying x-rate-limit-reset. Shapes follow
// https://docs.x.com/x-api/posts/filtered-stream/quickstart,
// https://docs.x.com/x-api/stream/update-stream-rules.md and
// https://docs.x.com/x-api/fundamentals/handling-disconnections.
//
// Rule matching is deliberately simple (every word of the rule value must
// appear in the text, case-insensitively): tests here exercise transport,
// not X's operator language.
package xstreamtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Tweet is a post to publish.
type Tweet struct {
	Text     string
	AuthorID string
	Username string
	Lang     string
}

type stored struct {
	id      string
	created time.Time
	tweet   Tweet
}

type rule struct{ ID, Value, Tag string }

// Server is a running emulator; URL is its base URL.
type Server struct {
	srv *httptest.Server
	URL string
	// Token is the bearer token it accepts.
	Token string
	// KeepAlive is how often an idle stream gets "\r\n"; default 20 s as X.
	KeepAlive time.Duration
	// RulesPageSize caps a page of GET rules below max_results, so tests
	// can make the client follow next_token.
	RulesPageSize int

	mu       sync.Mutex
	now      func() time.Time
	nextID   int64
	nextRule int64
	tweets   []stored
	rules    []rule
	changed  chan struct{}
	conns    map[chan struct{}]struct{}
	dials    int
	queries  []string
	fails    []failure
	drops    []int
}

type failure struct {
	status int
	reset  time.Time
}

// New starts an emulator accepting token; it is closed when the test ends.
func New(t interface{ Cleanup(func()) }, token string) *Server {
	s := &Server{
		Token:     token,
		KeepAlive: 20 * time.Second,
		now:       time.Now,
		nextID:    1850000000000000000, // a 2024-era tweet id
		nextRule:  1273026480692322304,
		changed:   make(chan struct{}),
		conns:     map[chan struct{}]struct{}{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2/tweets/search/stream", s.auth(s.stream))
	mux.HandleFunc("GET /2/tweets/search/stream/rules", s.auth(s.getRules))
	mux.HandleFunc("POST /2/tweets/search/stream/rules", s.auth(s.postRules))
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Close drops every client and stops the server.
func (s *Server) Close() {
	s.DisconnectAll()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// SetClock replaces the emulator's clock (for backfill windows).
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Publish adds a tweet and returns its id. Ids grow with time, as X's do.
func (s *Server) Publish(tw Tweet) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID += 1 << 22 // snowflake: a millisecond's worth of sequence bits
	id := strconv.FormatInt(s.nextID, 10)
	s.tweets = append(s.tweets, stored{id: id, created: s.now(), tweet: tw})
	close(s.changed)
	s.changed = make(chan struct{})
	return id
}

// AddRule adds a stream rule directly (as the developer portal would).
func (s *Server) AddRule(value, tag string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addRule(value, tag).ID
}

func (s *Server) addRule(value, tag string) rule {
	s.nextRule++
	r := rule{ID: strconv.FormatInt(s.nextRule, 10), Value: value, Tag: tag}
	s.rules = append(s.rules, r)
	return r
}

// Rules lists the current rules' values.
func (s *Server) Rules() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.rules {
		out = append(out, r.Value)
	}
	return out
}

// FailNext makes the next stream connection fail with status; for 429 the
// answer carries x-rate-limit-reset = reset (epoch seconds).
func (s *Server) FailNext(status int, reset time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, failure{status, reset})
}

// DropAfter makes the next stream connections break mid-stream, the i-th
// after it sent counts[i] posts.
func (s *Server) DropAfter(counts ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drops = append(s.drops, counts...)
}

// DisconnectAll ends every open stream and returns how many there were.
func (s *Server) DisconnectAll() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.conns)
	for c := range s.conns {
		close(c)
	}
	clear(s.conns)
	return n
}

// Connections is how many streams were opened (with status 200).
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dials
}

// StreamQueries lists the query string of every stream request, refused
// ones included.
func (s *Server) StreamQueries() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.queries)
}

func writeProblem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"title": title, "detail": detail, "type": "about:blank", "status": status})
}

func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+s.Token {
			writeProblem(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized")
			return
		}
		h(w, r)
	}
}

func (s *Server) matches(tw Tweet) []rule {
	var out []rule
	text := strings.ToLower(tw.Text)
	for _, r := range s.rules {
		all := true
		for _, w := range strings.Fields(strings.ToLower(r.Value)) {
			all = all && strings.Contains(text, w)
		}
		if all {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) line(st stored, matched []rule) []byte {
	var mr []map[string]string
	for _, r := range matched {
		mr = append(mr, map[string]string{"id": r.ID, "tag": r.Tag})
	}
	data := map[string]any{
		"id": st.id, "text": st.tweet.Text, "author_id": st.tweet.AuthorID,
		"created_at":             st.created.UTC().Format("2006-01-02T15:04:05.000Z"),
		"edit_history_tweet_ids": []string{st.id},
	}
	if st.tweet.Lang != "" {
		data["lang"] = st.tweet.Lang
	}
	b, _ := json.Marshal(map[string]any{
		"data":           data,
		"includes":       map[string]any{"users": []any{map[string]string{"id": st.tweet.AuthorID, "name": st.tweet.Username, "username": st.tweet.Username}}},
		"matching_rules": mr,
	})
	return append(b, '\r', '\n')
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.queries = append(s.queries, r.URL.RawQuery)
	if len(s.fails) > 0 {
		f := s.fails[0]
		s.fails = s.fails[1:]
		s.mu.Unlock()
		if f.status == http.StatusTooManyRequests {
			w.Header().Set("x-rate-limit-limit", "50")
			w.Header().Set("x-rate-limit-remaining", "0")
			w.Header().Set("x-rate-limit-reset", strconv.FormatInt(f.reset.Unix(), 10))
			writeProblem(w, f.status, "ConnectionException", "This stream is currently at the maximum allowed connection limit.")
			return
		}
		writeProblem(w, f.status, http.StatusText(f.status), "failure injected by the test")
		return
	}
	var backfill time.Duration
	if v := r.URL.Query().Get("backfill_minutes"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5 {
			s.mu.Unlock()
			writeProblem(w, http.StatusBadRequest, "Invalid Request", "The `backfill_minutes` query parameter value ["+v+"] is not between 1 and 5")
			return
		}
		backfill = time.Duration(n) * time.Minute
	}
	s.dials++
	gone := make(chan struct{})
	s.conns[gone] = struct{}{}
	limit := -1
	if len(s.drops) > 0 {
		limit, s.drops = s.drops[0], s.drops[1:]
	}
	// Live from now; with backfill, from what was published in the window.
	pos := len(s.tweets)
	if backfill > 0 {
		since := s.now().Add(-backfill)
		pos, _ = slices.BinarySearchFunc(s.tweets, since, func(t stored, at time.Time) int { return t.created.Compare(at) })
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, gone)
		s.mu.Unlock()
	}()

	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("\r\n"))
	if flusher != nil {
		flusher.Flush()
	}
	if limit == 0 {
		return // DropAfter(0): accepted, then cut at once
	}
	keepAlive := time.NewTicker(s.KeepAlive)
	defer keepAlive.Stop()
	for {
		s.mu.Lock()
		batch := s.tweets[pos:len(s.tweets):len(s.tweets)]
		changed := s.changed
		var lines [][]byte
		for _, st := range batch {
			if m := s.matches(st.tweet); len(m) > 0 {
				lines = append(lines, s.line(st, m))
			}
		}
		pos += len(batch)
		s.mu.Unlock()
		for _, l := range lines {
			if limit == 0 {
				return
			}
			if _, err := w.Write(l); err != nil {
				return
			}
			limit--
		}
		if flusher != nil {
			flusher.Flush()
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-r.Context().Done():
			return
		case <-gone:
			return
		case <-changed:
		case <-keepAlive.C:
			if _, err := w.Write([]byte("\r\n")); err != nil {
				return
			}
			if flusher != nil {
				flusher.Flush()
			}
		}
	}
}

func (s *Server) getRules(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size := 1000
	if v := q.Get("max_results"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeProblem(w, http.StatusBadRequest, "Invalid Request", "The `max_results` query parameter value ["+v+"] is not between 1 and 1000")
			return
		}
		size = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.RulesPageSize > 0 {
		size = min(size, s.RulesPageSize)
	}
	from := 0
	if tok := q.Get("pagination_token"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n > len(s.rules) {
			writeProblem(w, http.StatusBadRequest, "Invalid Request", "The `pagination_token` query parameter value ["+tok+"] is not valid")
			return
		}
		from = n
	}
	page := s.rules[from:min(from+size, len(s.rules))]
	meta := map[string]any{"sent": s.now().UTC().Format(time.RFC3339Nano), "result_count": len(page)}
	if from+len(page) < len(s.rules) {
		meta["next_token"] = strconv.Itoa(from + len(page))
	}
	out := map[string]any{"meta": meta}
	if len(page) > 0 {
		var data []map[string]string
		for _, r := range page {
			d := map[string]string{"id": r.ID, "value": r.Value}
			if r.Tag != "" {
				d["tag"] = r.Tag
			}
			data = append(data, d)
		}
		out["data"] = data
	}
	writeJSON(w, out)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func (s *Server) postRules(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Add []struct {
			Value string `json:"value"`
			Tag   string `json:"tag"`
		} `json:"add"`
		Delete *struct {
			IDs []string `json:"ids"`
		} `json:"delete"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || (body.Add == nil) == (body.Delete == nil) {
		writeProblem(w, http.StatusBadRequest, "Invalid Request", "One or more parameters to your request was invalid.")
		return
	}
	dryRun := r.URL.Query().Get("dry_run") == "true"
	s.mu.Lock()
	defer s.mu.Unlock()
	sent := s.now().UTC().Format(time.RFC3339Nano)
	if body.Delete != nil {
		deleted, notDeleted := 0, 0
		var errs []map[string]any
		for _, id := range body.Delete.IDs {
			i := slices.IndexFunc(s.rules, func(r rule) bool { return r.ID == id })
			if i < 0 {
				notDeleted++
				errs = append(errs, map[string]any{"errors": []any{map[string]string{"parameter": "id", "message": "Rule does not exist"}}, "title": "Invalid Request", "value": id})
				continue
			}
			if !dryRun {
				s.rules = slices.Delete(s.rules, i, i+1)
			}
			deleted++
		}
		out := map[string]any{"meta": map[string]any{"sent": sent, "summary": map[string]int{"deleted": deleted, "not_deleted": notDeleted}}}
		if errs != nil {
			out["errors"] = errs
		}
		writeJSON(w, out)
		return
	}
	var created []map[string]string
	var errs []map[string]any
	for _, a := range body.Add {
		switch {
		case strings.TrimSpace(a.Value) == "" || len(a.Value) > 512:
			errs = append(errs, map[string]any{"title": "Invalid Rule", "value": a.Value, "details": []string{"Rule must be 1 to 512 characters"}, "type": "https://api.twitter.com/2/problems/invalid-rules"})
		case slices.ContainsFunc(s.rules, func(r rule) bool { return r.Value == a.Value }):
			errs = append(errs, map[string]any{"title": "DuplicateRule", "value": a.Value, "id": "", "type": "https://api.twitter.com/2/problems/duplicate-rules"})
		default:
			r := rule{ID: fmt.Sprintf("%d", s.nextRule+1), Value: a.Value, Tag: a.Tag}
			if !dryRun {
				r = s.addRule(a.Value, a.Tag)
			}
			d := map[string]string{"id": r.ID, "value": r.Value}
			if r.Tag != "" {
				d["tag"] = r.Tag
			}
			created = append(created, d)
		}
	}
	out := map[string]any{"meta": map[string]any{"sent": sent, "summary": map[string]int{
		"created": len(created), "not_created": len(errs), "valid": len(created), "invalid": len(errs)}}}
	if created != nil {
		out["data"] = created
	}
	if errs != nil {
		out["errors"] = errs
	}
	writeJSON(w, out)
}
