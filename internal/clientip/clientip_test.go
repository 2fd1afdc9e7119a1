package clientip

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func mustPrefixes(t testing.TB, s string) []netip.Prefix {
	t.Helper()
	p, err := ParsePrefixes(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func request(remote string, xff ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = remote
	for _, v := range xff {
		r.Header.Add("X-Forwarded-For", v)
	}
	return r
}

func TestResolver(t *testing.T) {
	trusted := New(mustPrefixes(t, "10.0.0.0/8, 192.0.2.7, 2001:db8::/32"))
	tests := []struct {
		name   string
		res    *Resolver
		remote string
		xff    []string
		want   string
	}{
		{"nil resolver: peer", nil, "203.0.113.5:4000", []string{"198.51.100.1"}, "203.0.113.5"},
		{"no prefixes: peer", New(nil), "10.1.1.1:4000", []string{"198.51.100.1"}, "10.1.1.1"},
		{"untrusted peer: XFF ignored", trusted, "203.0.113.5:4000", []string{"198.51.100.1"}, "203.0.113.5"},
		{"untrusted peer next to a trusted one", trusted, "192.0.2.8:4000", []string{"198.51.100.1"}, "192.0.2.8"},
		{"trusted peer, no XFF", trusted, "10.0.0.1:4000", nil, "10.0.0.1"},
		{"trusted peer, one client", trusted, "10.0.0.1:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"bare trusted IP", trusted, "192.0.2.7:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"rightmost untrusted wins over a spoofed left", trusted, "10.0.0.1:4000", []string{"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"trusted hops skipped", trusted, "10.0.0.1:4000", []string{"1.2.3.4, 198.51.100.1, 10.9.9.9, 192.0.2.7"}, "198.51.100.1"},
		{"several header lines are one list", trusted, "10.0.0.1:4000", []string{"1.2.3.4", "198.51.100.1, 10.2.2.2"}, "198.51.100.1"},
		{"all trusted: leftmost", trusted, "10.0.0.1:4000", []string{"10.3.3.3, 10.2.2.2"}, "10.3.3.3"},
		{"all trusted across lines: leftmost", trusted, "10.0.0.1:4000", []string{"10.3.3.3", "10.2.2.2"}, "10.3.3.3"},
		{"spaces", trusted, "10.0.0.1:4000", []string{"  198.51.100.1  ,10.2.2.2 "}, "198.51.100.1"},
		{"malformed rightmost: peer", trusted, "10.0.0.1:4000", []string{"198.51.100.1, unknown"}, "10.0.0.1"},
		{"malformed after trusted hop: peer", trusted, "10.0.0.1:4000", []string{"garbage, 10.2.2.2"}, "10.0.0.1"},
		{"malformed left of the client: not reached", trusted, "10.0.0.1:4000", []string{"garbage, 198.51.100.1"}, "198.51.100.1"},
		{"empty entry: peer", trusted, "10.0.0.1:4000", []string{"198.51.100.1,,10.2.2.2"}, "10.0.0.1"},
		{"trailing comma: peer", trusted, "10.0.0.1:4000", []string{"198.51.100.1,"}, "10.0.0.1"},
		{"empty header: peer", trusted, "10.0.0.1:4000", []string{""}, "10.0.0.1"},
		{"port in entry: peer", trusted, "10.0.0.1:4000", []string{"198.51.100.1:5555"}, "10.0.0.1"},
		{"zone in entry: peer", trusted, "10.0.0.1:4000", []string{"fe80::1%eth0"}, "10.0.0.1"},
		{"IPv6 peer and client", trusted, "[2001:db8::1]:4000", []string{"2001:DB8:1::5, 2001:db8::2"}, "2001:db8:1::5"},
		{"IPv6 client outside", trusted, "[2001:db8::1]:4000", []string{"2a00:1450::1"}, "2a00:1450::1"},
		{"IPv6 untrusted peer", trusted, "[2a00:1450::9]:4000", []string{"198.51.100.1"}, "2a00:1450::9"},
		{"IPv4-mapped peer is trusted", trusted, "[::ffff:10.0.0.1]:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"IPv4-mapped entry comes back as IPv4", trusted, "10.0.0.1:4000", []string{"::ffff:198.51.100.1"}, "198.51.100.1"},
		{"IPv4-mapped trusted hop", trusted, "10.0.0.1:4000", []string{"198.51.100.1, ::ffff:10.2.2.2"}, "198.51.100.1"},
		{"peer without port", trusted, "10.0.0.1", []string{"198.51.100.1"}, "198.51.100.1"},
		{"unparsable peer", trusted, "@pipe", []string{"198.51.100.1"}, "@pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.res.IP(request(tt.remote, tt.xff...)); got != tt.want {
				t.Fatalf("IP() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParsePrefixes(t *testing.T) {
	tests := []struct {
		in   string
		want string // prefixes joined by a space
	}{
		{"", ""},
		{" , ", ""},
		{"10.0.0.1", "10.0.0.1/32"},
		{"10.0.0.0/8,192.168.1.7", "10.0.0.0/8 192.168.1.7/32"},
		{" 172.16.0.0/12 , fd00::/8 ,::1, ", "172.16.0.0/12 fd00::/8 ::1/128"},
		{"10.1.2.3/8", "10.0.0.0/8"},          // host bits dropped
		{"::ffff:10.0.0.0/104", "10.0.0.0/8"}, // IPv4-mapped prefix
		{"::ffff:10.0.0.1", "10.0.0.1/32"},    // IPv4-mapped address
		{"2001:DB8::/32", "2001:db8::/32"},    // canonical form
		{"0.0.0.0/0,::/0", "0.0.0.0/0 ::/0"},  // trust everyone, if you must
	}
	for _, tt := range tests {
		ps, err := ParsePrefixes(tt.in)
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != tt.want {
			t.Fatalf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"10.0.0.300", "10.0.0.0/33", "example.com", "10.0.0.1:80", "fe80::1%eth0", "10.0.0.0/8/8", "2001:db8::/129", "10.0.0.1,nope"} {
		_, err := ParsePrefixes(bad)
		if err == nil {
			t.Fatalf("%q accepted", bad)
		}
		entry := bad
		if i := strings.LastIndexByte(bad, ','); i >= 0 {
			entry = bad[i+1:]
		}
		if !strings.Contains(err.Error(), `"`+entry+`"`) {
			t.Fatalf("%q: error %q does not name the entry", bad, err)
		}
	}
}

// FuzzResolver checks that IP never panics and answers either the peer or
// (the canonical form of) one of the X-Forwarded-For entries, and only ever
// the peer when the peer is not trusted.
func FuzzResolver(f *testing.F) {
	f.Add("10.0.0.1:4000", "198.51.100.1, 10.2.2.2")
	f.Add("10.0.0.1:4000", "garbage,,")
	f.Add("[2001:db8::1]:4000", "2001:db8:1::5, ::ffff:10.0.0.1")
	f.Add("203.0.113.5:4000", "198.51.100.1")
	f.Add("[::ffff:10.0.0.1]:1", "fe80::1%eth0, 1.2.3.4")
	f.Add("10.0.0.1", "")
	f.Add("", ",")
	res := New(mustPrefixes(f, "10.0.0.0/8, 192.0.2.7, 2001:db8::/32, ::ffff:198.51.100.0/120"))
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := request(remote)
		// Up to two header lines, split at a newline in the input.
		lines := strings.SplitN(xff, "\n", 2)
		for _, l := range lines {
			r.Header.Add("X-Forwarded-For", l)
		}
		got := res.IP(r)

		peer, _, err := net.SplitHostPort(remote)
		if err != nil {
			peer = remote
		}
		if got == peer {
			return
		}
		if a, err := netip.ParseAddr(peer); err != nil || !res.trusts(a) {
			t.Fatalf("untrusted peer %q: got %q", remote, got)
		}
		for _, l := range lines {
			for _, e := range strings.Split(l, ",") {
				if a, err := netip.ParseAddr(strings.TrimSpace(e)); err == nil && a.Unmap().String() == got {
					return
				}
			}
		}
		t.Fatalf("IP(%q, %q) = %q: neither the peer nor an entry", remote, xff, got)
	})
}
