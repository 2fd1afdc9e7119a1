package analyze

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

func runCLI(t *testing.T, input string) []map[string]any {
	t.Helper()
	var out bytes.Buffer
	if err := RunCLI(context.Background(), analyzer(t), strings.NewReader(input), &out); err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("output line %q: %v", sc.Text(), err)
		}
		recs = append(recs, m)
	}
	return recs
}

func TestRunCLI(t *testing.T) {
	input := strings.Join([]string{
		"where is my order??", // 1: plain text, id = line number
		`{"id":"m-7","text":"love this brand!","followers":2000}`, // 2: JSON, string id
		"", // 3: blank, no output
		`{"id":42,"text":"call me on 415-555-2671","lang":"en"}`, // 4: numeric id
		`{"text":"no id here"}`,                                  // 5: JSON without id
		`{"id":"x","txt":"typo"}`,                                // 6: missing text
		`{not json`,                                              // 7: invalid JSON
		"última línea sin salto\r",                               // 8: CRLF, no final newline
	}, "\n")
	recs := runCLI(t, input)
	if len(recs) != 7 {
		t.Fatalf("got %d records, want 7: %v", len(recs), recs)
	}
	wantIDs := []any{1.0, "m-7", 42.0, 5.0, "x", 7.0, 8.0}
	for i, r := range recs {
		if r["id"] != wantIDs[i] {
			t.Errorf("record %d id = %v, want %v", i, r["id"], wantIDs[i])
		}
	}
	if recs[0]["intent"] == nil || recs[0]["sentiment"] == nil {
		t.Errorf("plain text not analysed: %v", recs[0])
	}
	if recs[1]["needs_response"] != false {
		t.Errorf("praise needs response: %v", recs[1])
	}
	if pd := recs[2]["personal_data"].([]any); len(pd) != 1 || recs[2]["move_private"] != true {
		t.Errorf("phone: %v", recs[2])
	}
	if recs[4]["error"] == nil || recs[4]["line"] != 6.0 || recs[4]["intent"] != nil {
		t.Errorf("missing text: %v", recs[4])
	}
	if recs[5]["error"] == nil {
		t.Errorf("invalid JSON: %v", recs[5])
	}
	if recs[6]["language"] != "es" {
		t.Errorf("last line: %v", recs[6])
	}
}

func TestRunCLILongLine(t *testing.T) {
	input := "first\n" + strings.Repeat("x", MaxLine+10) + "\nthird\n" + strings.Repeat("y", MaxLine) + "\n"
	recs := runCLI(t, input)
	if len(recs) != 4 {
		t.Fatalf("got %d records", len(recs))
	}
	if recs[1]["error"] == nil || recs[1]["line"] != 2.0 {
		t.Errorf("long line not reported: %v", recs[1])
	}
	if recs[2]["id"] != 3.0 || recs[2]["error"] != nil {
		t.Errorf("stream did not recover: %v", recs[2])
	}
	if recs[3]["error"] != nil {
		t.Errorf("a line of exactly MaxLine bytes was rejected")
	}
}

// Output order follows input order whatever the workers do.
func TestRunCLIOrder(t *testing.T) {
	var b strings.Builder
	n := 2000
	for i := range n {
		switch i % 10 {
		case 0: // a long post, slower than its neighbours
			fmt.Fprintf(&b, "{\"id\":%d,\"text\":%q}\n", i, strings.Repeat("where is my parcel, it was due on monday ", 100))
		case 1:
			fmt.Fprintf(&b, "{\"id\":%d,\"text\":\"card 4111 1111 1111 1111\"}\n", i)
		default:
			fmt.Fprintf(&b, "{\"id\":%d,\"text\":\"short %d\"}\n", i, i)
		}
	}
	recs := runCLI(t, b.String())
	if len(recs) != n {
		t.Fatalf("got %d records, want %d", len(recs), n)
	}
	for i, r := range recs {
		if r["id"] != float64(i) {
			t.Fatalf("record %d has id %v", i, r["id"])
		}
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n--; w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestRunCLIErrors(t *testing.T) {
	a := analyzer(t)
	input := strings.Repeat("hello there\n", 50000)
	err := RunCLI(context.Background(), a, strings.NewReader(input), &failWriter{n: 1})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("write error: %v", err)
	}
	if err := RunCLI(context.Background(), a, failReader{}, io.Discard); err == nil {
		t.Error("read error not returned")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := RunCLI(ctx, a, strings.NewReader(input), io.Discard); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func FuzzParseLine(f *testing.F) {
	for _, s := range []string{"hello", `{"id":1,"text":"x"}`, `{"text":null}`, `{"id":{"a":[1]},"text":"y"}`,
		"{", "\xff{\"text\":1}", `{"text":"a","followers":-1e300}`, "   \r", `{"id":null,"text":""}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		j := parseLine(line, 7)
		if j == nil {
			if len(bytes.TrimSpace(line)) != 0 {
				t.Fatalf("non-blank line %q skipped", line)
			}
			return
		}
		if !json.Valid(j.id) {
			t.Fatalf("invalid id %q", j.id)
		}
	})
}

func FuzzRunCLI(f *testing.F) {
	a := analyzer(f)
	f.Add([]byte("a\nb\n{\"text\":\"c\"}\n\n{bad"))
	f.Add([]byte(strings.Repeat("4", 5000)))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		if err := RunCLI(context.Background(), a, bytes.NewReader(in), &out); err != nil {
			t.Fatal(err)
		}
		for _, l := range bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n")) {
			if len(l) > 0 && !json.Valid(l) {
				t.Fatalf("invalid output line %q", l)
			}
		}
	})
}

// genReader produces n posts without holding them in memory.
type genReader struct {
	n, i int
	buf  []byte
}

func (g *genReader) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i < g.n {
		g.buf = fmt.Appendf(g.buf, "{\"id\":%d,\"text\":\"@AcmeHelp order %d still not here, call me on 415-555-2671 thanks\"}\n", g.i, g.i)
		g.i++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

// countWriter counts lines and discards them.
type countWriter struct{ lines int }

func (c *countWriter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte("\n"))
	return len(p), nil
}

// TestRunCLIMillion streams a million posts and checks that the heap stays flat. It takes a
// minute, so it runs only with HEED_CLI_MILLION=1.
func TestRunCLIMillion(t *testing.T) {
	if os.Getenv("HEED_CLI_MILLION") == "" {
		t.Skip("set HEED_CLI_MILLION=1 to stream a million posts")
	}
	const n = 1_000_000
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	out := &countWriter{}
	start := time.Now()
	if err := RunCLI(context.Background(), analyzer(t), &genReader{n: n}, out); err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	close(stop)
	<-done
	if out.lines != n {
		t.Fatalf("%d lines out", out.lines)
	}
	t.Logf("%d posts in %v (%.0f posts/s on %d CPUs), peak heap in use %.1f MiB", n, el.Round(time.Millisecond),
		float64(n)/el.Seconds(), runtime.GOMAXPROCS(0), float64(peak)/(1<<20))
	if peak > 64<<20 {
		t.Errorf("peak heap %d MiB: not constant memory", peak>>20)
	}
}
