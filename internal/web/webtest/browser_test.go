package webtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/heed-dev/heed/internal/channel"
)

// A fresh install sends the first visitor to setup; setup signs the new
// admin in; they can sign out and back in.
func TestFirstRunSetupAndLogin(t *testing.T) {
	b := newBrowser(t)
	n := startNode(t)

	b.do("open the fresh install",
		chromedp.Navigate(n.url+"/"),
		chromedp.WaitVisible(chromedp.CSS("#setup-form")),
	)
	if loc := eval[string](b, "location.pathname"); loc != "/setup" {
		t.Fatalf("fresh install landed on %s, want /setup", loc)
	}
	b.do("fill in setup",
		chromedp.SendKeys(chromedp.CSS("#workspace"), "Acme Care"),
		chromedp.SendKeys(chromedp.CSS("#name"), "Ada Admin"),
		chromedp.SendKeys(chromedp.CSS("#email"), "ada@acme.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), "long enough pw"),
		chromedp.Click(chromedp.CSS(`#setup-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#conv-list")),
	)
	if loc := eval[string](b, "location.pathname"); loc != "/inbox" {
		t.Fatalf("after setup: %s, want /inbox", loc)
	}
	b.until("the workspace and admin in the header", `document.querySelector("header.top").innerText.includes("Acme Care") && document.querySelector("header.top").innerText.includes("Ada Admin")`)

	b.do("sign out",
		chromedp.Click(chromedp.CSS("#logout")),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
	)
	b.do("a wrong password",
		chromedp.SendKeys(chromedp.CSS("#email"), "ada@acme.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), "not my password"),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash.error")),
	)
	b.login(n.url, "ada@acme.test", "long enough pw")
	b.do("setup is gone", chromedp.Navigate(n.url+"/setup"))
	if h1 := eval[string](b, `document.querySelector("h1").textContent`); h1 != "Not found" {
		t.Fatalf("/setup after setup shows %q", h1)
	}
}

// A customer message posted through the API shows up in an open inbox
// without a reload; the agent opens it with the keyboard, replies, sees the
// reply delivered live, and resolves with a key.
func TestLiveInboundAndReply(t *testing.T) {
	b := newBrowser(t)
	n := startNode(t)
	admin := n.admin(t, "ada@acme.test", "long enough pw")

	var mu sync.Mutex
	var delivered []string
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		delivered = append(delivered, string(body))
		mu.Unlock()
	}))
	t.Cleanup(receiver.Close)
	ch := n.apiChannel(t, admin.WorkspaceID, receiver.URL)

	b.login(n.url, "ada@acme.test", "long enough pw")
	b.until("the live stream", `document.body.classList.contains("live")`)
	eval[bool](b, `window.heedTestMarker = true`)

	n.postInbound(t, ch, "m1", "order-1", channel.Author{ID: "c1", Name: "Cleo Customer", Handle: "cleo"}, "Where is my order #1234?")
	b.until("the new conversation in the list", `document.querySelector("#conv-list").innerText.includes("Where is my order #1234?")`)
	if !eval[bool](b, `window.heedTestMarker === true`) {
		t.Fatal("the page reloaded to show the new conversation")
	}

	b.do("open it with the keyboard",
		chromedp.KeyEvent("j"),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#thread")),
	)
	b.until("the customer's message in the thread", `document.querySelector("#thread .msg-in").innerText.includes("Where is my order #1234?")`)
	b.do("r focuses the reply box", chromedp.KeyEvent("r"))
	if id := eval[string](b, "document.activeElement.id"); id != "reply-text" {
		t.Fatalf("after r the focus is on %q", id)
	}
	eval[bool](b, `window.heedTestMarker = true`)
	b.do("reply",
		chromedp.SendKeys(chromedp.CSS("#reply-text"), "Hi Cleo, it ships today."),
		chromedp.Click(chromedp.CSS("#send-reply")),
	)
	b.until("the reply in the thread", `[...document.querySelectorAll("#thread .msg-out")].some(m => m.innerText.includes("Hi Cleo, it ships today."))`)
	// With htmx the pane is swapped in place; without it the form posts
	// and the page reloads, which works too.
	if eval[bool](b, `typeof window.htmx === "object"`) && !eval[bool](b, `window.heedTestMarker === true`) {
		t.Fatal("htmx is loaded, yet the reply reloaded the page")
	}
	if v := eval[string](b, `document.querySelector("#reply-text").value`); v != "" {
		t.Fatalf("the reply box still holds %q", v)
	}
	b.until("the delivery shown live", `document.querySelector("#thread .msg-out .delivery.d-sent") !== null`)
	mu.Lock()
	got := strings.Join(delivered, "\n")
	mu.Unlock()
	if !strings.Contains(got, "Hi Cleo, it ships today.") {
		t.Fatalf("the callback got %q", got)
	}
	b.until("the list shows the conversation acknowledged", `document.querySelector("#conv-list .conv-row .badge").textContent === "acknowledged"`)

	b.blur()
	b.do("e resolves", chromedp.KeyEvent("e"))
	b.until("resolved", `document.querySelector("#conv-status").textContent === "resolved"`)

	// On a phone the conversation takes the screen, with a way back.
	b.do("phone width", chromedp.EmulateViewport(375, 740), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#thread")))
	if !eval[bool](b, `!document.querySelector(".list-pane").checkVisibility() && document.querySelector("#conv-head .back").checkVisibility()`) {
		t.Fatal("on a phone the list should give way to the conversation, with a back link")
	}
	if w := eval[int](b, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Fatalf("the conversation is %dpx wider than a phone screen", w)
	}
	b.click("back to the list", "#conv-head .back") // a live part: clicked inside the page
	b.do("the list", chromedp.WaitVisible(chromedp.CSS("#conv-list")))
	if w := eval[int](b, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Fatalf("the inbox is %dpx wider than a phone screen", w)
	}
}

// Customer text that looks like markup is shown as text, in the list and the
// conversation, on first load and after a live refresh; no script runs.
func TestHostileTextStaysText(t *testing.T) {
	b := newBrowser(t)
	n := startNode(t)
	admin := n.admin(t, "ada@acme.test", "long enough pw")
	ch := n.apiChannel(t, admin.WorkspaceID, "")
	hostile := `<img src=x onerror=alert(1)><script>alert(2)</script>`
	author := channel.Author{ID: "x1", Name: `<img src=x onerror=alert(3)>Mallory`, Handle: `"><script>alert(4)</script>`}
	n.postInbound(t, ch, "h1", "thread-h", author, hostile)

	b.login(n.url, "ada@acme.test", "long enough pw")
	b.until("the conversation in the list", `document.querySelector("#conv-list .conv-row") !== null`)
	b.click("open it", "#conv-list .conv-row")
	b.do("the thread", chromedp.WaitVisible(chromedp.CSS("#thread .msg-in .msg-text")))
	b.until("the live stream", `document.body.classList.contains("live")`)
	// A second message arrives live: it goes through the fragment refresh.
	n.postInbound(t, ch, "h2", "thread-h", author, hostile+" again")
	b.until("the live message", `document.querySelectorAll("#thread .msg-in").length === 2`)

	texts := eval[[]string](b, `[...document.querySelectorAll("#thread .msg-in .msg-text")].map(e => e.textContent)`)
	if len(texts) != 2 || texts[0] != hostile || texts[1] != hostile+" again" {
		t.Fatalf("thread texts %q, want the literal markup", texts)
	}
	if v := eval[bool](b, `document.querySelector("#thread .msg-in .msg-text").checkVisibility()`); !v {
		t.Fatal("the message text is not visible")
	}
	if name := eval[string](b, `document.querySelector("#conv-head .cust").textContent`); name != author.Name {
		t.Fatalf("customer name shown as %q", name)
	}
	if !eval[bool](b, `document.querySelector("#conv-list").innerText.includes("<img src=x onerror=alert(1)>")`) {
		t.Fatal("the list preview does not show the literal text")
	}
	if n := eval[int](b, `document.querySelectorAll('img[src="x"], #conv script, #conv-list script, [onerror]').length`); n != 0 {
		t.Fatalf("%d injected elements in the page", n)
	}
	if n := b.dialogCount(); n != 0 {
		t.Fatalf("%d dialogs opened", n)
	}
}
