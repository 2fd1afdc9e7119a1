package webtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/model"
)

// widgetShadow is the web chat widget's Shadow DOM root.
const widgetShadow = `document.querySelector("heed-chat")?.shadowRoot`

func inWidget(css string) chromedp.JSPath {
	return chromedp.JSPath(widgetShadow + `?.querySelector(` + js(css) + `)`)
}

// TestSurveyInWidgetToReport: an admin turns CSAT surveys on; a customer
// chats in the web chat widget; the agent replies and resolves in the inbox;
// the widget shows the rating question live, the customer clicks 5, the
// agent sees "Customer rated 5/5" in the timeline live, and the CSAT tile of
// the reports page counts the answer.
func TestSurveyInWidgetToReport(t *testing.T) {
	b := newBrowser(t)
	n := startNode(t)
	admin := n.admin(t, "ada@acme.test", "long enough pw")
	chat, err := n.app.Accounts.CreateChannel(context.Background(), accounts.NewChannel{WorkspaceID: admin.WorkspaceID,
		Type: model.ChannelWebchat, Name: "Website chat"})
	if err != nil {
		t.Fatal(err)
	}

	b.login(n.url, "ada@acme.test", "long enough pw")
	b.do("turn surveys on",
		chromedp.Navigate(n.url+"/admin/survey"),
		chromedp.WaitVisible(chromedp.CSS("#survey-form")),
		chromedp.Click(chromedp.CSS("#survey-enabled")),
		chromedp.Click(chromedp.CSS("#survey-kind-csat")),
		chromedp.SetValue(chromedp.CSS("#survey-question"), "How did we do today?"),
		chromedp.Click(chromedp.CSS(`#survey-form button[type="submit"]`)),
	)
	b.until("settings saved", `document.querySelector("#survey-saved") !== null && document.querySelector("#survey-enabled").checked`)
	if q := eval[string](b, `document.querySelector("#survey-preview").textContent`); q != "How did we do today?\nReply with a number from 1 (very unsatisfied) to 5 (very satisfied)." {
		t.Fatalf("preview of the survey text = %q", q)
	}

	// The customer, in a browser of their own, on the widget's demo page.
	cust := newBrowser(t).ctx
	custDo := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(cust, wait)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("customer: %s: %v", what, err)
		}
	}
	custUntil := func(what, cond string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(cust, wait)
		defer cancel()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
			dctx, dcancel := context.WithTimeout(cust, 3*time.Second)
			defer dcancel()
			txt, _ := chromedp.Run(dctx, chromedp.Evaluate[string](widgetShadow+`?.textContent || "(no widget)"`))
			t.Fatalf("customer: waiting for %s: %v\nwidget: %s", what, err, txt)
		}
	}
	custDo("open the chat",
		chromedp.Navigate(n.url+"/widget/"+chat.ID+"/demo"),
		chromedp.WaitVisible(inWidget(".launcher")), chromedp.Click(inWidget(".launcher")),
		chromedp.WaitVisible(inWidget("textarea")),
		chromedp.SendKeys(inWidget("input.name"), "Maria"),
		chromedp.SendKeys(inWidget("textarea"), "My parcel arrived broken\n"))

	b.do("open the inbox", chromedp.Navigate(n.url+"/inbox"), chromedp.WaitVisible(chromedp.CSS("#conv-list")))
	b.until("the chat in the list", `document.querySelector("#conv-list").innerText.includes("My parcel arrived broken")`)
	b.click("open it", "#conv-list .conv-row")
	b.do("the thread", chromedp.WaitVisible(chromedp.CSS("#thread")))
	b.until("the customer's message in the thread", `document.querySelector("#thread .msg-in")?.innerText.includes("My parcel arrived broken")`)
	b.do("reply",
		chromedp.SendKeys(chromedp.CSS("#reply-text"), "Sorry Maria, a replacement is on its way."),
		chromedp.Click(chromedp.CSS("#send-reply")))
	b.until("the reply in the thread", `[...document.querySelectorAll("#thread .msg-out")].some(m => m.innerText.includes("a replacement is on its way"))`)
	b.blur()
	b.do("e resolves", chromedp.KeyEvent("e"))
	b.until("resolved", `document.querySelector("#conv-status").textContent === "resolved"`)
	b.until("the survey shown as sent in the timeline", `document.querySelector('#thread .survey-event[data-survey-status="sent"]') !== null`)

	// The widget shows the question live, with one button per score.
	custUntil("the reply in the widget", fmt.Sprintf(`[...(%s?.querySelectorAll(".msg.out") || [])].some(e => e.textContent.includes("replacement"))`, widgetShadow))
	custUntil("the rating in the widget", widgetShadow+`?.querySelectorAll(".survey .score").length === 5`)
	ctx, cancel := context.WithTimeout(cust, wait)
	question, err := chromedp.Run(ctx, chromedp.Evaluate[string](widgetShadow+`.querySelector(".survey").firstChild.textContent`))
	cancel()
	if err != nil || question != "How did we do today?" { // the buttons replace the typed-answer hint
		t.Fatalf("the widget asks %q (%v)", question, err)
	}
	custDo("click 5", chromedp.Click(inWidget(`.survey .score[data-score="5"]`)))
	custUntil("thanks in the widget", widgetShadow+`?.querySelector(".survey .thanks")?.textContent.includes("5/5") && !`+widgetShadow+`.querySelector(".survey .score")`)

	b.until("the rating in the agent's timeline", `document.querySelector('#thread .survey-event[data-survey-status="answered"]')?.innerText.includes("Customer rated 5/5")`)
	if s := eval[string](b, `document.querySelector("#conv-status").textContent`); s != "resolved" {
		t.Fatalf("answering the survey changed the status to %q", s)
	}

	b.do("open the reports", chromedp.Navigate(n.url+"/reports"), chromedp.WaitVisible(chromedp.CSS(`[data-metric="csat"]`)))
	if v := eval[string](b, `document.querySelector('[data-metric="csat"] .value').textContent.trim()`); v != "100%" {
		t.Fatalf("CSAT tile value = %q, want 100%%", v)
	}
	if d := eval[string](b, `document.querySelector('[data-metric="csat"] .detail').textContent`); d != "1 responses · average 5.0 / 5" {
		t.Fatalf("CSAT tile detail = %q", d)
	}
}
