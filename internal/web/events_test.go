package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
)

// Another agent watching the inbox hears about a change at once.
func TestEventsStream(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		conv := e.inbound(e.channel(ws, "Support"), msg{thread: "t1", author: "u1", name: "Cleo", text: "hello"})
		watcher := e.as(e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent))

		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+"/events", nil)
		res, err := watcher.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		lines := make(chan string)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				select {
				case lines <- sc.Text():
				case <-ctx.Done():
					return
				}
			}
		}()
		// The stream is subscribed once its first comment arrives.
		for l := range lines {
			if strings.HasPrefix(l, ": connected") {
				break
			}
		}
		if n := e.hub.Subscribers(realtime.WorkspaceTopic(ws.ID)); n != 1 {
			t.Fatalf("%d subscribers to the workspace", n)
		}

		e.as(admin).post("/conversations/"+conv.ID+"/status", url.Values{"status": {"waiting"}}).mustStatus(t, http.StatusSeeOther, "status")
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatal("stream ended before the event")
				}
				if strings.HasPrefix(l, "data:") && strings.Contains(l, conv.ID) {
					return
				}
			case <-ctx.Done():
				t.Fatal("no event for the changed conversation")
			}
		}
	})
}

func TestEventsNeedLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.Open(t, db.SQLite))
	e.workspace("Acme")
	c := e.client()
	// EventSource cannot follow a login redirect: it gets 401.
	res := c.get("/events", "Accept", "text/event-stream")
	if res.status != http.StatusUnauthorized || res.header.Get("HX-Redirect") != "/login" {
		t.Fatalf("events signed out: %d %q", res.status, res.header.Get("HX-Redirect"))
	}
	// A fragment request learns where to come back to.
	res = c.get("/inbox", "HX-Request", "true", "HX-Current-URL", "http://heed.test/conversations/x?view=mine")
	if want := "/login?next=" + url.QueryEscape("/conversations/x?view=mine"); res.status != http.StatusUnauthorized || res.header.Get("HX-Redirect") != want {
		t.Fatalf("fragment signed out: %d %q, want 401 %q", res.status, res.header.Get("HX-Redirect"), want)
	}
}
