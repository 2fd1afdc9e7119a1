package app

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/listen/source"
	"github.com/heed-dev/heed/internal/listen/source/xstreamtest"
)

func TestListenSourcesFromConfig(t *testing.T) {
	cfg := config.Default()
	if srcs, err := listenSources(cfg, source.Options{}); err != nil || len(srcs) != 0 {
		t.Fatalf("default: %d sources, %v; want none", len(srcs), err)
	}
	cfg.ListenSources, cfg.ListenReplayFile = " Bluesky, replay ,bluesky", "/tmp/posts.jsonl"
	srcs, err := listenSources(cfg, source.Options{})
	if err != nil || len(srcs) != 2 || srcs[0].Name() != "bluesky" || srcs[1].Name() != "replay" {
		t.Fatalf("bluesky and replay: %v, %v", srcs, err)
	}
	for _, c := range []struct{ sources, want string }{
		{"twitter", "unknown source"},
		{"x", "HEED_LISTEN_X_BEARER_TOKEN"},
		{"mastodon", "HEED_LISTEN_MASTODON_URL"},
	} {
		cfg := config.Default()
		cfg.ListenSources = c.sources
		if _, err := listenSources(cfg, source.Options{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %s", c.sources, err, c.want)
		}
	}
}

// The X stream only sends what matches rules registered with X: the rules
// file is synced to the stream's rules endpoint (added and stale ones
// deleted) before streaming.
func TestXStreamRulesFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x-rules.txt")
	if err := os.WriteFile(path, []byte("# pre-filter\nacme OR @acme -is:retweet\nbrand\tacmepay lang:en\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rules, err := readXRules(path)
	if err != nil || len(rules) != 2 || rules[0].Value != "acme OR @acme -is:retweet" || rules[1] != (source.XRule{Tag: "brand", Value: "acmepay lang:en"}) {
		t.Fatalf("rules %+v, %v", rules, err)
	}
	if err := os.WriteFile(path, []byte("brand\t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readXRules(path); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("an empty rule: %v, want an error naming the line", err)
	}

	emu := xstreamtest.New(t, "tok")
	emu.AddRule("stale rule", "")
	cfg := config.Default()
	cfg.ListenSources, cfg.ListenXBearerToken, cfg.ListenXBaseURL = "x", "tok", emu.URL
	srcs, err := listenSources(cfg, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	syncXRules(context.Background(), slog.New(slog.DiscardHandler), srcs, rules)
	got := emu.Rules()
	slices.Sort(got)
	if want := []string{"acme OR @acme -is:retweet", "acmepay lang:en"}; !slices.Equal(got, want) {
		t.Fatalf("X rules after sync %q, want %q", got, want)
	}
}
