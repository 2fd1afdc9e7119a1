// Package app wires Heed together: it opens the database, builds every
// component with explicit dependencies, starts the background loops and the
// HTTP server, and shuts them down in order.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/api"
	"github.com/heed-dev/heed/internal/auth"
	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/channel/meta"
	"github.com/heed-dev/heed/internal/channel/webchat"
	"github.com/heed-dev/heed/internal/channel/x"
	"github.com/heed-dev/heed/internal/clientip"
	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/inbound"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/jobs"
	"github.com/heed-dev/heed/internal/listening"
	"github.com/heed-dev/heed/internal/outbound"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/report"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/slaclock"
	"github.com/heed-dev/heed/internal/store"
	"github.com/heed-dev/heed/internal/survey"
	"github.com/heed-dev/heed/internal/web"
	"github.com/heed-dev/heed/internal/webhook"
	"github.com/heed-dev/heed/internal/widget"
)

// App is a running Heed node.
type App struct {
	Config    config.Config
	Log       *slog.Logger
	DB        *db.DB
	Store     *store.Store
	Hub       *realtime.Hub   // this node's subscribers
	Broker    realtime.Broker // publishes to this node and, on PostgreSQL, to the others
	Registry  *channel.Registry
	Processor *inbound.Processor
	Inbox     *inbox.Service
	Outbox    *outbound.Outbox
	Jobs      *jobs.Runner
	Accounts  *accounts.Service
	Clocks    *slaclock.Engine
	Router    *inbound.RouteStage
	Analyzer  *analyze.Analyzer
	Composer  *compose.Checker
	Listening *listening.Service // listening rules, streams, mentions, spike alerts
	Surveys   *survey.Service
	Handler   http.Handler

	pgBroker *realtime.PGBroker
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// Open opens and migrates the database of cfg and returns a store over it;
// the CLI's one-shot commands use it without starting anything.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*db.DB, *store.Store, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, nil, err
	}
	if err := jobs.Migrate(ctx, d); err != nil {
		d.Close()
		return nil, nil, err
	}
	key, err := secretKey(cfg, log)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	box, err := secret.New(key)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return d, store.New(d, box), nil
}

// secretKey returns HEED_SECRET_KEY, or the key file in the data dir,
// generating it on first run.
func secretKey(cfg config.Config, log *slog.Logger) ([]byte, error) {
	if cfg.SecretKey != "" {
		return []byte(cfg.SecretKey), nil
	}
	path := filepath.Join(cfg.DataDir, "secret.key")
	b, err := os.ReadFile(path)
	if err == nil {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read secret key: %w", err)
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	key := hex.EncodeToString(raw)
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write secret key: %w", err)
	}
	log.Warn("generated a new secret key; back it up, and set HEED_SECRET_KEY to the same value on every node", "path", path)
	return []byte(key), nil
}

// New builds a node over cfg; nothing runs until Start.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	d, s, err := Open(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, DB: d, Store: s}
	if d.Engine == db.Postgres {
		pgb := realtime.NewPGBroker(d.PgPool, log.With("component", "realtime"))
		a.Hub, a.Broker, a.pgBroker = pgb.Hub, pgb, pgb
	} else {
		a.Hub = realtime.NewHub()
		a.Broker = a.Hub
	}
	a.Registry = channel.NewRegistry(append([]channel.Connector{apichannel.New(nil), webchat.Connector{}, &listening.Connector{}, x.New(x.Options{})}, meta.Connectors(nil)...)...)
	analyzer, err := analyze.New(analyze.Options{})
	if err != nil {
		d.Close()
		return nil, err
	}
	a.Analyzer = analyzer
	composer, err := compose.New(compose.Options{})
	if err != nil {
		d.Close()
		return nil, err
	}
	a.Composer = composer
	analyzeStage := &inbound.AnalyzeStage{Analyzer: analyzer}
	workers := river.NewWorkers()
	river.AddWorker(workers, &outbound.Worker{Store: s, Registry: a.Registry, Broker: a.Broker, Log: log.With("component", "outbound")})
	river.AddWorker(workers, &webhook.Worker{Store: s})
	a.Surveys = &survey.Service{Store: s, Broker: a.Broker, Log: log.With("component", "survey")}
	river.AddWorker(workers, &survey.Worker{Service: a.Surveys, Registry: a.Registry})
	a.Jobs, err = jobs.New(d, workers, log.With("component", "jobs"), jobs.Options{PollEvery: cfg.PollInterval})
	if err != nil {
		d.Close()
		return nil, err
	}
	a.Clocks = &slaclock.Engine{Store: s, Broker: a.Broker, Webhooks: &webhook.Dispatcher{Jobs: a.Jobs, Log: log}, Log: log.With("component", "sla")}
	a.Router = &inbound.RouteStage{Broker: a.Broker, Log: log.With("component", "routing")}
	a.Processor = inbound.NewProcessor(s, a.Registry, a.Broker, survey.WithStage(inbound.Stages(analyzeStage, a.Router, slaclock.Stage{Engine: a.Clocks}), survey.Stage{Service: a.Surveys}), log.With("component", "inbound"))
	a.Listening = listening.New(s, analyzer, a.Processor, a.Broker, log.With("component", "listening"), listening.Options{Registry: a.Registry})
	a.Outbox = &outbound.Outbox{Jobs: a.Jobs, Store: s, Log: log.With("component", "outbox")}
	a.Inbox = inbox.New(s, a.Broker, a.Outbox, log)
	a.Inbox.Learner = analyzeStage
	a.Processor.SetEngagementHandler(func(ctx context.Context, channelID, externalID string, at time.Time, likes, replies, reposts int64) {
		if _, _, err := a.Inbox.RecordEngagement(ctx, channelID, externalID, inbox.Engagement{At: at, Likes: likes, Replies: replies, Reposts: reposts}); err != nil {
			log.Warn("record engagement", "channel_id", channelID, "external_id", externalID, "error", err)
		}
	})
	a.Inbox.Clocks = a.Clocks
	// Blocking composer checks are enforced on the send path, not only in the UI.
	a.Inbox.Composer, a.Inbox.Registry = composer, a.Registry
	a.Surveys.Jobs = a.Jobs
	a.Inbox.Surveys = a.Surveys
	a.Accounts = &accounts.Service{Store: s, Registry: a.Registry}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := d.Ping(ctx); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	limiter := auth.NewLimiter(10, 5*time.Minute)
	api.New(api.Deps{Store: s, Listening: a.Listening, Inbox: a.Inbox, Accounts: a.Accounts, Processor: a.Processor, Registry: a.Registry, BaseURL: cfg.BaseURL, Log: log,
		Router: a.Router, Analyzer: analyzer, Clocks: a.Clocks, Composer: composer}).Register(mux)
	webh, err := web.New(web.Deps{Store: s, Listening: a.Listening, Inbox: a.Inbox, Accounts: a.Accounts, Broker: a.Broker, Limiter: limiter,
		ClientIP: clientip.New(cfg.TrustedProxies), BaseURL: cfg.BaseURL,
		SecureCookie: cfg.SecureCookie, Log: log, Router: a.Router, Analyzer: analyzer, Registry: a.Registry,
		Composer: composer,
		X:        &web.XOAuth{ClientID: cfg.XClientID, ConsumerSecret: cfg.XConsumerSecret, APIBase: cfg.XAPIBase, AuthorizeURL: cfg.XAuthorizeURL}})
	if err != nil {
		d.Close()
		return nil, err
	}
	webh.Register(mux)
	widget.New(widget.Deps{Store: s, Processor: a.Processor, Broker: a.Broker, BaseURL: cfg.BaseURL, Log: log, Surveys: a.Surveys}).Register(mux)
	a.Handler = logRequests(log, mux)
	return a, nil
}

// Start runs the background loops: inbound processing, job workers and the
// outbox reconciler.
func (a *App) Start(ctx context.Context) error {
	ctx, a.cancel = context.WithCancel(ctx)
	if err := a.Jobs.Start(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	if a.pgBroker != nil {
		a.wg.Add(1)
		go func() { defer a.wg.Done(); a.pgBroker.Run(ctx) }()
	}
	a.wg.Add(5)
	pollers := &inbound.Pollers{Store: a.Store, Registry: a.Registry, Processor: a.Processor, Log: a.Log.With("component", "pollers")}
	go func() { defer a.wg.Done(); pollers.Run(ctx, time.Second) }()
	go func() { defer a.wg.Done(); a.Clocks.Run(ctx, a.Config.PollInterval) }()
	go func() { defer a.wg.Done(); a.maintain(ctx, time.Hour) }()
	workers := 1
	if a.DB.Engine == db.Postgres {
		workers = 4
	}
	go func() { defer a.wg.Done(); a.Processor.RunWorkers(ctx, a.Config.PollInterval, workers) }()
	go func() { defer a.wg.Done(); a.Outbox.RunReconciler(ctx, time.Minute, 30*time.Second) }()
	if err := a.startListening(ctx); err != nil {
		return err
	}
	a.wg.Add(2)
	go func() { defer a.wg.Done(); a.Surveys.RunReconciler(ctx, time.Minute, 30*time.Second) }()
	go func() { defer a.wg.Done(); a.refreshReports(ctx, 5*time.Minute) }()
	return nil
}

// refreshReports keeps the report roll-ups current between reports, which
// bounds the dirty marks that writers leave behind.
func (a *App) refreshReports(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ids, err := a.Store.ListWorkspaceIDs(ctx)
		if err != nil {
			a.Log.Warn("report roll-ups: list workspaces", "error", err)
			continue
		}
		for _, id := range ids {
			if stats, err := report.RefreshRollups(ctx, a.Store, id); err != nil {
				if ctx.Err() == nil {
					a.Log.Warn("report roll-ups", "workspace_id", id, "error", err)
				}
			} else if stats.Days > 0 {
				a.Log.Debug("report roll-ups refreshed", "workspace_id", id, "days", stats.Days, "conversations", stats.Conversations)
			}
			if _, err := report.RefreshDashboards(ctx, a.Store, id); err != nil && ctx.Err() == nil {
				a.Log.Warn("report dashboard roll-ups", "workspace_id", id, "error", err)
			}
		}
	}
}

// maintain runs periodic housekeeping: expired sessions go, and SQLite's
// query planner statistics stay fresh.
func (a *App) maintain(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := a.Store.DeleteExpiredSessions(ctx, time.Now()); err != nil {
			a.Log.Warn("delete expired sessions", "error", err)
		} else if n > 0 {
			a.Log.Debug("deleted expired sessions", "count", n)
		}
		if a.DB.Engine == db.SQLite {
			if _, err := a.DB.Write.ExecContext(ctx, "PRAGMA optimize"); err != nil {
				a.Log.Warn("sqlite optimize", "error", err)
			}
		}
	}
}

// Close stops the loops, lets running jobs finish (bounded by ctx) and closes
// the database.
func (a *App) Close(ctx context.Context) error {
	var errs []error
	if a.cancel != nil {
		if err := a.Jobs.Stop(ctx); err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, err)
		}
		a.cancel()
		a.wg.Wait()
	}
	errs = append(errs, a.DB.Close())
	return errors.Join(errs...)
}

// Serve runs a node until ctx ends: HTTP stops accepting first, then the
// loops and workers drain, then the database closes.
func Serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	a, err := New(ctx, cfg, log)
	if err != nil {
		return err
	}
	if err := a.Start(ctx); err != nil {
		a.Close(context.Background())
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		a.Close(context.Background())
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	if needs, err := a.Accounts.NeedsSetup(ctx); err == nil && needs {
		log.Info("no admin yet: open the address below to create the first admin, or run `heed user create`")
	}
	log.Info("heed listening", "addr", ln.Addr().String(), "url", cfg.BaseURL, "database", string(a.DB.Engine))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	srv.Shutdown(shutdown)
	if cerr := a.Close(shutdown); cerr != nil {
		log.Error("shutdown", "error", cerr)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		next.ServeHTTP(sw, r)
		if sw.status >= 500 {
			log.Error("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", time.Since(start))
		} else {
			log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", time.Since(start))
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

// Unwrap lets http.ResponseController reach Flush and deadlines (SSE).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
