package xtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2/users/me", s.api(EndpointMe, true, s.handleMe))
	mux.HandleFunc("GET /2/users/{id}/mentions", s.api(EndpointMentions, true, s.handleMentions))
	mux.HandleFunc("GET /2/tweets", s.api(EndpointLookup, true, s.handleLookup))
	mux.HandleFunc("POST /2/tweets", s.api(EndpointCreateTweet, true, s.handleCreateTweet))
	mux.HandleFunc("DELETE /2/tweets/{id}", s.api(EndpointDeleteTweet, true, s.handleDeleteTweet))
	mux.HandleFunc("PUT /2/tweets/{id}/hidden", s.api(EndpointHide, true, s.handleHide))
	mux.HandleFunc("POST /2/users/{id}/likes", s.api(EndpointLike, true, s.handleLike))
	mux.HandleFunc("POST /2/dm_conversations/with/{participant_id}/messages", s.api(EndpointSendDM, true, s.handleSendDM))
	mux.HandleFunc("POST /2/oauth2/token", s.api(EndpointToken, false, s.handleToken))
	mux.HandleFunc("GET /i/oauth2/authorize", s.handleAuthorize)
	return mux
}

// problem is X API v2's error body, an RFC 7807 problem
// ({"title","detail","type","status"}, e.g. the errors of
// https://docs.x.com/x-api/posts/create-or-edit-post).
type problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
	Status int    `json:"status"`
}

func writeProblem(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, problem{Title: http.StatusText(status), Detail: detail, Type: "about:blank", Status: status})
}

// writeInvalid answers X v2's invalid-request problem (400) naming the
// parameter.
func writeInvalid(w http.ResponseWriter, param, value, message string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"errors": []any{map[string]any{"parameters": map[string][]string{param: {value}}, "message": message}},
		"title":  "Invalid Request",
		"detail": "One or more parameters to your request was invalid.",
		"type":   "https://api.twitter.com/2/problems/invalid-request",
	})
}

// api wraps a handler with what every X endpoint does, under the server
// lock: log the request, serve a queued FailNext, check the bearer token,
// and apply the rate limit (x-rate-limit-limit/-remaining/-reset, epoch
// seconds, on every answer; 429 when the window is spent;
// https://docs.x.com/fundamentals/rate-limits).
func (s *Server) api(endpoint string, auth bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
		_, limited := defaultLimits[endpoint]
		setHeaders := func(lw *limitWindow) {
			w.Header().Set("x-rate-limit-limit", strconv.Itoa(lw.limit))
			w.Header().Set("x-rate-limit-remaining", strconv.Itoa(max(lw.remaining, 0)))
			w.Header().Set("x-rate-limit-reset", strconv.FormatInt(lw.reset.Unix(), 10))
		}
		if q := s.fails[endpoint]; len(q) > 0 {
			f := q[0]
			s.fails[endpoint] = q[1:]
			if limited {
				lw := s.window(endpoint)
				if f.status == http.StatusTooManyRequests {
					lw.remaining = 0
				}
				setHeaders(lw)
			}
			writeProblem(w, f.status, f.detail)
			return
		}
		if auth && !s.authorized(r) {
			writeProblem(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		if limited {
			lw := s.window(endpoint)
			if lw.remaining <= 0 {
				setHeaders(lw)
				writeProblem(w, http.StatusTooManyRequests, "Too Many Requests")
				return
			}
			lw.remaining--
			setHeaders(lw)
		}
		h(w, r)
	}
}

func (s *Server) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && s.tokens[strings.TrimSpace(tok)]
}

// decodeBody reads a JSON request body; false (and a 400 answered) when it
// is not one.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"errors": []any{map[string]any{"message": "Request body is not valid JSON."}},
			"title":  "Invalid Request", "detail": "One or more parameters to your request was invalid.",
			"type": "https://api.twitter.com/2/problems/invalid-request",
		})
		return false
	}
	return true
}

func isID(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func idNum(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

// handleMe answers GET /2/users/me
// (https://docs.x.com/x-api/users/user-lookup-me).
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"data": s.v2User(s.Brand, parseFields(r.URL.Query().Get("user.fields")))})
}

// handleMentions answers GET /2/users/{id}/mentions: newest first,
// max_results 5–100 (default 10), since_id/until_id exclusive bounds,
// pagination_token from meta.next_token; meta carries result_count and, when
// there are results, newest_id and oldest_id
// (https://docs.x.com/x-api/posts/timelines/quickstart/user-mention-quickstart).
func (s *Server) handleMentions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	max := 10
	if v := q.Get("max_results"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 5 || n > 100 {
			writeInvalid(w, "max_results", v, fmt.Sprintf("The `max_results` query parameter value [%s] is not between 5 and 100", v))
			return
		}
		max = n
	}
	var since, until, before uint64
	for _, p := range []struct {
		name string
		dst  *uint64
	}{{"since_id", &since}, {"until_id", &until}} {
		if v := q.Get(p.name); v != "" {
			if !isID(v) {
				writeInvalid(w, p.name, v, fmt.Sprintf("The `%s` query parameter value [%s] does not match ^[0-9]{1,19}$", p.name, v))
				return
			}
			*p.dst = idNum(v)
		}
	}
	if v := q.Get("pagination_token"); v != "" {
		n, ok := decodePageToken(v)
		if !ok {
			writeInvalid(w, "pagination_token", v, fmt.Sprintf("The `pagination_token` query parameter value [%s] is not valid", v))
			return
		}
		before = n
	}
	var ids []uint64
	if r.PathValue("id") == s.Brand.ID {
		for _, t := range s.tweets {
			if !s.mentionsBrand(t) {
				continue
			}
			n := idNum(t.ID)
			if (since != 0 && n <= since) || (until != 0 && n >= until) || (before != 0 && n >= before) {
				continue
			}
			ids = append(ids, n)
		}
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	more := len(ids) > max
	if more {
		ids = ids[:max]
	}
	meta := map[string]any{"result_count": len(ids)}
	resp := map[string]any{"meta": meta}
	if len(ids) > 0 {
		tf, uf, ex := parseFields(q.Get("tweet.fields")), parseFields(q.Get("user.fields")), parseFields(q.Get("expansions"))
		var data []any
		var users []any
		seen := map[string]bool{}
		for _, n := range ids {
			t := s.tweets[strconv.FormatUint(n, 10)]
			data = append(data, s.v2Tweet(t, tf))
			if ex["author_id"] && !seen[t.AuthorID] {
				seen[t.AuthorID] = true
				users = append(users, s.v2User(s.users[t.AuthorID], uf))
			}
		}
		resp["data"] = data
		if len(users) > 0 {
			resp["includes"] = map[string]any{"users": users}
		}
		meta["newest_id"] = strconv.FormatUint(ids[0], 10)
		meta["oldest_id"] = strconv.FormatUint(ids[len(ids)-1], 10)
		if more {
			meta["next_token"] = encodePageToken(ids[len(ids)-1])
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

// Page tokens are opaque lowercase strings like X's
// ("t3buvdr5pujq9g7bggsnf3ep2ha28"); here "p" and the base-36 id the next
// page starts below, so pages stay stable while new mentions arrive.
func encodePageToken(before uint64) string { return "p" + strconv.FormatUint(before, 36) }

func decodePageToken(s string) (uint64, bool) {
	rest, ok := strings.CutPrefix(s, "p")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(rest, 36, 64)
	return n, err == nil && n > 0
}

// handleLookup answers GET /2/tweets?ids=…: found tweets in "data", the
// others as resource-not-found entries in "errors", with status 200
// (https://docs.x.com/x-api/posts/lookup/integrate).
func (s *Server) handleLookup(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	raw := q.Get("ids")
	ids := strings.Split(raw, ",")
	if raw == "" || len(ids) > 100 {
		writeInvalid(w, "ids", raw, "The `ids` query parameter value must hold 1 to 100 ids")
		return
	}
	for _, id := range ids {
		if !isID(id) {
			writeInvalid(w, "ids", id, fmt.Sprintf("The `ids` query parameter value [%s] does not match ^[0-9]{1,19}$", id))
			return
		}
	}
	tf, uf, ex := parseFields(q.Get("tweet.fields")), parseFields(q.Get("user.fields")), parseFields(q.Get("expansions"))
	resp := map[string]any{}
	var data, errs, users []any
	seen := map[string]bool{}
	for _, id := range ids {
		t, ok := s.tweets[id]
		if !ok || t.Deleted {
			errs = append(errs, map[string]any{
				"value": id, "detail": fmt.Sprintf("Could not find tweet with ids: [%s].", id), "title": "Not Found Error",
				"resource_type": "tweet", "parameter": "ids", "resource_id": id,
				"type": "https://api.twitter.com/2/problems/resource-not-found",
			})
			continue
		}
		data = append(data, s.v2Tweet(t, tf))
		if ex["author_id"] && !seen[t.AuthorID] {
			seen[t.AuthorID] = true
			users = append(users, s.v2User(s.users[t.AuthorID], uf))
		}
	}
	if data != nil {
		resp["data"] = data
	}
	if users != nil {
		resp["includes"] = map[string]any{"users": users}
	}
	if errs != nil {
		resp["errors"] = errs
	}
	writeJSON(w, http.StatusOK, resp)
}

// handleCreateTweet answers POST /2/tweets with 201 {"data":{"id","text"}}
// (https://docs.x.com/x-api/posts/create-or-edit-post). The same text twice
// is refused with X's duplicate-content 403 (as reported in
// https://github.com/akrherz/iembot/issues/163); a reply to a missing or
// deleted tweet with a 403 whose wording is not in the documentation at
// hand (the problem shape is).
func (s *Server) handleCreateTweet(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text  string `json:"text"`
		Reply *struct {
			InReplyToTweetID string `json:"in_reply_to_tweet_id"`
		} `json:"reply"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if strings.TrimSpace(body.Text) == "" {
		writeInvalid(w, "text", body.Text, "The `text` field is required and must not be empty")
		return
	}
	for _, t := range s.tweets {
		if t.AuthorID == s.Brand.ID && !t.Deleted && t.Text == body.Text {
			writeProblem(w, http.StatusForbidden, "You are not allowed to create a Tweet with duplicate content.")
			return
		}
	}
	t := &Tweet{ID: s.nextID(), Text: body.Text, AuthorID: s.Brand.ID, CreatedAt: s.now().UTC()}
	t.ConversationID = t.ID
	if body.Reply != nil && body.Reply.InReplyToTweetID != "" {
		p, ok := s.tweets[body.Reply.InReplyToTweetID]
		if !ok || p.Deleted {
			writeProblem(w, http.StatusForbidden, "You attempted to reply to a Tweet that is deleted or not visible to you.")
			return
		}
		t.InReplyTo, t.ConversationID, t.InReplyToUserID = p.ID, p.ConversationID, p.AuthorID
	}
	s.storeTweet(t) // the webhook echoes the brand's own tweet
	writeJSON(w, http.StatusCreated, map[string]any{"data": map[string]any{"id": t.ID, "text": t.Text}})
}

// handleDeleteTweet answers DELETE /2/tweets/{id} with {"data":{"deleted":
// true}}; only the author may delete
// (https://developer.x.com/en/docs/twitter-api/tweets/manage-tweets/api-reference/delete-tweets-id).
// The refusal wording is not in the documentation at hand.
func (s *Server) handleDeleteTweet(w http.ResponseWriter, r *http.Request) {
	t, ok := s.tweets[r.PathValue("id")]
	if !ok || t.Deleted {
		writeProblem(w, http.StatusNotFound, fmt.Sprintf("Could not find tweet with id: [%s].", r.PathValue("id")))
		return
	}
	if t.AuthorID != s.Brand.ID {
		writeProblem(w, http.StatusForbidden, "You are not allowed to delete a Tweet you did not create.")
		return
	}
	s.deleteTweet(t)
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"deleted": true}})
}

// handleHide answers PUT /2/tweets/{id}/hidden {"hidden":bool} with
// {"data":{"hidden":bool}}; only replies in conversations the brand started
// can be hidden, hiding twice succeeds
// (https://docs.x.com/x-api/posts/hide-replies/quickstart,
// https://developer.x.com/en/docs/twitter-api/tweets/hide-replies/api-reference).
func (s *Server) handleHide(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Hidden *bool `json:"hidden"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.Hidden == nil {
		writeInvalid(w, "hidden", "", "The `hidden` field is required")
		return
	}
	t, ok := s.tweets[r.PathValue("id")]
	if !ok || t.Deleted {
		writeProblem(w, http.StatusNotFound, fmt.Sprintf("Could not find tweet with id: [%s].", r.PathValue("id")))
		return
	}
	root, ok := s.tweets[t.ConversationID]
	if t.InReplyTo == "" || !ok || root.AuthorID != s.Brand.ID || t.AuthorID == s.Brand.ID {
		writeProblem(w, http.StatusForbidden, "You can only hide replies to conversations you started.")
		return
	}
	t.Hidden = *body.Hidden
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"hidden": t.Hidden}})
}

// handleLike answers POST /2/users/{id}/likes {"tweet_id"} with
// {"data":{"liked":true}}; {id} must be the token's user
// (https://docs.x.com/x-api/posts/likes/quickstart/manage-likes).
func (s *Server) handleLike(w http.ResponseWriter, r *http.Request) {
	var body struct {
		TweetID string `json:"tweet_id"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if r.PathValue("id") != s.Brand.ID {
		writeProblem(w, http.StatusForbidden, "You are not allowed to like on behalf of another user.")
		return
	}
	t, ok := s.tweets[body.TweetID]
	if !ok || t.Deleted {
		writeInvalid(w, "tweet_id", body.TweetID, fmt.Sprintf("Could not find tweet with id: [%s].", body.TweetID))
		return
	}
	if !slices.Contains(s.likes, t.ID) {
		s.likes = append(s.likes, t.ID)
		t.Likes++
		s.queueFavorite(t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"liked": true}})
}

// handleSendDM answers POST /2/dm_conversations/with/{participant_id}/messages
// {"text"} with 201 {"data":{"dm_conversation_id","dm_event_id"}}
// (https://docs.x.com/x-api/direct-messages/send-a-new-message-to-a-user).
// A user who does not accept the brand's messages gets a 403 (wording not in
// the documentation at hand).
func (s *Server) handleSendDM(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text string `json:"text"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	to := r.PathValue("participant_id")
	if _, ok := s.users[to]; !ok || to == s.Brand.ID {
		writeInvalid(w, "participant_id", to, fmt.Sprintf("Could not find user with id: [%s].", to))
		return
	}
	if body.Text == "" {
		writeInvalid(w, "text", "", "The `text` field must hold at least 1 character")
		return
	}
	if s.closedDMs[to] {
		writeProblem(w, http.StatusForbidden, "You cannot send messages to this user.")
		return
	}
	e := DMEvent{ID: s.nextID(), ConversationID: dmConversation(s.Brand.ID, to), SenderID: s.Brand.ID, RecipientID: to,
		Text: body.Text, CreatedAt: s.now().UTC()}
	s.queueDM(e) // the webhook echoes the brand's own message
	writeJSON(w, http.StatusCreated, map[string]any{"data": map[string]any{"dm_conversation_id": e.ConversationID, "dm_event_id": e.ID}})
}
