package tasks

import (
	"testing"

	"github.com/todo-app/todo-app/pkg/dates"
)

// Whatever the input and zone, ParseDue either refuses it or returns a
// UTC time whose year JSON can carry (the probe's year-10000 case).
func FuzzParseDue(f *testing.F) {
	for _, s := range []string{"9999-12-31T23:59:59-23:59", "9999-12-31", "1970-01-01T00:00:00+14:00", "2026-12-01"} {
		f.Add(s, "Pacific/Kiritimati")
	}
	f.Fuzz(func(t *testing.T, raw, zone string) {
		got, err := ParseDue(raw, dates.Zone(zone), dates.End)
		if err != nil {
			return
		}
		if got.Location().String() != "UTC" || got.Year() < MinYear || got.Year() > MaxYear {
			t.Fatalf("ParseDue(%q, %s) = %v", raw, zone, got)
		}
		if _, err := got.MarshalJSON(); err != nil {
			t.Fatalf("ParseDue(%q, %s) = %v cannot be sent as JSON: %v", raw, zone, got, err)
		}
	})
}
