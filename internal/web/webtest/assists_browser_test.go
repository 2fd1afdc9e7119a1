package webtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/store"
)

// assistNode is a node with an admin signed in, one public conversation
// with Cleo on an API channel, open in the browser.
func assistNode(t *testing.T, text string) (*browser, *node, string) {
	t.Helper()
	b := newBrowser(t)
	n := startNode(t)
	admin := n.admin(t, "ada@acme.test", "long enough pw")
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(sink.Close)
	ch := n.apiChannel(t, admin.WorkspaceID, sink.URL)
	b.login(n.url, "ada@acme.test", "long enough pw")
	n.postInbound(t, ch, "m1", "post-1", channel.Author{ID: "c1", Name: "Cleo Park", Handle: "cleo"}, text)
	b.until("the conversation in the list", `document.querySelector("#conv-list .conv-row") !== null`)
	b.click("open it", "#conv-list .conv-row")
	b.do("the reply box", chromedp.WaitVisible(chromedp.CSS("#reply-text")))
	return b, n, admin.WorkspaceID
}

// Typing `/ref` lists the matching saved replies and articles in a listbox;
// the arrows move, Enter inserts the saved reply with its variables filled,
// Escape closes the menu and keeps the focus in the reply.
func TestSlashSearchInsertsSavedReplyAndArticle(t *testing.T) {
	b, n, ws := assistNode(t, "I want my money back")
	ctx := context.Background()
	r, err := n.app.Store.CreateSavedReply(ctx, store.SavedReply{WorkspaceID: ws, Name: "Refund sent", Body: "Hi {{customer.first_name}}, your refund is on its way."})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.app.Store.SetSavedReplyTags(ctx, ws, r.ID, []string{"billing"}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.app.Store.CreateSavedReply(ctx, store.SavedReply{WorkspaceID: ws, Name: "Shipping delay", Body: "Parcels are late."}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.app.Store.CreateKBArticle(ctx, store.KBArticle{WorkspaceID: ws, Title: "Refund policy", URL: "https://help.acme.com/refunds"}); err != nil {
		t.Fatal(err)
	}

	b.do("type /ref", chromedp.Click(chromedp.CSS("#reply-text")), chromedp.SendKeys(chromedp.CSS("#reply-text"), "Thanks! /ref"))
	b.until("the menu with both matches", `(() => { const m = document.querySelector("#assist-menu");
		return !m.hidden && m.getAttribute("role") === "listbox" && m.querySelectorAll('[role="option"]').length === 2 &&
		m.innerText.includes("Refund sent") && m.innerText.includes("Refund policy") && !m.innerText.includes("Shipping delay") })()`)
	if got := eval[string](b, `document.querySelector("#reply-text").getAttribute("aria-activedescendant")`); got != "assist-opt-0" {
		t.Fatalf("active option %q, want the first", got)
	}
	b.do("down, up", chromedp.KeyEvent(kb.ArrowDown))
	b.until("the second option selected", `document.querySelector("#assist-opt-1").getAttribute("aria-selected") === "true" &&
		document.querySelector("#reply-text").getAttribute("aria-activedescendant") === "assist-opt-1"`)
	b.do("up", chromedp.KeyEvent(kb.ArrowUp))
	b.until("the first option selected", `document.querySelector("#assist-opt-0").getAttribute("aria-selected") === "true"`)
	b.do("enter", chromedp.KeyEvent(kb.Enter))
	b.until("the expanded saved reply in place of /ref", `document.querySelector("#reply-text").value === "Thanks! Hi Cleo, your refund is on its way."`)
	if !eval[bool](b, `document.querySelector("#assist-menu").hidden && document.activeElement.id === "reply-text"`) {
		t.Fatal("after Enter the menu should close and the reply keep the focus")
	}

	b.do("a tag and an article", chromedp.SendKeys(chromedp.CSS("#reply-text"), " /pol"))
	b.until("the article alone", `(() => { const o = document.querySelectorAll('#assist-menu [role="option"]');
		return !document.querySelector("#assist-menu").hidden && o.length === 1 && o[0].innerText.includes("Refund policy") })()`)
	b.do("enter", chromedp.KeyEvent(kb.Enter))
	b.until("the article's link", `document.querySelector("#reply-text").value.endsWith(" Refund policy: https://help.acme.com/refunds")`)

	b.do("escape closes", chromedp.SendKeys(chromedp.CSS("#reply-text"), " /bill"))
	b.until("the saved reply found by its tag", `document.querySelector("#assist-menu").innerText.includes("Refund sent")`)
	b.do("escape", chromedp.KeyEvent(kb.Escape))
	b.until("the menu closed, the reply still focused, the text kept", `document.querySelector("#assist-menu").hidden &&
		document.activeElement.id === "reply-text" && document.querySelector("#reply-text").value.endsWith(" /bill")`)
}

// A reply with a misspelling and the wrong name shows both warnings live;
// "Add to dictionary" removes the spelling warning (for the workspace) and
// leaves the other.
func TestSpellingAndNameWarningsAndAddToDictionary(t *testing.T) {
	b, n, ws := assistNode(t, "How do I pay for the upgrade?")
	b.do("type a reply", chromedp.Click(chromedp.CSS("#reply-text")),
		chromedp.SendKeys(chromedp.CSS("#reply-text"), "Hi Dana, you can pay with zorbix in the app."))
	b.until("both warnings", `!!document.querySelector('#composer-warnings [data-check="spelling"]') &&
		!!document.querySelector('#composer-warnings [data-check="wrong_name"]')`)
	b.click("add to dictionary", `#composer-warnings .add-word[data-word="zorbix"]`)
	b.until("the spelling warning gone, the name warning kept", `!document.querySelector('#composer-warnings [data-check="spelling"]') &&
		!!document.querySelector('#composer-warnings [data-check="wrong_name"]')`)
	words, err := n.app.Store.ListWorkspaceWords(context.Background(), ws)
	if err != nil || len(words) != 1 || words[0].Word != "zorbix" {
		t.Fatalf("workspace words: %+v %v", words, err)
	}
	b.do("the admin page lists it", chromedp.Navigate(n.url+"/admin/kb"), chromedp.WaitVisible(chromedp.CSS("#kb-words")))
	b.until("zorbix listed", `document.querySelector("#kb-words").innerText.includes("zorbix")`)
}

// The personal-data warning offers the private move; one click sends the
// draft privately and links the public and private conversations, both
// shown in each other's thread.
func TestPrivateMoveLinksConversations(t *testing.T) {
	b, _, _ := assistNode(t, "You charged my card twice!")
	if eval[bool](b, `document.querySelector("#conv-links").checkVisibility()`) {
		t.Fatal("an empty list of linked conversations is shown")
	}
	b.do("type a reply with personal data", chromedp.Click(chromedp.CSS("#reply-text")),
		chromedp.SendKeys(chromedp.CSS("#reply-text"), "Sorry Cleo, we will email you at cleo.park@example.com today."))
	b.until("the personal-data warning with its fix", `!!document.querySelector('#composer-warnings [data-check="personal_data"] .fix-private-move')`)
	b.click("move to private", `#composer-warnings .fix-private-move`)
	b.until("the link to the private conversation", `document.querySelector("#conv-links").checkVisibility() && document.querySelector("#conv-links").innerText.includes("Moved to private:")`)
	b.until("the message sent privately from the public thread", `[...document.querySelectorAll("#thread .msg-out")].some(m => m.innerText.includes("cleo.park@example.com") && m.innerText.includes("private"))`)
	b.click("open the private side", "#conv-links a")
	b.until("the link back and the note", `!!document.querySelector("#conv-links") && document.querySelector("#conv-links").innerText.includes("From public post:") &&
		document.querySelector("#thread").innerText.includes("Sent privately from the public post")`)
	if eval[bool](b, `!!document.querySelector("#private-move")`) {
		t.Fatal("a private conversation offers to move private")
	}
}
