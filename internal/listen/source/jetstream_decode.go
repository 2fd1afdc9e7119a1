package source

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// jetstreamEvent is one Jetstream message, as documented in
// bluesky-social/jetstream's README ("Example events"): every event has did,
// time_us and kind ("commit", "identity", "account", "heartbeat"); a
// commit carries commit.{rev, operation, collection, rkey, record, cid},
// an identity event identity.{did, handle, seq, time}. Only the fields the
// listening engine uses are decoded; the rest of the record (facets,
// embeds, replies) is skipped.
type jetstreamEvent struct {
	DID    string `json:"did"`
	TimeUS int64  `json:"time_us"`
	Kind   string `json:"kind"`
	Commit *struct {
		Operation  string `json:"operation"`
		Collection string `json:"collection"`
		RKey       string `json:"rkey"`
		Record     *struct {
			Text      string   `json:"text"`
			Langs     []string `json:"langs"`
			CreatedAt string   `json:"createdAt"`
		} `json:"record"`
	} `json:"commit"`
	Identity *struct {
		DID    string `json:"did"`
		Handle string `json:"handle"`
	} `json:"identity"`
}

const bskyPostCollection = "app.bsky.feed.post"

// decodeJetstream decodes one Jetstream frame.
func decodeJetstream(frame []byte, ev *jetstreamEvent) error {
	*ev = jetstreamEvent{}
	if err := json.Unmarshal(frame, ev); err != nil {
		return fmt.Errorf("jetstream event: %w", err)
	}
	if ev.Kind == "" {
		return errors.New("jetstream event: no kind")
	}
	return nil
}

// jetstreamPost turns a decoded event into a post: ok is false for
// everything that is not the creation of a post (likes, deletes, identity
// and account events, heartbeats). handle is the author's handle when
// known, else "".
func jetstreamPost(ev *jetstreamEvent, handle string) (Post, bool) {
	c := ev.Commit
	if ev.Kind != "commit" || c == nil || c.Operation != "create" || c.Collection != bskyPostCollection || c.Record == nil {
		return Post{}, false
	}
	// The DID and rkey become parts of a URI and a URL: refuse anything
	// that could escape its path segment.
	if !validDID(ev.DID) || !validRKey(c.RKey) || ev.TimeUS <= 0 {
		return Post{}, false
	}
	p := Post{
		Network:  "bluesky",
		ID:       "at://" + ev.DID + "/" + bskyPostCollection + "/" + c.RKey,
		Text:     c.Record.Text,
		Author:   ev.DID,
		AuthorID: ev.DID,
		URL:      "https://bsky.app/profile/" + ev.DID + "/post/" + c.RKey,
		Cursor:   strconv.FormatInt(ev.TimeUS, 10),
	}
	if handle != "" {
		p.Author = handle
	}
	if len(c.Record.Langs) > 0 {
		p.Lang = c.Record.Langs[0]
	}
	// createdAt is what the author's client claims; time_us is when the
	// relay saw it. Prefer the claim, fall back to the relay's time.
	if t, err := time.Parse(time.RFC3339Nano, c.Record.CreatedAt); err == nil {
		p.CreatedAt = t.UTC()
	} else {
		p.CreatedAt = time.UnixMicro(ev.TimeUS).UTC()
	}
	return p, true
}

// validDID accepts the DID syntax of atproto (did:method:identifier, from
// letters, digits and ._:%-), which never holds '/', '?' or '#'.
func validDID(s string) bool {
	if len(s) < 7 || len(s) > 2048 || !strings.HasPrefix(s, "did:") {
		return false
	}
	return allChars(s, "._:%-")
}

// validRKey accepts atproto record keys: 1-512 of letters, digits and
// ._:~-, not "." or "..".
func validRKey(s string) bool {
	if s == "" || len(s) > 512 || s == "." || s == ".." {
		return false
	}
	return allChars(s, "._:~-")
}

func allChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte(extra, c) >= 0 {
			continue
		}
		return false
	}
	return true
}
