package bench

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/dbtest"
)

// composeRequests is how many checks are timed after the warm-up.
const composeRequests = 300

// A 280-character public reply on X to an upset customer, with a typo, a
// wrong name, an offer and a deflection, so that every check has work.
const composeDraft = "Hi Marta, we're so sorry about the delayed refund. We checked your order and the refnd " +
	"was issued today; it takes 3-5 business days to reach your card. For your kind patience we've " +
	"added a $20 credit to your account. If it isn't there by Friday, please call us at 555-0100."

// BenchmarkComposeCheck times POST /api/v1/compose/check (the composer's
// live checks, issue 4's contract) for a 280-character reply: bearer token,
// conversation context read from the database, all ten checks, JSON out.
func BenchmarkComposeCheck(b *testing.B) {
	if n := len([]rune(composeDraft)); n < 270 || n > 280 {
		b.Fatalf("draft is %d characters, want about 280", n)
	}
	for _, engine := range dbtest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			n := apptest.Start(b, engine)
			ch := createChannel(b, n)
			hc := newClient()
			m := message("c-1", "thread-1")
			m.Author.Name, m.Public = "Ana Silva", true
			m.Text = "Still waiting for my refund, three weeks now. This is ridiculous."
			if err := post(hc, n.URL, ch, m); err != nil {
				b.Fatal(err)
			}
			var convID string
			waitFor(b, 30*time.Second, 20*time.Millisecond, "the conversation", func() (bool, error) {
				err := n.App.DB.Read.QueryRow(n.App.DB.Dialect.Rebind(`SELECT id FROM conversations WHERE channel_id = ?`), ch.ID).Scan(&convID)
				return err == nil, nil
			})
			body, _ := json.Marshal(map[string]any{"conversation_id": convID, "text": composeDraft, "public": true})
			check := func(b *testing.B) time.Duration {
				req, _ := http.NewRequest("POST", n.URL+"/api/v1/compose/check", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+n.Token)
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				res, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				out, err := io.ReadAll(res.Body)
				res.Body.Close()
				d := time.Since(t0)
				if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(string(out), `"check":"wrong_name"`) {
					b.Fatalf("compose check: %d %v %.300s", res.StatusCode, err, out)
				}
				return d
			}
			var p percentiles
			for b.Loop() {
				for range 20 { // dictionaries load on first use; caches fill
					check(b)
				}
				lat := make([]time.Duration, composeRequests)
				for i := range lat {
					lat[i] = check(b)
				}
				p = summarise(lat)
			}
			b.ReportMetric(ms(p.p50), "ms-p50")
			b.ReportMetric(ms(p.p95), "ms-p95")
			b.ReportMetric(ms(p.p99), "ms-p99")
			b.Logf("%s: POST /api/v1/compose/check, %d-character public reply on X, %d sequential requests: %s",
				dbtest.Name(engine), len([]rune(composeDraft)), composeRequests, p)
		})
	}
}
