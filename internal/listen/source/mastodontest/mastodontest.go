// Package mastodontest emulates a Mastodon instance's public timelines for
// tests, after https://docs.joinmastodon.org/methods/streaming/ and
// https://docs.joinmastodon.org/methods/timelines/:
//
//   - GET /api/v1/streaming/public and /api/v1/streaming/hashtag?tag=…:
//     server-sent events, "event: update" with "data: <Status JSON>",
//     "delete" with the status id, ":thump" heartbeat comments;
//   - GET /api/v1/timelines/public and /api/v1/timelines/tag/:hashtag with
//     max_id, since_id, min_id and limit (default 20, max 40), newest
//     first, and a Link header (next/prev);
//   - bearer tokens (401 {"error": …}) and injected failures.
package mastodontest

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

// Status is a status to publish.
type Status struct {
	Acct        string // user or user@remote.example
	Content     string // HTML, as Mastodon sends it
	SpoilerText string
	Language    string
	Tags        []string // without '#'
	Visibility  string   // default "public"
}

type stored struct {
	id      string
	created time.Time
	st      Status
}

// Server is a running emulator; URL is the instance's base URL.
type Server struct {
	srv   *httptest.Server
	URL   string
	Token string // accepted bearer token; "" accepts any request
	// Heartbeat is how often an idle stream gets ":thump"; default 15 s.
	Heartbeat time.Duration

	mu       sync.Mutex
	next     int64
	statuses []stored
	changed  chan struct{}
	conns    map[chan struct{}]struct{}
	dials    int
	requests []string
	fails    map[string][]int // "stream" / "timeline" → statuses to answer
	drops    []int
}

// New starts an emulator accepting token; it is closed when the test ends.
func New(t interface{ Cleanup(func()) }, token string) *Server {
	s := &Server{
		Token:     token,
		Heartbeat: 15 * time.Second,
		next:      113000000000000000, // a 2024-era snowflake id
		changed:   make(chan struct{}),
		conns:     map[chan struct{}]struct{}{},
		fails:     map[string][]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/streaming/public", s.auth("stream", s.streamPublic))
	mux.HandleFunc("GET /api/v1/streaming/hashtag", s.auth("stream", s.streamHashtag))
	mux.HandleFunc("GET /api/v1/timelines/public", s.auth("timeline", s.timelinePublic))
	mux.HandleFunc("GET /api/v1/timelines/tag/{hashtag}", s.auth("timeline", s.timelineTag))
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

// Publish adds a status and returns its id (growing, as snowflakes do).
func (s *Server) Publish(st Status) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next += 1 << 16 // a millisecond in Mastodon's snowflake layout
	id := strconv.FormatInt(s.next, 10)
	if st.Visibility == "" {
		st.Visibility = "public"
	}
	s.statuses = append(s.statuses, stored{id: id, created: time.Now().UTC(), st: st})
	close(s.changed)
	s.changed = make(chan struct{})
	return id
}

// FailNext makes the next request of kind ("stream" or "timeline") answer
// status.
func (s *Server) FailNext(kind string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails[kind] = append(s.fails[kind], status)
}

// DropAfter makes the next streams break, the i-th after counts[i] events.
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

// Connections is how many streams were opened.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dials
}

// Requests lists every request ("GET /path?query"), in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func (s *Server) auth(kind string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
		var fail int
		if q := s.fails[kind]; len(q) > 0 {
			fail, s.fails[kind] = q[0], q[1:]
		}
		s.mu.Unlock()
		if s.Token != "" && r.Header.Get("Authorization") != "Bearer "+s.Token {
			writeError(w, http.StatusUnauthorized, "The access token is invalid")
			return
		}
		if fail != 0 {
			if fail == http.StatusTooManyRequests {
				w.Header().Set("X-RateLimit-Limit", "300")
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", time.Now().Add(5*time.Minute).UTC().Format(time.RFC3339Nano))
			}
			writeError(w, fail, http.StatusText(fail))
			return
		}
		h(w, r)
	}
}

func (st stored) entity(base string) map[string]any {
	user, _, _ := strings.Cut(st.st.Acct, "@")
	var tags []map[string]string
	for _, t := range st.st.Tags {
		tags = append(tags, map[string]string{"name": t, "url": base + "/tags/" + t})
	}
	var lang any
	if st.st.Language != "" {
		lang = st.st.Language
	}
	return map[string]any{
		"id": st.id, "created_at": st.created.Format("2006-01-02T15:04:05.000Z"),
		"in_reply_to_id": nil, "in_reply_to_account_id": nil, "sensitive": st.st.SpoilerText != "",
		"spoiler_text": st.st.SpoilerText, "visibility": st.st.Visibility, "language": lang,
		"uri": base + "/users/" + user + "/statuses/" + st.id, "url": base + "/@" + user + "/" + st.id,
		"replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
		"content": st.st.Content, "reblog": nil, "media_attachments": []any{}, "mentions": []any{},
		"tags": tags, "emojis": []any{}, "card": nil, "poll": nil,
		"account": map[string]any{
			"id": strconv.Itoa(len(user) * 1009), "username": user, "acct": st.st.Acct, "display_name": user,
			"url": base + "/@" + user,
		},
	}
}

func (st stored) hasTag(tag string) bool {
	return slices.ContainsFunc(st.st.Tags, func(t string) bool { return strings.EqualFold(t, tag) })
}

func (s *Server) streamPublic(w http.ResponseWriter, r *http.Request) {
	s.stream(w, r, func(st stored) bool { return st.st.Visibility == "public" })
}

func (s *Server) streamHashtag(w http.ResponseWriter, r *http.Request) {
	tag := r.URL.Query().Get("tag")
	if tag == "" {
		writeError(w, http.StatusBadRequest, "Missing tag name parameter")
		return
	}
	s.stream(w, r, func(st stored) bool { return st.st.Visibility == "public" && st.hasTag(tag) })
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request, want func(stored) bool) {
	s.mu.Lock()
	s.dials++
	gone := make(chan struct{})
	s.conns[gone] = struct{}{}
	limit := -1
	if len(s.drops) > 0 {
		limit, s.drops = s.drops[0], s.drops[1:]
	}
	pos := len(s.statuses) // a stream has no history
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, gone)
		s.mu.Unlock()
	}()
	flusher, _ := w.(http.Flusher)
	flush := func() {
		if flusher != nil {
			flusher.Flush()
		}
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ":)\n")
	flush()
	if limit == 0 {
		return // DropAfter(0): accepted, then cut at once
	}
	beat := time.NewTicker(s.Heartbeat)
	defer beat.Stop()
	for {
		s.mu.Lock()
		batch := s.statuses[pos:len(s.statuses):len(s.statuses)]
		changed := s.changed
		s.mu.Unlock()
		pos += len(batch)
		for _, st := range batch {
			if !want(st) {
				continue
			}
			if limit == 0 {
				return
			}
			data, _ := json.Marshal(st.entity(s.URL))
			if _, err := fmt.Fprintf(w, "event: update\ndata: %s\n\n", data); err != nil {
				return
			}
			limit--
		}
		flush()
		if len(batch) > 0 {
			continue
		}
		select {
		case <-r.Context().Done():
			return
		case <-gone:
			return
		case <-changed:
		case <-beat.C:
			fmt.Fprint(w, ":thump\n")
			flush()
		}
	}
}

func (s *Server) timelinePublic(w http.ResponseWriter, r *http.Request) {
	s.timeline(w, r, func(st stored) bool { return st.st.Visibility == "public" })
}

func (s *Server) timelineTag(w http.ResponseWriter, r *http.Request) {
	tag := r.PathValue("hashtag")
	s.timeline(w, r, func(st stored) bool { return st.st.Visibility == "public" && st.hasTag(tag) })
}

// idLess compares snowflake ids as numbers.
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func (s *Server) timeline(w http.ResponseWriter, r *http.Request, want func(stored) bool) {
	q := r.URL.Query()
	limit := 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusUnprocessableEntity, "limit must be a positive number")
			return
		}
		limit = min(n, 40)
	}
	for _, p := range []string{"max_id", "since_id", "min_id"} {
		if v := q.Get(p); v != "" {
			if _, err := strconv.ParseUint(v, 10, 64); err != nil {
				writeError(w, http.StatusUnprocessableEntity, p+" must be an id")
				return
			}
		}
	}
	maxID, sinceID, minID := q.Get("max_id"), q.Get("since_id"), q.Get("min_id")
	s.mu.Lock()
	var match []stored // oldest first
	for _, st := range s.statuses {
		if !want(st) || (maxID != "" && !idLess(st.id, maxID)) ||
			(sinceID != "" && !idLess(sinceID, st.id)) || (minID != "" && !idLess(minID, st.id)) {
			continue
		}
		match = append(match, st)
	}
	s.mu.Unlock()
	// min_id pages forward from the oldest; otherwise the newest page.
	if minID != "" {
		match = match[:min(limit, len(match))]
	} else {
		match = match[max(0, len(match)-limit):]
	}
	slices.Reverse(match)
	out := make([]map[string]any, 0, len(match))
	for _, st := range match {
		out = append(out, st.entity(s.URL))
	}
	if len(match) > 0 {
		base := s.URL + r.URL.Path + "?limit=" + strconv.Itoa(limit)
		w.Header().Set("Link", fmt.Sprintf(`<%s&max_id=%s>; rel="next", <%s&min_id=%s>; rel="prev"`,
			base, match[len(match)-1].id, base, match[0].id))
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}
