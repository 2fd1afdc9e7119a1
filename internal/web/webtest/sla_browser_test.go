package webtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/slaclock"
)

// An open conversation shows its response deadline counting down; when the
// deadline passes, the breach notification appears live and the badge turns
// to "SLA breached", without a reload.
func TestSLACountdownAndBreachNotice(t *testing.T) {
	b := newBrowser(t)
	n := startNode(t)
	admin := n.admin(t, "ada@acme.test", "long enough pw")
	receiver := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(receiver.Close)
	ch := n.apiChannel(t, admin.WorkspaceID, receiver.URL)

	// Tighten the API channel's targets to seconds so the test sees them pass.
	ctx := context.Background()
	s := n.app.Store
	if err := slaclock.EnsureDefaultPolicies(ctx, s, admin.WorkspaceID); err != nil {
		t.Fatal(err)
	}
	ps, err := s.ListSLAPolicies(ctx, admin.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		for _, ct := range p.ChannelTypes {
			if ct == "api" {
				p.Targets = []byte(`{"first_response":{"warn":4,"max":8},"next_response":{"warn":4,"max":8},"resolution":{"warn":3600,"max":7200}}`)
				if err := s.UpdateSLAPolicy(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	n.app.Clocks.Forget(admin.WorkspaceID)

	b.login(n.url, "ada@acme.test", "long enough pw")
	b.until("the live stream", `document.body.classList.contains("live")`)
	eval[bool](b, `window.heedTestMarker = true`)

	n.postInbound(t, ch, "m1", "late-1", channel.Author{ID: "c1", Name: "Cleo Customer"}, "Hello? Anyone?")
	b.until("a countdown on the new conversation", `(() => { const el = document.querySelector("#conv-list .sla"); return !!el && /reply in \d+:\d\d/.test(el.textContent) })()`)
	first := eval[string](b, `document.querySelector("#conv-list .sla").textContent`)
	b.until("the countdown moving", `document.querySelector("#conv-list .sla").textContent !== `+js(first))
	b.until("the breach notification", `(() => { const n = document.querySelector("#notices .notice"); return !!n && n.textContent.includes("SLA breached") && n.textContent.includes("Cleo Customer") })()`)
	b.until("the badge marking the breach", `document.querySelector("#conv-list .sla").classList.contains("sla-breached")`)
	if !eval[bool](b, `window.heedTestMarker === true`) {
		t.Fatal("the page reloaded")
	}
	b.do("open the conversation from the notification",
		chromedp.Click(chromedp.CSS("#notices .notice")),
		chromedp.WaitVisible(chromedp.CSS("#conv-sla")),
	)
	b.until("the conversation's SLA badge", `document.querySelector("#conv-sla").innerText.includes("SLA breached")`)
	b.checkClean()
}
