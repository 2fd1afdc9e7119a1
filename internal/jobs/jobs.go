// Package jobs runs Heed's durable work (outbound sends and their retries) on
// River, on SQLite (riversqlite) or PostgreSQL (riverpgxv5), behind one small
// type so the rest of Heed does not care which engine holds the queue.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/heed-dev/heed/internal/db"
)

// Options tune the runner.
type Options struct {
	Workers     int           // concurrent jobs in the default queue
	PollEvery   time.Duration // how often to look for jobs when no event wakes us
	MaxAttempts int
}

// Runner inserts and works jobs.
type Runner struct {
	insert func(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
	start  func(ctx context.Context) error
	stop   func(ctx context.Context) error
}

// Migrate applies River's own migrations to the database.
func Migrate(ctx context.Context, d *db.DB) error {
	if d.Engine == db.Postgres {
		return migrate(ctx, riverpgxv5.New(d.PgPool))
	}
	return migrate(ctx, riversqlite.New(d.Write))
}

func migrate[TTx any](ctx context.Context, drv riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(drv, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// New builds a runner over d working the given workers.
func New(d *db.DB, workers *river.Workers, log *slog.Logger, o Options) (*Runner, error) {
	if o.Workers <= 0 {
		o.Workers = 10
	}
	if o.PollEvery <= 0 {
		o.PollEvery = time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 25
	}
	cfg := &river.Config{
		Logger:            log,
		Workers:           workers,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Workers}},
		FetchPollInterval: o.PollEvery,
		FetchCooldown:     50 * time.Millisecond,
		MaxAttempts:       o.MaxAttempts,
		RetryPolicy:       backoff{},
		// A job that was running when its process died is handed to another
		// worker once it has been stuck this long; keep it short so a crash
		// delays delivery by seconds, not River's default hour.
		JobTimeout:           10 * time.Second,
		RescueStuckJobsAfter: 15 * time.Second,
	}
	if d.Engine == db.Postgres {
		return build[pgx.Tx](riverpgxv5.New(d.PgPool), cfg)
	}
	return build[*sql.Tx](riversqlite.New(d.Write), cfg)
}

func build[TTx any](drv riverdriver.Driver[TTx], cfg *river.Config) (*Runner, error) {
	c, err := river.NewClient(drv, cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: client: %w", err)
	}
	return &Runner{
		insert: func(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
			_, err := c.Insert(ctx, args, opts)
			return err
		},
		start: c.Start,
		stop:  c.Stop,
	}, nil
}

// Insert enqueues a job.
func (r *Runner) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if err := r.insert(ctx, args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// Start begins working jobs in the background.
func (r *Runner) Start(ctx context.Context) error { return r.start(ctx) }

// Stop waits for running jobs to finish (until ctx ends).
func (r *Runner) Stop(ctx context.Context) error { return r.stop(ctx) }

// backoff retries quickly at first, then every few minutes: 1 s, 2 s, 4 s …
// capped at 5 minutes, with ±10 % jitter so retries of a dead endpoint spread.
type backoff struct{}

func (backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := time.Second << min(job.Attempt-1, 9)
	d = min(d, 5*time.Minute)
	d += time.Duration(rand.Int64N(int64(d)/5+1)) - d/10
	return time.Now().Add(d)
}
