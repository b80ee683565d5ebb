package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestClientAddressesAreBelievedOnlySignedAndFresh(t *testing.T) {
	a := NewClientAddresses("shared-secret-shared-secret-shared")
	now := time.Unix(1_800_000_000, 0)
	v := a.Sign("203.0.113.7", now)
	ip, ok := a.Verify(v, now.Add(30*time.Second))
	assert.True(t, ok)
	assert.Equal(t, "203.0.113.7", ip)

	_, ok = a.Verify(v, now.Add(2*time.Minute))
	assert.False(t, ok, "replayed too late")
	_, ok = a.Verify(strings.Replace(v, "203.0.113.7", "203.0.113.8", 1), now)
	assert.False(t, ok, "another address under the same signature")
	_, ok = NewClientAddresses("another-secret-another-secret-anoth").Verify(v, now)
	assert.False(t, ok, "signed with another key")
	for _, bad := range []string{"", "203.0.113.7", "203.0.113.7;x;y", "not-an-ip;1800000000;sig", "203.0.113.7;1800000000;"} {
		_, ok := a.Verify(bad, now)
		assert.False(t, ok, bad)
	}
}
