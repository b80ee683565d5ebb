// Package clientip is the one rule every app uses for a request's client
// address: the peer's, or, when the peer is a trusted proxy
// (TRUSTED_PROXIES), the right-most X-Forwarded-For entry that is not
// itself a trusted proxy. Entries left of that one were written by the
// client or by proxies nobody vouches for: believing the left-most lets
// anyone pick their address (and escape per-address limits by changing
// it), and taking the whole value puts every two-entry header in one
// bucket.
package clientip

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Header is the header proxies append the address they saw to.
const Header = "X-Forwarded-For"

// Proxies are the trusted proxies' address ranges.
type Proxies struct {
	prefixes []netip.Prefix
}

// Parse reads CIDR ranges (TRUSTED_PROXIES; config.Env has checked them).
// None: no one is trusted, and the peer is always the client.
func Parse(cidrs []string) (*Proxies, error) {
	p := &Proxies{}
	for _, s := range cidrs {
		pre, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("trusted proxy range %q: %w", s, err)
		}
		p.prefixes = append(p.prefixes, pre.Masked())
	}
	return p, nil
}

// Trusted says whether addr is a trusted proxy.
func (p *Proxies) Trusted(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, pre := range p.prefixes {
		if pre.Contains(addr) {
			return true
		}
	}
	return false
}

// Client is the client address of a request that came from peer with
// the X-Forwarded-For header lines forwarded (in the order they came).
func (p *Proxies) Client(peer netip.Addr, forwarded []string) netip.Addr {
	client := peer.Unmap()
	if !p.Trusted(client) {
		return client
	}
	for i := len(forwarded) - 1; i >= 0; i-- {
		entries := strings.Split(forwarded[i], ",")
		for j := len(entries) - 1; j >= 0; j-- {
			addr, ok := parseEntry(entries[j])
			if !ok {
				// Not an address: the proxy that passed it on (the last
				// one found) is as far as anyone vouches.
				return client
			}
			client = addr
			if !p.Trusted(addr) {
				return client
			}
		}
	}
	// Every hop a trusted proxy: the furthest one is the client.
	return client
}

// parseEntry reads one X-Forwarded-For entry: an address, possibly with
// a port ("203.0.113.7:4711", "[2001:db8::1]:4711").
func parseEntry(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// proxiesKey holds a request's Proxies (Handler).
type proxiesKey struct{}

// Handler makes p the rule Of applies to the app's requests
// (httpserver installs it).
func (p *Proxies) Handler() fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(proxiesKey{}, p)
		return c.Next()
	}
}

// Of is the client address of a request, by the rule of the app's
// Proxies (none installed: the peer's).
func Of(c *fiber.Ctx) string {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	p, ok := c.Locals(proxiesKey{}).(*Proxies)
	if !ok {
		return peer.Unmap().String()
	}
	lines := c.Request().Header.PeekAll(Header)
	forwarded := make([]string, len(lines))
	for i, l := range lines {
		forwarded[i] = string(l)
	}
	return p.Client(peer, forwarded).String()
}
