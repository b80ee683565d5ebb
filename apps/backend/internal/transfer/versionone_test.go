package transfer

import (
	"testing"
	"time"
)

// A version-1 file's instants read by the migration's rule: 23:59:59 in
// the file's zone or in UTC is a date; in a repeating series, 00:59:59
// (the day before's date) and 22:59:59 on the zone's clock are a date
// that drifted with a DST change; everything else, also 22:59:59 outside
// a series and 23:59:58, is a time.
func TestVersionOneDate(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		due       time.Time
		zone      *time.Location
		recurring bool
		want      string // "" for a time
	}{
		{time.Date(2031, 2, 3, 23, 59, 59, 0, ny), ny, false, "2031-02-03"},
		{time.Date(2031, 7, 3, 23, 59, 59, 0, ny), ny, false, "2031-07-03"},
		{time.Date(2031, 2, 3, 23, 59, 59, 0, kolkata), kolkata, false, "2031-02-03"},
		{time.Date(2031, 3, 1, 23, 59, 59, 0, time.UTC), ny, false, "2031-03-01"},
		{time.Date(2031, 6, 10, 0, 59, 59, 0, ny), ny, true, "2031-06-09"},
		{time.Date(2031, 11, 10, 22, 59, 59, 0, ny), ny, true, "2031-11-10"},
		{time.Date(2031, 6, 10, 0, 59, 59, 0, ny), ny, false, ""},
		{time.Date(2031, 11, 10, 22, 59, 59, 0, ny), ny, false, ""},
		{time.Date(2031, 2, 3, 23, 59, 58, 0, ny), ny, true, ""},
		{time.Date(2031, 2, 3, 9, 30, 0, 0, ny), ny, true, ""},
	} {
		d, ok := versionOneDate(c.due, c.zone, c.recurring)
		got := ""
		if ok {
			got = d.String()
		}
		if got != c.want {
			t.Errorf("versionOneDate(%s in %s, recurring %v) = %q, want %q", c.due.In(c.zone), c.zone, c.recurring, got, c.want)
		}
	}
}
