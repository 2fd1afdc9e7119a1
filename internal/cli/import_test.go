package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/datadir"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// The expected figures of one account, computed straight from the data set.
type expected struct {
	conversations, responded int
	firstResponse            []float64 // seconds
}

// medianOf is the textbook median: the middle value, or the mean of the two
// middle values.
func medianOf(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

type jsonMsg struct {
	ExternalID string            `json:"external_id"`
	Direction  string            `json:"direction"`
	Author     map[string]string `json:"author"`
	Text       string            `json:"text"`
	CreatedAt  string            `json:"created_at"`
}

type jsonLine struct {
	ChannelType string    `json:"channel_type"`
	Account     string    `json:"account"`
	ThreadID    string    `json:"thread_id"`
	Public      bool      `json:"public"`
	Messages    []jsonMsg `json:"messages"`
}

// dataSet is a data set converted to import lines, with its expected
// figures and skips.
type dataSet struct {
	lines    []jsonLine
	want     map[string]*expected // by account
	skips    map[string]int       // by reason
	from, to time.Time
}

func (ds *dataSet) expect(account string) *expected {
	e := ds.want[account]
	if e == nil {
		e = &expected{}
		ds.want[account] = e
	}
	return e
}

func (ds *dataSet) span(t time.Time) {
	if ds.from.IsZero() || t.Before(ds.from) {
		ds.from = t
	}
	if t.After(ds.to) {
		ds.to = t
	}
}

type tweet struct {
	id, author string
	inbound    bool
	at         time.Time
	text       string
	replyTo    string
	replies    []string
}

var mentionRE = regexp.MustCompile(`@(\w+)`)

// twcsDataSet converts twcs_threads_dev.csv: a thread is a connected
// component of tweets linked by in_response_to_tweet_id/response_tweet_id
// (within the file), its id the smallest tweet id. Customer tweets are
// inbound, brand tweets outbound, and each brand that tweets in a thread is
// an account with its own conversation (all the customer tweets plus its
// own). A thread without brand tweets goes to the first known brand its
// customers mention, else it has no account. A conversation starts at its
// first customer tweet; its first response is the first brand tweet at or
// after that second.
func twcsDataSet(t *testing.T) dataSet {
	f, err := os.Open(filepath.Join(sharedData(t, "twcs"), "twcs_threads_dev.csv"))
	if err != nil {
		t.Skipf("SKIPPING: %v", err)
	}
	defer f.Close()
	rd := csv.NewReader(f)
	header, err := rd.Read()
	if err != nil || strings.Join(header, ",") != "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id" {
		t.Fatalf("twcs header %v %v", header, err)
	}
	tweets := map[string]*tweet{}
	var order []string
	brands := map[string]string{} // lower-case handle → handle
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		at, err := time.Parse("Mon Jan 02 15:04:05 -0700 2006", rec[3])
		if err != nil {
			t.Fatal(err)
		}
		tw := &tweet{id: rec[0], author: rec[1], inbound: rec[2] == "True", at: at, text: rec[4], replyTo: rec[6]}
		if rec[5] != "" {
			tw.replies = strings.Split(rec[5], ",")
		}
		if !tw.inbound {
			brands[strings.ToLower(tw.author)] = tw.author
		}
		tweets[tw.id] = tw
		order = append(order, tw.id)
	}
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		return x
	}
	union := func(a, b string) {
		if tweets[a] == nil || tweets[b] == nil {
			return
		}
		if ra, rb := find(a), find(b); ra != rb {
			parent[ra] = rb
		}
	}
	for _, id := range order {
		tw := tweets[id]
		union(tw.id, tw.replyTo)
		for _, r := range tw.replies {
			union(tw.id, r)
		}
	}
	threads := map[string][]*tweet{}
	for _, id := range order {
		root := find(id)
		threads[root] = append(threads[root], tweets[id])
	}
	numeric := func(a, b string) int {
		x, _ := strconv.ParseInt(a, 10, 64)
		y, _ := strconv.ParseInt(b, 10, 64)
		return int(x - y)
	}
	ds := dataSet{want: map[string]*expected{}, skips: map[string]int{}}
	roots := make([]string, 0, len(threads))
	for r := range threads {
		roots = append(roots, r)
	}
	slices.Sort(roots)
	for _, root := range roots {
		tws := threads[root]
		slices.SortFunc(tws, func(a, b *tweet) int {
			if c := a.at.Compare(b.at); c != 0 {
				return c
			}
			return numeric(a.id, b.id)
		})
		threadID := tws[0].id
		var customer []*tweet
		byBrand := map[string][]*tweet{}
		var accounts []string
		for _, tw := range tws {
			ds.span(tw.at)
			if numeric(tw.id, threadID) < 0 {
				threadID = tw.id
			}
			if tw.inbound {
				customer = append(customer, tw)
				continue
			}
			if byBrand[tw.author] == nil {
				accounts = append(accounts, tw.author)
			}
			byBrand[tw.author] = append(byBrand[tw.author], tw)
		}
		if len(accounts) == 0 {
			account := ""
		mention:
			for _, tw := range customer {
				for _, m := range mentionRE.FindAllStringSubmatch(tw.text, -1) {
					if b, ok := brands[strings.ToLower(m[1])]; ok {
						account = b
						break mention
					}
				}
			}
			accounts = []string{account}
		}
		for _, account := range accounts {
			l := jsonLine{ChannelType: "x", Account: account, ThreadID: threadID, Public: true}
			for _, tw := range tws {
				if tw.inbound {
					l.Messages = append(l.Messages, jsonMsg{ExternalID: tw.id, Direction: "inbound", Author: map[string]string{"id": tw.author, "handle": "@" + tw.author},
						Text: tw.text, CreatedAt: tw.at.Format(time.RFC3339)})
				} else if tw.author == account {
					l.Messages = append(l.Messages, jsonMsg{ExternalID: tw.id, Direction: "outbound", Author: map[string]string{"id": tw.author, "handle": "@" + tw.author},
						Text: tw.text, CreatedAt: tw.at.Format(time.RFC3339)})
				}
			}
			ds.lines = append(ds.lines, l)
			switch {
			case account == "":
				ds.skips["missing account"]++
				continue
			case len(customer) == 0:
				ds.skips["no inbound message"]++
				continue
			}
			e := ds.expect(account)
			e.conversations++
			start := customer[0].at
			for _, tw := range byBrand[account] {
				if !tw.at.Before(start) {
					e.responded++
					e.firstResponse = append(e.firstResponse, tw.at.Sub(start).Seconds())
					break
				}
			}
		}
	}
	return ds
}

// ibmDataSet converts ibm_cdp_dev.json: a conversation per dialog, the
// company its account, client turns (client, client1) inbound and agent
// turns outbound; the final agent turn (agentURL) has no datetime, so its
// time comes from its tweet id (a Twitter snowflake: ms = id>>22 +
// 1288834974657), to the millisecond.
func ibmDataSet(t *testing.T) dataSet {
	raw, err := os.ReadFile(filepath.Join(sharedData(t, "ibm_twitter_cdp"), "ibm_cdp_dev.json"))
	if err != nil {
		t.Skipf("SKIPPING: %v", err)
	}
	var dialogs []struct {
		AgentURL struct {
			TweetID      string `json:"tweet_ID"`
			URLUtterance string `json:"url_utterance"`
		} `json:"agentURL"`
		DialogContent []map[string]string `json:"dialogContent"`
		DialogHeader  struct {
			Company   string `json:"company"`
			SessionID string `json:"sessionID"`
		} `json:"dialogHeader"`
	}
	if err := json.Unmarshal(raw, &dialogs); err != nil {
		t.Fatal(err)
	}
	ds := dataSet{want: map[string]*expected{}, skips: map[string]int{}}
	for _, d := range dialogs {
		company := d.DialogHeader.Company
		l := jsonLine{ChannelType: "x", Account: company, ThreadID: d.DialogHeader.SessionID, Public: true}
		type turn struct {
			inbound bool
			at      time.Time
		}
		var turns []turn
		for _, c := range d.DialogContent {
			at, err := time.Parse(time.RFC3339, c["datetime"])
			if err != nil {
				t.Fatal(err)
			}
			m := jsonMsg{ExternalID: c["tweet_ID"], Text: c["message"], CreatedAt: at.Format(time.RFC3339Nano)}
			switch {
			case c["client"] != "" || c["client1"] != "":
				who := c["client"] + c["client1"]
				m.Direction, m.Author = "inbound", map[string]string{"id": who, "handle": "@" + who}
			case c["agent"] != "":
				m.Direction, m.Author = "outbound", map[string]string{"id": c["agent"]}
			default:
				t.Fatalf("turn without a speaker: %v", c)
			}
			turns = append(turns, turn{m.Direction == "inbound", at})
			l.Messages = append(l.Messages, m)
			ds.span(at)
		}
		id, err := strconv.ParseInt(d.AgentURL.TweetID, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		at := time.UnixMilli(id>>22 + 1288834974657).UTC()
		l.Messages = append(l.Messages, jsonMsg{ExternalID: d.AgentURL.TweetID, Direction: "outbound", Author: map[string]string{"id": company},
			Text: d.AgentURL.URLUtterance, CreatedAt: at.Format(time.RFC3339Nano)})
		turns = append(turns, turn{false, at})
		ds.span(at)
		ds.lines = append(ds.lines, l)

		e := ds.expect(company)
		e.conversations++
		var start time.Time
		for _, tr := range turns {
			if tr.inbound && (start.IsZero() || tr.at.Before(start)) {
				start = tr.at
			}
		}
		var first time.Time
		for _, tr := range turns {
			if !tr.inbound && !tr.at.Before(start) && (first.IsZero() || tr.at.Before(first)) {
				first = tr.at
			}
		}
		if !first.IsZero() {
			e.responded++
			e.firstResponse = append(e.firstResponse, first.Sub(start).Seconds())
		}
	}
	return ds
}

func writeLines(t *testing.T, lines []jsonLine) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, l := range lines {
		if err := enc.Encode(l); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(t.TempDir(), "history.jsonl")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// runImport runs `heed import` on the node's database and returns stdout.
func runImport(t *testing.T, n *apptest.Node, file string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args := []string{"--data", t.TempDir(), "--database-url", n.App.Config.DatabaseURL, file}
	if err := importCmd(context.Background(), args, nil, &stdout, &stderr); err != nil {
		t.Fatalf("heed import: %v\n%s", err, stderr.String())
	}
	return stdout.String()
}

func apiGet(t *testing.T, n *apptest.Node, path string, v url.Values) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", n.URL+path+"?"+v.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+n.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s (is (*api.Handler).registerReports called from api.Register?)", path, res.StatusCode, body)
	}
	return body
}

// TestImportRealData imports real customer-care threads with `heed import`
// into a running node and checks the summary API against figures computed
// from the data set itself: per brand, the conversations, the response rate
// and the median first response.
func TestImportRealData(t *testing.T) {
	t.Setenv("HEED_SECRET_KEY", "test-secret-key-0123456789") // apptest's: the node must read the channels import seals
	sets := []struct {
		name string
		load func(*testing.T) dataSet
	}{{"twcs", twcsDataSet}, {"ibm_cdp", ibmDataSet}}
	for _, engine := range dbtest.Engines {
		for _, set := range sets {
			t.Run(string(engine)+"/"+set.name, func(t *testing.T) {
				ds := set.load(t)
				n := apptest.Start(t, engine)
				file := writeLines(t, ds.lines)
				start := time.Now()
				out := runImport(t, n, file)
				t.Logf("%s: imported %d lines in %s:\n%s", set.name, len(ds.lines), time.Since(start).Round(time.Millisecond), out)

				total, skipped := 0, 0
				for _, e := range ds.want {
					total += e.conversations
				}
				for _, c := range ds.skips {
					skipped += c
				}
				if !strings.Contains(out, fmt.Sprintf("conversations  %s new, 0 updated, 0 already imported\n", thousands(total))) ||
					!strings.Contains(out, fmt.Sprintf("skipped        %s\n", thousands(skipped))) {
					t.Errorf("import summary, want %d new and %d skipped:\n%s", total, skipped, out)
				}
				for reason, c := range ds.skips {
					if !strings.Contains(out, fmt.Sprintf("%7s  %s: lines ", thousands(c), reason)) {
						t.Errorf("summary lacks %d × %q:\n%s", c, reason, out)
					}
				}

				params := url.Values{"from": {ds.from.Add(-time.Hour).Format(time.RFC3339)}, "to": {ds.to.Add(time.Hour).Format(time.RFC3339)}, "group_by": {"account"}}
				start = time.Now()
				body := apiGet(t, n, "/api/v1/reports/summary", params)
				t.Logf("%s: summary of %d conversations over %d accounts in %s", set.name, total, len(ds.want), time.Since(start).Round(time.Millisecond))
				var sum struct {
					Groups []struct {
						Key                  string   `json:"key"`
						Conversations        int      `json:"conversations"`
						Responded            int      `json:"responded"`
						ResponseRate         *float64 `json:"response_rate"`
						FirstResponseSeconds struct {
							Median *float64 `json:"median"`
						} `json:"first_response_seconds"`
					} `json:"groups"`
				}
				if err := json.Unmarshal(body, &sum); err != nil {
					t.Fatal(err)
				}
				if len(sum.Groups) != len(ds.want) {
					t.Errorf("%d accounts in the summary, %d in the data", len(sum.Groups), len(ds.want))
				}
				checked := 0
				for _, g := range sum.Groups {
					e := ds.want[g.Key]
					if e == nil {
						t.Errorf("summary has account %q, the data does not", g.Key)
						continue
					}
					rate := float64(e.responded) / float64(e.conversations)
					if g.Conversations != e.conversations || g.Responded != e.responded || g.ResponseRate == nil || *g.ResponseRate != rate {
						t.Errorf("%s: %d conversations, %d responded (rate %v); the data has %d, %d (%v)", g.Key, g.Conversations, g.Responded,
							g.ResponseRate, e.conversations, e.responded, rate)
					}
					switch m := g.FirstResponseSeconds.Median; {
					case e.responded == 0 && m != nil:
						t.Errorf("%s: median %v without responses", g.Key, *m)
					case e.responded > 0 && (m == nil || math.Abs(*m-medianOf(e.firstResponse)) > 1e-6):
						t.Errorf("%s: median first response %v, the data says %v", g.Key, m, medianOf(e.firstResponse))
					default:
						checked++
					}
				}
				if checked < len(ds.want) || checked < 20 {
					t.Errorf("only %d accounts checked", checked)
				}

				// The export has one row per conversation.
				params.Del("group_by")
				rows, err := csv.NewReader(bytes.NewReader(apiGet(t, n, "/api/v1/reports/conversations.csv", params))).ReadAll()
				if err != nil || len(rows) != total+1 {
					t.Errorf("export: %d rows (%v), want %d + header", len(rows), err, total)
				}

				// Importing the same file again changes nothing.
				out = runImport(t, n, file)
				if !strings.Contains(out, fmt.Sprintf("conversations  0 new, 0 updated, %s already imported\n", thousands(total))) ||
					!strings.Contains(out, "messages       0 new\n") {
					t.Errorf("second import:\n%s", out)
				}
				if again := apiGet(t, n, "/api/v1/reports/summary", url.Values{"from": params["from"], "to": params["to"], "group_by": {"account"}}); !bytes.Equal(again, body) {
					t.Errorf("summary changed after re-import")
				}
			})
		}
	}
}

func TestImportCommandArgs(t *testing.T) {
	var out, errb bytes.Buffer
	if err := importCmd(context.Background(), nil, nil, &out, &errb); err == nil || !strings.Contains(err.Error(), "usage: heed import") {
		t.Errorf("no file: %v", err)
	}
	if err := importCmd(context.Background(), []string{"a", "b"}, nil, &out, &errb); err == nil {
		t.Error("two files accepted")
	}
	if err := importCmd(context.Background(), []string{"--data", t.TempDir(), filepath.Join(t.TempDir(), "missing.jsonl")}, nil, &out, &errb); err == nil {
		t.Error("missing file accepted")
	}
	if isTerminal(&out) {
		t.Error("a buffer is a terminal")
	}
	if got := thousands(1234567); got != "1,234,567" {
		t.Errorf("thousands = %s", got)
	}
}

// TestImportStdin reads history from stdin ("-") into a fresh data dir.
func TestImportStdin(t *testing.T) {
	t.Setenv("HEED_SECRET_KEY", "test-secret-key-0123456789")
	n := apptest.Start(t, "sqlite")
	line := `{"channel_type":"x","account":"AskBrand","thread_id":"1","public":true,"messages":[{"external_id":"1","direction":"inbound","author":{"id":"u"},"text":"hi","created_at":"2026-01-01T00:00:00Z"}]}` + "\nnot json\n"
	var out, errb bytes.Buffer
	if err := importCmd(context.Background(), []string{"-", "--database-url", n.App.Config.DatabaseURL}, strings.NewReader(line), &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "conversations  1 new") || !strings.Contains(out.String(), "1  invalid JSON: lines 2") {
		t.Errorf("summary:\n%s", out.String())
	}
}

// sharedData is a shared/data folder, or a skip when it is absent.
func sharedData(t *testing.T, sub string) string { return datadir.Require(t, sub) }
