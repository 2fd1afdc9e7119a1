package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/report"
	"github.com/heed-dev/heed/internal/store"
)

func msAt(s string) int64 {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

func TestImportTimeline(t *testing.T) {
	in := func(at string) store.ImportMessage {
		return store.ImportMessage{Inbound: true, CreatedAt: msAt(at), Text: "in " + at}
	}
	out := func(at string) store.ImportMessage {
		return store.ImportMessage{CreatedAt: msAt(at), Text: "out " + at}
	}
	hold := func(at string) store.ImportMessage {
		return store.ImportMessage{Holding: true, CreatedAt: msAt(at), Text: "hold " + at}
	}
	p := func(at string) *int64 { v := msAt(at); return &v }
	tests := []struct {
		name string
		msgs []store.ImportMessage
		want store.ImportTimeline
	}{
		{"answered last: resolved at the reply",
			[]store.ImportMessage{out("2026-01-01T10:05:00Z"), in("2026-01-01T10:00:00Z")},
			store.ImportTimeline{CreatedAt: msAt("2026-01-01T10:00:00Z"), LastMessageAt: msAt("2026-01-01T10:05:00Z"),
				AcknowledgedAt: p("2026-01-01T10:05:00Z"), FirstResponseAt: p("2026-01-01T10:05:00Z"), ResolvedAt: p("2026-01-01T10:05:00Z"),
				Status: model.StatusResolved, Preview: "out 2026-01-01T10:05:00Z"}},
		{"customer last: acknowledged, open",
			[]store.ImportMessage{in("2026-01-01T10:00:00Z"), out("2026-01-01T10:05:00Z"), in("2026-01-01T10:07:00Z")},
			store.ImportTimeline{CreatedAt: msAt("2026-01-01T10:00:00Z"), LastMessageAt: msAt("2026-01-01T10:07:00Z"),
				AcknowledgedAt: p("2026-01-01T10:05:00Z"), FirstResponseAt: p("2026-01-01T10:05:00Z"),
				Status: model.StatusAcknowledged, Preview: "in 2026-01-01T10:07:00Z"}},
		{"unanswered: new",
			[]store.ImportMessage{in("2026-01-01T10:00:00Z"), in("2026-01-01T10:01:00Z")},
			store.ImportTimeline{CreatedAt: msAt("2026-01-01T10:00:00Z"), LastMessageAt: msAt("2026-01-01T10:01:00Z"),
				Status: model.StatusNew, Preview: "in 2026-01-01T10:01:00Z"}},
		{"brand started the thread: its first post is no response",
			[]store.ImportMessage{out("2026-01-01T09:00:00Z"), in("2026-01-01T10:00:00Z"), out("2026-01-01T10:30:00Z")},
			store.ImportTimeline{CreatedAt: msAt("2026-01-01T10:00:00Z"), LastMessageAt: msAt("2026-01-01T10:30:00Z"),
				AcknowledgedAt: p("2026-01-01T10:30:00Z"), FirstResponseAt: p("2026-01-01T10:30:00Z"), ResolvedAt: p("2026-01-01T10:30:00Z"),
				Status: model.StatusResolved, Preview: "out 2026-01-01T10:30:00Z"}},
		{"holding reply acknowledges, does not answer nor resolve",
			[]store.ImportMessage{in("2026-01-01T10:00:00Z"), hold("2026-01-01T10:01:00Z")},
			store.ImportTimeline{CreatedAt: msAt("2026-01-01T10:00:00Z"), LastMessageAt: msAt("2026-01-01T10:01:00Z"),
				AcknowledgedAt: p("2026-01-01T10:01:00Z"), Status: model.StatusAcknowledged, Preview: "hold 2026-01-01T10:01:00Z"}},
		{"reply in the same second counts",
			[]store.ImportMessage{out("2026-01-01T10:00:00Z"), in("2026-01-01T10:00:00Z")},
			store.ImportTimeline{CreatedAt: msAt("2026-01-01T10:00:00Z"), LastMessageAt: msAt("2026-01-01T10:00:00Z"),
				AcknowledgedAt: p("2026-01-01T10:00:00Z"), FirstResponseAt: p("2026-01-01T10:00:00Z"),
				// Same time: the given order decides which is last.
				Status: model.StatusAcknowledged, Preview: "in 2026-01-01T10:00:00Z"}},
	}
	for _, tt := range tests {
		got, ok := store.ComputeImportTimeline(tt.msgs)
		if !ok || showTL(got) != showTL(tt.want) {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, showTL(got), showTL(tt.want))
		}
	}
	if _, ok := store.ComputeImportTimeline([]store.ImportMessage{out("2026-01-01T10:00:00Z")}); ok {
		t.Error("a thread without inbound messages has a timeline")
	}
}

func showTL(tl store.ImportTimeline) string {
	f := func(p *int64) string {
		if p == nil {
			return "nil"
		}
		return time.UnixMilli(*p).UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("created %s last %s ack %s fr %s resolved %s %s %q", time.UnixMilli(tl.CreatedAt).UTC().Format(time.RFC3339),
		time.UnixMilli(tl.LastMessageAt).UTC().Format(time.RFC3339), f(tl.AcknowledgedAt), f(tl.FirstResponseAt), f(tl.ResolvedAt), tl.Status, tl.Preview)
}

func TestParseLine(t *testing.T) {
	good := `{"channel_type":"x","account":"AskBrand","thread_id":42,"public":true,"messages":[
		{"external_id":2,"direction":"outbound","author":{"id":"AskBrand"},"text":"hi","created_at":"2026-01-01T10:05:00.250Z","public":false},
		{"external_id":"1","direction":"inbound","author":{"id":123,"handle":"@ana","name":"Ana"},"text":"help","created_at":"2026-01-01T10:00:00+01:00"},
		{"external_id":"1","direction":"inbound","author":{"id":"123"},"text":"help again","created_at":"2026-01-01T10:00:00Z"}],"extra":"ignored"}`
	th, err := report.ParseLine([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if th.ThreadID != "42" || th.ChannelType != "x" || th.Account != "AskBrand" || !th.Public || len(th.Messages) != 2 ||
		th.Customer != (store.ImportAuthor{ID: "123", Handle: "@ana", Name: "Ana"}) {
		t.Fatalf("parsed %+v", th)
	}
	if m := th.Messages[0]; m.ExternalID != "2" || m.Inbound || m.Public || m.CreatedAt != msAt("2026-01-01T10:05:00Z")+250 {
		t.Errorf("outbound message %+v", m)
	}
	if m := th.Messages[1]; m.ExternalID != "1" || !m.Inbound || !m.Public || m.CreatedAt != msAt("2026-01-01T09:00:00Z") || m.Text != "help" {
		t.Errorf("inbound message %+v", m)
	}

	msg := func(fields string) string {
		return `{"channel_type":"x","account":"A","thread_id":"t","messages":[{` + fields + `}]}`
	}
	inbound := `"external_id":"1","direction":"inbound","author":{"id":"u"},"text":"x","created_at":"2026-01-01T00:00:00Z"`
	for _, tt := range []struct{ line, reason, detail string }{
		{`{"channel_type":`, report.SkipInvalidJSON, ""},
		{`[1,2]`, report.SkipInvalidJSON, ""},
		{`{"channel_type":"x","account":"A","thread_id":{"a":1},"messages":[]}`, report.SkipInvalidJSON, ""},
		{`{"account":"A","thread_id":"t","messages":[{` + inbound + `}]}`, report.SkipNoChannelType, ""},
		{`{"channel_type":"x","account":"  ","thread_id":"t","messages":[{` + inbound + `}]}`, report.SkipNoAccount, ""},
		{`{"channel_type":"x","account":"A","messages":[{` + inbound + `}]}`, report.SkipNoThreadID, ""},
		{`{"channel_type":"x","account":"A","thread_id":"t","messages":[]}`, report.SkipNoMessages, ""},
		{msg(`"direction":"inbound","author":{"id":"u"},"created_at":"2026-01-01T00:00:00Z"`), report.SkipInvalidMessage, "messages[0].external_id"},
		{msg(`"external_id":"1","direction":"sideways","author":{"id":"u"},"created_at":"2026-01-01T00:00:00Z"`), report.SkipInvalidMessage, "messages[0].direction"},
		{msg(`"external_id":"1","direction":"inbound","created_at":"2026-01-01T00:00:00Z"`), report.SkipInvalidMessage, "messages[0].author.id"},
		{msg(`"external_id":"1","direction":"inbound","author":{"id":"u"}`), report.SkipInvalidMessage, "messages[0].created_at"},
		{msg(`"external_id":"1","direction":"inbound","author":{"id":"u"},"created_at":"Tue Oct 31 22:10:47 +0000 2017"`), report.SkipInvalidMessage, "messages[0].created_at"},
		{msg(`"external_id":"1","direction":"outbound","author":{"id":"b"},"created_at":"2026-01-01T00:00:00Z"`), report.SkipNoInbound, ""},
	} {
		_, err := report.ParseLine([]byte(tt.line))
		var le *report.LineError
		if !errors.As(err, &le) || le.Reason != tt.reason || !strings.HasPrefix(le.Detail, tt.detail) {
			t.Errorf("%s: %v, want reason %q detail %q…", tt.line, err, tt.reason, tt.detail)
		}
	}
}

// FuzzParseLine: any input either parses into a thread the store can take
// (ids present and unique, a customer, at least one inbound message) or is a
// LineError with a known reason; it never panics.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{
		`{"channel_type":"x","account":"A","thread_id":"t","public":true,"messages":[{"external_id":"1","direction":"inbound","author":{"id":"u"},"text":"x","created_at":"2026-01-01T00:00:00Z"}]}`,
		`{"channel_type":"x","account":"A","thread_id":1e3,"messages":[{"external_id":1,"direction":"in","author":{"id":2},"created_at":"2026-01-01T00:00:00.5+02:00","holding":true},{"external_id":"2","direction":"out","holding":true,"created_at":"2026-01-01T00:00:00Z"}]}`,
		`{"messages":null}`, `null`, `"x"`, ``, `{"thread_id":"\u0000"}`,
	} {
		f.Add([]byte(s))
	}
	reasons := []string{report.SkipInvalidJSON, report.SkipNoChannelType, report.SkipNoAccount, report.SkipNoThreadID,
		report.SkipNoMessages, report.SkipInvalidMessage, report.SkipNoInbound}
	f.Fuzz(func(t *testing.T, line []byte) {
		th, err := report.ParseLine(line)
		if err != nil {
			var le *report.LineError
			if !errors.As(err, &le) || !slices.Contains(reasons, le.Reason) {
				t.Fatalf("error %v is not a LineError with a known reason", err)
			}
			return
		}
		if th.ChannelType == "" || th.Account == "" || th.ThreadID == "" || th.Customer.ID == "" || len(th.Messages) == 0 {
			t.Fatalf("incomplete thread %+v", th)
		}
		seen := map[string]bool{}
		inbound := false
		for _, m := range th.Messages {
			if m.ExternalID == "" || seen[m.ExternalID] {
				t.Fatalf("message id %q empty or repeated", m.ExternalID)
			}
			seen[m.ExternalID] = true
			inbound = inbound || m.Inbound
			if m.Inbound && m.Holding {
				t.Fatal("an inbound message is holding")
			}
		}
		if _, ok := store.ComputeImportTimeline(th.Messages); !inbound || !ok {
			t.Fatal("parsed thread without a timeline")
		}
	})
}

// line builds one import line.
func line(account, thread string, public bool, msgs ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"channel_type": "x", "account": account, "thread_id": thread, "public": public, "messages": msgs})
	return string(b)
}

func inMsg(id, author, at string) map[string]any {
	return map[string]any{"external_id": id, "direction": "inbound", "author": map[string]string{"id": author, "handle": "@" + author}, "text": "help " + id, "created_at": at}
}

func outMsg(id, at string) map[string]any {
	return map[string]any{"external_id": id, "direction": "outbound", "author": map[string]string{"id": "brand"}, "text": "reply " + id, "created_at": at}
}

type counts struct{ channels, customers, identities, conversations, messages int }

func countRows(t *testing.T, d *db.DB) counts {
	t.Helper()
	var c counts
	for _, x := range []struct {
		table string
		dst   *int
	}{{"channels", &c.channels}, {"customers", &c.customers}, {"identities", &c.identities}, {"conversations", &c.conversations}, {"messages", &c.messages}} {
		if err := d.Read.QueryRow("SELECT COUNT(*) FROM " + x.table).Scan(x.dst); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func csvOf(t *testing.T, st *store.Store, wsID string) string {
	t.Helper()
	var buf bytes.Buffer
	q := report.Query{WorkspaceID: wsID, From: time.Unix(0, 0), To: time.Now().Add(time.Hour), Hours: report.HoursCalendar}
	if err := report.WriteCSV(context.Background(), st, q, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestImportIdempotentAndSkips(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, wsID := world(t, d)
		// A live channel of the same type and name is reused, not duplicated.
		live, err := st.CreateChannel(ctx, model.Channel{WorkspaceID: wsID, Type: "x", Name: "AskBrand", Secret: "s"})
		if err != nil {
			t.Fatal(err)
		}
		file := strings.Join([]string{
			line("AskBrand", "t1", true, inMsg("1", "ana", "2026-01-05T10:00:00Z"), outMsg("2", "2026-01-05T10:15:00Z")),
			"",
			line("AskBrand", "t2", true, inMsg("3", "ben", "2026-01-05T11:00:00Z")),
			`{"channel_type":"x","account":"AskBrand",`,
			line("Other Brand", "t1", false, inMsg("1", "ana", "2026-01-05T12:00:00Z"), outMsg("4", "2026-01-05T12:10:00Z"), inMsg("5", "ana", "2026-01-05T12:20:00Z")),
			line("", "t9", true, inMsg("9", "cy", "2026-01-05T12:00:00Z")),
			line("AskBrand", "t3", true, outMsg("6", "2026-01-05T13:00:00Z")),
			`{"channel_type":"x","account":"AskBrand","thread_id":"t4","messages":[{"external_id":"7","direction":"inbound","author":{"id":"u"},"created_at":"yesterday"}]}`,
			"   ",
			line("AskBrand", "t3b", true, outMsg("8", "2026-01-05T13:00:00Z")),
		}, "\n") + "\n"

		res, err := report.Import(ctx, st, strings.NewReader(file), report.ImportOptions{BatchSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		if res.Lines != 8 || res.Created != 3 || res.Updated != 0 || res.Unchanged != 0 || res.Messages != 6 {
			t.Errorf("first import: %+v", res)
		}
		wantSkips := []report.Skip{
			{Reason: report.SkipNoInbound, Count: 2, Lines: []int{7, 10}},
			{Reason: report.SkipInvalidJSON, Count: 1, Lines: []int{4}},
			{Reason: report.SkipInvalidMessage, Count: 1, Lines: []int{8}, Detail: "messages[0].created_at: must be an RFC 3339 time"},
			{Reason: report.SkipNoAccount, Count: 1, Lines: []int{6}},
		}
		if len(res.Skipped) != len(wantSkips) {
			t.Fatalf("skipped %+v, want %+v", res.Skipped, wantSkips)
		}
		for i, w := range wantSkips {
			g := res.Skipped[i]
			if g.Reason != w.Reason || g.Count != w.Count || !slices.Equal(g.Lines, w.Lines) || (w.Detail != "" && g.Detail != w.Detail) {
				t.Errorf("skip %d: %+v, want %+v", i, g, w)
			}
		}
		chans, err := st.ListChannels(ctx, wsID)
		if err != nil {
			t.Fatal(err)
		}
		if len(chans) != 2 {
			t.Fatalf("%d channels, want AskBrand (live) and Other Brand (imported)", len(chans))
		}
		for _, c := range chans {
			switch c.Name {
			case "AskBrand":
				if c.ID != live.ID {
					t.Error("import made a second AskBrand channel")
				}
			case "Other Brand":
				if string(c.Settings) != store.ImportedSettings || c.Type != "x" || len(c.Secret) < 32 {
					t.Errorf("imported channel %+v", c)
				}
			}
		}
		// Thread t1 exists on both accounts with the same message id 1:
		// ids are per channel, so both are stored. The same customer (x,
		// ana) is one customer.
		before := countRows(t, d)
		if before != (counts{channels: 2, customers: 2, identities: 2, conversations: 3, messages: 6}) {
			t.Errorf("rows after import: %+v", before)
		}
		snapshot := csvOf(t, st, wsID)
		for _, want := range []string{
			",AskBrand,x,t1,true,resolved,2026-01-05T10:00:00Z,900,900,900,true,,,false,,false,,,true,,,'@ana\n",
			",AskBrand,x,t2,true,new,2026-01-05T11:00:00Z,,,,false,,,false,,false,,,,,,'@ben\n",
			",Other Brand,x,t1,false,acknowledged,2026-01-05T12:00:00Z,600,,600,true,,,false,,false,,,false,,,'@ana\n",
		} {
			if !strings.Contains(snapshot, want) {
				t.Errorf("export lacks %q:\n%s", want, snapshot)
			}
		}

		// Again: nothing changes.
		res, err = report.Import(ctx, st, strings.NewReader(file), report.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 0 || res.Updated != 0 || res.Unchanged != 3 || res.Messages != 0 || res.SkippedTotal() != 5 {
			t.Errorf("second import: %+v", res)
		}
		if after := countRows(t, d); after != before {
			t.Errorf("rows after re-import %+v, before %+v", after, before)
		}
		if again := csvOf(t, st, wsID); again != snapshot {
			t.Errorf("re-import changed the data:\n%s\nwas\n%s", again, snapshot)
		}

		// The thread grew: the new reply is added and the timeline recomputed.
		grown := line("AskBrand", "t2", true, inMsg("3", "ben", "2026-01-05T11:00:00Z"), outMsg("3r", "2026-01-05T11:20:00Z"))
		res, err = report.Import(ctx, st, strings.NewReader(grown), report.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Updated != 1 || res.Messages != 1 {
			t.Errorf("grown thread: %+v", res)
		}
		if got := csvOf(t, st, wsID); !strings.Contains(got, ",AskBrand,x,t2,true,resolved,2026-01-05T11:00:00Z,1200,1200,1200,true,") {
			t.Errorf("grown thread not recomputed:\n%s", got)
		}
	})
}

func TestImportLineTooLong(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	st, _ := world(t, d)
	long := `{"channel_type":"x","account":"A","thread_id":"t","messages":[{"external_id":"1","direction":"inbound","author":{"id":"u"},"created_at":"2026-01-01T00:00:00Z","text":"` +
		strings.Repeat("a", report.MaxLineBytes) + `"}]}`
	big := inMsg("3", "u", "2026-01-01T00:00:00Z")
	big["text"] = strings.Repeat("b", 1<<20)                                                                                   // longer than the read buffer, within the limit
	file := long + "\n" + line("A", "t3", true, big) + "\r\n" + line("A", "t2", true, inMsg("2", "u", "2026-01-01T00:00:00Z")) // no final newline
	res, err := report.Import(context.Background(), st, strings.NewReader(file), report.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Lines != 3 || res.Created != 2 || len(res.Skipped) != 1 || res.Skipped[0].Reason != report.SkipLineTooLong || res.Skipped[0].Lines[0] != 1 {
		t.Fatalf("%+v", res)
	}
}

func TestImportNeedsWorkspace(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	_, err := report.Import(context.Background(), newStore(t, d), strings.NewReader(""), report.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "no workspace") {
		t.Fatalf("import into an empty install: %v", err)
	}
}

// TestImportOverlaps: a thread twice in one batch, and a message claimed by
// two threads of the same account.
func TestImportOverlaps(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, wsID := world(t, d)
		file := strings.Join([]string{
			line("AskBrand", "t5", true, inMsg("50", "ana", "2026-01-05T10:00:00Z")),
			line("AskBrand", "t5", true, inMsg("50", "ana", "2026-01-05T10:00:00Z"), outMsg("51", "2026-01-05T10:30:00Z")),
			line("AskBrand", "t6", true, inMsg("50", "ana", "2026-01-05T10:00:00Z")),
			line("AskBrand", "t7", true, inMsg("70", "ana", "2026-01-05T11:00:00Z"), outMsg("51", "2026-01-05T11:05:00Z")),
		}, "\n")
		res, err := report.Import(ctx, st, strings.NewReader(file), report.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 2 || res.Updated != 1 || res.Messages != 3 || res.SkippedTotal() != 1 || res.Skipped[0].Reason != report.SkipOtherThread || res.Skipped[0].Lines[0] != 3 {
			t.Fatalf("%+v", res)
		}
		got := csvOf(t, st, wsID)
		for _, want := range []string{
			",AskBrand,x,t5,true,resolved,2026-01-05T10:00:00Z,1800,1800,1800,true,",
			// t7's reply was t5's already: t7 keeps only its question.
			",AskBrand,x,t7,true,new,2026-01-05T11:00:00Z,,,,false,",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("export lacks %q:\n%s", want, got)
			}
		}
		if c := countRows(t, d); c.conversations != 2 || c.messages != 3 || c.customers != 1 {
			t.Errorf("rows %+v", c)
		}
	})
}
