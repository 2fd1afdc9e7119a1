package report

import (
	"context"
	"errors"

	"github.com/heed-dev/heed/internal/store"
)

// Internals the roll-up tests compare (package report_test).

// SummarizeExact is the exact path, whatever the range's size.
func SummarizeExact(ctx context.Context, st *store.Store, q Query) (Summary, error) {
	return summarizeExact(ctx, st, q)
}

// SummarizeRollups is the roll-up path, whatever the range's size.
func SummarizeRollups(ctx context.Context, st *store.Store, q Query) (Summary, error) {
	s, ok, err := summarizeRollups(ctx, st, q, 0)
	if err == nil && !ok {
		err = errors.New("the roll-ups cannot answer this query (no whole day)")
	}
	return s, err
}

var DurationBucket = durationBucket

const BucketError = bucketError

// DashboardRollups is the dashboard's roll-up path, whatever the range's size.
func DashboardRollups(ctx context.Context, st *store.Store, d Detail) (Dashboard, error) {
	b, ok, err := dashboardFromRollups(ctx, st, d, 0)
	if err == nil && !ok {
		err = errors.New("the dashboard roll-ups cannot answer this selection")
	}
	return b, err
}
