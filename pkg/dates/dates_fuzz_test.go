package dates_test

import (
	"strings"
	"testing"
	"time"

	"github.com/todo-app/todo-app/pkg/dates"
)

// Whatever the input and zone, a date-only input lands on that very day in
// that zone, and as a due time (End) it reads back as date-only.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2026-12-01", "2026-12-01T17:00:00+01:00", "9999-12-31", "0000-01-01", "2026-02-30", " 2026-12-01 ", "x"} {
		f.Add(s, "America/New_York")
	}
	f.Fuzz(func(t *testing.T, raw, zone string) {
		loc := dates.Zone(zone)
		for _, b := range []dates.Bound{dates.Start, dates.End} {
			got, dateOnly, err := dates.Parse(raw, loc, b)
			if err != nil || !dateOnly {
				continue
			}
			if day := got.In(loc).Format(time.DateOnly); day != strings.TrimSpace(raw) {
				t.Fatalf("Parse(%q, %s, %d) = %v, on %s", raw, zone, b, got, day)
			}
			if b == dates.End && !dates.IsDateOnly(got, loc) {
				t.Fatalf("Parse(%q, %s, End) = %v does not read as date-only", raw, zone, got.In(loc))
			}
		}
	})
}
