package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/auth"
	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/channel/webchat"
	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/inbound"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
	"github.com/heed-dev/heed/internal/web"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// testPassword is every fixture agent's password; its hash is computed once
// (argon2id is slow on purpose, and slower still under -race).
const testPassword = "correct horse battery"

var (
	hashOnce sync.Once
	testHash string
)

func passwordHash(t testing.TB) string {
	hashOnce.Do(func() {
		var err error
		if testHash, err = auth.HashPassword(testPassword); err != nil {
			t.Fatalf("hash: %v", err)
		}
	})
	return testHash
}

// fakeOutbox records the replies the UI queued for delivery.
type fakeOutbox struct {
	mu  sync.Mutex
	ids []string
}

func (o *fakeOutbox) EnqueueSend(_ context.Context, id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ids = append(o.ids, id)
	return nil
}

func (o *fakeOutbox) sent() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.ids...)
}

// env is the UI over a real database, with the real inbox service, accounts
// and inbound pipeline; only delivery is faked.
type env struct {
	t       *testing.T
	ctx     context.Context
	store   *store.Store
	hub     *realtime.Hub
	acc     *accounts.Service
	proc    *inbound.Processor
	outbox  *fakeOutbox
	limiter *auth.Limiter
	srv     *httptest.Server
}

var analyzerOnce struct {
	sync.Once
	a   *analyze.Analyzer
	err error
}

// sharedAnalyzer builds the (immutable, concurrency-safe) analyzer once per test binary.
func sharedAnalyzer(t *testing.T) *analyze.Analyzer {
	analyzerOnce.Do(func() { analyzerOnce.a, analyzerOnce.err = analyze.New(analyze.Options{}) })
	if analyzerOnce.err != nil {
		t.Fatal(analyzerOnce.err)
	}
	return analyzerOnce.a
}

var composerOnce struct {
	sync.Once
	c   *compose.Checker
	err error
}

func sharedComposer(t *testing.T) *compose.Checker {
	composerOnce.Do(func() { composerOnce.c, composerOnce.err = compose.New(compose.Options{}) })
	if composerOnce.err != nil {
		t.Fatal(composerOnce.err)
	}
	return composerOnce.c
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	return newEnvWith(t, d, nil)
}

// newEnvWith is newEnv with a hook that adjusts the UI's deps (nil: none).
func newEnvWith(t *testing.T, d *db.DB, adjust func(*web.Deps)) *env {
	t.Helper()
	box, err := secret.New([]byte("test-key-test-key-test-key-0123"))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := store.New(d, box)
	hub := realtime.NewHub()
	reg := channel.NewRegistry(apichannel.New(nil), webchat.Connector{})
	stage := &inbound.AnalyzeStage{Analyzer: sharedAnalyzer(t)}
	e := &env{t: t, ctx: context.Background(), store: s, hub: hub, outbox: &fakeOutbox{},
		acc: &accounts.Service{Store: s, Registry: reg}, limiter: auth.NewLimiter(2, time.Minute),
		proc: inbound.NewProcessor(s, reg, hub, inbound.Stages(stage, nil, nil), log)}
	ib := inbox.New(s, hub, e.outbox, log)
	ib.Learner = stage
	deps := web.Deps{Store: s, Inbox: ib, Accounts: e.acc, Broker: hub,
		Limiter: e.limiter, BaseURL: "http://heed.test", Log: log, Analyzer: sharedAnalyzer(t), Composer: sharedComposer(t)}
	if adjust != nil {
		adjust(&deps)
	}
	h, err := web.New(deps)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		e.srv.CloseClientConnections()
		e.srv.Close()
	})
	return e
}

// workspace creates a workspace with an admin.
func (e *env) workspace(name string) (model.Workspace, model.Agent) {
	e.t.Helper()
	ws, err := e.store.CreateWorkspace(e.ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return ws, e.agent(ws, "admin@"+strings.ToLower(name)+".test", "Ada Admin", model.RoleAdmin)
}

func (e *env) agent(ws model.Workspace, email, name string, role model.Role) model.Agent {
	e.t.Helper()
	a, err := e.store.CreateAgent(e.ctx, model.Agent{WorkspaceID: ws.ID, Email: email, Name: name, Role: role, PasswordHash: passwordHash(e.t)})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) channel(ws model.Workspace, name string) model.Channel {
	e.t.Helper()
	c, err := e.acc.CreateChannel(e.ctx, accounts.NewChannel{WorkspaceID: ws.ID, Type: model.ChannelAPI, Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// msg is an inbound customer message.
type msg struct {
	thread, author, name, handle, text string
}

var extSeq struct {
	sync.Mutex
	n int
}

// inbound runs customer messages through the real pipeline and returns the
// conversation of the last one.
func (e *env) inbound(ch model.Channel, ms ...msg) model.Conversation {
	e.t.Helper()
	var last msg
	for _, m := range ms {
		extSeq.Lock()
		extSeq.n++
		ext := fmt.Sprintf("ext-%d", extSeq.n)
		extSeq.Unlock()
		body, _ := json.Marshal(apichannel.Payload{ExternalID: ext, ThreadID: m.thread, Text: m.text,
			Author: channel.Author{ID: m.author, Name: m.name, Handle: m.handle}})
		if _, err := e.proc.Accept(e.ctx, ch, ext, body); err != nil {
			e.t.Fatal(err)
		}
		last = m
	}
	for {
		n, err := e.proc.ProcessBatch(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	return e.conversation(ch, last.thread)
}

func (e *env) conversation(ch model.Channel, thread string) model.Conversation {
	e.t.Helper()
	cs, _, err := e.store.ListConversations(e.ctx, store.ConversationFilter{WorkspaceID: ch.WorkspaceID, ChannelID: ch.ID, Limit: 200})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range cs {
		if c.ThreadID == thread {
			return c
		}
	}
	e.t.Fatalf("no conversation for thread %q", thread)
	return model.Conversation{}
}

func (e *env) reload(c model.Conversation) model.Conversation {
	e.t.Helper()
	c, err := e.store.GetConversation(e.ctx, c.WorkspaceID, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// client is a browser stand-in: a cookie jar, redirects not followed.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// as returns a client signed in as a, through a session made directly in
// the store (the login form itself is tested on its own).
func (e *env) as(a model.Agent) *client {
	e.t.Helper()
	c := e.client()
	token, csrf := secret.RandomToken(32), secret.RandomToken(24)
	now := time.Now()
	if err := e.store.CreateSession(e.ctx, model.Session{TokenHash: secret.Hash(token), AgentID: a.ID, CSRFToken: csrf,
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		e.t.Fatal(err)
	}
	u, _ := url.Parse(e.srv.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "heed_session", Value: token, Path: "/"}})
	c.csrf = csrf
	return c
}

// response is a read response.
type response struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(req *http.Request) response {
	c.e.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (c *client) get(path string, header ...string) response {
	c.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

// post sends a form; the session's CSRF token is added unless the form
// already has a csrf field (set it to "" to send none).
func (c *client) post(path string, form url.Values, header ...string) response {
	c.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	if v, ok := form["csrf"]; ok && len(v) == 1 && v[0] == "" {
		form.Del("csrf")
	}
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formToken loads a public form page and returns its CSRF token.
func (c *client) formToken(path string) string {
	c.e.t.Helper()
	res := c.get(path)
	m := csrfField.FindStringSubmatch(res.body)
	if m == nil {
		c.e.t.Fatalf("GET %s: %d, no csrf field in:\n%s", path, res.status, res.body)
	}
	return m[1]
}

func (r response) mustStatus(t *testing.T, want int, what string) response {
	t.Helper()
	if r.status != want {
		t.Fatalf("%s: status %d, want %d; body:\n%s", what, r.status, want, r.body)
	}
	return r
}

func (r response) mustContain(t *testing.T, what string, subs ...string) response {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.body, s) {
			t.Fatalf("%s: body lacks %q:\n%s", what, s, r.body)
		}
	}
	return r
}

func (r response) mustNotContain(t *testing.T, what string, subs ...string) response {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(r.body, s) {
			t.Fatalf("%s: body has %q:\n%s", what, s, r.body)
		}
	}
	return r
}
