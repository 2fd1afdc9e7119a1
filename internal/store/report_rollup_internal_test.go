package store

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// The histogram encoding gives back what it was given.
func TestReportHistogramRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for range 200 {
		h := ReportHistogram{}
		for range rng.IntN(300) {
			h.Add(rng.IntN(2000), rng.Int64N(1000)+1, rng.Int64N(1<<50))
		}
		got := ReportHistogram{}
		if err := decodeReportHistogram(encodeReportHistogram(h), got); err != nil {
			t.Fatal(err)
		}
		if len(h) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(h, got) {
			t.Fatalf("round trip changed the histogram:\n%v\n%v", h, got)
		}
	}
	if err := decodeReportHistogram([]byte{0x80}, ReportHistogram{}); err == nil {
		t.Error("a cut varint decoded without error")
	}
}

// A stored histogram is our own encoding, but a damaged one must give an
// error, never a panic.
func FuzzDecodeReportHistogram(f *testing.F) {
	f.Add(encodeReportHistogram(ReportHistogram{3: {2, 10}, 40: {1, 7000}}))
	f.Add([]byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		h := ReportHistogram{}
		if err := decodeReportHistogram(b, h); err != nil {
			return
		}
		again := ReportHistogram{}
		if err := decodeReportHistogram(encodeReportHistogram(h), again); err != nil {
			t.Fatalf("re-encoded histogram does not decode: %v", err)
		}
	})
}
