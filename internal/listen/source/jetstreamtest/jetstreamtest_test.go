package jetstreamtest_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/heed-dev/heed/internal/listen/source/jetstreamtest"
)

// TestCursorIsInclusiveAndFiltersCollections pins the README's semantics
// the source relies on: playback starts at the first event with time_us
// >= cursor (events sharing it included), wantedCollections filters
// commits, identity events always pass.
func TestCursorIsInclusiveAndFiltersCollections(t *testing.T) {
	srv := jetstreamtest.New(t)
	srv.PublishPost(jetstreamtest.Post{DID: "did:plc:a", RKey: "1", Text: "before"})
	at := srv.PublishPost(jetstreamtest.Post{DID: "did:plc:a", RKey: "2", Text: "at"})
	srv.PublishPost(jetstreamtest.Post{DID: "did:plc:a", RKey: "3", Text: "same time", TimeUS: at})
	srv.PublishLike("did:plc:b", "l1", "at://did:plc:a/app.bsky.feed.post/2")
	srv.PublishIdentity("did:plc:a", "a.bsky.social")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, srv.URL+"?wantedCollections=app.bsky.feed.post&cursor="+strconv.FormatInt(at, 10), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	var got []string
	for range 3 {
		_, frame, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ev struct {
			Kind   string `json:"kind"`
			TimeUS int64  `json:"time_us"`
			Commit *struct {
				RKey string `json:"rkey"`
			} `json:"commit"`
		}
		if err := json.Unmarshal(frame, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Commit != nil {
			got = append(got, ev.Commit.RKey)
		} else {
			got = append(got, ev.Kind)
		}
	}
	if want := []string{"2", "3", "identity"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("replayed %v, want %v", got, want)
	}
}
