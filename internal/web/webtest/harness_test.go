// Package webtest drives the agent UI in a real headless Chromium against a
// whole Heed node (app.New: real database, pipeline, outbox, live hub). It
// holds test files only: it imports internal/app, which imports internal/web.
package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/app"
	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
)

// wait bounds every wait for the UI; generous because CI machines are slow
// and tests run with -race.
const wait = 20 * time.Second

// chromiumPath finds the browser: HEED_CHROMIUM, then the usual names.
func chromiumPath() string {
	if p := os.Getenv("HEED_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// node is a running Heed node and its address.
type node struct {
	app *app.App
	srv *httptest.Server
	url string
}

// startNode runs a whole Heed node on SQLite (browser tests test the UI, not
// the engine) behind a local HTTP server.
func startNode(t *testing.T) *node {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.DatabaseURL = dbtest.URL(t, db.SQLite)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	cfg.PollInterval = 200 * time.Millisecond
	cfg.SecretKey = "webtest-secret-key-0123456789abcdef"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	srv.Config.Handler = a.Handler
	srv.Start()
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.Close(ctx); err != nil {
			t.Logf("close app: %v", err)
		}
	})
	return &node{app: a, srv: srv, url: cfg.BaseURL}
}

// admin creates the first admin without the browser.
func (n *node) admin(t *testing.T, email, password string) model.Agent {
	t.Helper()
	a, err := n.app.Accounts.Setup(context.Background(), "Acme", "Ada Admin", email, password)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// apiChannel creates an API channel whose replies go to callback.
func (n *node) apiChannel(t *testing.T, ws, callback string) model.Channel {
	t.Helper()
	c, err := n.app.Accounts.CreateChannel(context.Background(), accounts.NewChannel{WorkspaceID: ws, Type: model.ChannelAPI,
		Name: "Shop", CallbackURL: callback})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// postInbound sends a customer message through the public API, signed as
// the platform would sign it.
func (n *node) postInbound(t *testing.T, ch model.Channel, extID, thread string, author channel.Author, text string) {
	t.Helper()
	body, _ := json.Marshal(apichannel.Payload{ExternalID: extID, ThreadID: thread, Author: author, Text: text})
	req, _ := http.NewRequest(http.MethodPost, n.url+"/api/v1/channels/"+ch.ID+"/inbound", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(apichannel.SignatureHeader, apichannel.Sign(ch.Secret, body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("inbound: %d, want 202", res.StatusCode)
	}
}

// browser is one headless Chromium with a fresh profile. It records
// uncaught exceptions, CSP violations and JavaScript dialogs, which every
// test checks at its end.
type browser struct {
	ctx context.Context
	t   *testing.T

	mu       sync.Mutex
	problems []string
	dialogs  []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("HEED_TEST_REQUIRE_BROWSER") == "1" {
			t.Fatal("Chromium is required (HEED_TEST_REQUIRE_BROWSER=1) but not found: install the chromium package or set HEED_CHROMIUM")
		}
		t.Skip("!!! SKIPPING browser test: Chromium not found (apt-get install chromium, or set HEED_CHROMIUM)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	b := &browser{ctx: ctx, t: t}
	console := chromedp.Console(ctx)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				b.mu.Lock()
				b.problems = append(b.problems, m.String())
				b.mu.Unlock()
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, string(ev.Type)+": "+ev.Message)
			b.mu.Unlock()
			// Dismiss it, or the page stays blocked.
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	t.Cleanup(b.checkClean)
	return b
}

// checkClean fails the test if a script threw, broke the CSP or opened a
// dialog.
func (b *browser) checkClean() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Errorf("browser console: %s", p)
	}
	for _, d := range b.dialogs {
		b.t.Errorf("a JavaScript dialog opened: %s", d)
	}
}

func (b *browser) dialogCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.dialogs)
}

// do runs actions with the UI time limit.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, wait)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v\n%s", what, err, b.dump())
	}
}

// click clicks the element once it exists, inside the page in one step: a
// live update that replaces the element between finding and clicking it
// (inbox rows re-render on every pipeline event) cannot make the click miss,
// as chromedp.Click's node ids can.
func (b *browser) click(what, selector string) {
	b.t.Helper()
	b.until(what, `(() => { const e = document.querySelector(`+strconv.Quote(selector)+`); if (!e) return false; e.click(); return true })()`)
}

// blur moves the keyboard focus to the page body, so that a key goes to
// the page's shortcuts: clicking a live part to do so races its re-render
// ("Could not find node with given id").
func (b *browser) blur() {
	b.t.Helper()
	b.until("focus on the page", `(() => { if (document.activeElement) document.activeElement.blur(); return document.activeElement === document.body || document.activeElement === null })()`)
}

// eval evaluates a JavaScript expression.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, wait)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// until waits for a JavaScript condition to hold. A navigation while it
// waits (a plain form post) restarts the wait in the new page.
func (b *browser) until(what, cond string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, wait)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond)))
		if err == nil {
			return
		}
		if ctx.Err() == nil && navigated(err) {
			if _, werr := chromedp.Run(ctx, chromedp.Query(chromedp.CSS("body"))); werr == nil {
				continue
			}
		}
		b.t.Fatalf("waiting for %s (%s): %v\n%s", what, cond, err, b.dump())
	}
}

// navigated tells the errors of a page that went away mid-evaluation.
func navigated(err error) bool {
	s := err.Error()
	return strings.Contains(s, "navigated or closed") || strings.Contains(s, "context was destroyed") ||
		strings.Contains(s, "Cannot find context")
}

// dump is the page's location and text, for failure messages.
func (b *browser) dump() string {
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + (document.body ? document.body.innerText : "")`))
	if err != nil {
		return "(page unavailable: " + err.Error() + ")"
	}
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return "page: " + s
}

// js quotes a Go string as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// login signs in through the form.
func (b *browser) login(base, email, password string) {
	b.t.Helper()
	b.do("login",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#conv-list")),
	)
}
