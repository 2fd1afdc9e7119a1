package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
)

// instance is one Heed installation: a data directory and a database that
// survive restarts of the process.
type instance struct {
	engine  db.Engine
	dataDir string
	dbURL   string // empty: SQLite in dataDir, the default
	starts  int
}

// newInstance prepares an empty installation on the engine. On PostgreSQL the
// database comes from dbtest (skipped loudly when PostgreSQL is unavailable).
func newInstance(t *testing.T, engine db.Engine) *instance {
	t.Helper()
	in := &instance{engine: engine, dataDir: t.TempDir()}
	if engine == db.Postgres {
		in.dbURL = dbtest.URL(t, db.Postgres)
	}
	return in
}

// databaseURL is the database heed opens: the given URL or, by default
// (config.Validate), the SQLite file in the data directory.
func (in *instance) databaseURL() string {
	if in.dbURL != "" {
		return in.dbURL
	}
	return db.SQLitePath(in.dataDir)
}

// childEnv is the parent's environment without any HEED_* variable (a
// developer's shell must not leak into the test), plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HEED_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func (in *instance) sharedFlags() []string {
	f := []string{"--data", in.dataDir}
	if in.dbURL != "" {
		f = append(f, "--database-url", in.dbURL)
	}
	return f
}

// cli runs a one-shot heed command against the installation and returns its
// standard output.
func (in *instance) cli(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, heedBin, append(args, in.sharedFlags()...)...)
	cmd.Env = childEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("heed %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// createAdmin creates the first admin through the CLI and returns a bearer
// token for it, also made by the CLI.
func (in *instance) createAdmin(t *testing.T) string {
	t.Helper()
	in.cli(t, "user", "create", "--email", "ada@example.com", "--password", "correct-horse-battery", "--role", "admin", "--workspace", "Acme")
	token := strings.TrimSpace(in.cli(t, "token", "create", "--email", "ada@example.com", "--name", "e2e"))
	if token == "" || strings.ContainsAny(token, " \n") {
		t.Fatalf("heed token create printed %q, want one token", token)
	}
	return token
}

// proc is one running heed serve process.
type proc struct {
	name   string
	cmd    *exec.Cmd
	base   string
	stderr *tailBuffer
	done   chan struct{} // closed when the process has exited
	err    error         // the exit status, once done is closed
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before heed binds it; the start then fails loudly, it does not hang.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("pick a port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs heed serve on a fresh loopback port and waits until /readyz
// answers. The process is killed when the test ends; its standard error is
// logged if the test failed (or HEED_E2E_LOG is set), and a data race report
// in it fails the test.
func (in *instance) start(t *testing.T) *proc {
	t.Helper()
	in.starts++
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	args := append([]string{"serve", "--addr", addr}, in.sharedFlags()...)
	p := &proc{name: fmt.Sprintf("heed[%s #%d]", in.engine, in.starts), base: "http://" + addr, stderr: &tailBuffer{max: 2 << 20},
		done: make(chan struct{})}
	p.cmd = exec.Command(heedBin, args...)
	p.cmd.Env = childEnv("HEED_POLL_INTERVAL=200ms", "HEED_LOG_LEVEL=info")
	p.cmd.Stdout = p.stderr
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start heed: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		out := p.stderr.String()
		if raceEnabled && strings.Contains(out, "WARNING: DATA RACE") {
			t.Errorf("%s reported a data race:\n%s", p.name, out)
			return
		}
		if t.Failed() || os.Getenv("HEED_E2E_LOG") != "" {
			t.Logf("%s standard error (last %d bytes):\n%s", p.name, len(out), out)
		}
	})
	p.waitFor(t, 60*time.Second, "heed to answer /readyz", func() (bool, string) {
		res, err := http.Get(p.base + "/readyz")
		if err != nil {
			return false, err.Error()
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK, res.Status
	})
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	if p.exited() {
		return
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop asks heed to shut down (SIGTERM) and fails the test unless it exits
// cleanly within the deadline.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.kill()
		t.Fatalf("%s did not exit within 30s of SIGTERM", p.name)
	}
	if p.err != nil {
		t.Fatalf("%s exited with %v after SIGTERM", p.name, p.err)
	}
}

// waitFor polls cond until it holds, failing the test after within or as
// soon as the process exits. detail describes the last state for the message.
func (p *proc) waitFor(t *testing.T, within time.Duration, what string, cond func() (ok bool, detail string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	pause := 10 * time.Millisecond
	for {
		ok, detail := cond()
		if ok {
			return
		}
		if p.exited() {
			t.Fatalf("%s exited (%v) while waiting for %s (last: %s)", p.name, p.err, what, detail)
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s (last: %s)", within, what, detail)
		}
		time.Sleep(pause)
		pause = min(2*pause, 250*time.Millisecond)
	}
}

// tailBuffer keeps the last max bytes written to it; safe for concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// client calls Heed's JSON API.
type client struct {
	base  string
	token string
	hc    *http.Client
}

func (p *proc) client(token string) *client {
	return &client{base: p.base, token: token, hc: &http.Client{Timeout: 30 * time.Second}}
}

// call sends in as JSON (when not nil) and decodes a JSON answer into out
// (when not nil and the status is 2xx).
func (c *client) call(method, path string, in, out any) (int, []byte, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, b, err
	}
	if out != nil && res.StatusCode/100 == 2 {
		if err := json.Unmarshal(b, out); err != nil {
			return res.StatusCode, b, fmt.Errorf("decode %s %s: %w", method, path, err)
		}
	}
	return res.StatusCode, b, nil
}

// must is call that fails the test unless the answer has status want.
func (c *client) must(t *testing.T, method, path string, in, out any, want int) {
	t.Helper()
	status, body, err := c.call(method, path, in, out)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, body)
	}
}

type channelOut struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

func (c *client) createChannel(t *testing.T, callbackURL string) channelOut {
	t.Helper()
	var ch channelOut
	c.must(t, "POST", "/api/v1/channels", map[string]string{"type": "api", "name": "E2E shop", "callback_url": callbackURL}, &ch, http.StatusCreated)
	if ch.ID == "" || ch.Secret == "" {
		t.Fatalf("channel without id or secret: %+v", ch)
	}
	return ch
}

type conversation struct {
	ID                   string    `json:"id"`
	ThreadID             string    `json:"thread_id"`
	Status               string    `json:"status"`
	FirstResponseSeconds *int64    `json:"first_response_seconds"`
	Messages             []message `json:"messages"`
}

type message struct {
	ID             string `json:"id"`
	ConversationID string `json:"conversation_id"`
	Direction      string `json:"direction"`
	Text           string `json:"text"`
	ExternalID     string `json:"external_id"`
	InReplyTo      string `json:"in_reply_to"`
	DeliveryStatus string `json:"delivery_status"`
	DeliveryError  string `json:"delivery_error"`
}

// listConversations returns every conversation matching query (e.g.
// "status=open"), following next_cursor.
func (c *client) listConversations(query string) ([]conversation, error) {
	var all []conversation
	cursor := ""
	for range 10_000 {
		path := "/api/v1/conversations?limit=200"
		if query != "" {
			path += "&" + query
		}
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		var page struct {
			Conversations []conversation `json:"conversations"`
			NextCursor    *string        `json:"next_cursor"`
		}
		status, body, err := c.call("GET", path, nil, &page)
		if err != nil {
			return nil, err
		}
		if status != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %d %s", path, status, body)
		}
		all = append(all, page.Conversations...)
		if page.NextCursor == nil {
			return all, nil
		}
		cursor = *page.NextCursor
	}
	return nil, errors.New("list conversations: too many pages")
}

func (c *client) getConversation(id string) (conversation, error) {
	var conv conversation
	status, body, err := c.call("GET", "/api/v1/conversations/"+id, nil, &conv)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET conversation %s: %d %s", id, status, body)
	}
	return conv, err
}

// inboundPayload is what an integrator POSTs to an API channel.
type inboundPayload struct {
	ExternalID string `json:"external_id"`
	ThreadID   string `json:"thread_id"`
	Author     author `json:"author"`
	Text       string `json:"text"`
	Public     bool   `json:"public"`
	CreatedAt  string `json:"created_at,omitempty"`
}

type author struct {
	ID     string `json:"id"`
	Handle string `json:"handle"`
	Name   string `json:"name"`
}

// postInbound signs and posts one inbound message; it returns the status.
func postInbound(hc *http.Client, base string, ch channelOut, p inboundPayload) (int, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest("POST", base+"/api/v1/channels/"+ch.ID+"/inbound", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(apichannel.SignatureHeader, apichannel.Sign(ch.Secret, body))
	res, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// receiver is the integrator's side of an API channel: it receives replies at
// the callback URL, checks their signature and records every request. Threads
// marked failing answer 503, so Heed has to retry them; a request on a thread
// marked hanging is held unanswered until the next phase, so that the send
// job is certainly running when the test kills heed.
type receiver struct {
	srv     *httptest.Server
	hung    chan string   // receives the message id of each held request
	release chan struct{} // closed to let held requests go
	relOnce sync.Once

	mu      sync.Mutex
	secret  string
	failing map[string]bool
	hanging map[string]bool
	phase   int
	got     []delivery
}

// delivery is one request the receiver saw.
type delivery struct {
	Phase       int // the receiver's phase when it arrived (the test's before/after)
	Status      int // what the receiver answered; 0 for a request held until heed died
	DeliveryID  string
	SignatureOK bool
	Reply       apichannel.Reply
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{failing: map[string]bool{}, hanging: map[string]bool{}, hung: make(chan string, 16), release: make(chan struct{})}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(func() {
		r.letGo()
		r.srv.Close()
	})
	return r
}

func (r *receiver) URL() string { return r.srv.URL + "/heed-callback" }

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	var reply apichannel.Reply
	jsonErr := json.Unmarshal(body, &reply)
	r.mu.Lock()
	d := delivery{Phase: r.phase, DeliveryID: req.Header.Get(apichannel.DeliveryHeader), Reply: reply,
		SignatureOK: req.Method == http.MethodPost && r.secret != "" && apichannel.VerifySignature(r.secret, body, req.Header.Get(apichannel.SignatureHeader))}
	hang := false
	switch {
	case !d.SignatureOK || jsonErr != nil:
		d.Status = http.StatusUnauthorized
	case r.hanging[reply.ThreadID]:
		hang = true
	case r.failing[reply.ThreadID]:
		d.Status = http.StatusServiceUnavailable
	default:
		d.Status = http.StatusOK
	}
	r.got = append(r.got, d)
	r.mu.Unlock()
	if hang {
		select {
		case r.hung <- reply.ID:
		default: // nobody is counting any more
		}
		select {
		case <-r.release:
		case <-req.Context().Done():
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(d.Status)
}

func (r *receiver) letGo() { r.relOnce.Do(func() { close(r.release) }) }

func (r *receiver) setHanging(thread string, hanging bool) {
	r.mu.Lock()
	r.hanging[thread] = hanging
	r.mu.Unlock()
}

func (r *receiver) setSecret(s string) {
	r.mu.Lock()
	r.secret = s
	r.mu.Unlock()
}

func (r *receiver) setFailing(thread string, failing bool) {
	r.mu.Lock()
	r.failing[thread] = failing
	r.mu.Unlock()
}

// setPhase switches the receiver to a new phase and, with healthy, stops
// failing or holding any thread (and lets held requests go).
func (r *receiver) setPhase(phase int, healthy bool) {
	r.mu.Lock()
	r.phase = phase
	if healthy {
		clear(r.failing)
		clear(r.hanging)
	}
	r.mu.Unlock()
	if healthy {
		r.letGo()
	}
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

// acked returns the receiver's 2xx answers for a message id, by phase.
func (r *receiver) acked(messageID string) (perPhase map[int]int) {
	perPhase = map[int]int{}
	for _, d := range r.deliveries() {
		if d.Reply.ID == messageID && d.Status/100 == 2 {
			perPhase[d.Phase]++
		}
	}
	return perPhase
}
