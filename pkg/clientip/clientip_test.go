package clientip

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClientIsTheRightMostUntrustedEntry(t *testing.T) {
	p, err := Parse([]string{"10.0.0.0/8", "fd00::/8"})
	require.NoError(t, err)
	proxy := netip.MustParseAddr("10.1.2.3")
	for _, tc := range []struct {
		name      string
		peer      netip.Addr
		forwarded []string
		want      string
	}{
		{"no proxy: the header is ignored", netip.MustParseAddr("198.51.100.9"), []string{"203.0.113.7"}, "198.51.100.9"},
		{"one entry through the proxy", proxy, []string{"203.0.113.7"}, "203.0.113.7"},
		{"two entries: the one the proxy saw, not the client's claim", proxy, []string{"192.0.2.1, 203.0.113.7"}, "203.0.113.7"},
		{"a chain of trusted proxies is skipped", proxy, []string{"192.0.2.1, 203.0.113.7, 10.9.9.9"}, "203.0.113.7"},
		{"header lines in order", proxy, []string{"192.0.2.1", "203.0.113.7, 10.9.9.9"}, "203.0.113.7"},
		{"ports and brackets", proxy, []string{"203.0.113.7:4711, [2001:db8::1]:80"}, "2001:db8::1"},
		{"IPv4 in IPv6", netip.MustParseAddr("::ffff:10.1.2.3"), []string{"::ffff:203.0.113.7"}, "203.0.113.7"},
		{"garbage stops at the proxy that passed it", proxy, []string{"203.0.113.7, nonsense, 10.9.9.9"}, "10.9.9.9"},
		{"no header: the proxy", proxy, nil, "10.1.2.3"},
		{"all trusted: the furthest", proxy, []string{"10.0.0.5, 10.9.9.9"}, "10.0.0.5"},
	} {
		assert.Equal(t, tc.want, p.Client(tc.peer, tc.forwarded).String(), tc.name)
	}
}

// The probe's two findings: a two-entry header counted as one shared
// address, and a rotating left-most value never limited. Rotating what
// the client writes must not change the address.
func TestASpoofedLeftMostEntryDoesNotChangeTheAddress(t *testing.T) {
	p, err := Parse([]string{"10.0.0.0/8"})
	require.NoError(t, err)
	seen := map[netip.Addr]bool{}
	for i := range 50 {
		spoof := netip.AddrFrom4([4]byte{192, 0, 2, byte(i)}).String()
		seen[p.Client(netip.MustParseAddr("10.1.2.3"), []string{spoof + ", 203.0.113.7"})] = true
	}
	assert.Equal(t, map[netip.Addr]bool{netip.MustParseAddr("203.0.113.7"): true}, seen)
}
