package zonematrix

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// dstZoneNames are issue 29's DST zones, north and south.
func dstZoneNames() []string {
	return []string{"Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Santiago"}
}

// Reminders on all-day tasks on DST days (issue 29, item 5): "on the day
// at 09:00" fires at 09:00 on that day in the person's zone and "the day
// before at 09:00" at 09:00 the day before, read through REST's fire_at —
// for every DST day of next year of the four zones (both changes, north and
// south), with the person in each of the four zones in turn: the reminders
// follow the person's zone when it changes. And recurrence across DST: a
// daily task at 09:00 the day before a change comes back at 09:00 local
// on the day of the change; a daily all-day task on its next date.
func TestAllDayRemindersOnDSTDays(t *testing.T) {
	t.Parallel()
	s := startStack(t, false)
	var days []civil
	for _, name := range dstZoneNames() {
		loc := mustZone(t, name)
		d := dstDays(loc, nextYear())
		if len(d) != 2 {
			t.Fatalf("%s changes its offset on %d days of %d (%v), want 2: tzdata changed?", name, len(d), nextYear(), d)
		}
		days = append(days, d...)
	}
	for i, start := range dstZoneNames() {
		t.Run(start, func(t *testing.T) {
			t.Parallel()
			p := newPerson(t, s, start)
			ids := map[int64]civil{}
			for _, d := range days {
				status, body := p.send(http.MethodPost, "/api/"+p.id+"/tasks", map[string]any{"title": "Renew " + d.String(), "due_date": d.String(),
					"reminders": []map[string]any{{"before_minutes": 0, "at_time": "09:00"}, {"before_minutes": 1440, "at_time": "09:00"}}})
				if status != http.StatusCreated {
					t.Fatalf("POST tasks on %s: %d %s", d, status, body)
				}
				var task restTask
				decode(t, body, &task)
				ids[task.ID] = d
			}
			// The person's zone: start, then each of the others.
			for k := range dstZoneNames() {
				zone := dstZoneNames()[(i+k)%len(dstZoneNames())]
				if k > 0 {
					p.setZone(zone)
				}
				loc := mustZone(t, zone)
				for _, task := range restTasks(p) {
					d, ok := ids[task.ID]
					if !ok {
						continue
					}
					// By before_minutes: 0 is that day, 1440 the day before.
					want := map[int]time.Time{0: d.at(9, 0, loc), 1440: d.addDays(-1).at(9, 0, loc)}
					if len(task.Reminders) != 2 {
						t.Errorf("in %s: the task on %s has %d reminders, want 2", zone, d, len(task.Reminders))
						continue
					}
					for j, r := range task.Reminders {
						w, ok := want[deref0(r.BeforeMinutes)]
						switch {
						case !ok || r.AtTime != "09:00":
							t.Errorf("in %s: the task on %s: reminder %d is %+v, want before_minutes 0 or 1440 at 09:00", zone, d, j, r)
						case r.FireAt == nil:
							t.Errorf("in %s: the task on %s: reminder %d has no fire_at, want %s", zone, d, j, w.Format(time.RFC3339))
						default:
							got, err := time.Parse(time.RFC3339, *r.FireAt)
							if err != nil || !got.Equal(w) {
								t.Errorf("in %s: the task on %s: reminder before_minutes %d at %s fires at %s (%s there), want %s (09:00 there)",
									zone, d, deref0(r.BeforeMinutes), r.AtTime, *r.FireAt, got.In(loc).Format("2006-01-02 15:04 MST"), w.Format(time.RFC3339))
							}
						}
					}
				}
			}
		})
	}
	for _, name := range dstZoneNames() {
		t.Run("recurrence/"+name, func(t *testing.T) {
			t.Parallel()
			loc := mustZone(t, name)
			p := newPerson(t, s, name)
			for _, d := range dstDays(loc, nextYear()) {
				before := d.addDays(-1)
				timed := createREST(t, p, map[string]any{"title": "Stretch " + d.String(), "due_at": before.at(9, 0, loc).Format(time.RFC3339), "recurrence": "daily"})
				next := complete(t, p, timed)
				want := d.at(9, 0, loc)
				if next.DueAt == nil || next.DueDate != nil {
					t.Errorf("%s: the daily 09:00 series after %s: next %+v, want due_at %s", name, before, next, want.Format(time.RFC3339))
				} else if got, err := time.Parse(time.RFC3339, *next.DueAt); err != nil || !got.Equal(want) {
					t.Errorf("%s: the daily 09:00 series after %s comes back at %s (%s local), want 09:00 local on %s (%s)", name, before,
						*next.DueAt, got.In(loc).Format("2006-01-02 15:04"), d, want.Format(time.RFC3339))
				}
				allDay := createREST(t, p, map[string]any{"title": "Water " + d.String(), "due_date": before.String(), "recurrence": "daily"})
				next = complete(t, p, allDay)
				if next.DueDate == nil || *next.DueDate != d.String() {
					t.Errorf("%s: the daily all-day series after %s: next due_date %v, want %s", name, before, deref(next.DueDate), d)
				}
			}
		})
	}
}

func createREST(t *testing.T, p *person, body map[string]any) restTask {
	t.Helper()
	status, out := p.send(http.MethodPost, "/api/"+p.id+"/tasks", body)
	if status != http.StatusCreated {
		t.Fatalf("POST tasks %v: %d %s", body, status, out)
	}
	var task restTask
	decode(t, out, &task)
	return task
}

// complete marks task done and returns its next occurrence.
func complete(t *testing.T, p *person, task restTask) restTask {
	t.Helper()
	status, out := p.send(http.MethodPatch, fmt.Sprintf("/api/%s/tasks/%d/complete", p.id, task.ID), nil)
	if status != http.StatusOK {
		t.Fatalf("completing %q: %d %s", task.Title, status, out)
	}
	var res struct {
		Next *restTask `json:"next"`
	}
	decode(t, out, &res)
	if res.Next == nil {
		t.Fatalf("completing the series %q made no next occurrence: %s", task.Title, out)
	}
	return *res.Next
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func deref0(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}
