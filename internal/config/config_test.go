package config

import (
	"flag"
	"testing"
	"time"
)

func TestSourcesInOrder(t *testing.T) {
	env := map[string]string{"HEED_ADDR": ":9000", "HEED_DATA_DIR": "/tmp/x", "HEED_POLL_INTERVAL": "250ms"}
	c, err := FromEnv(Default(), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := fs.Parse([]string{"--addr", ":7000"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":7000" || c.DataDir != "/tmp/x" || c.PollInterval != 250*time.Millisecond {
		t.Fatalf("got %+v", c)
	}
	if c.DatabaseURL != "/tmp/x/heed.db" || c.BaseURL != "http://localhost:7000" {
		t.Fatalf("derived: %q %q", c.DatabaseURL, c.BaseURL)
	}
	if _, err := FromEnv(Default(), func(k string) string {
		if k == "HEED_POLL_INTERVAL" {
			return "soon"
		}
		return ""
	}); err == nil {
		t.Fatal("bad duration accepted")
	}
	c.SecretKey, c.DatabaseURL = "k", "postgres://u:p@h/db"
	if r := c.Redacted(); r.SecretKey == "k" || r.DatabaseURL == c.DatabaseURL {
		t.Fatal("secrets not redacted")
	}
}
