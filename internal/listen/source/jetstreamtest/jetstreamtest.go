// Package jetstreamtest emulates Bluesky's Jetstream (GET /subscribe, a
// websocket of JSON events) for tests, following the wire format of
// bluesky-social/jetstream's README: query parameters wantedCollections
// (repeatable) and cursor (unix microseconds; playback starts at the
// first event with time_us >= cursor, an absent or future cursor is the
// live tail), events {did, time_us, kind, commit|identity|account}.
// Identity and account events reach every subscriber whatever the wanted
// collections, as the README says.
package jetstreamtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Post is a post to publish.
type Post struct {
	DID       string
	RKey      string
	Text      string
	Langs     []string
	CreatedAt time.Time // zero = the event's time
	// TimeUS pins the event's time_us; 0 takes the next microsecond.
	// Several events may share one (Jetstream's cursor is inclusive, so a
	// client resuming there sees them all again).
	TimeUS int64
}

type event struct {
	timeUS     int64
	collection string // "" for identity and account events
	frame      []byte
}

// Server is a running emulator. Its URL is ws://…/subscribe.
type Server struct {
	srv *httptest.Server
	URL string

	mu      sync.Mutex
	events  []event
	clock   int64 // last time_us handed out
	changed chan struct{}
	conns   map[*websocket.Conn]struct{}
	dials   int
	reqs    int
	refuse  int
	drops   []int
	cursors []string
}

// New starts an emulator; it is closed when the test ends.
func New(t interface{ Cleanup(func()) }) *Server {
	s := &Server{
		clock:   1725911162329308, // the README's example time_us
		changed: make(chan struct{}),
		conns:   map[*websocket.Conn]struct{}{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /subscribe", s.subscribe)
	s.srv = httptest.NewServer(mux)
	s.URL = "ws" + s.srv.URL[len("http"):] + "/subscribe"
	t.Cleanup(s.Close)
	return s
}

// Close stops the server and drops every client.
func (s *Server) Close() {
	s.DisconnectAll()
	s.srv.Close()
}

func (s *Server) nextTime(pinned int64) int64 {
	switch {
	case pinned == 0:
		s.clock++
	case pinned < s.clock:
		panic("jetstreamtest: time_us must not go back")
	default:
		s.clock = pinned
	}
	return s.clock
}

func (s *Server) publish(collection string, timeUS int64, build func(timeUS int64) any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	us := s.nextTime(timeUS)
	var frame []byte
	if raw, ok := build(us).([]byte); ok {
		frame = raw
	} else {
		var err error
		if frame, err = json.Marshal(build(us)); err != nil {
			panic(err) // our own maps always marshal
		}
	}
	s.events = append(s.events, event{timeUS: us, collection: collection, frame: frame})
	close(s.changed)
	s.changed = make(chan struct{})
	return us
}

// SetClock sets the time_us the next event gets (+1), as another
// instance's clock would differ. It must not go back.
func (s *Server) SetClock(timeUS int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextTime(timeUS)
}

// PublishPost adds a post-creation commit and returns its time_us.
func (s *Server) PublishPost(p Post) int64 {
	return s.publish("app.bsky.feed.post", p.TimeUS, func(us int64) any {
		created := p.CreatedAt
		if created.IsZero() {
			created = time.UnixMicro(us)
		}
		record := map[string]any{
			"$type":     "app.bsky.feed.post",
			"text":      p.Text,
			"createdAt": created.UTC().Format("2006-01-02T15:04:05.000Z"),
		}
		if p.Langs != nil {
			record["langs"] = p.Langs
		}
		return map[string]any{
			"did": p.DID, "time_us": us, "kind": "commit",
			"commit": map[string]any{
				"rev": "3l3qo2vutsw2b", "operation": "create", "collection": "app.bsky.feed.post",
				"rkey": p.RKey, "record": record,
				"cid": "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi",
			},
		}
	})
}

// PublishLike adds a like commit (another collection: filtered out for a
// client that wants posts only).
func (s *Server) PublishLike(did, rkey, subjectURI string) int64 {
	return s.publish("app.bsky.feed.like", 0, func(us int64) any {
		return map[string]any{
			"did": did, "time_us": us, "kind": "commit",
			"commit": map[string]any{
				"rev": "3l3qo2vutsw2b", "operation": "create", "collection": "app.bsky.feed.like", "rkey": rkey,
				"record": map[string]any{"$type": "app.bsky.feed.like", "createdAt": "2024-09-09T19:46:02.102Z",
					"subject": map[string]any{"cid": "bafyreidc6sydkkbchcyg62v77wbhzvb2mvytlmsychqgwf2xojjtirmzj4", "uri": subjectURI}},
			},
		}
	})
}

// PublishDelete adds the deletion of a post.
func (s *Server) PublishDelete(did, rkey string) int64 {
	return s.publish("app.bsky.feed.post", 0, func(us int64) any {
		return map[string]any{"did": did, "time_us": us, "kind": "commit",
			"commit": map[string]any{"rev": "3l3f6nzl3cv2s", "operation": "delete", "collection": "app.bsky.feed.post", "rkey": rkey}}
	})
}

// PublishIdentity adds an identity event (a handle for a DID).
func (s *Server) PublishIdentity(did, handle string) int64 {
	return s.publish("", 0, func(us int64) any {
		return map[string]any{"did": did, "time_us": us, "kind": "identity",
			"identity": map[string]any{"did": did, "handle": handle, "seq": 1409752997, "time": time.UnixMicro(us).UTC().Format(time.RFC3339Nano)}}
	})
}

// PublishAccount adds an account event.
func (s *Server) PublishAccount(did string, active bool) int64 {
	return s.publish("", 0, func(us int64) any {
		return map[string]any{"did": did, "time_us": us, "kind": "account",
			"account": map[string]any{"active": active, "did": did, "seq": 1409753013, "time": time.UnixMicro(us).UTC().Format(time.RFC3339Nano)}}
	})
}

// PublishRaw adds a frame as is (for malformed input), at the next time.
func (s *Server) PublishRaw(frame []byte) {
	s.publish("", 0, func(int64) any { return frame })
}

// DisconnectAll drops every connected client at once, as a restart of
// the server would, and returns how many there were.
func (s *Server) DisconnectAll() int {
	s.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	clear(s.conns)
	s.mu.Unlock()
	for _, c := range conns {
		c.CloseNow()
	}
	return len(conns)
}

// RefuseNext answers the next n handshakes with 503, as an overloaded or
// restarting instance would.
func (s *Server) RefuseNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse += n
}

// DropAfter makes the next connections break mid-stream: the i-th
// connection accepted from now on is dropped (no close frame) after it
// was sent counts[i] frames. Unlike DisconnectAll, which races with
// frames already in the client's buffers, the cut point is exact.
func (s *Server) DropAfter(counts ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drops = append(s.drops, counts...)
}

// Requests is how many handshakes were asked for, refused ones included.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs
}

// Connections is how many websocket connections were accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dials
}

// Cursors lists the cursor parameter of every connection, in order
// ("" when absent).
func (s *Server) Cursors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.cursors)
}

func (s *Server) subscribe(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var cursor int64 = -1
	if c := q.Get("cursor"); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			http.Error(w, "invalid cursor", http.StatusBadRequest)
			return
		}
		cursor = n
	}
	wanted := q["wantedCollections"]
	s.mu.Lock()
	s.reqs++
	refuse := s.refuse > 0
	if refuse {
		s.refuse--
	}
	s.mu.Unlock()
	if refuse {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.dials++
	s.cursors = append(s.cursors, q.Get("cursor"))
	s.conns[conn] = struct{}{}
	limit := -1
	if len(s.drops) > 0 {
		limit, s.drops = s.drops[0], s.drops[1:]
	}
	// Playback position: the first event at or after the cursor; no
	// cursor, or one from the future, is the live tail.
	pos := len(s.events)
	if cursor >= 0 {
		pos, _ = slices.BinarySearchFunc(s.events, cursor, func(e event, c int64) int {
			switch {
			case e.timeUS < c:
				return -1
			case e.timeUS > c:
				return 1
			}
			return 0
		})
		// BinarySearch finds one of several equal time_us: back up to
		// the first.
		for pos > 0 && s.events[pos-1].timeUS >= cursor {
			pos--
		}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
		conn.CloseNow()
	}()
	if limit == 0 {
		return // DropAfter(0): accepted, then cut at once
	}
	// The client never writes here, but reading keeps control frames
	// (close, ping) answered and tells us when it is gone.
	ctx := conn.CloseRead(r.Context())
	for {
		s.mu.Lock()
		batch := s.events[pos:len(s.events):len(s.events)]
		changed := s.changed
		s.mu.Unlock()
		for _, e := range batch {
			pos++
			if e.collection != "" && len(wanted) > 0 && !slices.Contains(wanted, e.collection) {
				continue
			}
			if limit == 0 {
				return // DropAfter: cut here, mid-stream
			}
			if err := conn.Write(ctx, websocket.MessageText, e.frame); err != nil {
				return
			}
			limit--
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
	}
}

// CloseNormally closes every client with a normal close frame instead of
// dropping the connection.
func (s *Server) CloseNormally() {
	s.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close(websocket.StatusGoingAway, "restart")
	}
}
