// Package source streams public posts from the networks into the listening
// engine: the Bluesky Jetstream websocket, the X filtered stream, Mastodon
// streaming and a JSON-lines replay. Every source reconnects with backoff and
// resumes from the cursor of the last post it delivered, so a dropped
// connection loses nothing and repeats nothing.
package source

import (
	"context"
	"time"
)

// Post is one public post heard on a network, before matching.
type Post struct {
	Network   string    // "bluesky", "x", "mastodon", "replay"
	ID        string    // the network's id (at:// URI, tweet id, status URL), unique per network
	Text      string    //
	Lang      string    // BCP 47 tag when the network says
	Author    string    // handle without @
	AuthorID  string    // the network's account id (DID, user id, account id)
	URL       string    // a link to the post for people, when known
	CreatedAt time.Time //
	// Cursor is where to resume to receive the posts after this one
	// (Jetstream time_us, X tweet id, Mastodon status id, replay line number).
	Cursor string
}

// Handler receives posts in stream order. A source calls it from one
// goroutine; it returns only when the post is taken care of (matched and,
// if it matched, stored), so the caller may save the post's cursor after.
type Handler func(ctx context.Context, p Post) error

// Source is one stream. Run delivers posts from cursor ("" = from now, or
// the start for replay) until ctx ends, reconnecting on its own; it returns
// ctx's error, or another error only when it cannot go on at all (bad
// credentials, a replay that ended).
type Source interface {
	Name() string
	Run(ctx context.Context, cursor string, h Handler) error
}
