package tasks

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/recurrence"
)

// Agenda bounds.
const (
	DefaultAgendaDays = 7
	MaxAgendaDays     = 31
	// maxAgendaTasks bounds the tasks read for one agenda; a person with
	// more open tasks due in a month sees the first ones by due time.
	maxAgendaTasks = 500
)

// AgendaInput is an agenda request: days from today (1–31, default 7),
// and the zone the days are read in (default the person's).
type AgendaInput struct {
	Days     string
	TimeZone string
}

// Agenda lists overdue tasks and, for each day from today, the open tasks
// still to come that day and the occurrences recurring tasks will have then —
// projected by pkg/recurrence, the rule completion itself uses.
func (s *Service) Agenda(ctx context.Context, userID string, in AgendaInput) (api.Agenda, error) {
	days := DefaultAgendaDays
	fields := map[string]string{}
	if in.Days != "" {
		n, err := strconv.Atoi(in.Days)
		if err != nil || n < 1 || n > MaxAgendaDays {
			fields["days"] = fmt.Sprintf("must be a whole number from 1 to %d", MaxAgendaDays)
		}
		days = n
	}
	loc, err := s.viewZone(ctx, userID, in.TimeZone, fields)
	if err != nil {
		return api.Agenda{}, err
	}
	if len(fields) > 0 {
		return api.Agenda{}, &domain.Invalid{Fields: fields}
	}
	now := s.now()
	today := dates.StartOfDay(now, loc)
	end := today.AddDate(0, 0, days)
	// The store holds an all-day date's instant in the person's zone, which
	// may be up to 26 h from the agenda's: ask for that much more, and
	// place (or leave out) each task by its date here.
	last := end.Add(26*time.Hour - time.Nanosecond)
	rows, _, err := s.store.ListTasks(ctx, userID, store.TaskFilter{Status: "pending", DueTo: &last, Now: now, Sort: "due", Limit: maxAgendaTasks, NoTotal: true})
	if err != nil {
		return api.Agenda{}, err
	}
	out := api.Agenda{TimeZone: loc.String(), Overdue: []api.Task{}, Days: make([]api.AgendaDay, days)}
	for i := range out.Days {
		out.Days[i] = api.AgendaDay{Date: today.AddDate(0, 0, i).Format(time.DateOnly), Items: []api.AgendaItem{}}
	}
	dayOf := func(t time.Time) int {
		d := dates.StartOfDay(t, loc)
		// Whole days between, counted on the calendar (DST-safe).
		return int(d.Sub(today).Round(24*time.Hour) / (24 * time.Hour))
	}
	for i := range rows {
		t := ToAPI(&rows[i])
		due := *t.DueAt
		if t.DueDate != nil {
			// An all-day task is on its date in the agenda's zone too,
			// overdue once that day has ended there.
			due = t.DueDate.EndIn(loc)
		}
		// An overdue task is listed once, as overdue, even when it was due
		// earlier today.
		switch {
		case !due.Before(end):
			continue // beyond the agenda's last day in its zone
		case due.Before(now):
			out.Overdue = append(out.Overdue, t)
		default:
			out.Days[dayOf(due)].Items = append(out.Days[dayOf(due)].Items, api.AgendaItem{Task: t, Due: due, DueDate: t.DueDate})
		}
		if t.Recurrence == api.RecurNone {
			continue
		}
		// The occurrences to come, by the rule completing makes them:
		// an all-day series on its dates, a timed one at its local time.
		rule := recurrence.Of(t.TaskFields)
		next, date := due, t.DueDate
		for range 400 { // a daily task over 31 days, with room
			var at time.Time
			date, at, rule.MonthDay = rule.Next(date, &next, next, loc)
			next = at
			if !next.Before(end) {
				break
			}
			if !next.Before(today) {
				d := dayOf(next)
				out.Days[d].Items = append(out.Days[d].Items, api.AgendaItem{Task: t, Due: next.UTC(), DueDate: date, Occurrence: true})
			}
		}
	}
	for _, d := range out.Days {
		slices.SortStableFunc(d.Items, func(a, b api.AgendaItem) int { return a.Due.Compare(b.Due) })
	}
	return out, nil
}

// viewZone is the zone a view is read in: the one asked for (a problem
// goes in fields) or the person's.
func (s *Service) viewZone(ctx context.Context, userID, asked string, fields map[string]string) (*time.Location, error) {
	zone := strings.TrimSpace(asked)
	if zone == "" {
		name, err := s.store.UserTimeZone(ctx, userID)
		if err != nil {
			return nil, err
		}
		return dates.Zone(name), nil
	}
	if _, err := time.LoadLocation(zone); err != nil || strings.EqualFold(zone, "local") {
		fields["time_zone"] = "must be an IANA time zone such as Europe/Berlin"
		return time.UTC, nil
	}
	return dates.Zone(zone), nil
}

// Summary is the dashboard: four counts in one statement, and the two
// short lists, in one call instead of five.
func (s *Service) Summary(ctx context.Context, userID, zone string) (api.Summary, error) {
	fields := map[string]string{}
	loc, err := s.viewZone(ctx, userID, zone, fields)
	if err != nil {
		return api.Summary{}, err
	}
	if len(fields) > 0 {
		return api.Summary{}, &domain.Invalid{Fields: fields}
	}
	now := s.now()
	local := now.In(loc)
	bounds := store.SummaryBounds{
		Now: now, DayStart: dates.StartOfDay(local, loc), DayEnd: dates.EndOfDay(local, loc), WeekStart: dates.StartOfWeek(local),
	}
	counts, err := s.store.CountSummary(ctx, userID, bounds)
	if err != nil {
		return api.Summary{}, err
	}
	out := api.Summary{TimeZone: loc.String(), Open: counts.Open, DueToday: counts.DueToday, Overdue: counts.Overdue, DoneThisWeek: counts.DoneThisWeek}
	projects, err := s.store.CountProjects(ctx, userID, bounds)
	if err != nil {
		return api.Summary{}, err
	}
	out.Projects = make([]api.ProjectCount, len(projects))
	for i, p := range projects {
		out.Projects[i] = api.ProjectCount{ID: p.ID, Name: p.Name, Color: p.Color, Inbox: p.Inbox, Open: p.Open, DueToday: p.DueToday, Overdue: p.Overdue}
	}
	// The two lists' tags and reminders are loaded together.
	overdue, _, err := s.store.ListTasks(ctx, userID, store.TaskFilter{Overdue: true, Now: now, Sort: "due", Limit: 5, NoTotal: true, NoDetails: true})
	if err != nil {
		return api.Summary{}, err
	}
	upcoming, _, err := s.store.ListTasks(ctx, userID, store.TaskFilter{Status: "pending", DueFrom: &now, Now: now, Sort: "due", Limit: 7, NoTotal: true, NoDetails: true})
	if err != nil {
		return api.Summary{}, err
	}
	both := append(overdue, upcoming...)
	if err := s.store.LoadDetails(ctx, userID, both); err != nil {
		return api.Summary{}, err
	}
	out.OverdueTasks, out.Upcoming = make([]api.Task, len(overdue)), make([]api.Task, len(upcoming))
	for i := range both {
		if i < len(overdue) {
			out.OverdueTasks[i] = ToAPI(&both[i])
		} else {
			out.Upcoming[i-len(overdue)] = ToAPI(&both[i])
		}
	}
	return out, nil
}
