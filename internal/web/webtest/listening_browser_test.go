package webtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/heed-dev/heed/internal/listen/source"
)

// The listening page: the rules editor previews a query against the last
// stream posts as it is typed (a broken query says which column), the rule
// is saved, a matching post lands in the feed, and "Open conversation"
// takes the agent to the new inbox conversation. New mentions appear in the
// feed live, without a reload. Hostile post text is shown
// as text throughout (a script would open a dialog, which fails the test).
func TestListeningPreviewAndOpenConversation(t *testing.T) {
	b := newBrowser(t)
	n := startNode(t)
	n.admin(t, "ada@acme.test", "long enough pw")
	ctx := context.Background()
	seq := 0
	stream := func(text string) {
		t.Helper()
		seq++
		if _, err := n.app.Listening.HandlePost(ctx, source.Post{Network: "bluesky", ID: fmt.Sprintf("at://did:plc:abc/app.bsky.feed.post/%d", seq),
			Text: text, Author: "cleo.bsky.social", AuthorID: "did:plc:abc", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	stream("my acme kettle is great")
	stream("globex is fine")
	stream(`acme is down <img src=x onerror="alert(1)"><script>alert(2)</script>`)

	b.login(n.url, "ada@acme.test", "long enough pw")
	b.do("open the listening page",
		chromedp.Click(chromedp.CSS("#nav-listening")),
		chromedp.WaitVisible(chromedp.CSS("#rule-form")),
		chromedp.SendKeys(chromedp.CSS("#rule-name"), "Acme"),
		chromedp.SendKeys(chromedp.CSS("#rule-query"), "acme ("),
	)
	b.until("the column of the problem", `(() => { const e = document.querySelector("#preview-error"); return !!e && /Column \d+/.test(e.textContent) })()`)
	b.do("fix the query", chromedp.SendKeys(chromedp.CSS("#rule-query"), "\b\b"))
	b.until("the preview of the matching posts", `(() => { const c = document.querySelector("#preview-count"); return !!c && c.textContent.includes("2 of the last 3") })()`)
	preview := eval[string](b, `document.querySelector("#rule-preview").innerText`)
	if !strings.Contains(preview, `<script>alert(2)</script>`) || strings.Contains(preview, "globex") {
		t.Fatalf("preview = %q", preview)
	}
	b.do("save the rule",
		chromedp.Click(chromedp.CSS("#rule-save")),
		chromedp.WaitVisible(chromedp.CSS(".rules tbody tr")),
	)
	b.until("the saved rule", `document.querySelector(".rules").innerText.includes("Acme")`)

	b.until("the live stream", `document.body.classList.contains("live")`)
	eval[bool](b, `window.heedTestMarker = true`)
	stream("acme refund please, order 1234 never came")
	b.until("the mention arriving live in the feed", `(() => { const l = document.querySelector("#mention-list"); return !!l && l.innerText.includes("acme refund please") })()`)
	if !eval[bool](b, `window.heedTestMarker === true`) {
		t.Fatal("the page reloaded instead of updating the feed")
	}
	b.click("open a conversation from the mention", "#mention-list .mention:first-child button.open-conv")
	b.do("the conversation", chromedp.WaitVisible(chromedp.CSS("#conv")))
	b.until("the conversation in the inbox", `location.pathname.startsWith("/conversations/") && document.querySelector("#conv").innerText.includes("acme refund please")`)
	b.checkClean()
}
