package app

import (
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/listen/source"
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
