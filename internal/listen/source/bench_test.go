package source

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/heed-dev/heed/internal/datadir"
)

// jetstreamFrames builds Jetstream post events around the TWCS texts in
// the shape Bluesky sends them: every third a reply (root and parent
// refs), every third with a mention facet, one in ten an identity event.
func jetstreamFrames(tb testing.TB) [][]byte {
	tb.Helper()
	dir := datadir.Require(tb, "twcs")
	f, err := os.Open(filepath.Join(dir, "twcs_threads_dev.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var frames [][]byte
	us := int64(1725911162329308)
	for i, r := range recs[1:] {
		us += 137
		did := fmt.Sprintf("did:plc:eygmaihciaxprqvxpfv%06d", i%50000)
		if i%10 == 9 {
			frames = append(frames, []byte(fmt.Sprintf(`{"did":%q,"time_us":%d,"kind":"identity","identity":{"did":%q,"handle":"user%d.bsky.social","seq":1409752997,"time":"2024-09-05T06:11:04.870Z"}}`, did, us, did, i)))
			continue
		}
		record := map[string]any{"$type": "app.bsky.feed.post", "createdAt": "2024-09-09T19:46:02.102Z", "langs": []string{"en"}, "text": r[4]}
		if i%3 == 0 {
			ref := map[string]string{"cid": "bafyreidc6sydkkbchcyg62v77wbhzvb2mvytlmsychqgwf2xojjtirmzj4", "uri": "at://did:plc:wa7b35aakoll7hugkrjtf3xf/app.bsky.feed.post/3l3pte3p2e325"}
			record["reply"] = map[string]any{"root": ref, "parent": ref}
		}
		if i%3 == 1 {
			record["facets"] = []any{map[string]any{"index": map[string]int{"byteStart": 0, "byteEnd": 6},
				"features": []any{map[string]string{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:q6gjnaw2blty4crticxkmujt"}}}}
		}
		ev := map[string]any{"did": did, "time_us": us, "kind": "commit", "commit": map[string]any{
			"rev": "3l3qo2vutsw2b", "operation": "create", "collection": "app.bsky.feed.post",
			"rkey": fmt.Sprintf("3l3qo2vu%05d", i), "record": record, "cid": "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi"}}
		b, err := json.Marshal(ev)
		if err != nil {
			tb.Fatal(err)
		}
		frames = append(frames, b)
	}
	return frames
}

// BenchmarkJetstreamDecode decodes Jetstream frames into posts, what the
// Bluesky source does per event before the handler. Run with -cpu 1 for
// events/s on one core.
func BenchmarkJetstreamDecode(b *testing.B) {
	frames := jetstreamFrames(b)
	var size int
	for _, f := range frames {
		size += len(f)
	}
	b.SetBytes(int64(size / len(frames)))
	b.ReportAllocs()
	var ev jetstreamEvent
	posts := 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := decodeJetstream(frames[i%len(frames)], &ev); err != nil {
			b.Fatal(err)
		}
		if _, ok := jetstreamPost(&ev, ""); ok {
			posts++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if posts == 0 {
		b.Fatal("no posts decoded")
	}
}
