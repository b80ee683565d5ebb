// Package calendar is the private calendar feed (RFC 5545): each person
// can turn on a secret address that serves their open tasks with due dates
// as events, with an alarm for each reminder still to come, for the
// calendar apps they already carry.
package calendar

import (
	"context"
	"crypto/rand"
	"encoding/base64"
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
	"github.com/todo-app/todo-app/pkg/dates"
)

// MaxEvents bounds a feed: the soonest open tasks with due dates.
const MaxEvents = 2000

// Service turns feeds on and off and writes them.
type Service struct {
	store  *store.Store
	webURL string
}

// New returns a Service; webURL (may be empty) is where each event links.
func New(st *store.Store, webURL string) *Service {
	return &Service{store: st, webURL: strings.TrimRight(webURL, "/")}
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
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return api.CalendarFeed{}, fmt.Errorf("making a feed token: %w", err)
	}
	f, err := s.store.SetCalendarFeed(ctx, userID, base64.RawURLEncoding.EncodeToString(b))
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
	return api.CalendarFeed{Enabled: true, Token: f.Token, CreatedAt: &at}
}

// Write writes the calendar of the feed whose token is token.
func (s *Service) Write(ctx context.Context, token string, w io.Writer) error {
	u, err := s.store.FeedOwner(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return &domain.NotFound{What: "calendar feed"}
	}
	if err != nil {
		return err
	}
	tasks, err := s.store.FeedTasks(ctx, u.ID, MaxEvents)
	if err != nil {
		return err
	}
	return s.calendar(u, tasks).SerializeTo(w)
}

// calendar builds the feed. Each open task with a due time is one event:
// a date alone is an all-day event on that day, a time a 15-minute event
// at it. A recurring task shows its current occurrence only: the next one
// exists when this one is completed, and the app's month-end rule (Jan 31
// → Feb 28 → Mar 28) has no RRULE. Each reminder still to come is an
// alarm at its exact time.
func (s *Service) calendar(u store.User, tasks []store.Task) *ics.Calendar {
	loc := dates.Zone(u.TimeZone)
	cal := ics.NewCalendarFor("todo-app")
	cal.SetProductId("-//todo-app//Tasks//EN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetXWRCalName("To-do: " + u.Name)
	cal.SetXWRTimezone(loc.String())
	cal.SetRefreshInterval("PT15M")
	cal.SetXPublishedTTL("PT15M")
	for _, t := range tasks {
		ev := cal.AddEvent(fmt.Sprintf("task-%d@todo-app", t.ID))
		ev.SetDtStampTime(t.UpdatedAt.UTC())
		ev.SetLastModifiedAt(t.UpdatedAt.UTC())
		ev.SetSummary(t.Title)
		due := t.DueAt.In(loc)
		if dates.IsDateOnly(due, loc) {
			day := time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, time.UTC)
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
			ev.SetDescription(strings.Join(notes, "\n\n"))
		}
		if s.webURL != "" {
			ev.SetURL(s.webURL + "/tasks/" + url.PathEscape(strconv.FormatInt(t.ID, 10)))
		}
		for _, g := range t.Tags {
			ev.AddCategory(g.Name)
		}
		for _, r := range t.Reminders {
			if r.FiredAt != nil || r.FireAt == nil {
				continue
			}
			a := ev.AddAlarm()
			a.SetAction(ics.ActionDisplay)
			a.SetTrigger(r.FireAt.UTC().Format("20060102T150405Z"), ics.WithValue(string(ics.ValueDataTypeDateTime)))
			a.SetProperty(ics.ComponentPropertyDescription, t.Title)
		}
	}
	return cal
}
