package webtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// callback records the replies an API channel delivers.
type callback struct {
	mu    sync.Mutex
	texts []string
	srv   *httptest.Server
}

func newCallback(t *testing.T) *callback {
	c := &callback{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Text string `json:"text"`
		}
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &body)
		c.mu.Lock()
		c.texts = append(c.texts, body.Text)
		c.mu.Unlock()
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *callback) got() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.texts...)
}

// waitDelivered waits until a delivered text contains want.
func (c *callback) waitDelivered(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		for _, s := range c.got() {
			if strings.Contains(s, want) {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the callback never got %q; it got %q", want, c.got())
}

func (n *node) user(t *testing.T, ws, email, name string, role model.Role) model.Agent {
	t.Helper()
	a, err := n.app.Accounts.CreateUser(context.Background(), accounts.NewUser{WorkspaceID: ws, Email: email, Name: name, Password: "long enough pw", Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// conversation waits for the thread's conversation to be processed.
func (n *node) conversation(t *testing.T, ws, thread string) model.Conversation {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		cs, _, err := n.app.Store.ListConversations(context.Background(), store.ConversationFilter{WorkspaceID: ws, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.ThreadID == thread {
				return c
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no conversation for thread %s", thread)
	return model.Conversation{}
}

func (b *browser) open(base, convID string) {
	b.t.Helper()
	b.do("open the conversation",
		chromedp.Navigate(base+"/conversations/"+convID),
		chromedp.WaitVisible(chromedp.CSS("#reply-text")),
	)
	b.until("the live stream", `document.body.classList.contains("live")`)
}

// A contributor's reply waits for a supervisor: it shows as "awaiting
// approval", the callback gets nothing; the supervisor is notified live,
// edits it in the queue and approves; only the approved text is delivered,
// and the contributor's thread shows the sent reply live.
func TestContributorReplyDeliveredOnlyAfterApproval(t *testing.T) {
	n := startNode(t)
	admin := n.admin(t, "ada@acme.test", "long enough pw")
	cb := newCallback(t)
	ch := n.apiChannel(t, admin.WorkspaceID, cb.srv.URL)
	n.user(t, admin.WorkspaceID, "sue@acme.test", "Sue Super", model.RoleSupervisor)
	cleo := n.user(t, admin.WorkspaceID, "cleo@acme.test", "Cleo Store", model.RoleContributor)
	n.postInbound(t, ch, "m1", "lyon-1", channel.Author{ID: "c1", Name: "Maria Lopez"}, "Is the Lyon store open on Sunday?")
	conv := n.conversation(t, admin.WorkspaceID, "lyon-1")
	if err := n.app.Inbox.Assign(context.Background(), admin, conv.ID, cleo.ID, ""); err != nil {
		t.Fatal(err)
	}

	sup := newBrowser(t)
	sup.login(n.url, "sue@acme.test", "long enough pw")
	sup.until("the live stream", `document.body.classList.contains("live")`)

	con := newBrowser(t)
	con.login(n.url, "cleo@acme.test", "long enough pw")
	if nav := eval[bool](con, `document.querySelector("#nav-approvals") === null`); !nav {
		t.Fatal("a contributor is offered the approvals queue")
	}
	con.open(n.url, conv.ID)
	con.do("write a reply",
		chromedp.SendKeys(chromedp.CSS("#reply-text"), "Hi Maria, yes we are open 10 to 6 on Sunday."),
		chromedp.Click(chromedp.CSS("#send-reply")),
	)
	con.until("the pending reply in the thread", `[...document.querySelectorAll('#thread [data-approval="pending"]')].some(m => m.innerText.includes("awaiting approval") && m.innerText.includes("open 10 to 6"))`)
	time.Sleep(500 * time.Millisecond) // the outbox polls every 200 ms: a wrongly queued reply would be out by now
	if got := cb.got(); len(got) != 0 {
		t.Fatalf("delivered before approval: %q", got)
	}

	sup.until("the approval notice, live", `[...document.querySelectorAll("#notices .notice")].some(a => a.textContent.includes("Cleo Store") && a.textContent.includes("waits for approval"))`)
	sup.do("open the queue", chromedp.Click(chromedp.CSS("#nav-approvals")), chromedp.WaitVisible(chromedp.CSS(".approval")))
	if txt := eval[string](sup, `document.querySelector(".approval").innerText`); !strings.Contains(txt, "Cleo Store") || !strings.Contains(txt, "Maria Lopez") {
		t.Fatalf("queue entry: %q", txt)
	}
	sup.do("edit and approve",
		chromedp.SetValue(chromedp.CSS(".approval textarea[name=text]"), "Hi Maria, yes: we are open 10:00 to 18:00 on Sunday."),
		chromedp.Click(chromedp.CSS(".approval button.approve")),
		chromedp.WaitVisible(chromedp.CSS("#no-approvals")),
	)
	cb.waitDelivered(t, "we are open 10:00 to 18:00 on Sunday")
	for _, s := range cb.got() {
		if strings.Contains(s, "10 to 6") {
			t.Fatalf("the unapproved text was delivered: %q", cb.got())
		}
	}
	con.until("the sent reply replaces the pending one, live", `![...document.querySelectorAll('#thread [data-approval="pending"]')].length && [...document.querySelectorAll("#thread .msg-out")].some(m => m.innerText.includes("10:00 to 18:00"))`)
}

// Two agents in one conversation see each other's presence (in the thread
// and in the list) and typing; a send while the other types, or after the
// other replied, is held with a warning until "Send anyway".
func TestPresenceAndCollisionBetweenTwoAgents(t *testing.T) {
	n := startNode(t)
	admin := n.admin(t, "ada@acme.test", "long enough pw")
	cb := newCallback(t)
	ch := n.apiChannel(t, admin.WorkspaceID, cb.srv.URL)
	n.user(t, admin.WorkspaceID, "bo@acme.test", "Bo Berg", model.RoleAgent)
	n.postInbound(t, ch, "m1", "parcel-1", channel.Author{ID: "c1", Name: "Maria Lopez"}, "Where is my parcel?")
	conv := n.conversation(t, admin.WorkspaceID, "parcel-1")

	ana := newBrowser(t)
	ana.login(n.url, "ada@acme.test", "long enough pw")
	ana.open(n.url, conv.ID)
	bo := newBrowser(t)
	bo.login(n.url, "bo@acme.test", "long enough pw")
	bo.open(n.url, conv.ID)

	ana.until("Bo viewing, in the thread", `document.querySelector("#conv-presence").textContent.includes("Bo Berg is viewing")`)
	bo.until("Ana viewing, in the thread", `document.querySelector("#conv-presence").textContent.includes("Ada Admin is viewing")`)
	ana.until("Bo in the list row", `document.querySelector('#conv-list .conv-row[data-id="`+conv.ID+`"] .presence-badge').textContent.includes("Bo Berg")`)

	bo.do("Bo types", chromedp.SendKeys(chromedp.CSS("#reply-text"), "Hi Maria, your parcel"))
	ana.until("Bo typing, live", `document.querySelector("#conv-presence").textContent.includes("Bo Berg is typing a reply")`)

	ana.do("Ana sends while Bo types",
		chromedp.SendKeys(chromedp.CSS("#reply-text"), "Hi Maria, it left our warehouse today."),
		chromedp.Click(chromedp.CSS("#send-reply")),
	)
	ana.until("the collision warning", `document.querySelector("#collision") !== null && document.querySelector("#collision").innerText.includes("Bo Berg is typing a reply")`)
	if v := eval[string](ana, `document.querySelector("#reply-text").value`); v != "Hi Maria, it left our warehouse today." {
		t.Fatalf("the held draft is %q", v)
	}
	time.Sleep(400 * time.Millisecond)
	if got := cb.got(); len(got) != 0 {
		t.Fatalf("a held reply was delivered: %q", got)
	}
	ana.click("send anyway", "#send-anyway")
	cb.waitDelivered(t, "it left our warehouse today")
	ana.until("the sent reply in Ana's thread", `[...document.querySelectorAll("#thread .msg-out")].some(m => m.innerText.includes("it left our warehouse"))`)

	// Bo opened the conversation before Ana's reply: his send is held too.
	bo.do("Bo sends", chromedp.SendKeys(chromedp.CSS("#reply-text"), " arrives tomorrow."), chromedp.Click(chromedp.CSS("#send-reply")))
	bo.until("Bo's collision warning", `document.querySelector("#collision") !== null && /Ada Admin replied \d+ s ago: Hi Maria, it left our warehouse today/.test(document.querySelector("#collision").innerText)`)
	bo.click("Bo sends anyway", "#send-anyway")
	cb.waitDelivered(t, "your parcel arrives tomorrow")
	if got := cb.got(); len(got) != 2 {
		t.Fatalf("deliveries = %q, want two", got)
	}
	ana.until("Bo's typing ends once he sent", `!document.querySelector("#conv-presence").textContent.includes("typing")`)
}

// A public reply containing a card number shows a blocking warning as it is
// typed and cannot be sent publicly (the server refuses it); sent privately
// it goes.
func TestCardNumberCannotBeSentPublicly(t *testing.T) {
	n := startNode(t)
	admin := n.admin(t, "ada@acme.test", "long enough pw")
	cb := newCallback(t)
	ch := n.apiChannel(t, admin.WorkspaceID, cb.srv.URL)
	n.postInbound(t, ch, "m1", "card-1", channel.Author{ID: "c1", Name: "Maria Lopez"}, "I was charged twice for order 9921")
	conv := n.conversation(t, admin.WorkspaceID, "card-1")
	if !conv.Public {
		t.Fatal("the fixture conversation is not public")
	}
	b := newBrowser(t)
	b.login(n.url, "ada@acme.test", "long enough pw")
	b.open(n.url, conv.ID)
	const text = "Hi Maria, we refunded the card 4111 1111 1111 1111 today."
	b.do("type a reply with a card number", chromedp.SendKeys(chromedp.CSS("#reply-text"), text))
	b.until("the blocking warning", `document.querySelector('#composer-warnings li.blocking[data-check="personal_data"]') !== null`)
	b.do("send publicly anyway", chromedp.Click(chromedp.CSS("#send-reply")))
	b.until("the refusal", `document.querySelector("#composer .flash.error") !== null && document.querySelector("#composer .flash.error").innerText.includes("personal_data")`)
	if v := eval[string](b, `document.querySelector("#reply-text").value`); v != text {
		t.Fatalf("the refused draft is %q", v)
	}
	time.Sleep(400 * time.Millisecond)
	if got := cb.got(); len(got) != 0 || eval[int](b, `document.querySelectorAll("#thread .msg-out").length`) != 0 {
		t.Fatalf("the public reply went out: %q", got)
	}
	b.do("reply privately", chromedp.Click(chromedp.CSS(`#reply-form input[name="private"]`)), chromedp.Click(chromedp.CSS("#send-reply")))
	cb.waitDelivered(t, "4111 1111 1111 1111")
	b.until("the private reply in the thread", `[...document.querySelectorAll("#thread .msg-out")].some(m => m.innerText.includes("private"))`)
}
