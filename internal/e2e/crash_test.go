package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
)

const (
	crashMessages  = 2000 // inbound messages the load tries to post
	crashThreads   = 300  // threads they spread over
	crashClients   = 8    // concurrent posting clients
	crashKillAfter = 800  // acknowledged messages before the SIGKILL
	replyThreads   = 12   // conversations that get replies before the kill
)

// TestCrashSafety kills heed with SIGKILL in the middle of an inbound load
// while replies are queued, restarts it on the same database and checks the
// two promises of DESIGN.md: an acknowledged inbound message is never lost
// nor duplicated, and a queued reply is delivered after the restart, while
// one whose delivery was confirmed before the crash is not sent again.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills heed mid-load and waits out River's stuck-job rescue (about a minute); skipped with -short")
	}
	t.Parallel()
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			testCrashSafety(t, engine)
		})
	}
}

// sentReply is a reply the test asked heed to send.
type sentReply struct {
	ID        string
	Thread    string
	InReplyTo string
	Failing   bool // the receiver answered 503 for its thread until the restart
}

func loadMessage(i int) inboundPayload {
	th := i % crashThreads
	return inboundPayload{ExternalID: fmt.Sprintf("load-%05d", i), ThreadID: fmt.Sprintf("load-thread-%03d", th),
		Author: author{ID: fmt.Sprintf("cust-%03d", th), Handle: fmt.Sprintf("@cust%03d", th), Name: fmt.Sprintf("Customer %d", th)},
		Text:   fmt.Sprintf("Load message %d: where is my parcel?", i), Public: true}
}

func testCrashSafety(t *testing.T, engine db.Engine) {
	in := newInstance(t, engine)
	token := in.createAdmin(t)
	rcv := newReceiver(t)
	p := in.start(t)
	api := p.client(token)
	ch := api.createChannel(t, rcv.URL())
	rcv.setSecret(ch.Secret)
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: crashClients}}
	defer hc.CloseIdleConnections()

	// Conversations to reply to: the receiver accepts replies on even
	// threads and answers 503 on odd ones until the restart.
	seeds := map[string]inboundPayload{}
	failing := map[string]bool{}
	for i := range replyThreads {
		thread := fmt.Sprintf("reply-thread-%02d", i)
		failing[thread] = i%2 == 1
		rcv.setFailing(thread, failing[thread])
		m := inboundPayload{ExternalID: fmt.Sprintf("seed-%02d", i), ThreadID: thread,
			Author: author{ID: fmt.Sprintf("vip-%02d", i), Name: fmt.Sprintf("VIP %d", i)}, Text: "Hello, anyone there?", Public: true}
		if status, err := postInbound(hc, p.base, ch, m); err != nil || status != http.StatusAccepted {
			t.Fatalf("post seed %s: status %d, error %v", m.ExternalID, status, err)
		}
		seeds[thread] = m
	}
	convByThread := map[string]string{}
	p.waitFor(t, 30*time.Second, "the reply threads in the open inbox", func() (bool, string) {
		cs, err := api.listConversations("status=open")
		if err != nil {
			return false, err.Error()
		}
		for _, c := range cs {
			convByThread[c.ThreadID] = c.ID
		}
		return len(convByThread) == replyThreads, fmt.Sprintf("%d of %d", len(convByThread), replyThreads)
	})

	var replies []sentReply
	reply := func(thread, text string) sentReply {
		var m message
		api.must(t, "POST", "/api/v1/conversations/"+convByThread[thread]+"/messages", map[string]string{"text": text}, &m, http.StatusCreated)
		r := sentReply{ID: m.ID, Thread: thread, InReplyTo: seeds[thread].ExternalID, Failing: failing[thread]}
		replies = append(replies, r)
		return r
	}
	for i := range replyThreads {
		reply(fmt.Sprintf("reply-thread-%02d", i), fmt.Sprintf("Hi VIP %d, we are on it.", i))
	}

	// confirmed: replies the receiver accepted and heed recorded as sent
	// before the kill; they must never be delivered again.
	confirmed := map[string]bool{}
	deliveryStatus := func(r sentReply) string {
		c, err := api.getConversation(convByThread[r.Thread])
		if err != nil {
			t.Fatalf("get conversation: %v", err)
		}
		for _, m := range c.Messages {
			if m.ID == r.ID {
				return m.DeliveryStatus
			}
		}
		return "missing"
	}
	p.waitFor(t, 60*time.Second, "healthy replies sent and failing ones tried", func() (bool, string) {
		var waiting []string
		for _, r := range replies {
			attempted := false
			for _, d := range rcv.deliveries() {
				attempted = attempted || d.Reply.ID == r.ID
			}
			switch {
			case r.Failing && !attempted:
				waiting = append(waiting, r.Thread+" untried")
			case !r.Failing && (rcv.acked(r.ID)[0] == 0 || deliveryStatus(r) != "sent"):
				waiting = append(waiting, r.Thread+" unconfirmed")
			case !r.Failing:
				confirmed[r.ID] = true
			}
		}
		return len(waiting) == 0, strings.Join(waiting, ", ")
	})

	// The load: 8 clients post distinct messages until the kill.
	statuses := make([]atomic.Int32, crashMessages) // 0: no answer
	var accepted, next atomic.Int64
	halfway, threshold, killed := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var load sync.WaitGroup
	loadDone := make(chan struct{})
	for range crashClients {
		load.Go(func() {
			for {
				select {
				case <-killed:
					return
				default:
				}
				i := next.Add(1) - 1
				if i >= crashMessages {
					return
				}
				status, err := postInbound(hc, p.base, ch, loadMessage(int(i)))
				if err != nil {
					continue // the kill, most likely; judged below
				}
				statuses[i].Store(int32(status))
				if status/100 == 2 {
					switch accepted.Add(1) {
					case crashKillAfter / 2:
						close(halfway)
					case crashKillAfter:
						close(threshold)
					}
				}
			}
		})
	}
	go func() { load.Wait(); close(loadDone) }()
	stopLoad := sync.OnceFunc(func() { close(killed) })
	t.Cleanup(func() { stopLoad(); <-loadDone }) // if the test fails half-way

	// Replies posted during the load: their jobs may be mid-flight at the kill.
	select {
	case <-halfway:
	case <-loadDone:
		t.Fatalf("the load ended with only %d of %d messages accepted", accepted.Load(), crashMessages)
	}
	var midLoad []sentReply
	for i := 0; i < replyThreads; i += 2 {
		midLoad = append(midLoad, reply(fmt.Sprintf("reply-thread-%02d", i), fmt.Sprintf("VIP %d, one more thing: a voucher.", i)))
	}
	select {
	case <-threshold:
	case <-loadDone:
		t.Fatalf("the load ended with only %d of %d messages accepted", accepted.Load(), crashMessages)
	}
	for _, r := range midLoad {
		if rcv.acked(r.ID)[0] > 0 && deliveryStatus(r) == "sent" {
			confirmed[r.ID] = true
		}
	}
	// One more reply, which the receiver holds unanswered: its job is
	// certainly running when heed dies, and only River's rescue of stuck
	// jobs can deliver it after the restart.
	rcv.setHanging("reply-thread-00", true)
	held := reply("reply-thread-00", "VIP 0, and a handwritten card.")
	holdTimeout := time.After(60 * time.Second)
	for isHeld := false; !isHeld; {
		select {
		case id := <-rcv.hung: // an earlier reply on the thread may be held too
			isHeld = id == held.ID
		case <-holdTimeout:
			t.Fatalf("the reply to hold never reached the receiver")
		}
	}
	p.kill()
	stopLoad()
	<-loadDone
	rcv.setPhase(1, true)

	var ackedBeforeKill, unanswered []int
	for i := range statuses {
		switch s := statuses[i].Load(); {
		case s == http.StatusAccepted || s == http.StatusOK:
			ackedBeforeKill = append(ackedBeforeKill, i)
		case s == 0:
			unanswered = append(unanswered, i)
		default:
			t.Errorf("inbound %s answered %d before the kill", loadMessage(i).ExternalID, s)
		}
	}
	t.Logf("killed heed after %d inbound messages were acknowledged (%d unanswered); %d of %d replies confirmed, %d queued",
		len(ackedBeforeKill), len(unanswered), len(confirmed), len(replies), len(replies)-len(confirmed))

	// Restart on the same data directory and database.
	restarted := time.Now()
	p = in.start(t)
	api = p.client(token)

	// The platform retries what it got no answer for; what heed stored before
	// dying answers 200 (duplicate).
	var retried, duplicates atomic.Int64
	var retry sync.WaitGroup
	var retryNext atomic.Int64
	retryErrs := make(chan string, len(unanswered))
	for range crashClients {
		retry.Go(func() {
			for {
				k := retryNext.Add(1) - 1
				if k >= int64(len(unanswered)) {
					return
				}
				m := loadMessage(unanswered[k])
				status, err := postInbound(hc, p.base, ch, m)
				switch {
				case err != nil:
					retryErrs <- fmt.Sprintf("%s: %v", m.ExternalID, err)
				case status == http.StatusOK:
					duplicates.Add(1)
				case status != http.StatusAccepted:
					retryErrs <- fmt.Sprintf("%s: status %d", m.ExternalID, status)
				}
				retried.Add(1)
			}
		})
	}
	retry.Wait()
	close(retryErrs)
	for e := range retryErrs {
		t.Errorf("re-post after restart: %s", e)
	}
	t.Logf("re-posted %d unanswered messages after the restart; %d had been stored before the kill", retried.Load(), duplicates.Load())

	// Every inbound message is there exactly once. The database says when
	// the processor is done; the API says what it made.
	dbq := openDB(t, in)
	p.waitFor(t, 120*time.Second, "every inbound event processed", func() (bool, string) {
		var pending int
		if err := dbq.QueryRow(`SELECT COUNT(*) FROM inbound_events WHERE processed_at IS NULL`).Scan(&pending); err != nil {
			return false, err.Error()
		}
		return pending == 0, fmt.Sprintf("%d events pending", pending)
	})
	want := crashMessages + replyThreads
	inCount, err := countInbound(api)
	if err != nil {
		t.Fatalf("count inbound messages through the API: %v", err)
	}
	var lost, twice, wrong []string
	for _, i := range ackedBeforeKill {
		id := loadMessage(i).ExternalID
		switch n := inCount[id]; {
		case n == 0:
			lost = append(lost, id)
		case n > 1:
			twice = append(twice, id)
		}
	}
	for i := range crashMessages {
		if id := loadMessage(i).ExternalID; inCount[id] != 1 {
			wrong = append(wrong, fmt.Sprintf("%s×%d", id, inCount[id]))
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d inbound messages acknowledged before the kill are lost: %s", len(lost), sample(lost))
	}
	if len(twice) > 0 {
		t.Errorf("%d inbound messages acknowledged before the kill are stored more than once: %s", len(twice), sample(twice))
	}
	if len(wrong) > 0 {
		t.Errorf("%d inbound messages are not stored exactly once after the platform's retry: %s", len(wrong), sample(wrong))
	}
	if len(inCount) != want {
		t.Errorf("%d distinct inbound external ids, want %d", len(inCount), want)
	}

	// Every reply reaches the callback, and the job queue drains.
	jobs := openJobs(dbq)
	p.waitFor(t, 120*time.Second, "every queued reply delivered and no job left to run", func() (bool, string) {
		var waiting []string
		for _, r := range replies {
			acks := rcv.acked(r.ID)
			if acks[0]+acks[1] == 0 {
				waiting = append(waiting, r.Thread)
			}
		}
		if len(waiting) > 0 {
			return false, "replies on " + strings.Join(waiting, ", ")
		}
		return jobs()
	})
	t.Logf("after the restart: replies delivered and job queue drained in %s", time.Since(restarted).Round(100*time.Millisecond))

	byID := map[string]sentReply{}
	for _, r := range replies {
		byID[r.ID] = r
	}
	redelivered := 0
	for _, d := range rcv.deliveries() {
		r, ok := byID[d.Reply.ID]
		switch {
		case !d.SignatureOK:
			t.Errorf("callback request with a bad signature: %+v", d)
		case !ok:
			t.Errorf("callback for a message nobody sent: %+v", d)
		case d.DeliveryID != d.Reply.ID:
			t.Errorf("X-Heed-Delivery %q differs from the message id %q", d.DeliveryID, d.Reply.ID)
		case d.Reply.InReplyTo != r.InReplyTo || d.Reply.ThreadID != r.Thread:
			t.Errorf("reply %s: in_reply_to %q thread %q, want %q %q", r.ID, d.Reply.InReplyTo, d.Reply.ThreadID, r.InReplyTo, r.Thread)
		case d.Phase == 1 && confirmed[r.ID]:
			t.Errorf("reply %s on %s was confirmed before the kill and delivered again after the restart", r.ID, r.Thread)
		case d.Phase == 1 && rcv.acked(r.ID)[0] > 0:
			redelivered++ // delivered, but the crash came before heed recorded it: at least once
		}
	}
	for _, r := range replies {
		if acks := rcv.acked(r.ID); acks[0]+acks[1] != 1 && confirmed[r.ID] {
			t.Errorf("confirmed reply %s acknowledged %d times by the receiver, want once", r.ID, acks[0]+acks[1])
		}
		if st := deliveryStatus(r); st != "sent" {
			t.Errorf("reply %s on %s has delivery_status %q after the restart, want sent", r.ID, r.Thread, st)
		}
	}
	if redelivered > 0 {
		t.Logf("%d replies delivered before the kill but not yet recorded were delivered again, with the same X-Heed-Delivery", redelivered)
	}
	if len(confirmed) == 0 || len(confirmed) == len(replies) {
		t.Errorf("%d of %d replies confirmed at the kill: the test needs both confirmed and queued ones", len(confirmed), len(replies))
	}
	p.stop(t)
}

// sample shortens a long list for an error message.
func sample(s []string) string {
	if len(s) > 10 {
		return strings.Join(s[:10], ", ") + ", …"
	}
	return strings.Join(s, ", ")
}

// countInbound counts inbound messages by external id through the API.
func countInbound(api *client) (map[string]int, error) {
	convs, err := api.listConversations("")
	if err != nil {
		return nil, err
	}
	ids := make(chan string)
	var mu sync.Mutex
	count := map[string]int{}
	var firstErr error
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for id := range ids {
				c, err := api.getConversation(id)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				for _, m := range c.Messages {
					if m.Direction == "in" {
						count[m.ExternalID]++
					}
				}
				mu.Unlock()
			}
		})
	}
	for _, c := range convs {
		ids <- c.ID
	}
	close(ids)
	wg.Wait()
	return count, firstErr
}

// openDB opens the instance's database next to the running heed, to watch
// what the API does not show: pending inbound events and River's job queue.
func openDB(t *testing.T, in *instance) *sql.DB {
	t.Helper()
	d, err := db.Open(context.Background(), in.databaseURL())
	if err != nil {
		t.Fatalf("open the database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d.Read
}

// openJobs returns a check that River's queue has nothing left to run: no
// job available, running, retryable, scheduled or pending. Only then can the
// test be sure no further delivery will come.
func openJobs(d *sql.DB) func() (bool, string) {
	return func() (bool, string) {
		rows, err := d.Query(`SELECT state, COUNT(*) FROM river_job GROUP BY state`)
		if err != nil {
			return false, err.Error()
		}
		defer rows.Close()
		var open []string
		for rows.Next() {
			var state string
			var n int
			if err := rows.Scan(&state, &n); err != nil {
				return false, err.Error()
			}
			if !slices.Contains([]string{"completed", "cancelled", "discarded"}, state) {
				open = append(open, fmt.Sprintf("%d %s", n, state))
			}
		}
		if err := rows.Err(); err != nil {
			return false, err.Error()
		}
		sort.Strings(open)
		return len(open) == 0, "jobs: " + strings.Join(open, ", ")
	}
}
