package realtime

import "testing"

func TestHubDeliversToTopicOnly(t *testing.T) {
	h := NewHub()
	a, cancelA := h.Subscribe("ws:a")
	b, cancelB := h.Subscribe("ws:b")
	defer cancelB()
	h.Publish("ws:a", Event{Type: "conversation", ID: "1"})
	if e := <-a; e.ID != "1" {
		t.Fatalf("got %+v", e)
	}
	select {
	case e := <-b:
		t.Fatalf("other topic got %+v", e)
	default:
	}
	cancelA()
	cancelA() // idempotent
	if n := h.Subscribers("ws:a"); n != 0 {
		t.Fatalf("%d subscribers after cancel", n)
	}
}

func TestHubSlowSubscriberGetsResync(t *testing.T) {
	h := NewHub()
	ch, cancel := h.Subscribe("t")
	defer cancel()
	for i := 0; i < bufferSize+10; i++ {
		h.Publish("t", Event{Type: "conversation"})
	}
	for i := 0; i < bufferSize; i++ {
		<-ch
	}
	h.Publish("t", Event{Type: "conversation"})
	if e := <-ch; e.Type != "resync" {
		t.Fatalf("after overflow got %+v, want resync", e)
	}
}
