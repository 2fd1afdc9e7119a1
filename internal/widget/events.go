package widget

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/store"
)

// changed is the only event a visitor receives: "your conversation changed,
// fetch it again". It carries no ids, so nothing internal (other
// conversations, note ids) reaches the visitor.
var changed = realtime.Event{Type: "message"}

// streamEvents streams, over SSE, when the visitor's conversation changes.
//
// A visitor has no conversation until the pipeline has processed their first
// message, yet must see the first reply live. So until it exists the stream
// listens on the channel's workspace topic, where the pipeline announces
// every new conversation after commit, and keeps only the event whose
// conversation is this visitor's thread on this channel. Then it switches to
// that conversation's topic. The workspace subscription is taken before the
// conversation is looked up, so a conversation created in between is still
// seen; the conversation subscription is taken before the visitor is told to
// fetch, so no reply falls between the fetch and the stream.
func (h *Handler) streamEvents(w http.ResponseWriter, r *http.Request) {
	ch, ok := h.channel(w, r)
	if !ok {
		return
	}
	visitorID, ok := h.visitor(w, r, ch, true)
	if !ok {
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	f, err := h.follow(ctx, ch, visitorID)
	if err != nil {
		cancel()
		h.fail(w, r, err)
		return
	}
	out := make(chan realtime.Event, 16)
	done := make(chan struct{})
	go func() { defer close(done); f.run(ctx, out) }()
	realtime.ServeSSE(w, r, out, h.sse)
	cancel()
	<-done
}

// follower tracks one visitor's conversation for one stream.
type follower struct {
	h         *Handler
	ch        model.Channel
	visitorID string

	ws       <-chan realtime.Event // until the conversation is known
	wsCancel func()
	conv     <-chan realtime.Event // once it is
	cancel   func()
}

func (h *Handler) follow(ctx context.Context, ch model.Channel, visitorID string) (*follower, error) {
	f := &follower{h: h, ch: ch, visitorID: visitorID}
	f.ws, f.wsCancel = h.Broker.Subscribe(realtime.WorkspaceTopic(ch.WorkspaceID))
	conv, err := h.Store.GetConversationByThread(ctx, ch.ID, visitorID)
	switch {
	case err == nil:
		f.attach(conv.ID)
	case !errors.Is(err, store.ErrNotFound):
		f.close()
		return nil, err
	}
	return f, nil
}

// attach switches from the workspace topic to the conversation's.
func (f *follower) attach(conversationID string) {
	f.conv, f.cancel = f.h.Broker.Subscribe(realtime.ConversationTopic(conversationID))
	f.wsCancel()
	f.ws, f.wsCancel = nil, nil
}

func (f *follower) close() {
	if f.wsCancel != nil {
		f.wsCancel()
	}
	if f.cancel != nil {
		f.cancel()
	}
}

// run forwards changes to out until ctx ends; it closes out when it stops,
// which ends the stream (the script reconnects).
func (f *follower) run(ctx context.Context, out chan<- realtime.Event) {
	defer close(out)
	defer f.close()
	for {
		var e realtime.Event
		var ok bool
		select {
		case <-ctx.Done():
			return
		case e, ok = <-f.conv:
			if !ok {
				return
			}
			if e.Type == "conversation" {
				continue // status or assignment: nothing the visitor sees changed
			}
		case e, ok = <-f.ws:
			if !ok {
				return
			}
			convID, err := f.mine(ctx, e)
			if err != nil {
				if ctx.Err() == nil {
					f.h.Log.Error("widget events: resolve conversation", "channel_id", f.ch.ID, "error", err)
				}
				return
			}
			if convID == "" {
				continue
			}
			f.attach(convID)
		}
		select {
		case out <- changed:
		case <-ctx.Done():
			return
		}
	}
}

// mine returns the id of the visitor's conversation if workspace event e is
// about it, else "".
func (f *follower) mine(ctx context.Context, e realtime.Event) (string, error) {
	if e.Type == "resync" { // events were dropped: look the conversation up
		conv, err := f.h.Store.GetConversationByThread(ctx, f.ch.ID, f.visitorID)
		if errors.Is(err, store.ErrNotFound) {
			return "", nil
		}
		return conv.ID, err
	}
	if e.ConversationID == "" {
		return "", nil
	}
	k, err := f.h.threads.lookup(ctx, f.h.Store, f.ch.WorkspaceID, e.ConversationID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if k.channelID != f.ch.ID || k.threadID != f.visitorID {
		return "", nil
	}
	return e.ConversationID, nil
}

// threadCache remembers which channel and thread a conversation belongs to
// (which never changes), so that every waiting visitor's stream can filter
// workspace events with at most one query per new conversation.
type threadCache struct {
	mu sync.Mutex
	m  map[string]threadKey
}

type threadKey struct{ channelID, threadID string }

const maxThreadCache = 10_000

func newThreadCache() *threadCache { return &threadCache{m: map[string]threadKey{}} }

func (c *threadCache) lookup(ctx context.Context, s *store.Store, workspaceID, conversationID string) (threadKey, error) {
	c.mu.Lock()
	k, ok := c.m[conversationID]
	c.mu.Unlock()
	if ok {
		return k, nil
	}
	conv, err := s.GetConversation(ctx, workspaceID, conversationID)
	if err != nil {
		return threadKey{}, err
	}
	k = threadKey{channelID: conv.ChannelID, threadID: conv.ThreadID}
	c.mu.Lock()
	if len(c.m) >= maxThreadCache {
		clear(c.m)
	}
	c.m[conversationID] = k
	c.mu.Unlock()
	return k, nil
}
