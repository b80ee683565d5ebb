package zonematrix

import (
	"fmt"
	"testing"
	"time"
)

// zoneSpec is one zone of the matrix and its antipode: a zone about 12
// hours away, so that a date made in one is the other's "yesterday" or
// "tomorrow" for half the day. The two extremes are each other's
// antipode instead: 26 hours apart, the same clock with dates two apart
// for two hours a day — the largest gap a date can meet.
type zoneSpec struct {
	Name, Antipode string
	// Why it is here.
	Note string
}

// matrixZones are the matrix's 26 zones: UTC−12 to UTC+14, the half-hour
// and 45-minute ones, both DST transitions north and south.
func matrixZones() []zoneSpec {
	return []zoneSpec{
		{"Etc/GMT+12", "Pacific/Kiritimati", "UTC−12, the last place a date ends"},
		{"Pacific/Pago_Pago", "Europe/Berlin", "UTC−11"},
		{"Pacific/Honolulu", "Africa/Cairo", "UTC−10, no DST"},
		{"America/Anchorage", "Asia/Dubai", "UTC−9, DST north"},
		{"America/Los_Angeles", "Asia/Dubai", "UTC−8, DST north"},
		{"America/Denver", "Asia/Kathmandu", "UTC−7, DST north"},
		{"America/New_York", "Asia/Shanghai", "UTC−5, DST north (second Sunday of March, first of November)"},
		{"America/St_Johns", "Asia/Shanghai", "UTC−3:30, half-hour zone with DST"},
		{"America/Santiago", "Asia/Tokyo", "UTC−4/−3, DST south; its spring change skips midnight"},
		{"America/Sao_Paulo", "Australia/Adelaide", "UTC−3, no DST"},
		{"Atlantic/Azores", "Australia/Sydney", "UTC−1, DST north at 00:00 local"},
		{"UTC", "Pacific/Auckland", "the server's zone"},
		{"Europe/London", "Pacific/Auckland", "UTC+0/+1, DST north"},
		{"Europe/Berlin", "Pacific/Pago_Pago", "UTC+1, DST north (last Sundays of March and October)"},
		{"Africa/Cairo", "Pacific/Honolulu", "UTC+2, DST north"},
		{"Asia/Tehran", "America/Anchorage", "UTC+3:30"},
		{"Asia/Dubai", "America/Los_Angeles", "UTC+4"},
		{"Asia/Kolkata", "America/Denver", "UTC+5:30"},
		{"Asia/Kathmandu", "America/Denver", "UTC+5:45"},
		{"Asia/Shanghai", "America/New_York", "UTC+8"},
		{"Asia/Tokyo", "America/Santiago", "UTC+9"},
		{"Australia/Adelaide", "America/Sao_Paulo", "UTC+9:30/+10:30, half-hour zone with DST south"},
		{"Australia/Sydney", "Atlantic/Azores", "UTC+10/+11, DST south (first Sundays of April and October)"},
		{"Pacific/Auckland", "UTC", "UTC+12/+13, DST south"},
		{"Pacific/Chatham", "Europe/London", "UTC+12:45/+13:45, 45-minute zone with DST"},
		{"Pacific/Kiritimati", "Etc/GMT+12", "UTC+14, the first place a date begins"},
	}
}

// pair is one cell of the matrix: a person makes tasks in A and reads
// them once their zone is B.
type pair struct{ A, B string }

func (p pair) String() string { return p.A + "→" + p.B }

// matrixPairs are each zone with its antipode and with UTC.
func matrixPairs() []pair {
	var out []pair
	for _, z := range matrixZones() {
		out = append(out, pair{z.Name, z.Antipode})
		if z.Name != "UTC" {
			out = append(out, pair{z.Name, "UTC"})
		}
	}
	return out
}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time zone %s: %v (install tzdata: apt-get install tzdata)", name, err)
	}
	return loc
}

// The matrix is what it says: at least 24 zones, UTC−12 and UTC+14, the
// half-hour and 45-minute zones and the four DST zones of issue 29 among
// them, each antipode in the list and about 12 hours away (in January and
// in July), the extremes 26 hours apart.
func TestMatrixZones(t *testing.T) {
	t.Parallel()
	zones := matrixZones()
	if len(zones) < 24 {
		t.Errorf("%d zones, issue 29 asks for at least 24", len(zones))
	}
	names := map[string]bool{}
	for _, z := range zones {
		if names[z.Name] {
			t.Errorf("%s twice", z.Name)
		}
		names[z.Name] = true
	}
	for _, want := range []string{"Etc/GMT+12", "Pacific/Kiritimati", "Asia/Kolkata", "Asia/Kathmandu", "America/New_York",
		"Europe/Berlin", "Australia/Sydney", "America/Santiago", "Pacific/Auckland", "America/St_Johns", "Asia/Tokyo", "UTC"} {
		if !names[want] {
			t.Errorf("the matrix lacks %s", want)
		}
	}
	for _, z := range zones {
		if !names[z.Antipode] {
			t.Errorf("%s: antipode %s is not a matrix zone", z.Name, z.Antipode)
		}
		a, b := mustZone(t, z.Name), mustZone(t, z.Antipode)
		for _, at := range []time.Time{time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC), time.Date(2027, 7, 15, 12, 0, 0, 0, time.UTC)} {
			_, oa := at.In(a).Zone()
			_, ob := at.In(b).Zone()
			gap := time.Duration(oa-ob) * time.Second
			if gap < 0 {
				gap = -gap
			}
			extremes := z.Name == "Etc/GMT+12" || z.Name == "Pacific/Kiritimati"
			if extremes && gap != 26*time.Hour {
				t.Errorf("%s and %s are %s apart on %s, want 26h", z.Name, z.Antipode, gap, at.Format(time.DateOnly))
			}
			if !extremes && (gap < 10*time.Hour || gap > 14*time.Hour) {
				t.Errorf("%s and %s are %s apart on %s: not an antipode", z.Name, z.Antipode, gap, at.Format(time.DateOnly))
			}
		}
	}
	if n := len(matrixPairs()); n != 2*len(zones)-1 {
		t.Errorf("%d pairs, want %d", n, 2*len(zones)-1)
	}
}

// dstDays are the days of year in loc that do not last 24 hours: those
// on which its UTC offset changes (found by looking, so that a tzdata
// update cannot make a "DST day" an ordinary one unnoticed). A change at
// midnight counts on the day it shortens or lengthens: Santiago's autumn
// change (24:00 Saturday back to 23:00) is the 25-hour Saturday, its
// spring one (24:00 Saturday on to 01:00 Sunday) the 23-hour Sunday.
func dstDays(loc *time.Location, year int) []civil {
	var out []civil
	for d := (civil{year, 1, 1}); d.Y == year; d = d.addDays(1) {
		if d.addDays(1).startIn(loc).Sub(d.startIn(loc)) != 24*time.Hour {
			out = append(out, d)
		}
	}
	return out
}

// civil is a calendar date, kept apart from pkg/dates on purpose: the
// matrix computes what it expects with the standard library alone.
type civil struct {
	Y int
	M time.Month
	D int
}

func (c civil) String() string { return fmt.Sprintf("%04d-%02d-%02d", c.Y, int(c.M), c.D) }

func (c civil) at(h, m int, loc *time.Location) time.Time {
	return time.Date(c.Y, c.M, c.D, h, m, 0, 0, loc)
}

// startIn is the first instant of the day in loc (01:00 where midnight
// is skipped; time.Date would give 23:00 the day before).
func (c civil) startIn(loc *time.Location) time.Time {
	t := time.Date(c.Y, c.M, c.D, 0, 0, 0, 0, loc)
	for civilOf(t, loc) != c {
		t = t.Add(time.Minute)
	}
	return t
}

// endIn is the last second of the day in loc: where an all-day task's
// due_at lies for a person in loc (the model of issue 29) — the second
// before the next day begins, which on a day whose last hour repeats
// (Santiago's 25-hour 3 April 2027) is the second 23:59:59, not the
// first that time.Date gives.
func (c civil) endIn(loc *time.Location) time.Time {
	return c.addDays(1).startIn(loc).Add(-time.Second)
}

func (c civil) addDays(n int) civil {
	t := time.Date(c.Y, c.M, c.D+n, 12, 0, 0, 0, time.UTC)
	return civil{t.Year(), t.Month(), t.Day()}
}

// label is how the web pages write an all-day date.
func (c civil) label() string {
	return time.Date(c.Y, c.M, c.D, 12, 0, 0, 0, time.UTC).Format("Mon 2 Jan 2006")
}

func civilOf(t time.Time, loc *time.Location) civil {
	t = t.In(loc)
	return civil{t.Year(), t.Month(), t.Day()}
}

// nextYear is the year after this one: its dates are all still to come,
// so reminders on them have not fired (a fired reminder is not moved when
// the zone changes) whenever the suite runs.
func nextYear() int { return time.Now().UTC().Year() + 1 }

// nextLeapDay is the first 29 February from nextYear on.
func nextLeapDay() civil {
	y := nextYear()
	for time.Date(y, 2, 29, 12, 0, 0, 0, time.UTC).Day() != 29 {
		y++
	}
	return civil{y, 2, 29}
}

func parseCivil(s string) (civil, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return civil{}, false
	}
	return civil{t.Year(), t.Month(), t.Day()}, true
}
