// Package config builds Heed's boot configuration from defaults, the
// environment (HEED_*) and flags, in that order, and validates it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/clientip"
)

// Config is the boot configuration. Runtime settings (channels, policies)
// live in the database.
type Config struct {
	Addr        string // listen address
	DataDir     string // SQLite file, generated secret key
	DatabaseURL string // postgres://… selects PostgreSQL; empty means SQLite in DataDir
	SecretKey   string // seals channel secrets at rest; generated into DataDir if empty
	BaseURL     string // public URL, for widget snippets and links
	LogFormat   string // text or json
	LogLevel    string // debug, info, warn, error
	// PollInterval is how often background loops look for work that no
	// in-process wake-up announced (another node's events).
	PollInterval time.Duration
	SecureCookie bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed when telling a client's address (login rate limits); empty
	// trusts nobody and uses the peer address.
	TrustedProxies []netip.Prefix

	// X app used to connect X accounts (OAuth 2.0 with PKCE); the API base
	// and authorize URL point at the real X unless set (tests and the demo
	// point them at the emulator).
	XClientID       string
	XConsumerSecret string
	XAPIBase        string
	XAuthorizeURL   string

	// Listening streams to run, comma-separated (bluesky, x, mastodon,
	// replay); none by default.
	ListenSources      string
	ListenJetstreamURL string // Bluesky Jetstream subscribe URL; default a public instance
	ListenXBearerToken string // X filtered stream: app-only bearer token
	ListenXBaseURL     string // default the real X API
	// ListenXRulesFile holds the X stream's own rules, one per line
	// ("value" or "tag<TAB>value"): X sends only posts matching rules
	// registered with it, so these are the broad pre-filter and the
	// workspaces' listening rules do the precise matching.
	ListenXRulesFile    string
	ListenMastodonURL   string // instance base URL, e.g. https://mastodon.social
	ListenMastodonToken string
	ListenMastodonTag   string // follow one hashtag (without #); empty: the public timeline
	ListenReplayFile    string // JSON lines in the `heed listen` format
}

// Default returns the defaults.
func Default() Config {
	return Config{Addr: ":8080", DataDir: "./data", LogFormat: "text", LogLevel: "info", PollInterval: time.Second}
}

// FromEnv overlays HEED_* variables on c. HEED_SECRET_KEY_FILE and
// HEED_DATABASE_URL_FILE read the value from a file (for container secrets).
func FromEnv(c Config, getenv func(string) string) (Config, error) {
	str := func(key string, dst *string) error {
		if v := getenv(key); v != "" {
			*dst = v
		}
		if path := getenv(key + "_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return fmt.Errorf("config: %s_FILE: %w", key, err)
			}
			*dst = strings.TrimSpace(string(b))
		}
		return nil
	}
	errs := []error{
		str("HEED_ADDR", &c.Addr), str("HEED_DATA_DIR", &c.DataDir), str("HEED_DATABASE_URL", &c.DatabaseURL),
		str("HEED_SECRET_KEY", &c.SecretKey), str("HEED_BASE_URL", &c.BaseURL), str("HEED_LOG_FORMAT", &c.LogFormat),
		str("HEED_LOG_LEVEL", &c.LogLevel), str("HEED_X_CLIENT_ID", &c.XClientID), str("HEED_X_CONSUMER_SECRET", &c.XConsumerSecret),
		str("HEED_X_API_BASE", &c.XAPIBase), str("HEED_X_AUTHORIZE_URL", &c.XAuthorizeURL),
		str("HEED_LISTEN_SOURCES", &c.ListenSources), str("HEED_LISTEN_JETSTREAM_URL", &c.ListenJetstreamURL),
		str("HEED_LISTEN_X_BEARER_TOKEN", &c.ListenXBearerToken), str("HEED_LISTEN_X_BASE_URL", &c.ListenXBaseURL),
		str("HEED_LISTEN_X_RULES_FILE", &c.ListenXRulesFile),
		str("HEED_LISTEN_MASTODON_URL", &c.ListenMastodonURL), str("HEED_LISTEN_MASTODON_TOKEN", &c.ListenMastodonToken),
		str("HEED_LISTEN_MASTODON_TAG", &c.ListenMastodonTag), str("HEED_LISTEN_REPLAY_FILE", &c.ListenReplayFile),
	}
	if v := getenv("HEED_POLL_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("config: HEED_POLL_INTERVAL: %w", err))
		}
		c.PollInterval = d
	}
	if v := getenv("HEED_TRUSTED_PROXIES"); v != "" {
		p, err := clientip.ParsePrefixes(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("config: HEED_TRUSTED_PROXIES: %w", err))
		}
		c.TrustedProxies = p
	}
	if v := getenv("HEED_SECURE_COOKIE"); v != "" {
		c.SecureCookie = v == "1" || v == "true"
	}
	return c, errors.Join(errs...)
}

// RegisterFlags binds the shared flags to c (flags win over env).
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (HEED_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory (HEED_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "database URL; postgres://… selects PostgreSQL, default SQLite in the data dir (HEED_DATABASE_URL)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public base URL, e.g. https://care.example.com (HEED_BASE_URL)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json (HEED_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (HEED_LOG_LEVEL)")
	fs.Func("trusted-proxies", "comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For is believed; default none (HEED_TRUSTED_PROXIES)",
		func(v string) error {
			p, err := clientip.ParsePrefixes(v)
			if err != nil {
				return err
			}
			c.TrustedProxies = p
			return nil
		})
}

// Validate checks c and fills derived defaults.
func (c *Config) Validate() error {
	if c.DataDir == "" {
		return errors.New("config: data dir must not be empty")
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = filepath.Join(c.DataDir, "heed.db")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("config: log format %q: want text or json", c.LogFormat)
	}
	if c.PollInterval <= 0 {
		return errors.New("config: poll interval must be positive")
	}
	if c.BaseURL == "" {
		host := c.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.BaseURL = "http://" + host
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return nil
}

// Redacted returns c with secrets hidden, for logs and dumps.
func (c Config) Redacted() Config {
	if c.SecretKey != "" {
		c.SecretKey = "<redacted>"
	}
	if c.XConsumerSecret != "" {
		c.XConsumerSecret = "<redacted>"
	}
	if c.ListenXBearerToken != "" {
		c.ListenXBearerToken = "<redacted>"
	}
	if c.ListenMastodonToken != "" {
		c.ListenMastodonToken = "<redacted>"
	}
	if strings.Contains(c.DatabaseURL, "@") {
		c.DatabaseURL = "<redacted>"
	}
	return c
}
