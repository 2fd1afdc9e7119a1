package metatest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// graphTime is the Graph API's timestamp format.
const graphTime = "2006-01-02T15:04:05-0700"

// apiError is a Graph API error answer.
type apiError struct {
	status  int
	typ     string
	code    int
	subcode int
	message string
}

var versionRE = regexp.MustCompile(`^v\d+\.\d+$`)

// ServeHTTP serves the Graph API subset.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) > 0 && versionRE.MatchString(segs[0]) {
		segs = segs[1:]
	}
	for i, sg := range segs {
		if u, err := url.PathUnescape(sg); err == nil {
			segs[i] = u
		}
	}
	params, err := readParams(r)
	if err != nil {
		s.writeError(w, apiError{status: 400, typ: "OAuthException", code: 100, message: "(#100) " + err.Error()})
		return
	}
	tok := params["access_token"]
	if h := r.Header.Get("Authorization"); tok == "" && h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			tok = t
		} else if t, ok := strings.CutPrefix(h, "OAuth "); ok {
			tok = t
		}
	}
	rel := "/" + strings.Join(segs, "/")

	s.mu.Lock()
	defer s.mu.Unlock()
	logged := map[string]string{}
	for k, v := range params {
		if k != "access_token" {
			logged[k] = v
		}
	}
	s.requests = append(s.requests, Request{Method: r.Method, Path: rel, Params: logged, Token: tok, Proof: params["appsecret_proof"]})
	s.calls++

	for i, f := range s.failures {
		if f.path == "" || f.path == rel {
			s.failures = append(s.failures[:i], s.failures[i+1:]...)
			typ := "OAuthException"
			if f.status >= 500 {
				typ = "FacebookApiException"
			}
			s.writeError(w, apiError{status: f.status, typ: typ, code: f.code, subcode: f.subcode, message: f.message})
			return
		}
	}
	if s.throttleN > 0 {
		s.throttleN--
		t := s.throttle
		s.writeError(w, apiError{status: t.status, typ: "OAuthException", code: t.code, message: t.message})
		return
	}
	if tok == "" {
		s.writeError(w, apiError{status: 400, typ: "OAuthException", code: 2500, message: "An active access token must be used to query information about the current user."})
		return
	}
	if tok != s.Token {
		s.writeError(w, apiError{status: 400, typ: "OAuthException", code: 190, message: "Invalid OAuth access token - Cannot parse access token"})
		return
	}
	if s.revoked {
		s.writeError(w, apiError{status: 400, typ: "OAuthException", code: 190, subcode: 460,
			message: "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons."})
		return
	}
	if proof := params["appsecret_proof"]; proof != "" || s.RequireProof {
		m := hmac.New(sha256.New, []byte(s.AppSecret))
		m.Write([]byte(tok))
		if !hmac.Equal([]byte(proof), []byte(hex.EncodeToString(m.Sum(nil)))) {
			msg := "Invalid appsecret_proof provided in the API argument"
			if proof == "" {
				msg = "appsecret_proof argument must be passed"
			}
			s.writeError(w, apiError{status: 400, typ: "GraphMethodException", code: 100, message: msg})
			return
		}
	}
	out, aerr := s.route(r.Method, segs, params)
	if aerr != nil {
		s.writeError(w, *aerr)
		return
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *Server) route(method string, segs []string, p map[string]string) (any, *apiError) {
	if len(segs) == 0 || segs[0] == "" {
		return nil, unsupported(method, "")
	}
	id := segs[0]
	if id == "me" {
		id = s.PageID
	}
	switch {
	case len(segs) == 1 && method == http.MethodGet:
		return s.getObject(id, p)
	case len(segs) == 1 && method == http.MethodPost:
		return s.updateObject(id, p)
	case len(segs) == 1 && method == http.MethodDelete:
		return s.deleteObject(id)
	case len(segs) == 2 && segs[1] == "messages" && method == http.MethodPost:
		return s.sendAPI(id, p)
	case len(segs) == 2 && segs[1] == "comments" && method == http.MethodPost:
		return s.createComment(id, p)
	case len(segs) == 2 && segs[1] == "comments" && method == http.MethodGet:
		return s.listComments(id, p)
	case len(segs) == 2 && segs[1] == "feed" && method == http.MethodGet && id == s.PageID:
		return s.listFeed(p)
	case len(segs) == 2 && segs[1] == "replies" && method == http.MethodPost:
		return s.createIGReply(id, p)
	case len(segs) == 2 && segs[1] == "mentions" && method == http.MethodPost && id == s.IGUserID:
		return s.replyMention(p)
	case len(segs) == 2 && segs[1] == "likes" && method == http.MethodPost:
		return s.like(id)
	}
	return nil, unsupported(method, id)
}

// unsupported is the Graph API's answer to an unknown object or edge.
func unsupported(method, id string) *apiError {
	verb := strings.ToLower(method)
	return &apiError{status: 400, typ: "GraphMethodException", code: 100, subcode: 33,
		message: fmt.Sprintf("Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", verb, id)}
}

func invalidParam(msg string) *apiError {
	return &apiError{status: 400, typ: "OAuthException", code: 100, message: "(#100) " + msg}
}

// ---- objects ----

var mentionFieldRE = regexp.MustCompile(`^mentioned_(comment|media)\.(comment_id|media_id)\(([^)]+)\)`)

func (s *Server) getObject(id string, p map[string]string) (any, *apiError) {
	fields := p["fields"]
	if id == s.IGUserID && strings.HasPrefix(fields, "mentioned_") {
		m := mentionFieldRE.FindStringSubmatch(fields)
		if m == nil {
			return nil, invalidParam("Syntax error in fields " + fields)
		}
		key := m[3]
		if m[1] == "media" {
			key = "media:" + m[3]
		}
		c := s.mentions[key]
		if c == nil {
			return nil, invalidParam(fmt.Sprintf("Param %s must be a valid id of a %s that mentions the user", m[2], m[1]))
		}
		if m[1] == "media" {
			return map[string]any{"id": s.IGUserID, "mentioned_media": map[string]any{"id": c.ID, "caption": c.Message,
				"username": c.From.Username, "timestamp": c.Created.Format(graphTime), "media_type": "IMAGE"}}, nil
		}
		return map[string]any{"id": s.IGUserID, "mentioned_comment": map[string]any{"id": c.ID, "text": c.Message,
			"username": c.From.Username, "timestamp": c.Created.Format(graphTime), "like_count": 0,
			"media": map[string]any{"id": c.PostID}}}, nil
	}
	switch {
	case id == s.PageID:
		return map[string]any{"id": s.PageID, "name": s.PageName, "username": s.PageUsername}, nil
	case id == s.IGUserID:
		return map[string]any{"id": s.IGUserID, "username": s.IGUsername}, nil
	}
	if u, ok := s.users[id]; ok {
		if strings.Contains(fields, "username") { // Instagram user profile
			return map[string]any{"id": u.ID, "name": u.Name, "username": u.Username}, nil
		}
		first, last, _ := strings.Cut(u.Name, " ")
		return map[string]any{"id": u.ID, "first_name": first, "last_name": last}, nil
	}
	if c := s.comments[id]; c != nil && !c.deleted {
		return s.commentJSON(c), nil
	}
	if po := s.posts[id]; po != nil && !po.deleted {
		return postJSON(po), nil
	}
	return nil, unsupported(http.MethodGet, id)
}

// updateObject hides or unhides: is_hidden (Facebook) or hide (Instagram).
func (s *Server) updateObject(id string, p map[string]string) (any, *apiError) {
	key, want := "is_hidden", "facebook"
	if _, ok := p["hide"]; ok {
		key, want = "hide", "instagram"
	}
	v, ok := p[key]
	if !ok {
		return nil, unsupported(http.MethodPost, id)
	}
	hidden, err := strconv.ParseBool(v)
	if err != nil {
		return nil, invalidParam(fmt.Sprintf("Param %s must be a boolean", key))
	}
	if c := s.comments[id]; c != nil && !c.deleted && c.Platform == want {
		if c.From.ID == s.PageID || c.From.ID == s.IGUserID {
			return nil, &apiError{status: 400, typ: "OAuthException", code: 100, message: "(#100) The account cannot hide its own comment"}
		}
		c.hidden = hidden
		s.hidden[id] = hidden
		if c.Platform == "facebook" {
			verb := "hide"
			if !hidden {
				verb = "unhide"
			}
			s.queueFeed(s.commentChange(c, verb, s.now()))
		}
		return map[string]any{"success": true}, nil
	}
	if po := s.posts[id]; po != nil && !po.deleted && want == "facebook" {
		po.hidden = hidden
		s.hidden[id] = hidden
		return map[string]any{"success": true}, nil
	}
	return nil, unsupported(http.MethodPost, id)
}

func (s *Server) deleteObject(id string) (any, *apiError) {
	if c := s.comments[id]; c != nil && !c.deleted {
		c.deleted = true
		s.deleted = append(s.deleted, id)
		if c.Platform == "facebook" {
			v := s.commentChange(c, "remove", s.now())
			delete(v, "message")
			s.queueFeed(v)
		}
		return map[string]any{"success": true}, nil
	}
	if po := s.posts[id]; po != nil && !po.deleted {
		po.deleted = true
		s.deleted = append(s.deleted, id)
		return map[string]any{"success": true}, nil
	}
	return nil, unsupported(http.MethodDelete, id)
}

func (s *Server) like(id string) (any, *apiError) {
	c := s.comments[id]
	po := s.posts[id]
	if (c == nil || c.deleted || c.Platform != "facebook") && (po == nil || po.deleted) {
		return nil, unsupported(http.MethodPost, id)
	}
	s.likes = append(s.likes, id)
	return map[string]any{"success": true}, nil
}

// ---- comments and replies ----

func (s *Server) createComment(on string, p map[string]string) (any, *apiError) {
	text := p["message"]
	if strings.TrimSpace(text) == "" {
		return nil, invalidParam("Missing message or attachment")
	}
	if n := utf8.RuneCountInString(text); n > 8000 {
		return nil, invalidParam("Param message must be at most 8000 characters long")
	}
	if _, ok := s.posts[on]; !ok {
		if c := s.comments[on]; c == nil || c.Platform != "facebook" {
			return nil, unsupported(http.MethodPost, on)
		}
	}
	c, err := s.addFBComment(on, s.pageUser(), text)
	if err != nil {
		return nil, unsupported(http.MethodPost, on)
	}
	s.replies = append(s.replies, Reply{ID: c.ID, Platform: "facebook", Parent: on, Text: text, At: c.Created})
	return map[string]any{"id": c.ID}, nil
}

func (s *Server) createIGReply(on string, p map[string]string) (any, *apiError) {
	text := p["message"]
	if strings.TrimSpace(text) == "" {
		return nil, invalidParam("The parameter message is required")
	}
	if n := utf8.RuneCountInString(text); n > 2200 {
		return nil, invalidParam("Param message must be at most 2200 characters long")
	}
	c := s.comments[on]
	if c == nil || c.deleted || c.Platform != "instagram" {
		return nil, unsupported(http.MethodPost, on)
	}
	r, err := s.addIGComment(on, s.igUser(), text)
	if err != nil {
		return nil, unsupported(http.MethodPost, on)
	}
	s.replies = append(s.replies, Reply{ID: r.ID, Platform: "instagram", Parent: on, Text: text, At: r.Created})
	return map[string]any{"id": r.ID}, nil
}

func (s *Server) replyMention(p map[string]string) (any, *apiError) {
	media, comment, text := p["media_id"], p["comment_id"], p["message"]
	if media == "" {
		return nil, invalidParam("The parameter media_id is required")
	}
	if strings.TrimSpace(text) == "" {
		return nil, invalidParam("The parameter message is required")
	}
	if n := utf8.RuneCountInString(text); n > 2200 {
		return nil, invalidParam("Param message must be at most 2200 characters long")
	}
	key, parent := "media:"+media, media
	if comment != "" {
		key, parent = comment, comment
	}
	m := s.mentions[key]
	if m == nil || m.PostID != media {
		return nil, invalidParam("The user is not mentioned in this comment or media")
	}
	id := "1800" + s.nextID()
	s.replies = append(s.replies, Reply{ID: id, Platform: "instagram", Parent: parent, Text: text, Mention: true, At: s.now()})
	return map[string]any{"id": id}, nil
}

// ---- Send API ----

// sendAPI is POST /{page-id}/messages (Messenger) and
// POST /{ig-user-id}/messages (Instagram): DMs to a PSID/IGSID within the
// window, and private replies to a comment or visitor post.
func (s *Server) sendAPI(account string, p map[string]string) (any, *apiError) {
	platform, maxLen, windowSub := "messenger", 2000, 2018278
	switch account {
	case s.PageID:
	case s.IGUserID:
		// The Instagram window subcode is not on the pages searched; 2534022
		// is the value Instagram messaging is commonly reported to return.
		platform, maxLen, windowSub = "instagram", 1000, 2534022
	default:
		return nil, unsupported(http.MethodPost, account)
	}
	var recipient map[string]string
	if err := json.Unmarshal([]byte(p["recipient"]), &recipient); err != nil || len(recipient) == 0 {
		return nil, invalidParam("param recipient must be non-empty.")
	}
	var msg struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal([]byte(p["message"]), &msg); err != nil || strings.TrimSpace(msg.Text) == "" {
		return nil, invalidParam("param message must be non-empty.")
	}
	if n := utf8.RuneCountInString(msg.Text); n > maxLen {
		return nil, invalidParam(fmt.Sprintf("Length of param message[text] must be less than or equal to %d", maxLen))
	}
	now := s.now()
	windowErr := &apiError{status: 400, typ: "OAuthException", code: 10, subcode: windowSub,
		message: "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview"}
	mid := "m_" + s.nextID() + "emu"

	if cid, pid := recipient["comment_id"], recipient["post_id"]; cid != "" || pid != "" {
		target, author, created := cid, "", time.Time{}
		if cid != "" {
			c := s.comments[cid]
			if c == nil || c.deleted || c.Platform != platform && !(platform == "messenger" && c.Platform == "facebook") {
				return nil, unsupported(http.MethodPost, cid)
			}
			author, created = c.From.ID, c.Created
		} else {
			po := s.posts[pid]
			if po == nil || po.deleted || platform != "messenger" {
				return nil, unsupported(http.MethodPost, pid)
			}
			target, author, created = pid, po.From.ID, po.Created
		}
		if author == s.PageID || author == s.IGUserID {
			return nil, invalidParam("Cannot send a private reply to the account's own content")
		}
		if now.Sub(created) > 7*24*time.Hour {
			return nil, windowErr
		}
		if s.private[target] {
			// Not on the pages searched: the emulator answers a second private
			// reply like the other "not allowed" Send API errors (code 10).
			return nil, &apiError{status: 400, typ: "OAuthException", code: 10, message: "(#10) A private reply has already been sent to this post or comment."}
		}
		s.private[target] = true
		pr := PrivateReply{MessageID: mid, Platform: platform, CommentID: cid, PostID: pid, RecipientID: author, Text: msg.Text, At: now}
		s.privates = append(s.privates, pr)
		return map[string]any{"recipient_id": author, "message_id": mid}, nil
	}

	to := recipient["id"]
	last, known := s.inbound[to]
	if to == "" || !known {
		return nil, &apiError{status: 400, typ: "OAuthException", code: 100, subcode: 2018001, message: "(#100) No matching user found"}
	}
	mtype, tag := p["messaging_type"], p["tag"]
	if platform == "messenger" && mtype == "" {
		return nil, invalidParam("param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}")
	}
	if mtype == "MESSAGE_TAG" && tag == "" {
		return nil, invalidParam("param tag must be set when messaging_type is MESSAGE_TAG")
	}
	standard := !s.closed[to] && now.Sub(last) <= 24*time.Hour && mtype != "MESSAGE_TAG"
	human := mtype == "MESSAGE_TAG" && tag == "HUMAN_AGENT" && now.Sub(last) <= 7*24*time.Hour
	if !standard && !human {
		return nil, windowErr
	}
	s.messages = append(s.messages, SentMessage{MessageID: mid, Platform: platform, Recipient: to, Text: msg.Text,
		MessagingType: mtype, Tag: tag, At: now})
	object := "page"
	if platform == "instagram" {
		object = "instagram"
	}
	s.queueMessaging(object, account, map[string]any{
		"sender": map[string]any{"id": account}, "recipient": map[string]any{"id": to}, "timestamp": now.UnixMilli(),
		"message": map[string]any{"mid": mid, "text": msg.Text, "is_echo": true, "app_id": 1517776481860111}})
	return map[string]any{"recipient_id": to, "message_id": mid}, nil
}

// ---- reading, with cursor pagination ----

func (s *Server) commentJSON(c *commentState) map[string]any {
	if c.Platform == "instagram" {
		m := map[string]any{"id": c.ID, "text": c.Message, "timestamp": c.Created.Format(graphTime), "username": c.From.Username,
			"from": map[string]any{"id": c.From.ID, "username": c.From.Username}, "hidden": c.hidden, "media": map[string]any{"id": c.PostID}}
		if c.ParentID != "" {
			m["parent_id"] = c.ParentID
		}
		return m
	}
	m := map[string]any{"id": c.ID, "message": c.Message, "created_time": c.Created.Format(graphTime),
		"from": userJSON(c.From), "is_hidden": c.hidden}
	if c.ParentID != "" {
		m["parent"] = map[string]any{"id": c.ParentID}
	}
	return m
}

func postJSON(p *postState) map[string]any {
	return map[string]any{"id": p.ID, "message": p.Message, "created_time": p.Created.Format(graphTime), "from": userJSON(p.From), "is_hidden": p.hidden}
}

// listComments is GET /{post-or-media-or-comment}/comments: top-level
// comments of a post or media, replies of a comment; chronological.
func (s *Server) listComments(on string, p map[string]string) (any, *apiError) {
	_, isPost := s.posts[on]
	_, isMedia := s.media[on]
	parent, isComment := s.comments[on]
	if !isPost && !isMedia && !isComment {
		return nil, unsupported(http.MethodGet, on)
	}
	since, aerr := sinceParam(p)
	if aerr != nil {
		return nil, aerr
	}
	stream := p["filter"] == "stream" // all comments of the object, replies included
	var list []*commentState
	for _, c := range s.comments {
		if c.deleted || c.Created.Before(since) {
			continue
		}
		switch {
		case isComment && c.ParentID == parent.ID,
			!isComment && c.PostID == on && (c.ParentID == "" || stream):
			list = append(list, c)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].Created.Equal(list[j].Created) {
			return list[i].Created.Before(list[j].Created)
		}
		return seqOf(list[i].ID) < seqOf(list[j].ID)
	})
	items := make([]map[string]any, len(list))
	for i, c := range list {
		items[i] = s.commentJSON(c)
	}
	return s.page(items, "/"+Version+"/"+on+"/comments", p)
}

// listFeed is GET /{page-id}/feed: Page and visitor posts, newest first.
func (s *Server) listFeed(p map[string]string) (any, *apiError) {
	since, aerr := sinceParam(p)
	if aerr != nil {
		return nil, aerr
	}
	var list []*postState
	for _, po := range s.posts {
		if !po.deleted && !po.Created.Before(since) {
			list = append(list, po)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].Created.Equal(list[j].Created) {
			return list[i].Created.After(list[j].Created)
		}
		return seqOf(list[i].ID) > seqOf(list[j].ID)
	})
	items := make([]map[string]any, len(list))
	for i, po := range list {
		items[i] = postJSON(po)
	}
	return s.page(items, "/"+Version+"/"+s.PageID+"/feed", p)
}

// sinceParam reads the "since" filter (a Unix time; results created at or
// after it).
func sinceParam(p map[string]string) (time.Time, *apiError) {
	v := p["since"]
	if v == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, invalidParam("Param since must be a Unix timestamp")
	}
	return time.Unix(n, 0), nil
}

// seqOf orders ids the emulator minted (their tail grows).
func seqOf(id string) int64 {
	_, tail, _ := cut(id)
	n, _ := strconv.ParseInt(tail, 10, 64)
	return n
}

// page cuts a list with cursor pagination: limit (default 25, at most 100),
// after / before cursors, paging.cursors and paging.next / previous URLs.
func (s *Server) page(items []map[string]any, path string, p map[string]string) (any, *apiError) {
	limit := 25
	if v := p["limit"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return nil, invalidParam("Param limit must be a positive integer")
		}
		limit = min(n, 100)
	}
	start := 0
	if c := p["after"]; c != "" {
		i, ok := decodeCursor(c)
		if !ok {
			return nil, invalidParam("Param after is not a valid cursor")
		}
		start = i + 1
	} else if c := p["before"]; c != "" {
		i, ok := decodeCursor(c)
		if !ok {
			return nil, invalidParam("Param before is not a valid cursor")
		}
		start = max(0, i-limit)
		if i < limit {
			limit = i
		}
	}
	start = min(start, len(items))
	end := min(start+limit, len(items))
	data := items[start:end]
	if data == nil {
		data = []map[string]any{}
	}
	out := map[string]any{"data": data}
	if len(data) > 0 {
		paging := map[string]any{"cursors": map[string]any{"before": encodeCursor(start), "after": encodeCursor(end - 1)}}
		q := url.Values{"limit": {strconv.Itoa(limit)}}
		if end < len(items) {
			q.Set("after", encodeCursor(end-1))
			paging["next"] = s.srv.URL + path + "?" + q.Encode()
		}
		if start > 0 {
			q.Del("after")
			q.Set("before", encodeCursor(start))
			paging["previous"] = s.srv.URL + path + "?" + q.Encode()
		}
		out["paging"] = paging
	}
	return out, nil
}

func encodeCursor(i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("idx:" + strconv.Itoa(i)))
}

func decodeCursor(c string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	n, ok := strings.CutPrefix(string(b), "idx:")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n)
	return i, err == nil && i >= 0
}

// ---- wire helpers ----

// readParams merges the query, a form body and a JSON body into strings
// (objects in a JSON body are kept as JSON text, like the Graph API's
// form-encoded "recipient={…}").
func readParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	if r.Body == nil {
		return out, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, fmt.Errorf("malformed JSON body")
		}
		for k, v := range m {
			var s string
			if json.Unmarshal(v, &s) == nil {
				out[k] = s
			} else {
				out[k] = string(v)
			}
		}
	case len(body) > 0:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("malformed form body")
		}
		for k, v := range form {
			out[k] = v[0]
		}
	}
	return out, nil
}

// usageHeaders are sent on every answer: X-App-Usage and
// X-Business-Use-Case-Usage, percentages of the limit and, while throttled,
// estimated_time_to_regain_access in minutes.
func (s *Server) usageHeaders(h http.Header, throttled bool) {
	pct := min(99, s.calls)
	regain := 0
	if throttled {
		pct = 100
		regain = int(math.Ceil(s.regain.Minutes()))
	}
	app, _ := json.Marshal(map[string]int{"call_count": pct, "total_cputime": pct / 2, "total_time": pct / 2})
	buc, _ := json.Marshal(map[string][]map[string]any{s.PageID: {{"type": "pages", "call_count": pct,
		"total_cputime": pct / 2, "total_time": pct / 2, "estimated_time_to_regain_access": regain}}})
	h.Set("X-App-Usage", string(app))
	h.Set("X-Business-Use-Case-Usage", string(buc))
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	s.usageHeaders(w.Header(), false)
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("X-FB-Trace-ID", s.traceID())
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) writeError(w http.ResponseWriter, e apiError) {
	throttled := e.code == 4 || e.code == 17 || e.code == 32 || e.code == 613 || (e.code >= 80001 && e.code <= 80014)
	s.usageHeaders(w.Header(), throttled)
	body := map[string]any{"message": e.message, "type": orType(e.typ), "code": e.code, "fbtrace_id": s.traceID()}
	if e.subcode != 0 {
		body["error_subcode"] = e.subcode
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_request" "`+strings.ReplaceAll(e.message, `"`, `'`)+`"`)
	status := e.status
	if status == 0 {
		status = 400
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": body})
}

func orType(t string) string {
	if t == "" {
		return "OAuthException"
	}
	return t
}

func (s *Server) traceID() string {
	s.seq++
	return "A" + strconv.FormatInt(s.seq*7919, 36) + "emuTrace"
}
