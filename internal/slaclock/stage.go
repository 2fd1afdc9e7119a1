package slaclock

import (
	"context"

	"github.com/heed-dev/heed/internal/inbound"
	"github.com/heed-dev/heed/internal/store"
)

// Stage starts and stops SLA clocks for each committed inbound message.
type Stage struct{ Engine *Engine }

func (Stage) Name() string { return "clocks" }

func (s Stage) Run(ctx context.Context, tx *store.Store, it *inbound.Item) error {
	return s.Engine.Reevaluate(ctx, tx, it.Conversation.ID)
}
