package source

// jetstreamState is where a Bluesky run stands, and how it tells a post
// already delivered from a new one.
//
// Jetstream replays from a cursor inclusively and several events can
// share one time_us, so the ids delivered recently are remembered and a
// replay skips exactly those. On the same instance "recently" means at the
// last time_us. When the run moves to another instance, whose time_us
// differ from the first one's, the cursor is rewound and the ids of the
// rewound window are remembered instead.
//
// A cursor given to Run carries no ids: everything at or before it counts
// as delivered, for the whole run (floor).
type jetstreamState struct {
	last     int64 // highest time_us delivered
	floor    int64 // events below this were delivered by an earlier run
	rewind   int64 // µs kept, and rewound, when switching instances
	instance int   // index of the instance in use (grows; mod the list)
	lastFrom int   // instance that delivered last
	recent   map[string]int64
	order    []recentID // recent in delivery order, from head, for pruning
	head     int
	handles  map[string]string
}

type recentID struct {
	id     string
	timeUS int64
}

const (
	maxHandles = 100_000 // DID → handle entries kept
	maxRecent  = 100_000 // ids kept for dedup, whatever the window
)

func newJetstreamState(rewindUS int64) *jetstreamState {
	return &jetstreamState{rewind: rewindUS, recent: map[string]int64{}, handles: map[string]string{}}
}

// start sets the cursor Run was given.
func (st *jetstreamState) start(cursor int64) {
	st.last = cursor
	st.floor = cursor + 1
}

// cursorFor is the cursor to ask the given instance for: the last
// delivered time_us on the instance that delivered it, rewound elsewhere.
func (st *jetstreamState) cursorFor(instance int) int64 {
	if st.last == 0 {
		return 0
	}
	if instance != st.lastFrom {
		return max(st.last-st.rewind, 1)
	}
	return st.last
}

// fresh reports whether a post was not delivered yet.
func (st *jetstreamState) fresh(timeUS int64, id string) bool {
	if timeUS < st.floor {
		return false
	}
	_, seen := st.recent[id]
	return !seen
}

// mark records a delivered post and forgets the ids no replay can bring
// back: those older than the rewind window (bounded by maxRecent).
func (st *jetstreamState) mark(timeUS int64, id string, instance int) {
	st.last = max(st.last, timeUS)
	st.lastFrom = instance
	st.recent[id] = timeUS
	st.order = append(st.order, recentID{id, timeUS})
	keepFrom := st.last - st.rewind
	for st.head < len(st.order) && (st.order[st.head].timeUS < keepFrom || len(st.order)-st.head > maxRecent) {
		if old := st.order[st.head]; st.recent[old.id] == old.timeUS {
			delete(st.recent, old.id)
		}
		st.head++
	}
	if st.head > 1024 && st.head > len(st.order)/2 {
		st.order = append(st.order[:0], st.order[st.head:]...)
		st.head = 0
	}
}
