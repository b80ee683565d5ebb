package api

import (
	"crypto/rand"
	"encoding/base64"
	"regexp"
	"testing"
)

// The pattern is the one the token's size gives: every token made the way
// the backend makes them matches, and one character more or less does not.
func TestCalendarTokenPattern(t *testing.T) {
	re := regexp.MustCompile("^" + CalendarTokenPattern + "$")
	if n := base64.RawURLEncoding.EncodedLen(CalendarTokenBytes); CalendarTokenLength != n {
		t.Fatalf("CalendarTokenLength = %d, but %d bytes are %d characters", CalendarTokenLength, CalendarTokenBytes, n)
	}
	for range 200 {
		b := make([]byte, CalendarTokenBytes)
		_, _ = rand.Read(b)
		tok := base64.RawURLEncoding.EncodeToString(b)
		if !re.MatchString(tok) {
			t.Fatalf("a real token %q does not match %s", tok, CalendarTokenPattern)
		}
		if re.MatchString(tok[1:]) || re.MatchString(tok+"A") {
			t.Fatalf("a token of the wrong length matches")
		}
	}
}
