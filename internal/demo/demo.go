// Package demo runs `heed demo`: a throwaway Heed with a demo workspace,
// agents, channels and a generator that plays customers — a varied stream of
// questions, complaints, praise, spam, posts with personal data and one that
// goes viral — and answers back when agents reply.
package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"time"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/app"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/model"
)

// Options tune the demo.
type Options struct {
	Rate     time.Duration // one new customer post per Rate
	Password string        // the demo admin's password (random if empty)
	// OnStart, when set, is called once the demo runs, with a handle on its
	// emulated platforms.
	OnStart func(base string, h Handle)
	// Quiet stops the generator from posting on its own (for tests).
	Quiet bool
}

// Credentials of the demo's people, printed at start.
const (
	AdminEmail = "demo@heed.local"
	AgentEmail = "agent@heed.local"
)

// Run starts Heed with cfg and plays customers until ctx ends. It prints the
// URL and the admin's credentials to out.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger, opt Options, out io.Writer) error {
	if opt.Rate <= 0 {
		opt.Rate = 4 * time.Second
	}
	if opt.Password == "" {
		opt.Password = fmt.Sprintf("demo-%06d", rand.IntN(1_000_000))
	}
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	if err := a.Start(ctx); err != nil {
		a.Close(context.Background())
		return err
	}
	defer a.Close(context.Background())
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	if h, p, _ := net.SplitHostPort(ln.Addr().String()); h == "::" || h == "0.0.0.0" {
		base = "http://localhost:" + p
	}

	g, err := setup(ctx, a, opt.Password)
	if err != nil {
		return err
	}
	g.base = base
	ws, err := a.Store.FirstWorkspace(ctx)
	if err != nil {
		return err
	}
	if g.social, err = newSocial(ctx, g, ws.ID, base); err != nil {
		return err
	}
	go every(ctx, 3*time.Second, func() { g.social.answerBack(g) })
	if opt.OnStart != nil {
		opt.OnStart(base, Handle{g.social})
	}
	fmt.Fprintf(out, "\nHeed demo is running: %s\n  admin: %s / %s\n  agent: %s / %s\n  data:  %s\n\n", base, AdminEmail, opt.Password, AgentEmail, opt.Password, cfg.DataDir)
	if opt.Quiet {
		<-ctx.Done()
		return nil
	}
	g.run(ctx, opt.Rate)
	return nil
}

type generator struct {
	a       *app.App
	base    string
	ch      model.Channel
	rng     *rand.Rand
	mu      sync.Mutex
	seq     int
	viral   string // external id of the viral post, once sent
	replied map[string]int
	authors map[string][2]string // thread → handle, name
	hc      *http.Client
	social  *social // the emulated X and Meta
}

func setup(ctx context.Context, a *app.App, password string) (*generator, error) {
	admin, err := a.Accounts.Setup(ctx, "Demo Brand", "Demo Admin", AdminEmail, password)
	if err != nil {
		return nil, fmt.Errorf("demo setup: %w", err)
	}
	for _, u := range []accounts.NewUser{
		{WorkspaceID: admin.WorkspaceID, Email: AgentEmail, Name: "Priya Agent", Password: password, Role: model.RoleAgent},
		{WorkspaceID: admin.WorkspaceID, Email: "lead@heed.local", Name: "Sam Supervisor", Password: password, Role: model.RoleSupervisor},
	} {
		if _, err := a.Accounts.CreateUser(ctx, u); err != nil {
			return nil, err
		}
	}
	if _, err := a.Accounts.CreateChannel(ctx, accounts.NewChannel{WorkspaceID: admin.WorkspaceID, Type: model.ChannelWebchat, Name: "Website chat"}); err != nil {
		return nil, err
	}
	g := &generator{a: a, rng: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7)), replied: map[string]int{}, authors: map[string][2]string{},
		hc: &http.Client{Timeout: 10 * time.Second}}
	// The "other side" of the API channel: a customer system that receives
	// agents' replies and sometimes answers back.
	cb := httptest.NewServer(http.HandlerFunc(g.onReply))
	go func() { <-ctx.Done(); cb.Close() }()
	g.ch, err = a.Accounts.CreateChannel(ctx, accounts.NewChannel{WorkspaceID: admin.WorkspaceID, Type: model.ChannelAPI, Name: "Community forum", CallbackURL: cb.URL})
	if err != nil {
		return nil, err
	}
	return g, nil
}

func (g *generator) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	// A short burst so the inbox is not empty on the first look.
	for range 6 {
		g.postOne(ctx)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			g.postOne(ctx)
			g.pushViral(ctx)
		}
	}
}

func (g *generator) postOne(ctx context.Context) {
	g.mu.Lock()
	g.seq++
	n := g.seq
	p := posts[g.rng.IntN(len(posts))]
	wi := g.rng.IntN(len(names))
	who := names[wi]
	toSocial := g.social != nil && g.rng.IntN(3) > 0 && p.kind != "viral"
	network := g.rng.IntN(4)
	g.mu.Unlock()
	if toSocial {
		// Two posts in three happen on the emulated social networks.
		g.social.post(p, wi, network)
		return
	}
	ext := fmt.Sprintf("demo-%d-%d", time.Now().UnixNano(), n)
	if p.kind == "viral" {
		g.mu.Lock()
		if g.viral == "" {
			g.viral = ext
		}
		g.mu.Unlock()
	}
	thread := fmt.Sprintf("thread-%d", n)
	g.mu.Lock()
	g.authors[thread] = [2]string{who.handle, who.name}
	g.mu.Unlock()
	g.send(ctx, ext, thread, who.handle, who.name, p.text)
}

func (g *generator) send(ctx context.Context, ext, thread, handle, name, text string) {
	body, _ := json.Marshal(map[string]any{"external_id": ext, "thread_id": thread,
		"author": map[string]any{"id": "demo-" + handle, "handle": "@" + handle, "name": name, "followers": 100 + g.rng.IntN(50000)},
		"text":   text, "public": true})
	g.post(ctx, "/api/v1/channels/"+g.ch.ID+"/inbound", body)
}

func (g *generator) post(ctx context.Context, path string, body []byte) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.base+path, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(apichannel.SignatureHeader, apichannel.Sign(g.ch.Secret, body))
	if res, err := g.hc.Do(req); err == nil {
		res.Body.Close()
	}
}

// pushViral makes the viral post's reposts climb fast, so it escalates.
func (g *generator) pushViral(ctx context.Context) {
	g.mu.Lock()
	ext := g.viral
	g.mu.Unlock()
	if ext == "" {
		return
	}
	k := int64(time.Now().Unix() % 100000)
	body, _ := json.Marshal(map[string]any{"external_id": ext, "likes": 400 * k % 90000, "reposts": 250 * k % 60000, "replies": 90 * k % 20000})
	g.post(ctx, "/api/v1/channels/"+g.ch.ID+"/engagement", body)
}

// onReply receives an agent's reply (the callback) and, now and then, has
// the customer answer back in the same thread.
func (g *generator) onReply(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	w.WriteHeader(http.StatusOK)
	var rep apichannel.Reply
	if json.Unmarshal(body, &rep) != nil || rep.ThreadID == "" {
		return
	}
	g.mu.Lock()
	g.replied[rep.ThreadID]++
	again := g.replied[rep.ThreadID] <= 2 && g.rng.IntN(3) > 0
	text := followUps[g.rng.IntN(len(followUps))]
	who := g.authors[rep.ThreadID]
	g.mu.Unlock()
	if !again {
		return
	}
	go func() {
		time.Sleep(2 * time.Second)
		g.send(context.Background(), fmt.Sprintf("demo-f-%d", time.Now().UnixNano()), rep.ThreadID, who[0], who[1], text)
	}()
}

// TempDataDir makes a throwaway data directory for a demo without --data.
func TempDataDir() (string, error) { return os.MkdirTemp("", "heed-demo-") }
