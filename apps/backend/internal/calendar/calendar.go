// Package calendar is the private calendar feed (RFC 5545): each person
// can turn on a secret address that serves their open tasks with due dates
// as events, with an alarm for each reminder still to come, for the
// calendar apps they already carry.
package calendar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
)

// MaxEvents bounds a feed: the soonest open tasks with due dates.
const MaxEvents = 2000

// Service turns feeds on and off and writes them.
type Service struct {
	store  *store.Store
	webURL string
	now    func() time.Time
}

// New returns a Service; webURL (may be empty) is where each event links,
// now the clock a feed's DTSTAMP is read from.
func New(st *store.Store, webURL string, now func() time.Time) *Service {
	return &Service{store: st, webURL: strings.TrimRight(webURL, "/"), now: now}
}

// Feed says whether the user's feed is on, and its token.
func (s *Service) Feed(ctx context.Context, userID string) (api.CalendarFeed, error) {
	f, err := s.store.CalendarFeedOf(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return api.CalendarFeed{}, nil
	}
	if err != nil {
		return api.CalendarFeed{}, err
	}
	return toAPI(f), nil
}

// Enable turns the feed on with a new token; an older one stops working.
func (s *Service) Enable(ctx context.Context, userID string) (api.CalendarFeed, error) {
	token, err := api.NewCalendarToken()
	if err != nil {
		return api.CalendarFeed{}, err
	}
	f, err := s.store.SetCalendarFeed(ctx, userID, token)
	if err != nil {
		return api.CalendarFeed{}, err
	}
	return toAPI(f), nil
}

// Scope makes the feed one project's (nil: every project's), keeping its
// address: another person's or a deleted project is not found.
func (s *Service) Scope(ctx context.Context, userID string, in api.CalendarFeedScope) (api.CalendarFeed, error) {
	var project *int64
	if in.ProjectID.Set && !in.ProjectID.Null {
		id := in.ProjectID.Value
		err := s.store.WithTx(ctx, func(ctx context.Context, tx store.Tx) error {
			_, err := tx.GetProject(ctx, userID, id)
			return err
		})
		if errors.Is(err, store.ErrNotFound) {
			return api.CalendarFeed{}, &domain.NotFound{What: fmt.Sprintf("project %d", id)}
		}
		if err != nil {
			return api.CalendarFeed{}, err
		}
		project = &id
	}
	f, err := s.store.ScopeCalendarFeed(ctx, userID, project)
	if errors.Is(err, store.ErrNotFound) {
		return api.CalendarFeed{}, &domain.Conflict{Reason: "the calendar feed is off: turn it on first"}
	}
	if err != nil {
		return api.CalendarFeed{}, err
	}
	return toAPI(f), nil
}

// Disable turns the feed off.
func (s *Service) Disable(ctx context.Context, userID string) error {
	return s.store.DeleteCalendarFeed(ctx, userID)
}

func toAPI(f store.CalendarFeed) api.CalendarFeed {
	at := f.CreatedAt.UTC()
	return api.CalendarFeed{Enabled: true, Token: f.Token, CreatedAt: &at, ProjectID: f.ProjectID}
}

// Write writes the calendar of the feed whose token is token.
func (s *Service) Write(ctx context.Context, token string, w io.Writer) error {
	u, project, err := s.store.FeedOwner(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return &domain.NotFound{What: "calendar feed"}
	}
	if err != nil {
		return err
	}
	tasks, err := s.store.FeedTasks(ctx, u.ID, project, MaxEvents)
	if err != nil {
		return err
	}
	return s.write(w, u, tasks)
}

// write writes the feed of u's tasks as of now.
func (s *Service) write(w io.Writer, u store.User, tasks []store.Task) error {
	// RFC 5545 ends every line with CRLF; the library's default is the
	// platform's (LF here), which strict clients refuse.
	if err := s.calendar(u, tasks, s.now()).SerializeTo(w, ics.WithNewLine("\r\n")); err != nil {
		return fmt.Errorf("writing the calendar feed: %w", err)
	}
	return nil
}

// calendar builds the feed. Each open task with a due is one event: an
// all-day task (DueDate set; never guessed from the clock) an all-day
// event on that date (DTSTART;VALUE=DATE, floating: the same day whatever
// the person's zone), a time a 15-minute event at it in UTC. A recurring
// task shows its current occurrence only: the next one exists when this
// one is completed, and the app's month-end rule (Jan 31 → Feb 28 → Mar
// 28) has no RRULE. Each reminder still to come is an alarm at its exact
// time (a reminder at a time of day on an all-day date: that time in the
// person's current zone, which the store recomputes when the zone
// changes; one "minutes before" an all-day date has none and no alarm).
//
// Each event's UID is the task's stored UID (unique across deployments,
// kept through edits), its DTSTAMP the time the feed was made (with
// METHOD:PUBLISH that is what DTSTAMP means), LAST-MODIFIED the task's
// last change. Text goes through text() first: the library escapes
// backslash, semicolon, comma and LF, but passes CR and other control
// characters, which iCalendar text cannot hold.
func (s *Service) calendar(u store.User, tasks []store.Task, now time.Time) *ics.Calendar {
	stamp := now.UTC().Truncate(time.Second)
	loc := u.Location()
	cal := ics.NewCalendarFor("todo-app")
	cal.SetProductId("-//todo-app//Tasks//EN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetXWRCalName(text("To-do: " + u.Name))
	cal.SetXWRTimezone(loc.String())
	cal.SetRefreshInterval("PT15M")
	cal.SetXPublishedTTL("PT15M")
	for _, t := range tasks {
		ev := cal.AddEvent(t.UID)
		ev.SetDtStampTime(stamp)
		ev.SetLastModifiedAt(t.UpdatedAt.UTC())
		ev.SetSummary(text(t.Title))
		if t.DueDate != nil {
			// All day: VALUE=DATE, floating, the same day in every zone.
			day := t.DueDate.StartIn(time.UTC)
			ev.SetAllDayStartAt(day)
			ev.SetAllDayEndAt(day.AddDate(0, 0, 1))
		} else {
			ev.SetStartAt(t.DueAt.UTC())
			ev.SetEndAt(t.DueAt.UTC().Add(15 * time.Minute))
		}
		ev.SetPriority(map[string]int{api.PriorityHigh: 1, api.PriorityMedium: 5, api.PriorityLow: 9}[t.Priority])
		var notes []string
		if t.Description != "" {
			notes = append(notes, t.Description)
		}
		if t.Recurrence != api.RecurNone {
			every := t.Recurrence
			if t.RecurrenceInterval > 1 {
				every = "every " + strconv.Itoa(t.RecurrenceInterval) + " " + map[string]string{"daily": "days", "weekly": "weeks", "monthly": "months", "yearly": "years"}[t.Recurrence]
			}
			notes = append(notes, "Repeats "+every+": the next one appears when this one is done.")
		}
		if len(notes) > 0 {
			ev.SetDescription(text(strings.Join(notes, "\n\n")))
		}
		if s.webURL != "" {
			ev.SetURL(s.webURL + "/tasks/" + url.PathEscape(strconv.FormatInt(t.ID, 10)))
		}
		for _, g := range t.Tags {
			ev.AddCategory(text(g.Name))
		}
		for _, r := range t.Reminders {
			if r.FiredAt != nil || r.FireAt == nil {
				continue
			}
			a := ev.AddAlarm()
			a.SetAction(ics.ActionDisplay)
			a.SetTrigger(r.FireAt.UTC().Format("20060102T150405Z"), ics.WithValue(string(ics.ValueDataTypeDateTime)))
			a.SetProperty(ics.ComponentPropertyDescription, text(t.Title))
		}
	}
	return cal
}

// text makes s fit for an iCalendar TEXT value before the library escapes
// it: CRLF and CR become LF (escaped as \n), and every other control
// character but tab is left out (RFC 5545, 3.3.11: TSAFE-CHAR excludes
// CONTROL). Titles may hold CR and LF and descriptions any control
// character but NUL, so without this a title typed on Windows would end
// a content line in the middle.
func text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}
