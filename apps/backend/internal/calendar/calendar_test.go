package calendar

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/testkit/icalcheck"
)

// alphabet is what random text is drawn from: what the writer must escape
// or fold with care (backslash, semicolon, comma, colon, quotes, CR, LF,
// tab, other control characters, the '<' '>' and space the library folds
// at), and characters of two, three and four octets.
var alphabet = []rune("ab Z09\\;,:\"'<>\r\n\t\x01\x1b\x7féß€✓中🏠😀\u00a0\u200b")

func randomText(r *rand.Rand, max int) string {
	n := r.IntN(max + 1)
	var b strings.Builder
	for range n {
		b.WriteRune(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// Feeds of random tasks — titles, descriptions, tag and person names made
// of everything that must be escaped, dropped or folded with care, lengths
// from none to several folds, all-day and timed (some at 23:59:59 on the
// person's clock), people from UTC−12 to UTC+14 — always pass our strict
// check, and read back through an outside parser (emersion/go-ical) the
// text is the person's, less what iCalendar text cannot hold, an all-day
// task is VALUE=DATE on its date and a timed one its instant in UTC (a
// fixed seed per run; 300 feeds of up to 8 tasks).
func TestRandomFeedsAreStrict(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, 29))
	t.Logf("seed %d", seed)
	now := time.Date(2026, 12, 7, 16, 30, 45, 123, time.UTC)
	s := &Service{webURL: "https://todo.example", now: func() time.Time { return now }}
	for feed := range 300 {
		u := store.User{ID: "u", Name: randomText(r, 120), TimeZone: []string{"UTC", "Europe/Berlin", "Asia/Kathmandu", "Pacific/Kiritimati", "America/New_York", "Etc/GMT+12"}[r.IntN(6)]}
		var tasks []store.Task
		loc := dates.Zone(u.TimeZone)
		for i := range r.IntN(9) {
			due := now.Add(time.Duration(r.IntN(1000*24)) * time.Hour)
			var day *dates.Date
			if r.IntN(2) == 0 {
				// All day: the date, and its end in the person's zone.
				day = dates.DateOf(due, loc).Ptr()
				due = day.EndIn(loc)
			} else if r.IntN(4) == 0 {
				due = dates.EndOfDay(due, loc) // a time that looks like a date
			}
			t := store.Task{ID: int64(i + 1), UID: fmt.Sprintf("00000000-0000-4000-8000-%012d", feed*10+i), UpdatedAt: now.Add(-time.Hour)}
			t.DueDate = day
			t.Title = randomText(r, 300)
			t.Description = randomText(r, 600)
			t.DueAt = &due
			t.Priority = api.PriorityMedium
			t.Recurrence = api.RecurNone
			for range r.IntN(3) {
				t.Tags = append(t.Tags, store.Tag{Name: strings.ReplaceAll(randomText(r, 50), ",", "")})
			}
			fire := due.Add(-time.Hour)
			t.Reminders = []store.Reminder{{FireAt: &fire}}
			tasks = append(tasks, t)
		}
		var buf bytes.Buffer
		if err := s.write(&buf, u, tasks); err != nil {
			t.Fatal(err)
		}
		raw := buf.Bytes()
		if _, err := icalcheck.Check(raw); err != nil {
			t.Fatalf("feed %d (seed %d) fails the strict check: %v\n%s", feed, seed, err, raw)
		}
		cal, err := ical.NewDecoder(bytes.NewReader(raw)).Decode()
		if err != nil {
			t.Fatalf("feed %d (seed %d): %v\n%s", feed, seed, err, raw)
		}
		if got, _ := cal.Props.Text("X-WR-CALNAME"); got != text("To-do: "+u.Name) {
			t.Fatalf("feed %d (seed %d): calendar name %q, want %q", feed, seed, got, text("To-do: "+u.Name))
		}
		events := cal.Events()
		if len(events) != len(tasks) {
			t.Fatalf("feed %d: %d events for %d tasks", feed, len(events), len(tasks))
		}
		for i, ev := range events {
			title, _ := ev.Props.Text(ical.PropSummary)
			desc, _ := ev.Props.Text(ical.PropDescription)
			if want := text(tasks[i].Title); title != want {
				t.Fatalf("feed %d (seed %d) task %d: title %q, want %q", feed, seed, i, title, want)
			}
			if want := text(tasks[i].Description); desc != want {
				t.Fatalf("feed %d (seed %d) task %d: description %q, want %q", feed, seed, i, desc, want)
			}
			if uid := ev.Props.Get(ical.PropUID).Value; uid != tasks[i].UID {
				t.Fatalf("feed %d task %d: UID %q, want the stored %q", feed, i, uid, tasks[i].UID)
			}
			if stamp := ev.Props.Get(ical.PropDateTimeStamp).Value; stamp != "20261207T163045Z" {
				t.Fatalf("feed %d task %d: DTSTAMP %s, want the feed's time", feed, i, stamp)
			}
			// An all-day task is VALUE=DATE on its day, a time a UTC
			// date-time, whatever the clock says.
			start, want := ev.Props.Get(ical.PropDateTimeStart), tasks[i].DueAt.UTC().Format("20060102T150405Z")
			if d := tasks[i].DueDate; d != nil {
				want = fmt.Sprintf("%04d%02d%02d", d.Year(), d.Month(), d.Day())
				if start.ValueType() != ical.ValueDate {
					t.Fatalf("feed %d task %d: DTSTART %s is not a date", feed, i, start.Value)
				}
			}
			if start.Value != want {
				t.Fatalf("feed %d (seed %d) task %d in %s: DTSTART %s, want %s", feed, seed, i, u.TimeZone, start.Value, want)
			}
		}
	}
}

// text keeps what iCalendar text can hold: line ends become one newline,
// other control characters but tab are left out, the rest is untouched.
func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"plain; with, all \\ of it": "plain; with, all \\ of it",
		"a\r\nb\rc\nd":              "a\nb\nc\nd",
		"bell\a esc\x1b del\x7f":    "bell esc del",
		"tab\tstays":                "tab\tstays",
		"\u0085 C1 and 😀 stay":      "\u0085 C1 and 😀 stay",
	} {
		if got := text(in); got != want {
			t.Errorf("text(%q) = %q, want %q", in, got, want)
		}
	}
}
