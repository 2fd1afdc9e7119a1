// Package clientip tells which address a request came from, for rate-limit
// keys and logs.
//
// Without trusted proxies that is the peer (the TCP remote address), whatever
// the request's headers say: anyone can send X-Forwarded-For. When the peer
// is a trusted reverse proxy, X-Forwarded-For is read from the right (each
// proxy appends the address it saw), trusted addresses are skipped, and the
// first untrusted one is the client. If every entry is trusted the leftmost
// is taken; if an entry is malformed the peer is. A client can prepend
// anything it likes, but never past the entry our own proxy appended.
package clientip

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Resolver finds the client address of a request. A nil *Resolver, or one
// without prefixes, trusts nobody and always answers the peer address.
type Resolver struct {
	trusted []netip.Prefix
}

// New returns a resolver that trusts peers (and X-Forwarded-For entries)
// inside the given prefixes.
func New(trusted []netip.Prefix) *Resolver {
	return &Resolver{trusted: append([]netip.Prefix(nil), trusted...)}
}

// IP returns the client address of r. The peer address is returned as the
// host part of r.RemoteAddr (all of it if it has no port); an address from
// X-Forwarded-For is returned in canonical form (IPv4-mapped IPv6 as IPv4).
func (res *Resolver) IP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if res == nil || len(res.trusted) == 0 {
		return host
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !res.trusts(peer) {
		return host
	}
	values := r.Header.Values("X-Forwarded-For")
	var leftmost netip.Addr
	// Several header lines are one list, in order.
	for i := len(values) - 1; i >= 0; i-- {
		rest, done := values[i], false
		for !done {
			entry := rest
			if j := strings.LastIndexByte(rest, ','); j >= 0 {
				entry, rest = rest[j+1:], rest[:j]
			} else {
				done = true
			}
			a, ok := parseAddr(strings.TrimSpace(entry))
			if !ok {
				return host
			}
			if !res.trusts(a) {
				return a.String()
			}
			leftmost = a
		}
	}
	if leftmost.IsValid() {
		return leftmost.String()
	}
	return host
}

func (res *Resolver) trusts(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range res.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseAddr accepts a plain IPv4 or IPv6 address, without zone or port.
func parseAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// ParsePrefixes parses a comma-separated list of IP addresses and CIDR
// prefixes, IPv4 or IPv6 ("10.0.0.0/8, 192.0.2.7, fd00::/8"). A bare address
// means just that address (/32 or /128). Blank entries are ignored; the
// first invalid entry is named in the error.
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		p, err := parsePrefix(entry)
		if err != nil {
			return nil, fmt.Errorf("entry %q is not an IP address or CIDR prefix (like 10.0.0.1, 10.0.0.0/8 or fd00::/8)", entry)
		}
		out = append(out, p)
	}
	return out, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		// Client addresses are compared unmapped, so an IPv4-mapped
		// prefix becomes the IPv4 prefix it describes.
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, ok := parseAddr(s)
	if !ok {
		return netip.Prefix{}, fmt.Errorf("bad address %q", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}
