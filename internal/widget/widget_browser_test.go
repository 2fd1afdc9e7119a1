package widget_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/widget"
)

// chromium returns the browser to drive, or skips (loudly) when there is
// none; with HEED_TEST_REQUIRE_BROWSER=1 (CI) a missing browser fails.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("HEED_TEST_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium is required (HEED_TEST_REQUIRE_BROWSER=1) but not installed: apt-get install chromium")
	}
	t.Skip("!!! SKIPPING browser test: chromium not installed (apt-get install chromium)")
	return ""
}

// browser starts a headless Chromium with a fresh profile and returns a tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser, with no deadline
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// In the widget's Shadow DOM.
const shadow = `document.querySelector("heed-chat")?.shadowRoot`

func inWidget(css string) chromedp.JSPath {
	return chromedp.JSPath(shadow + `?.querySelector(` + fmt.Sprintf("%q", css) + `)`)
}

// untilReply is a predicate: a reply bubble holds text.
func untilReply(text string) string {
	return fmt.Sprintf(`[...(%s?.querySelectorAll(".msg.out") || [])].some(e => e.textContent.includes(%q))`, shadow, text)
}

// TestWidgetInBrowser: on a brand's page (another origin, with hostile CSS)
// a visitor opens the widget and writes; the agent sees it live, replies,
// and the reply shows in the widget live, as text even when it looks like
// HTML.
func TestWidgetInBrowser(t *testing.T) {
	ctx := browser(t)
	n := apptest.Start(t, db.SQLite)
	f := newFixture(t, n)
	brand := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Acme shop</title>
<style>div, button, textarea, input, section { display: none !important; color: red !important; }</style>
<script>window.__alerts = 0; window.alert = function () { window.__alerts++; };</script>
</head><body><h1>Acme shop</h1>%s</body></html>`, widget.Snippet(n.URL, f.chat.ID))
	}))
	defer brand.Close()
	if a, b := mustURL(t, brand.URL), mustURL(t, n.URL); a.Host == b.Host {
		t.Fatalf("brand page and Heed share an origin (%s); the test must prove CORS", a.Host)
	}

	var mu sync.Mutex
	var exceptions []string
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.IsException() {
				mu.Lock()
				exceptions = append(exceptions, m.String())
				mu.Unlock()
			}
		}
	}()

	agentEvents, unsubscribe := n.App.Hub.Subscribe(realtime.WorkspaceTopic(n.Admin.WorkspaceID))
	defer unsubscribe()

	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	poll := func(what, predicate string) {
		t.Helper()
		if _, err := chromedp.Run(tctx, chromedp.Poll[bool](predicate, chromedp.WithPollingTimeout(15*time.Second),
			chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
	}

	step("open the brand's page", chromedp.Navigate(brand.URL))
	step("open the chat", chromedp.WaitVisible(inWidget(".launcher")), chromedp.Click(inWidget(".launcher")))
	step("write a message",
		chromedp.WaitVisible(inWidget("textarea")),
		chromedp.SendKeys(inWidget("input.name"), "Maria"),
		chromedp.SendKeys(inWidget("textarea"), "Where is my order?\n"))

	// The agent side hears of it live.
	var convID string
	select {
	case e := <-agentEvents:
		convID = e.ConversationID
	case <-time.After(20 * time.Second):
		t.Fatal("no live event for the agent within 20s of the visitor's message")
	}
	conv, err := n.App.Store.GetConversation(tctx, n.Admin.WorkspaceID, convID)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := n.App.Store.ListMessages(tctx, convID)
	if err != nil {
		t.Fatal(err)
	}
	if conv.ChannelID != f.chat.ID || conv.CustomerName != "Maria" || len(msgs) != 1 || msgs[0].Text != "Where is my order?" {
		t.Fatalf("agent sees conversation %+v with %+v", conv, msgs)
	}
	poll("the visitor's message confirmed in the widget", fmt.Sprintf(
		`[...(%s?.querySelectorAll(".msg.in:not(.pending)") || [])].some(e => e.textContent.includes("Where is my order?"))`, shadow))

	// Replies arrive live: no reload (the marker survives).
	step("mark the page", chromedp.Evaluate[chromedp.Void](`window.__marker = 42`))
	if _, err := n.App.Inbox.Reply(tctx, n.Admin, convID, inbox.ReplyInput{Text: "Hi Maria, it ships today."}); err != nil {
		t.Fatal(err)
	}
	poll("the reply in the widget", untilReply("Hi Maria, it ships today."))
	if _, err := n.App.Inbox.Reply(tctx, n.Admin, convID, inbox.ReplyInput{Text: "Check warehouse 7 first", Note: true}); err != nil {
		t.Fatal(err)
	}
	evil := `<img src=x onerror=alert(1)>`
	if _, err := n.App.Inbox.Reply(tctx, n.Admin, convID, inbox.ReplyInput{Text: evil}); err != nil {
		t.Fatal(err)
	}
	poll("the second reply in the widget", shadow+`?.querySelectorAll(".msg.out").length >= 2`)
	state, err := chromedp.Run(tctx, chromedp.Evaluate[map[string]any](fmt.Sprintf(`({
		marker: window.__marker,
		alerts: window.__alerts,
		images: %[1]s.querySelectorAll("img").length + document.querySelectorAll("img").length,
		note: %[1]s.textContent.includes("warehouse 7"),
		from: [...%[1]s.querySelectorAll(".msg.out .who")].map(e => e.textContent).join("|"),
		last: [...%[1]s.querySelectorAll(".msg.out")].at(-1).lastChild.textContent,
	})`, shadow)))
	if err != nil {
		t.Fatal(err)
	}
	if state["last"] != evil {
		t.Errorf("the HTML-looking reply shows as %q, want the text %q", state["last"], evil)
	}
	if state["marker"] != float64(42) {
		t.Errorf("the page reloaded (marker %v); replies must arrive live", state["marker"])
	}
	if state["images"] != float64(0) || state["alerts"] != float64(0) {
		t.Errorf("a reply was rendered as HTML: %v img elements, %v alerts", state["images"], state["alerts"])
	}
	if state["note"] != false {
		t.Error("an internal note reached the widget")
	}
	if from, _ := state["from"].(string); !strings.HasPrefix(from, "Ada") {
		t.Errorf("replies signed %q, want the agent's first name", from)
	}

	// The demo page embeds the widget under a strict Content-Security-Policy.
	step("open the demo page", chromedp.Navigate(n.URL+"/widget/"+f.chat.ID+"/demo"),
		chromedp.WaitVisible(inWidget(".launcher")), chromedp.Click(inWidget(".launcher")), chromedp.WaitVisible(inWidget("textarea")))
	pos, err := chromedp.Run(tctx, chromedp.Evaluate[string](`getComputedStyle(`+shadow+`.querySelector(".panel")).position`))
	if err != nil || pos != "fixed" {
		t.Errorf("on the demo page the widget's styles did not apply (panel position %q, %v)", pos, err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(exceptions) > 0 {
		t.Errorf("JavaScript exceptions on the page: %q", exceptions)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
