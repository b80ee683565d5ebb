package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const secret = "0123456789abcdef0123456789abcdef"

func TestIssueVerifyRoundTrip(t *testing.T) {
	tok, err := NewTokens(secret, time.Hour)
	require.NoError(t, err)
	s, exp, err := tok.Issue(Claims{UserID: "user-1", SessionID: "s-1"})
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(time.Hour), exp, 5*time.Second)
	claims, err := tok.Verify(s)
	require.NoError(t, err)
	assert.Equal(t, Claims{UserID: "user-1", SessionID: "s-1"}, claims)
}

func TestShortSecretRefused(t *testing.T) {
	_, err := NewTokens("short", time.Hour)
	require.Error(t, err)
}

func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	require.NoError(t, err)
	return s
}

func TestVerifyRejects(t *testing.T) {
	tok, err := NewTokens(secret, time.Hour)
	require.NoError(t, err)
	now := time.Now()
	good := jwt.MapClaims{"sub": "u", "iss": Issuer, "aud": Audience, "exp": now.Add(time.Hour).Unix()}
	with := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{}
		for kk, vv := range good {
			c[kk] = vv
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	valid, _, err := tok.Issue(Claims{UserID: "u"})
	require.NoError(t, err)
	parts := strings.Split(valid, ".")
	cases := map[string]string{
		"garbage":            "not-a-token",
		"empty":              "",
		"other secret":       sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), good),
		"HS512":              sign(t, jwt.SigningMethodHS512, []byte(secret), good),
		"none alg":           sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good),
		"expired":            sign(t, jwt.SigningMethodHS256, []byte(secret), with("exp", now.Add(-time.Hour).Unix())),
		"no exp":             sign(t, jwt.SigningMethodHS256, []byte(secret), with("exp", nil)),
		"wrong issuer":       sign(t, jwt.SigningMethodHS256, []byte(secret), with("iss", "evil")),
		"wrong audience":     sign(t, jwt.SigningMethodHS256, []byte(secret), with("aud", "evil")),
		"no subject":         sign(t, jwt.SigningMethodHS256, []byte(secret), with("sub", nil)),
		"tampered signature": parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2])),
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := tok.Verify(s)
			assert.ErrorIs(t, err, ErrInvalidToken)
		})
	}
	// Within leeway an expired token is still accepted; beyond it, not.
	justExpired := sign(t, jwt.SigningMethodHS256, []byte(secret), with("exp", now.Add(-10*time.Second).Unix()))
	_, err = tok.Verify(justExpired)
	assert.NoError(t, err)
}

func TestBearerToken(t *testing.T) {
	tk, ok := BearerToken("Bearer abc")
	assert.True(t, ok)
	assert.Equal(t, "abc", tk)
	tk, ok = BearerToken("bearer  abc ")
	assert.True(t, ok)
	assert.Equal(t, "abc", tk)
	for _, h := range []string{"", "Bearer", "Bearer ", "Basic abc", "abc"} {
		_, ok := BearerToken(h)
		assert.False(t, ok, h)
	}
}

func BenchmarkVerify(b *testing.B) {
	tok, _ := NewTokens(secret, time.Hour)
	s, _, _ := tok.Issue(Claims{UserID: "user-1"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tok.Verify(s); err != nil {
			b.Fatal(err)
		}
	}
}
