package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/listen/source"
)

// listenSources builds the listening streams named in the configuration
// (HEED_LISTEN_SOURCES); none run by default.
func listenSources(cfg config.Config, o source.Options) ([]source.Source, error) {
	var out []source.Source
	seen := map[string]bool{}
	for _, name := range strings.Split(cfg.ListenSources, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		switch name {
		case "bluesky", "jetstream":
			out = append(out, source.NewJetstream(source.JetstreamConfig{URL: cfg.ListenJetstreamURL, Options: o}))
		case "x":
			if cfg.ListenXBearerToken == "" {
				return nil, errors.New("config: the x listening source needs HEED_LISTEN_X_BEARER_TOKEN")
			}
			out = append(out, source.NewXStream(source.XStreamConfig{BaseURL: cfg.ListenXBaseURL, BearerToken: cfg.ListenXBearerToken, Options: o}))
		case "mastodon":
			if cfg.ListenMastodonURL == "" {
				return nil, errors.New("config: the mastodon listening source needs HEED_LISTEN_MASTODON_URL")
			}
			out = append(out, source.NewMastodon(source.MastodonConfig{BaseURL: cfg.ListenMastodonURL, AccessToken: cfg.ListenMastodonToken,
				Hashtag: strings.TrimPrefix(cfg.ListenMastodonTag, "#"), Options: o}))
		case "replay":
			path := cfg.ListenReplayFile
			if path == "" {
				return nil, errors.New("config: the replay listening source needs HEED_LISTEN_REPLAY_FILE")
			}
			out = append(out, source.NewReplay(source.ReplayConfig{Open: func() (io.ReadCloser, error) { return os.Open(path) }, Options: o}))
		default:
			return nil, fmt.Errorf("config: HEED_LISTEN_SOURCES: unknown source %q (known: bluesky, x, mastodon, replay)", name)
		}
	}
	return out, nil
}

// startListening runs the listening service: the rule set is kept fresh
// even with no stream configured, so the page's preview and the API work.
func (a *App) startListening(ctx context.Context) error {
	srcs, err := listenSources(a.Config, source.Options{Logger: a.Log.With("component", "listen-source")})
	if err != nil {
		return err
	}
	var xRules []source.XRule
	if a.Config.ListenXRulesFile != "" {
		if xRules, err = readXRules(a.Config.ListenXRulesFile); err != nil {
			return err
		}
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		syncXRules(ctx, a.Log, srcs, xRules)
		a.Listening.Run(ctx, srcs)
	}()
	return nil
}

// syncXRules makes the X stream's server-side rules what the file says
// before streaming: X keeps rules between connections. A failure is logged;
// the rules already registered keep working. nil rules leave X's alone.
func syncXRules(ctx context.Context, log *slog.Logger, srcs []source.Source, rules []source.XRule) {
	if rules == nil {
		return
	}
	for _, s := range srcs {
		x, ok := s.(*source.XStream)
		if !ok {
			continue
		}
		added, deleted, err := x.SyncRules(ctx, rules)
		if err != nil {
			log.Error("sync X stream rules", "error", err)
			continue
		}
		log.Info("X stream rules synced", "rules", len(rules), "added", added, "deleted", deleted)
	}
}

// readXRules reads HEED_LISTEN_X_RULES_FILE: one rule per line, "value" or
// "tag<TAB>value"; blank lines and lines starting with # are skipped.
func readXRules(path string) ([]source.XRule, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: HEED_LISTEN_X_RULES_FILE: %w", err)
	}
	rules := []source.XRule{}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimRight(line, "\r")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		r := source.XRule{Value: strings.TrimSpace(line)}
		if tag, value, ok := strings.Cut(line, "\t"); ok {
			r = source.XRule{Tag: strings.TrimSpace(tag), Value: strings.TrimSpace(value)}
		}
		if r.Value == "" {
			return nil, fmt.Errorf("config: HEED_LISTEN_X_RULES_FILE line %d: empty rule", i+1)
		}
		rules = append(rules, r)
	}
	return rules, nil
}
