package routing

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// sim is a queue in front of Pick, the way the pipeline will run it: conversations arrive one
// by one, wait in Compare order when nobody can take them, and are offered again whenever a
// slot frees.
type sim struct {
	t      *testing.T
	rng    *rand.Rand
	now    time.Time
	agents []Candidate
	open   map[string][]QueueItem // by agent
	queue  []QueueItem
	need   func(QueueItem) Need
	// balanced: every agent can take every post, so load must be level across all of them.
	balanced bool

	assigned, resolved int
	// grace counts the assignments still owed to disturbances (a resolution, an agent back
	// online) before the balance bound must hold again: such events free room on one agent at
	// once, and only later arrivals can level it.
	grace int
	// checks counts balance checks with two or more agents that could take work.
	checks int
	// local counts posts about a store assigned to that store's staff.
	local int
}

func (s *sim) agent(id string) *Candidate {
	for i := range s.agents {
		if s.agents[i].AgentID == id {
			return &s.agents[i]
		}
	}
	s.t.Fatalf("no agent %s", id)
	return nil
}

func (s *sim) arrive(it QueueItem) {
	s.queue = append(s.queue, it)
	s.drain()
}

// drain offers every queued conversation, in queue order, to the agents; one that nobody can
// take now stays queued without holding up those behind it (a French post waiting for the
// French speaker does not block English posts).
func (s *sim) drain() {
	slices.SortFunc(s.queue, Compare)
	kept := s.queue[:0]
	for _, it := range s.queue {
		id, ok := Pick(s.agents, s.need(it))
		s.checkPick(it, id, ok)
		if !ok {
			kept = append(kept, it)
			continue
		}
		a := s.agent(id)
		a.Load++
		a.LastAssignedAt = s.now
		s.open[id] = append(s.open[id], it)
		s.assigned++
		if n := s.need(it); n.Location != "" && slices.Contains(a.Locations, n.Location) {
			s.local++
		}
		s.grace = max(0, s.grace-1)
		s.checkState()
	}
	s.queue = kept
}

// checkPick is the oracle: Pick's answer against a brute-force reading of its rules.
func (s *sim) checkPick(it QueueItem, id string, ok bool) {
	need := s.need(it)
	var pool []Candidate
	for _, c := range s.agents {
		if c.Availability == Online && c.Load < c.Capacity &&
			(need.Language == "" || len(c.Languages) == 0 || slices.Contains(c.Languages, need.Language)) &&
			(need.ChannelType == "" || len(c.ChannelTypes) == 0 || slices.Contains(c.ChannelTypes, need.ChannelType)) {
			pool = append(pool, c)
		}
	}
	if !ok {
		if len(pool) > 0 {
			s.t.Fatalf("%s stayed queued while %s could take it", it.ID, pool[0].AgentID)
		}
		return
	}
	if local := slices.DeleteFunc(slices.Clone(pool), func(c Candidate) bool {
		return need.Location == "" || !slices.Contains(c.Locations, need.Location)
	}); len(local) > 0 {
		pool = local
	}
	best := math.Inf(1)
	for _, c := range pool {
		best = min(best, float64(c.Load)/float64(c.Capacity))
	}
	for _, c := range pool {
		if c.AgentID == id {
			if r := float64(c.Load) / float64(c.Capacity); r > best+1e-12 {
				s.t.Fatalf("%s went to %s at load ratio %.3f; the lowest was %.3f", it.ID, id, r, best)
			}
			return
		}
	}
	s.t.Fatalf("%s went to %s, who was not eligible (need %+v)", it.ID, id, need)
}

// checkState: nobody over capacity, and load balanced among the online agents who can still
// take work, to within one conversation of the smallest capacity.
func (s *sim) checkState() {
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	minCap := math.MaxInt
	for _, c := range s.agents {
		if c.Load > c.Capacity {
			s.t.Fatalf("%s has %d conversations for a capacity of %d", c.AgentID, c.Load, c.Capacity)
		}
		if c.Load != len(s.open[c.AgentID]) {
			s.t.Fatalf("%s: load %d, open %d", c.AgentID, c.Load, len(s.open[c.AgentID]))
		}
		minCap = min(minCap, c.Capacity)
		if c.Availability == Online && c.Load < c.Capacity {
			r := float64(c.Load) / float64(c.Capacity)
			lo, hi, n = min(lo, r), max(hi, r), n+1
		}
	}
	if !s.balanced || n < 2 || s.grace > 0 {
		return
	}
	s.checks++
	if bound := 1 / float64(minCap); hi-lo > bound+1e-12 {
		s.t.Fatalf("load ratios spread %.3f (%.3f to %.3f); the bound is %.3f\n%+v", hi-lo, lo, hi, bound, s.agents)
	}
}

// resolve closes a random open conversation.
func (s *sim) resolve() {
	var owners []string
	for _, c := range s.agents {
		if c.Load > 0 {
			owners = append(owners, c.AgentID)
		}
	}
	if len(owners) == 0 {
		return
	}
	id := owners[s.rng.IntN(len(owners))]
	open := s.open[id]
	k := s.rng.IntN(len(open))
	s.open[id] = slices.Delete(open, k, k+1)
	s.agent(id).Load--
	s.resolved++
	s.grace++
	s.checkState()
	s.drain()
}

// goOffline signs an agent off; their open conversations go back to the queue, keeping their
// place (priority, waiting since).
func (s *sim) goOffline(id string) {
	a := s.agent(id)
	a.Availability = Offline
	s.queue = append(s.queue, s.open[id]...)
	s.open[id], a.Load = nil, 0
	s.drain()
	s.checkState()
}

// goOnline signs an agent back on; levelling them with the others takes as many assignments as
// they have room below the busiest agent.
func (s *sim) goOnline(id string) {
	a := s.agent(id)
	busiest := 0.0
	for _, c := range s.agents {
		if c.Availability == Online && c.Load < c.Capacity {
			busiest = max(busiest, float64(c.Load)/float64(c.Capacity))
		}
	}
	s.grace += int(math.Ceil(busiest*float64(a.Capacity))) - a.Load
	a.Availability = Online
	s.checkState()
	s.drain()
}

// TestAutoAssignSimulation: five generalists with capacities 3, 5, 8, 10 and 20 (46 in all),
// 200 conversations arriving a minute apart, conversations resolving at random, one agent
// signing off for a while and another for good.
func TestAutoAssignSimulation(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			s := &sim{t: t, rng: rand.New(rand.NewPCG(seed, 7)), now: t0, open: map[string][]QueueItem{},
				need: func(QueueItem) Need { return Need{} }, balanced: true}
			for i, capacity := range []int{3, 5, 8, 10, 20} {
				s.agents = append(s.agents, online(fmt.Sprintf("a%d", i+1), capacity, 0))
			}
			const arrivals = 200
			for i := range arrivals {
				s.now = s.now.Add(time.Minute)
				switch i {
				case 40:
					s.goOffline("a3")
				case 90:
					s.goOnline("a3")
				case 150:
					s.goOffline("a4")
				}
				// Early on work clears about as fast as it arrives; later it piles up.
				p := 0.9
				if i > 60 {
					p = 0.3
				}
				if s.rng.Float64() < p {
					s.resolve()
				}
				s.arrive(QueueItem{ID: fmt.Sprintf("c%03d", i), Priority: s.rng.IntN(4), WaitingSince: s.now})
			}

			open := 0
			for _, c := range s.agents {
				open += c.Load
				if c.Availability == Online && c.Load != c.Capacity {
					t.Errorf("%s has room (%d/%d) while %d wait", c.AgentID, c.Load, c.Capacity, len(s.queue))
				}
			}
			if open+s.resolved+len(s.queue) != arrivals {
				t.Errorf("open %d + resolved %d + queued %d != %d", open, s.resolved, len(s.queue), arrivals)
			}
			if len(s.queue) == 0 || open != 46-10 {
				t.Errorf("want everyone online full and the rest queued: open %d, queued %d", open, len(s.queue))
			}
			if s.checks < 50 {
				t.Errorf("only %d balance checks; the scenario no longer exercises balance", s.checks)
			}
			t.Logf("assigned %d, resolved %d, queued %d, balance checks %d", s.assigned, s.resolved, len(s.queue), s.checks)
		})
	}
}

// TestAutoAssignSkillsAndLocations: the same queue with specialists, store staff and posts
// that need them. checkPick verifies every decision against the rules; here balance only
// holds among agents who could take the same posts, so it is not checked globally.
func TestAutoAssignSkillsAndLocations(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			needs := map[string]Need{}
			s := &sim{t: t, rng: rng, now: t0, open: map[string][]QueueItem{},
				need: func(it QueueItem) Need { return needs[it.ID] }}
			s.agents = []Candidate{
				{AgentID: "en-x", Availability: Online, Capacity: 5, Languages: []string{"en"}, ChannelTypes: []string{"x"}},
				{AgentID: "fr", Availability: Online, Capacity: 4, Languages: []string{"fr"}},
				{AgentID: "all", Availability: Online, Capacity: 10},
				{AgentID: "s1", Availability: Online, Capacity: 2, Locations: []string{"store-1"}, Languages: []string{"en"}},
				{AgentID: "s2", Availability: Online, Capacity: 3, Locations: []string{"store-2"}},
			}
			for i := range 200 {
				s.now = s.now.Add(time.Minute)
				if i == 50 {
					s.goOffline("s2")
				}
				if i == 120 {
					s.goOnline("s2")
				}
				if rng.Float64() < 0.6 {
					s.resolve()
				}
				id := fmt.Sprintf("c%03d", i)
				needs[id] = Need{
					Language:    []string{"en", "fr", "de", ""}[rng.IntN(4)],
					ChannelType: []string{"x", "facebook", "webchat"}[rng.IntN(3)],
					Location:    []string{"", "", "store-1", "store-2", "store-9"}[rng.IntN(5)],
				}
				s.arrive(QueueItem{ID: id, Priority: rng.IntN(4), WaitingSince: s.now})
			}
			if s.local < 5 {
				t.Errorf("only %d store posts went to store staff; the scenario no longer exercises locations", s.local)
			}
			t.Logf("assigned %d (%d to store staff), resolved %d, queued %d", s.assigned, s.local, s.resolved, len(s.queue))
		})
	}
}
