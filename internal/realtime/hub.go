// Package realtime carries small "X changed" events from committed writes to
// connected browsers over Server-Sent Events. The browser re-fetches what
// changed through the normal, authorised request path, so events carry ids
// only, never content.
package realtime

import (
	"sync"
)

// Event says that something changed.
type Event struct {
	Type           string `json:"type"` // "conversation", "message", "resync"
	ID             string `json:"id,omitempty"`
	ConversationID string `json:"conversation_id,omitempty"`
}

// Broker fans events out to subscribers of a topic.
type Broker interface {
	Publish(topic string, e Event)
	Subscribe(topic string) (events <-chan Event, cancel func())
}

// Topic names.
func WorkspaceTopic(id string) string    { return "ws:" + id }
func ConversationTopic(id string) string { return "conv:" + id }

// Hub is the in-process Broker of one node.
type Hub struct {
	mu   sync.RWMutex
	subs map[string]map[*subscriber]struct{}
}

type subscriber struct {
	ch      chan Event
	lagging bool // guarded by Hub.mu (write lock)
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[string]map[*subscriber]struct{}{}} }

const bufferSize = 256

// Publish delivers e to every subscriber of topic without blocking. A
// subscriber too slow to keep up gets a single "resync" event instead of the
// ones it missed, so it reloads everything once rather than losing updates.
func (h *Hub) Publish(topic string, e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[topic] {
		if s.lagging {
			select {
			case s.ch <- Event{Type: "resync"}:
				s.lagging = false
			default:
			}
			continue
		}
		select {
		case s.ch <- e:
		default:
			s.lagging = true
		}
	}
}

// Subscribe returns the events of topic until cancel is called.
func (h *Hub) Subscribe(topic string) (<-chan Event, func()) {
	s := &subscriber{ch: make(chan Event, bufferSize)}
	h.mu.Lock()
	if h.subs[topic] == nil {
		h.subs[topic] = map[*subscriber]struct{}{}
	}
	h.subs[topic][s] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs[topic], s)
			if len(h.subs[topic]) == 0 {
				delete(h.subs, topic)
			}
			h.mu.Unlock()
		})
	}
}

// Subscribers counts the subscribers of a topic.
func (h *Hub) Subscribers(topic string) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs[topic])
}

// PublishAll sends e to every subscriber of every topic.
func (h *Hub) PublishAll(e Event) {
	h.mu.RLock()
	topics := make([]string, 0, len(h.subs))
	for t := range h.subs {
		topics = append(topics, t)
	}
	h.mu.RUnlock()
	for _, t := range topics {
		h.Publish(t, e)
	}
}
