package config

import (
	"flag"
	"fmt"
	"io"
	"strings"
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

func TestTrustedProxies(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "HEED_TRUSTED_PROXIES" {
				return v
			}
			return ""
		}
	}
	c, err := FromEnv(Default(), env(""))
	if err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("default: %v, %v; want none trusted", c.TrustedProxies, err)
	}
	c, err = FromEnv(Default(), env("10.0.0.0/8, 192.0.2.7,fd00::/8, ::1"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(c.TrustedProxies); got != "[10.0.0.0/8 192.0.2.7/32 fd00::/8 ::1/128]" {
		t.Fatalf("env: %s", got)
	}
	_, err = FromEnv(Default(), env("10.0.0.0/8, 10.0.0.300"))
	if err == nil || !strings.Contains(err.Error(), "HEED_TRUSTED_PROXIES") || !strings.Contains(err.Error(), `"10.0.0.300"`) {
		t.Fatalf("bad entry: %v; want an error naming the setting and the entry", err)
	}

	// The flag wins over the environment, and may clear it.
	for _, tt := range []struct{ flag, want string }{{"--trusted-proxies=172.16.0.0/12", "[172.16.0.0/12]"}, {"--trusted-proxies=", "[]"}} {
		c, _ := FromEnv(Default(), env("10.0.0.0/8"))
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.RegisterFlags(fs)
		if err := fs.Parse([]string{tt.flag}); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(c.TrustedProxies); got != tt.want {
			t.Fatalf("%s: %s, want %s", tt.flag, got, tt.want)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.RegisterFlags(fs)
	if err := fs.Parse([]string{"--trusted-proxies", "proxy.internal"}); err == nil || !strings.Contains(err.Error(), `"proxy.internal"`) {
		t.Fatalf("bad flag: %v", err)
	}
}
