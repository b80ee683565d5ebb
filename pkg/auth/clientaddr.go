package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// ClientHeader carries the browser's address from a frontend to the
// backend, signed: "<ip>;<unix seconds>;<signature>".
const ClientHeader = "X-Todo-Client"

// clientAddrMaxAge bounds how long a signed address may be replayed.
const clientAddrMaxAge = time.Minute

// ClientAddresses signs and checks the browser address the frontends pass
// on, so that the backend's per-address limits count people without
// believing an X-Forwarded-For that anyone on a private network could
// send. The key is derived from the secret the frontends and the backend
// already share (BETTER_AUTH_SECRET), for this purpose only.
type ClientAddresses struct{ key []byte }

// NewClientAddresses derives the signing key from the shared secret.
func NewClientAddresses(secret string) *ClientAddresses {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("todo-app client address v1"))
	return &ClientAddresses{key: mac.Sum(nil)}
}

func (a *ClientAddresses) mac(ip string, ts int64) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(ip + ";" + strconv.FormatInt(ts, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Sign is the header value for ip at now.
func (a *ClientAddresses) Sign(ip string, now time.Time) string {
	ts := now.Unix()
	return ip + ";" + strconv.FormatInt(ts, 10) + ";" + a.mac(ip, ts)
}

// Verify returns the address in a header value when its signature is
// right and it is at most a minute old.
func (a *ClientAddresses) Verify(value string, now time.Time) (string, bool) {
	parts := strings.Split(value, ";")
	if len(parts) != 3 {
		return "", false
	}
	ip, err := netip.ParseAddr(parts[0])
	if err != nil {
		return "", false
	}
	ts, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return "", false
	}
	if age := now.Sub(time.Unix(ts, 0)); age > clientAddrMaxAge || age < -clientAddrMaxAge {
		return "", false
	}
	if !hmac.Equal([]byte(parts[2]), []byte(a.mac(parts[0], ts))) {
		return "", false
	}
	return ip.String(), true
}
