package api

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// CalendarTokenBytes is the randomness of a calendar feed's token (256
// bits); the token is those bytes in base64url without padding.
const CalendarTokenBytes = 32

// CalendarTokenLength is a token's length in characters:
// base64.RawURLEncoding.EncodedLen(CalendarTokenBytes).
const CalendarTokenLength = 43

// CalendarTokenPattern matches a calendar feed's token (unanchored): the
// backend refuses anything else before a database lookup, and the OpenAPI
// document declares the path parameter with it.
const CalendarTokenPattern = `[A-Za-z0-9_-]{43}`

// NewCalendarToken is a fresh feed token: CalendarTokenBytes from the
// system's random source, in base64url without padding.
func NewCalendarToken() (string, error) {
	b := make([]byte, CalendarTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("making a calendar feed token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
