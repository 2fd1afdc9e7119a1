package routing

import (
	"cmp"
	"strings"
	"time"
)

// QueueItem is a conversation waiting for an agent.
type QueueItem struct {
	ID           string
	Priority     int
	WaitingSince time.Time
}

// Compare orders a queue for slices.SortFunc: higher priority first, then the longest waiting,
// then by ID so that equal items still have one order on every node.
func Compare(a, b QueueItem) int {
	if c := cmp.Compare(b.Priority, a.Priority); c != 0 {
		return c
	}
	if c := a.WaitingSince.Compare(b.WaitingSince); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// Less reports whether a is served before b (see Compare).
func Less(a, b QueueItem) bool { return Compare(a, b) < 0 }
