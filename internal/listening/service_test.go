package listening_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/listen/source"
	"github.com/heed-dev/heed/internal/listening"
	"github.com/heed-dev/heed/internal/store"
)

func TestValidateNamesTheColumn(t *testing.T) {
	for _, c := range []struct {
		rule  store.ListenRule
		field string
		col   int
	}{
		{store.ListenRule{Name: "", Query: "acme"}, "name", 0},
		{store.ListenRule{Name: "a", Query: "acme AND (down"}, "query", 10},
		{store.ListenRule{Name: "a", Query: "   "}, "query", 0},
		{store.ListenRule{Name: "a", Query: "acme", Action: "shout"}, "action", 0},
		{store.ListenRule{Name: "a", Query: "acme", Kind: "friend"}, "kind", 0},
	} {
		_, err := listening.Validate(c.rule)
		var ie *listening.InputError
		if !errors.As(err, &ie) || ie.Field != c.field || (c.col > 0 && ie.Col != c.col) || (c.col == 0 && ie.Col != 0) {
			t.Errorf("%+v: %v, want field %s col %d", c.rule, err, c.field, c.col)
		}
	}
	r, err := listening.Validate(store.ListenRule{Name: " Brand ", Query: ` "acme corp" OR #acme `})
	if err != nil || r.Name != "Brand" || r.Action != "feed" || r.Kind != "brand" {
		t.Fatalf("valid rule: %+v, %v", r, err)
	}
}

func TestRulesApplyAtOnceAndPerWorkspace(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newStore(t, d)
		ws1, _ := s.CreateWorkspace(ctx, "One")
		ws2, _ := s.CreateWorkspace(ctx, "Two")
		svc := listening.New(s, nil, nil, nil, nil, listening.Options{RingSize: 3})
		seq := 0
		post := func(text string) bool {
			seq++
			matched, err := svc.HandlePost(ctx, source.Post{Network: "bluesky", ID: fmt.Sprint("p", seq), Text: text, CreatedAt: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			return matched
		}
		if post("acme kettles") {
			t.Fatal("matched with no rules")
		}
		r1, err := svc.CreateRule(ctx, store.ListenRule{WorkspaceID: ws1.ID, Name: "Acme", Query: "acme", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateRule(ctx, store.ListenRule{WorkspaceID: ws2.ID, Name: "Acme too", Query: "acme OR globex", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		if !post("acme kettles again") || post("nothing here") || !post("globex only") {
			t.Fatal("the new rules did not apply at once")
		}
		// The same post id again is a duplicate, in each workspace.
		if _, err := svc.HandlePost(ctx, source.Post{Network: "bluesky", ID: "p2", Text: "acme kettles again"}); err != nil {
			t.Fatal(err)
		}
		n1, _ := s.CountMentions(ctx, ws1.ID)
		n2, _ := s.CountMentions(ctx, ws2.ID)
		if n1 != 1 || n2 != 2 {
			t.Fatalf("mentions: workspace 1 %d (want 1), workspace 2 %d (want 2)", n1, n2)
		}
		r1.Enabled = false
		if _, err := svc.UpdateRule(ctx, r1); err != nil {
			t.Fatal(err)
		}
		post("acme after disabling")
		if n, _ := s.CountMentions(ctx, ws1.ID); n != 1 {
			t.Fatalf("a disabled rule still matched: %d mentions", n)
		}
		if _, err := svc.CreateRule(ctx, store.ListenRule{WorkspaceID: ws1.ID, Name: "Acme", Query: "x"}); err == nil {
			t.Fatal("a duplicate name was accepted")
		}

		// The preview tests the last 3 posts only (the ring), newest first.
		matches, tested, err := svc.Preview("globex OR nothing OR kettles", 10)
		if err != nil || tested != 3 || len(matches) != 2 || matches[0].Text != "acme kettles again" || matches[1].Text != "globex only" {
			t.Fatalf("preview = %+v (%d tested), %v", matches, tested, err)
		}
		if _, _, err := svc.Preview("acme (", 10); err == nil {
			t.Fatal("a broken query previewed")
		}
	})
}

// FuzzNormalize: the listening channel's stored payload never panics the
// pipeline, and what it accepts has the fields threading needs.
func FuzzNormalize(f *testing.F) {
	f.Add([]byte(`{"network":"bluesky","post_id":"at://did:plc:x/app.bsky.feed.post/1","author":"a.bsky.social","author_id":"did:plc:x","text":"acme <b>down</b>","created_at":"2026-11-23T10:00:00Z"}`))
	f.Add([]byte(`{"network":"x","post_id":"1","text":"hi","created_at":"nope"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		m, err := (&listening.Connector{}).Normalize(payload)
		if err != nil {
			return
		}
		if m.ExternalID == "" || m.ThreadID == "" || m.Author.ID == "" || m.Text == "" || !m.Public {
			t.Fatalf("accepted an incomplete message: %+v", m)
		}
	})
}

// TestReloadWhileStreaming edits rules while a stream is being matched (run
// with -race): the stream never stops, and once a rule is saved the next
// post with its term is its mention.
func TestReloadWhileStreaming(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newStore(t, d)
		ws, _ := s.CreateWorkspace(ctx, "One")
		svc := listening.New(s, nil, nil, nil, nil, listening.Options{})
		stop := make(chan struct{})
		streamed := make(chan int)
		go func() {
			i := 0
			defer func() { streamed <- i }()
			for {
				select {
				case <-stop:
					return
				default:
				}
				i++
				if _, err := svc.HandlePost(ctx, source.Post{Network: "replay", ID: fmt.Sprint("bg", i), Text: fmt.Sprintf("noise term%d", i%10)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		var rules []store.ListenRule
		for k := range 10 {
			r, err := svc.CreateRule(ctx, store.ListenRule{WorkspaceID: ws.ID, Name: fmt.Sprint("r", k), Query: fmt.Sprint("term", k), Enabled: true})
			if err != nil {
				t.Fatal(err)
			}
			rules = append(rules, r)
		}
		close(stop)
		if n := <-streamed; n == 0 {
			t.Fatal("the stream did not run")
		}
		for k, r := range rules {
			if _, err := svc.HandlePost(ctx, source.Post{Network: "replay", ID: fmt.Sprint("after", k), Text: fmt.Sprint("signal term", k)}); err != nil {
				t.Fatal(err)
			}
			ms, err := s.ListMentions(ctx, store.MentionFilter{WorkspaceID: ws.ID, RuleID: r.ID, Limit: 500})
			if err != nil || !hasPost(ms, fmt.Sprint("after", k)) {
				t.Fatalf("rule %d: the post after its save is not its mention (%d mentions, %v)", k, len(ms), err)
			}
		}
	})
}

func hasPost(ms []store.Mention, id string) bool {
	for _, m := range ms {
		if m.PostID == id {
			return true
		}
	}
	return false
}
