package routing

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func online(id string, capacity, load int) Candidate {
	return Candidate{AgentID: id, Availability: Online, Capacity: capacity, Load: load}
}

func TestPick(t *testing.T) {
	with := func(c Candidate, edit func(*Candidate)) Candidate { edit(&c); return c }
	cases := []struct {
		name  string
		cands []Candidate
		need  Need
		want  string // "" = nobody
	}{
		{"nobody", nil, Need{}, ""},
		{"only online", []Candidate{
			with(online("away", 5, 0), func(c *Candidate) { c.Availability = Away }),
			with(online("off", 5, 0), func(c *Candidate) { c.Availability = Offline }),
			online("on", 5, 4),
		}, Need{}, "on"},
		{"nobody online", []Candidate{with(online("away", 5, 0), func(c *Candidate) { c.Availability = Away })}, Need{}, ""},
		{"never over capacity", []Candidate{online("full", 3, 3), online("over", 2, 5), online("zero", 0, 0)}, Need{}, ""},
		{"lowest ratio", []Candidate{online("a", 10, 5), online("b", 3, 1), online("c", 20, 8)}, Need{}, "b"}, // .5 .33 .4
		{"ratio tie: fewer conversations", []Candidate{online("a", 10, 5), online("b", 2, 1)}, Need{}, "b"},
		{"ratio and load tie: longest since last", []Candidate{
			with(online("a", 4, 1), func(c *Candidate) { c.LastAssignedAt = t0.Add(time.Minute) }),
			with(online("b", 4, 1), func(c *Candidate) { c.LastAssignedAt = t0 }),
		}, Need{}, "b"},
		{"never assigned counts as longest", []Candidate{
			with(online("a", 4, 0), func(c *Candidate) { c.LastAssignedAt = t0 }),
			online("b", 4, 0),
		}, Need{}, "b"},
		{"full tie: agent id", []Candidate{online("b", 4, 1), online("a", 4, 1)}, Need{}, "a"},
		{"language skill", []Candidate{
			with(online("en", 10, 0), func(c *Candidate) { c.Languages = []string{"en"} }),
			with(online("fr", 10, 5), func(c *Candidate) { c.Languages = []string{"en", "FR"} }),
		}, Need{Language: "fr"}, "fr"},
		{"no language listed speaks all", []Candidate{
			with(online("en", 10, 0), func(c *Candidate) { c.Languages = []string{"en"} }),
			online("any", 10, 5),
		}, Need{Language: "de"}, "any"},
		{"nobody speaks it", []Candidate{with(online("en", 10, 0), func(c *Candidate) { c.Languages = []string{"en"} })}, Need{Language: "de"}, ""},
		{"primary subtags", []Candidate{with(online("br", 10, 0), func(c *Candidate) { c.Languages = []string{"pt-BR"} })}, Need{Language: "pt"}, "br"},
		{"region of the post", []Candidate{with(online("en", 10, 0), func(c *Candidate) { c.Languages = []string{"en"} })}, Need{Language: "en-GB"}, "en"},
		{"unknown language: anyone", []Candidate{with(online("en", 10, 0), func(c *Candidate) { c.Languages = []string{"en"} })}, Need{}, "en"},
		{"channel skill", []Candidate{
			with(online("x", 10, 0), func(c *Candidate) { c.ChannelTypes = []string{"x"} }),
			with(online("fb", 10, 9), func(c *Candidate) { c.ChannelTypes = []string{"facebook", "instagram"} }),
		}, Need{ChannelType: "facebook"}, "fb"},
		{"location: the store's staff first", []Candidate{
			online("hq", 20, 0),
			with(online("store", 3, 2), func(c *Candidate) { c.Locations = []string{"store-1", "Store-42"} }),
			with(online("other", 3, 0), func(c *Candidate) { c.Locations = []string{"store-7"} }),
		}, Need{Location: "store-42"}, "store"},
		{"location: least loaded among the store's staff", []Candidate{
			with(online("s1", 3, 2), func(c *Candidate) { c.Locations = []string{"store-42"} }),
			with(online("s2", 3, 1), func(c *Candidate) { c.Locations = []string{"store-42"} }),
		}, Need{Location: "store-42"}, "s2"},
		{"location: staff full, someone else answers", []Candidate{
			online("hq", 20, 10),
			with(online("store", 3, 3), func(c *Candidate) { c.Locations = []string{"store-42"} }),
		}, Need{Location: "store-42"}, "hq"},
		{"location: staff offline, someone else answers", []Candidate{
			online("hq", 20, 10),
			with(online("store", 3, 0), func(c *Candidate) { c.Locations = []string{"store-42"}; c.Availability = Offline }),
		}, Need{Location: "store-42"}, "hq"},
		{"location: staff without the skill", []Candidate{
			online("hq", 20, 10),
			with(online("store", 3, 0), func(c *Candidate) { c.Locations = []string{"store-42"}; c.Languages = []string{"de"} }),
		}, Need{Location: "store-42", Language: "en"}, "hq"},
		{"no location: store staff are ordinary agents", []Candidate{
			online("hq", 20, 10),
			with(online("store", 3, 0), func(c *Candidate) { c.Locations = []string{"store-42"} }),
		}, Need{}, "store"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The answer never depends on the order of the candidates.
			for range 10 {
				got, ok := Pick(c.cands, c.need)
				if got != c.want || ok != (c.want != "") {
					t.Fatalf("Pick = %q, %v; want %q", got, ok, c.want)
				}
				rand.Shuffle(len(c.cands), func(i, j int) { c.cands[i], c.cands[j] = c.cands[j], c.cands[i] })
			}
		})
	}
}

func TestNeedFor(t *testing.T) {
	if got := NeedFor(sample()); got != (Need{Language: "fr", ChannelType: "x", Location: "store-42"}) {
		t.Errorf("NeedFor = %+v", got)
	}
}

func TestQueueOrder(t *testing.T) {
	items := []QueueItem{
		{ID: "c", Priority: 0, WaitingSince: t0},
		{ID: "b", Priority: 3, WaitingSince: t0.Add(2 * time.Minute)},
		{ID: "a", Priority: 0, WaitingSince: t0},
		{ID: "d", Priority: 3, WaitingSince: t0.Add(time.Minute)},
		{ID: "e", Priority: 1, WaitingSince: t0.Add(time.Hour)},
		{ID: "f", Priority: 0, WaitingSince: t0.Add(-time.Minute)},
	}
	want := []string{"d", "b", "e", "f", "a", "c"}
	for range 10 {
		rand.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		slices.SortFunc(items, Compare)
		var got []string
		for _, it := range items {
			got = append(got, it.ID)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
	if !Less(items[0], items[1]) || Less(items[1], items[0]) || Less(items[0], items[0]) {
		t.Error("Less disagrees with Compare")
	}
}
