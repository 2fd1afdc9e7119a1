package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/dbtest"
)

// TestInboundReplyRoundTrip walks the path an integrator's customer message
// takes through the real binary: set up with the CLI, connect an API channel,
// post a signed inbound message, find it in the open inbox, reply, and
// receive the signed reply at the callback URL.
func TestInboundReplyRoundTrip(t *testing.T) {
	t.Parallel()
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			in := newInstance(t, engine)
			token := in.createAdmin(t)
			rcv := newReceiver(t)
			p := in.start(t)
			api := p.client(token)

			ch := api.createChannel(t, rcv.URL())
			rcv.setSecret(ch.Secret)

			// The customer wrote 90 s ago; the platform delivers it now.
			posted := time.Now().Add(-90 * time.Second).UTC()
			msg := inboundPayload{ExternalID: "tw-1001", ThreadID: "thread-42", Author: author{ID: "cust-7", Handle: "@maria", Name: "Maria"},
				Text: "My order #123 never arrived", Public: true, CreatedAt: posted.Format(time.RFC3339)}
			hc := &http.Client{Timeout: 30 * time.Second}
			if status, err := postInbound(hc, p.base, ch, msg); err != nil || status != http.StatusAccepted {
				t.Fatalf("post inbound: status %d, error %v; want 202", status, err)
			}
			if status, err := postInbound(hc, p.base, ch, msg); err != nil || status != http.StatusOK {
				t.Fatalf("post the same inbound again: status %d, error %v; want 200 (duplicate)", status, err)
			}

			var conv conversation
			p.waitFor(t, 30*time.Second, "the conversation in the open inbox", func() (bool, string) {
				cs, err := api.listConversations("status=open")
				if err != nil {
					return false, err.Error()
				}
				for _, c := range cs {
					if c.ThreadID == msg.ThreadID {
						conv = c
						return true, ""
					}
				}
				return false, fmt.Sprintf("%d open conversations", len(cs))
			})
			if conv.Status != "new" {
				t.Errorf("new conversation has status %q, want new", conv.Status)
			}

			var reply message
			api.must(t, "POST", "/api/v1/conversations/"+conv.ID+"/messages", map[string]string{"text": "Sorry, Maria! A new parcel is on its way."},
				&reply, http.StatusCreated)
			if reply.ID == "" || reply.InReplyTo != msg.ExternalID {
				t.Fatalf("reply = %+v, want an id and in_reply_to %q", reply, msg.ExternalID)
			}

			p.waitFor(t, 60*time.Second, "the reply at the callback URL", func() (bool, string) {
				n := rcv.acked(reply.ID)[0]
				return n > 0, fmt.Sprintf("%d requests so far", len(rcv.deliveries()))
			})
			for _, d := range rcv.deliveries() {
				if !d.SignatureOK {
					t.Errorf("callback request with a bad X-Heed-Signature: %+v", d)
				}
				if d.DeliveryID != reply.ID || d.Reply.ID != reply.ID {
					t.Errorf("X-Heed-Delivery %q, body id %q; want both %q", d.DeliveryID, d.Reply.ID, reply.ID)
				}
				if d.Reply.InReplyTo != msg.ExternalID || d.Reply.ThreadID != msg.ThreadID || d.Reply.ConversationID != conv.ID {
					t.Errorf("callback body = %+v, want in_reply_to %q, thread_id %q, conversation_id %q",
						d.Reply, msg.ExternalID, msg.ThreadID, conv.ID)
				}
				if d.Reply.Text != "Sorry, Maria! A new parcel is on its way." {
					t.Errorf("callback text = %q", d.Reply.Text)
				}
			}

			var got conversation
			p.waitFor(t, 30*time.Second, "delivery_status sent on the reply", func() (bool, string) {
				var err error
				if got, err = api.getConversation(conv.ID); err != nil {
					return false, err.Error()
				}
				for _, m := range got.Messages {
					if m.ID == reply.ID {
						return m.DeliveryStatus == "sent", "delivery_status " + m.DeliveryStatus
					}
				}
				return false, "reply not listed"
			})
			if got.FirstResponseSeconds == nil {
				t.Fatalf("first_response_seconds not set after the reply: %+v", got)
			}
			// The clock starts when the customer posted, not when Heed heard of it.
			if *got.FirstResponseSeconds < 90 {
				t.Errorf("first_response_seconds = %d, want >= 90 (the customer posted 90 s before the reply)", *got.FirstResponseSeconds)
			}
			if got.Status != "acknowledged" {
				t.Errorf("status after the first reply = %q, want acknowledged", got.Status)
			}
			if len(got.Messages) != 2 || got.Messages[0].ExternalID != msg.ExternalID || got.Messages[0].Direction != "in" ||
				got.Messages[1].Direction != "out" {
				t.Errorf("messages = %+v, want the inbound one (once) then the reply", got.Messages)
			}

			p.stop(t)
		})
	}
}
