package listening

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/heed-dev/heed/internal/listen/source"
)

// cursorEvery bounds how often the cursor of a stream is saved while its
// posts match nothing: a restart re-reads at most this much of the stream,
// and posts that did match are deduplicated anyway.
const cursorEvery = time.Second

// Batching of a stream's matches: the stream's goroutine matches (cheap,
// in memory) and queues; one writer per stream stores what has queued up
// meanwhile in one transaction, up to maxBatch posts. queueLen bounds the
// memory a slow database can pin: past it the stream waits (backpressure).
const (
	maxBatch = 200
	queueLen = 1000
)

// Run loads the rules and runs the sources until ctx ends, refreshing the
// rules now and then for edits made on other nodes. Each source resumes
// from its saved cursor.
func (s *Service) Run(ctx context.Context, sources []source.Source) error {
	if err := s.Reload(ctx); err != nil {
		s.log.Error("listening rules", "error", err)
	}
	var wg sync.WaitGroup
	for _, src := range sources {
		wg.Add(1)
		go func() { defer wg.Done(); s.runSource(ctx, src) }()
	}
	t := time.NewTicker(s.opts.Refresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return ctx.Err()
		case <-t.C:
			if err := s.Reload(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("listening rules refresh", "error", err)
			}
		}
	}
}

// queued is one delivered post: its mentions (none for most) and its cursor.
type queued struct {
	pending []pendingMention
	cursor  string
}

// runSource runs one source, restarting it (from the saved cursor) if it
// stops with an error, until ctx ends.
func (s *Service) runSource(ctx context.Context, src source.Source) {
	log := s.log.With("source", src.Name())
	backoff := time.Second
	for ctx.Err() == nil {
		cursor, err := s.store.ListenCursor(ctx, src.Name())
		if err != nil {
			log.Warn("read cursor", "error", err)
		} else {
			err = s.runOnce(ctx, src, cursor, log)
			if ctx.Err() != nil {
				return
			}
			log.Warn("source stopped; restarting from its cursor", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, time.Minute)
	}
}

// runOnce runs src from cursor with its writer; it returns when the source
// does, after the writer has stored (or, on shutdown, dropped) the queue.
func (s *Service) runOnce(ctx context.Context, src source.Source, cursor string, log *slog.Logger) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	queue := make(chan queued, queueLen)
	done := make(chan struct{})
	go func() { defer close(done); s.write(runCtx, src.Name(), queue, log) }()
	err := src.Run(runCtx, cursor, func(ctx context.Context, p source.Post) error {
		q := queued{pending: s.match(ctx, p), cursor: p.Cursor}
		select {
		case queue <- q:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-done:
			return context.Canceled // the writer gave up: the run ends
		}
	})
	close(queue)
	<-done
	return err
}

// write stores queued posts in batches, in stream order, and saves the
// cursor of the last post of a batch once the batch is committed (so a
// restart never skips an unstored match). A storage failure is retried, the
// stream waiting meanwhile, rather than skipped.
func (s *Service) write(ctx context.Context, name string, queue <-chan queued, log *slog.Logger) {
	var saved, last string
	var savedAt time.Time
	save := func(ctx context.Context) {
		if last == "" || last == saved {
			return
		}
		if err := s.store.SetListenCursor(ctx, name, last); err != nil {
			log.Warn("save cursor", "error", err)
			return
		}
		saved, savedAt = last, time.Now()
	}
	defer func() {
		// The run is over: save where it got to with a context of our own.
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		save(c)
	}()
	var pending []pendingMention
	for q := range queue {
		pending = append(pending[:0], q.pending...)
		cur := q.cursor
		for len(pending) < maxBatch {
			more := false
			select {
			case q2, ok := <-queue:
				if ok {
					pending = append(pending, q2.pending...)
					if q2.cursor != "" {
						cur = q2.cursor
					}
					more = true
				}
			default:
			}
			if !more {
				break
			}
		}
		if len(pending) > 0 {
			wait := 100 * time.Millisecond
			for {
				err := s.storeBatch(ctx, pending)
				if err == nil {
					break
				}
				if ctx.Err() != nil {
					return // shutting down: the saved cursor is before these posts
				}
				log.Warn("store mentions; retrying", "error", err)
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
				wait = min(wait*2, 10*time.Second)
			}
		}
		if cur != "" {
			last = cur
		}
		if len(pending) > 0 || time.Since(savedAt) >= cursorEvery {
			save(ctx)
		}
	}
}
