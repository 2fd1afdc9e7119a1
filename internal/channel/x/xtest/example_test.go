package xtest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/x"
	"github.com/heed-dev/heed/internal/channel/x/xtest"
)

// A customer mentions the brand; Heed receives it by webhook (and could by
// polling), answers publicly in the thread, and the test inspects what was
// posted.
func Example() {
	s := xtest.New()
	defer s.Close()
	conn := x.New(x.Options{})
	ch := s.Channel() // api_base = the emulator, the brand's credentials

	// Heed's /hooks/{channel_id} endpoint, reduced to what X needs.
	var stored []channel.RawEvent
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet { // CRC
			status, ctype, body := conn.Handshake(ch, r)
			w.Header().Set("Content-Type", ctype)
			w.WriteHeader(status)
			w.Write(body)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if conn.Verify(ch, r, body) != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		events, _ := conn.Split(ch, body)
		stored = append(stored, events...)
	}))
	defer hook.Close()

	fmt.Println("crc:", s.CRC(hook.URL, s.ConsumerSecret))
	ana := xtest.User{ID: "1900000000000000001", Username: "ana", Name: "Ana"}
	mention := s.PostMention(ana, "my parcel is late", "")
	fmt.Println("webhook:", s.DeliverWebhook(hook.URL, s.ConsumerSecret))

	msg, _ := conn.Normalize(stored[0].Payload)
	fmt.Println(msg.Author.Handle, msg.Text, msg.ThreadID == mention.ID)

	res, err := conn.SendReply(context.Background(), ch, channel.Outbound{Public: true, ThreadID: msg.ThreadID, InReplyTo: msg.ExternalID, Text: "Sorry Ana, checking now"})
	fmt.Println("reply:", err)
	posted := s.Tweets()
	fmt.Println(len(posted), posted[0].ID == res.ExternalID, posted[0].InReplyTo == mention.ID)

	// Rate limits: the next post is refused until the window resets.
	s.RateLimit(xtest.EndpointCreateTweet, 0, time.Unix(2000000000, 0))
	_, err = conn.SendReply(context.Background(), ch, channel.Outbound{Public: true, InReplyTo: mention.ID, Text: "again"})
	rl, _ := channel.IsRateLimited(err)
	fmt.Println("retry at", rl.Reset.Unix())
	// Output:
	// crc: <nil>
	// webhook: <nil>
	// @ana @heedbrand my parcel is late true
	// reply: <nil>
	// 1 true true
	// retry at 2000000000
}
