package tasks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/recurrence"
)

// Service applies the task rules on top of a Storage.
type Service struct {
	store Storage
	now   func() time.Time
}

// NewService returns a Service on st (PostgresStorage in production); now
// is the clock (time.Now in production).
func NewService(st Storage, now func() time.Time) *Service {
	return &Service{store: st, now: now}
}

// ListInput is a task listing request before validation.
type ListInput struct {
	Status   string
	Priority string
	// ProjectID keeps one project's tasks (0: every unarchived project's).
	ProjectID int64
	Tags      []string
	Q         string
	DueFrom   string
	DueTo     string
	Overdue   bool
	// CompletedFrom and CompletedTo bound completed_at (RFC 3339 or date).
	CompletedFrom string
	CompletedTo   string
	Sort          string
	Order         string
	Limit         int
	Offset        int
}

// List validates in and returns one page of the user's tasks.
func (s *Service) List(ctx context.Context, userID string, in ListInput) (api.TaskList, error) {
	fe := fieldErrors{}
	f := store.TaskFilter{Now: s.now(), Overdue: in.Overdue, Offset: in.Offset, Limit: in.Limit, ProjectID: in.ProjectID}
	if in.ProjectID < 0 {
		fe.add("project_id", "must be a project's id")
	} else if in.ProjectID > 0 {
		// Another person's or a deleted project is not found, as
		// everywhere else, rather than an empty list.
		err := s.store.WithTx(ctx, func(ctx context.Context, tx Tx) error {
			_, err := tx.GetProject(ctx, userID, in.ProjectID)
			return err
		})
		if errors.Is(err, store.ErrNotFound) {
			return api.TaskList{}, &domain.NotFound{What: fmt.Sprintf("project %d", in.ProjectID)}
		} else if err != nil {
			return api.TaskList{}, err
		}
	}
	f.Status = strings.ToLower(in.Status)
	switch f.Status {
	case "":
		f.Status = "all"
	case "all", "pending", "completed":
	default:
		fe.add("status", "must be one of all, pending, completed")
	}
	if in.Priority != "" {
		f.Priority = cleanPriority(in.Priority, fe)
	}
	f.Tags = cleanTags(in.Tags, fe)
	f.Q = strings.TrimSpace(in.Q)
	if len(f.Q) > MaxQuery {
		fe.add("q", fmt.Sprintf("must be at most %d characters", MaxQuery))
	} else if strings.ContainsRune(f.Q, 0) {
		fe.add("q", "must not contain NUL characters")
	}
	loc, err := s.zone(ctx, userID, in.DueFrom, in.DueTo, in.CompletedFrom, in.CompletedTo)
	if err != nil {
		return api.TaskList{}, err
	}
	f.DueFrom = cleanDue(&in.DueFrom, "due_from", fe, loc, dates.Start)
	f.DueTo = cleanDue(&in.DueTo, "due_to", fe, loc, dates.End)
	if f.DueFrom != nil && f.DueTo != nil && f.DueTo.Before(*f.DueFrom) {
		fe.add("due_to", "must not be before the “from” date (due_from)")
	}
	f.CompletedFrom = cleanDue(&in.CompletedFrom, "completed_from", fe, loc, dates.Start)
	f.CompletedTo = cleanDue(&in.CompletedTo, "completed_to", fe, loc, dates.End)
	f.Sort = strings.ToLower(in.Sort)
	switch f.Sort {
	case "":
		f.Sort = "created"
	case "created", "due", "priority", "title":
	default:
		fe.add("sort", "must be one of created, due, priority, title")
	}
	switch strings.ToLower(in.Order) {
	case "":
		// Newest first for creation time, soonest/alphabetical otherwise.
		f.Desc = f.Sort == "created" || f.Sort == "priority"
	case "asc":
	case "desc":
		f.Desc = true
	default:
		fe.add("order", "must be asc or desc")
	}
	switch {
	case f.Limit == 0:
		f.Limit = DefaultLimit
	case f.Limit < 1 || f.Limit > MaxLimit:
		fe.add("limit", fmt.Sprintf("must be between 1 and %d", MaxLimit))
	}
	if f.Offset < 0 {
		fe.add("offset", "must not be negative")
	}
	if len(fe) > 0 {
		return api.TaskList{}, &domain.Invalid{Fields: fe}
	}
	rows, total, err := s.store.ListTasks(ctx, userID, f)
	if err != nil {
		return api.TaskList{}, err
	}
	out := api.TaskList{Tasks: make([]api.Task, len(rows)), Total: total, Limit: f.Limit, Offset: f.Offset}
	for i := range rows {
		out.Tasks[i] = ToAPI(&rows[i])
	}
	if next := f.Offset + len(rows); next < total {
		out.NextOffset = &next
	}
	return out, nil
}

// Get returns one of the user's tasks.
func (s *Service) Get(ctx context.Context, userID string, id int64) (api.Task, error) {
	t, err := s.store.GetTask(ctx, userID, id)
	if err != nil {
		return api.Task{}, taskErr(id, err)
	}
	return ToAPI(&t), nil
}

// Create validates in and stores a new task with its tags.
func (s *Service) Create(ctx context.Context, userID string, in api.TaskInput) (api.Task, error) {
	loc, err := s.zone(ctx, userID, deref(in.DueDate), deref(in.DueAt))
	if err != nil {
		return api.Task{}, err
	}
	t, tags, err := fromInput(in, loc)
	if err != nil {
		return api.Task{}, err
	}
	rloc, err := s.reminderZone(ctx, userID, loc, inputs(in.Reminders))
	if err != nil {
		return api.Task{}, err
	}
	raw := inputs(in.Reminders)
	if in.Reminders == nil && t.DueAt != nil && t.DueDate == nil {
		// Created without a word about reminders, due at a time (not a
		// day): the person's default reminder, if they chose one.
		if u, err := s.store.UserByID(ctx, userID); err == nil && u.DefaultReminderMinutes != nil {
			raw = []api.ReminderInput{{BeforeMinutes: u.DefaultReminderMinutes}}
		}
	}
	fe := fieldErrors{}
	rs := checkReminders(raw, t.DueAt, t.DueDate != nil, rloc, s.now(), fe)
	if len(fe) > 0 {
		return api.Task{}, &domain.Invalid{Fields: fe}
	}
	t.UserID = userID
	err = s.store.WithTx(ctx, func(ctx context.Context, tx Tx) error {
		if t.TaskPlace, err = placeNew(ctx, tx, userID, in); err != nil {
			return err
		}
		if err := tx.InsertTask(ctx, &t, tags); err != nil {
			return err
		}
		if len(rs) == 0 {
			return nil
		}
		return tx.SetReminders(ctx, &t, rs)
	})
	if err != nil {
		return api.Task{}, err
	}
	return ToAPI(&t), nil
}

// Replace overwrites every editable field (PUT). Completion is kept.
func (s *Service) Replace(ctx context.Context, userID string, id int64, in api.TaskInput) (api.Task, error) {
	loc, err := s.zone(ctx, userID, deref(in.DueDate), deref(in.DueAt))
	if err != nil {
		return api.Task{}, err
	}
	repl, tags, err := fromInput(in, loc)
	if err != nil {
		return api.Task{}, err
	}
	return s.modify(ctx, userID, id, in.Reminders, nil, func(t *store.Task) (*[]string, *bool, error) {
		repl.DueDate = keptAllDay(t, repl.DueDate, repl.DueAt)
		t.TaskFields = repl.TaskFields
		return &tags, nil, nil
	})
}

// Patch changes only the fields present in p.
func (s *Service) Patch(ctx context.Context, userID string, id int64, p api.TaskPatch) (api.Task, error) {
	var raws []string
	if p.DueDate.Set && !p.DueDate.Null {
		raws = append(raws, p.DueDate.Value)
	}
	if p.DueAt.Set && !p.DueAt.Null {
		raws = append(raws, p.DueAt.Value)
	}
	loc, err := s.zone(ctx, userID, raws...)
	if err != nil {
		return api.Task{}, err
	}
	v, tags, fe := checkPatch(p, loc)
	if len(fe) > 0 {
		return api.Task{}, &domain.Invalid{Fields: fe}
	}
	return s.modify(ctx, userID, id, p.Reminders, p.Move(), func(t *store.Task) (*[]string, *bool, error) {
		if err := applyPatch(t, p, v); err != nil {
			return nil, nil, err
		}
		return tags, p.Completed, nil
	})
}

// checkPatch validates the fields p sets: their cleaned values (the
// others zero), the tags when p sets them, and what is wrong by field.
// A due day's instant is read in loc.
func checkPatch(p api.TaskPatch, loc *time.Location) (api.TaskFields, *[]string, fieldErrors) {
	fe := fieldErrors{}
	var v api.TaskFields
	if p.Title != nil {
		v.Title = cleanTitle(*p.Title, fe)
	}
	if p.Description != nil {
		v.Description = cleanDescription(*p.Description, fe)
	}
	if p.Priority != nil {
		if strings.TrimSpace(*p.Priority) == "" {
			fe.add("priority", "must be one of low, medium, high")
		}
		v.Priority = cleanPriority(*p.Priority, fe)
	}
	date, at := optional(p.DueDate), optional(p.DueAt)
	switch {
	case date != nil && strings.TrimSpace(*date) == "":
		fe.add("due_date", "must be a date such as 2026-12-08, or null to clear the due")
	case at != nil && strings.TrimSpace(*at) == "":
		fe.add("due_at", "must be an RFC 3339 timestamp, or null to clear the due")
	case date != nil || at != nil:
		v.DueDate, v.DueAt = cleanTaskDue(date, at, loc, fe)
	}
	var tags *[]string
	if p.Tags != nil {
		t := cleanTags(*p.Tags, fe)
		tags = &t
	}
	if p.Recurrence != nil {
		if strings.TrimSpace(*p.Recurrence) == "" {
			fe.add("recurrence", "must be one of none, daily, weekly, monthly, yearly")
		}
		v.Recurrence = *p.Recurrence
	}
	if p.RecurrenceInterval != nil {
		if *p.RecurrenceInterval == 0 {
			fe.add("recurrence_interval", fmt.Sprintf("must be between 1 and %d", MaxInterval))
		}
		v.RecurrenceInterval = *p.RecurrenceInterval
	}
	if p.RecurrenceWeekdays != nil {
		v.RecurrenceWeekdays = cleanWeekdays(*p.RecurrenceWeekdays, fe)
	}
	if p.RecurrenceMonthDay != nil {
		v.RecurrenceMonthDay = cleanMonthDay(*p.RecurrenceMonthDay, fe)
	}
	return v, tags, fe
}

// applyPatch sets on t the fields p gives, to their values checked by
// checkPatch. The repeat rule is checked here, against the task: a new
// interval alone is checked with the task's rule.
func applyPatch(t *store.Task, p api.TaskPatch, v api.TaskFields) error {
	if p.Title != nil {
		t.Title = v.Title
	}
	if p.Description != nil {
		t.Description = v.Description
	}
	if p.Priority != nil {
		t.Priority = v.Priority
	}
	if p.DueDate.Set || p.DueAt.Set {
		t.DueDate, t.DueAt = keptAllDay(t, v.DueDate, v.DueAt), v.DueAt
	}
	if p.RecurrenceWeekdays != nil {
		t.RecurrenceWeekdays = v.RecurrenceWeekdays
	}
	if p.RecurrenceMonthDay != nil {
		t.RecurrenceMonthDay = v.RecurrenceMonthDay
	}
	rule, interval := t.Recurrence, t.RecurrenceInterval
	if p.Recurrence != nil {
		rule = v.Recurrence
	}
	if p.RecurrenceInterval != nil {
		interval = v.RecurrenceInterval
	}
	fe := fieldErrors{}
	t.Recurrence, t.RecurrenceInterval = cleanRecurrence(rule, interval, fe)
	if len(fe) > 0 {
		return &domain.Invalid{Fields: fe}
	}
	return nil
}

// Complete sets completion (nil toggles). Completing a recurring task
// creates its next occurrence in the same transaction.
func (s *Service) Complete(ctx context.Context, userID string, id int64, completed *bool) (api.CompleteResult, error) {
	return s.CompleteWith(ctx, userID, id, api.CompleteRequest{Completed: completed})
}

// CompleteWith is Complete with the whole request: an undo reopens the
// task and the subtasks its completion closed.
func (s *Service) CompleteWith(ctx context.Context, userID string, id int64, req api.CompleteRequest) (api.CompleteResult, error) {
	completed, undo := req.Completed, req.Undo
	res := api.CompleteResult{Subtasks: []int64{}}
	err := s.store.WithTx(ctx, func(ctx context.Context, tx Tx) error {
		t, err := tx.GetTaskForUpdate(ctx, userID, id)
		if err != nil {
			return taskErr(id, err)
		}
		target := !t.Completed
		if completed != nil {
			target = *completed
		}
		if undo && target {
			return domain.Field("undo", "undoes a completion: only with completed false (or a toggle of a completed task)")
		}
		next, subtasks, err := s.setCompleted(ctx, tx, &t, target, undo)
		if err != nil {
			return err
		}
		res.Subtasks = subtasks
		if err := tx.UpdateTask(ctx, &t, nil); err != nil {
			return err
		}
		if !target && t.Recurrence != api.RecurNone {
			removed, err := tx.DeleteUntouchedOccurrence(ctx, userID, id)
			if err != nil {
				return err
			}
			if removed != 0 {
				res.RemovedNextID = &removed
			}
		}
		if t, err = tx.GetTask(ctx, userID, id); err != nil {
			return err
		}
		res.Task = ToAPI(&t)
		if next != nil {
			n := ToAPI(next)
			res.Next = &n
		}
		return nil
	})
	return res, err
}

// setCompleted changes t's completion and, when a recurring task becomes
// completed, inserts and returns the next occurrence. Completing a task
// completes its open subtasks (marked as completed by it); reopening it
// leaves them as they are, unless undo: then those its completion closed
// open again. The subtasks changed are returned by id.
func (s *Service) setCompleted(ctx context.Context, tx Tx, t *store.Task, completed, undo bool) (*store.Task, []int64, error) {
	if t.Completed == completed {
		return nil, []int64{}, nil
	}
	t.Completed, t.CompletedBy = completed, nil
	if !completed {
		t.CompletedAt = nil
		changed, err := tx.ReopenSubtree(ctx, t.UserID, t.ID, undo)
		return nil, changed, err
	}
	now := s.now().UTC()
	t.CompletedAt = &now
	// The subtree as it was, for the next occurrence to bring back.
	var sub []store.Task
	if t.Recurrence != api.RecurNone {
		var err error
		if sub, err = tx.Subtree(ctx, t.UserID, t.ID); err != nil {
			return nil, nil, err
		}
	}
	changed, err := tx.CompleteSubtree(ctx, t.UserID, t.ID, now)
	if err != nil {
		return nil, nil, err
	}
	if t.Recurrence == api.RecurNone {
		return nil, changed, nil
	}
	next, err := s.nextOccurrence(ctx, tx, t, now, sub)
	return next, changed, err
}

// nextOccurrence inserts the next occurrence of recurring task t,
// completed at now, with all of t's subtasks (sub) back, open, in the
// same order and nesting: their dues move by as much as t's did.
func (s *Service) nextOccurrence(ctx context.Context, tx Tx, t *store.Task, now time.Time, sub []store.Task) (*store.Task, error) {
	// The next occurrence is computed in the person's zone: an all-day
	// series stays on its dates, a timed one keeps its local time across
	// a DST change.
	loc, err := txZone(ctx, tx, t.UserID)
	if err != nil {
		return nil, err
	}
	nextDate, due, monthDay := recurrence.Of(t.TaskFields).Next(t.DueDate, t.DueAt, now, loc)
	if due.UTC().Year() > MaxYear {
		// The series has reached the end of the calendar we store: it
		// ends here rather than writing a date no client can read.
		return nil, nil
	}
	cur, err := tx.GetTask(ctx, t.UserID, t.ID)
	if err != nil {
		return nil, err
	}
	from := t.ID
	// The next occurrence has every field of this one but its due time,
	// in the same place.
	next := &store.Task{UserID: t.UserID, TaskFields: t.TaskFields, TaskPlace: t.TaskPlace, RecurredFrom: &from}
	next.DueDate, next.DueAt, next.RecurrenceMonthDay = nextDate, &due, monthDay
	if err := tx.InsertTask(ctx, next, tagNames(cur.Tags)); err != nil {
		return nil, fmt.Errorf("creating next occurrence of task %d: %w", t.ID, err)
	}
	if rs := carried(cur.Reminders, next.DueAt, next.DueDate != nil, loc); len(rs) > 0 {
		if err := tx.SetReminders(ctx, next, rs); err != nil {
			return nil, err
		}
	}
	shift := dueShift{fromDate: t.DueDate, toDate: nextDate, fromAt: t.DueAt, toAt: &due, loc: loc}
	copies := map[int64]int64{t.ID: next.ID}
	for _, c := range sub {
		full, err := tx.GetTask(ctx, t.UserID, c.ID)
		if err != nil {
			return nil, err
		}
		source := c.ID
		// A copy counts as an occurrence (recurred_from): completing
		// must always work, whatever the quota.
		copied := &store.Task{UserID: t.UserID, TaskFields: c.TaskFields, RecurredFrom: &source}
		parent := copies[*c.ParentID]
		copied.TaskPlace = api.TaskPlace{ProjectID: next.ProjectID, SectionID: next.SectionID, ParentID: &parent, Position: c.Position}
		copied.DueDate, copied.DueAt = shift.apply(c.DueDate, c.DueAt)
		if err := tx.InsertTask(ctx, copied, tagNames(full.Tags)); err != nil {
			return nil, fmt.Errorf("bringing back subtask %d of task %d: %w", c.ID, t.ID, err)
		}
		copies[c.ID] = copied.ID
	}
	return next, nil
}

func tagNames(tags []store.Tag) []string {
	names := make([]string, len(tags))
	for i, g := range tags {
		names[i] = g.Name
	}
	return names
}

// dueShift moves a subtask's due as its recurring parent's moved: a day
// by as many days, a time by as long. A subtask whose due is of the other
// kind than its parent's, or whose parent had none, keeps its due.
type dueShift struct {
	fromDate, toDate *dates.Date
	fromAt, toAt     *time.Time
	loc              *time.Location
}

func (d dueShift) apply(date *dates.Date, at *time.Time) (*dates.Date, *time.Time) {
	switch {
	case date != nil && d.fromDate != nil && d.toDate != nil:
		moved := date.AddDays(d.toDate.DaysSince(*d.fromDate))
		end := moved.EndIn(d.loc)
		return &moved, &end
	case date == nil && at != nil && d.fromDate == nil && d.fromAt != nil && d.toAt != nil:
		moved := at.Add(d.toAt.Sub(*d.fromAt))
		return nil, &moved
	}
	return date, at
}

// modify runs a locked read-modify-write of one task, and moves it when
// place is not nil.
func (s *Service) modify(ctx context.Context, userID string, id int64, reminders *[]api.ReminderInput, place *api.MoveRequest, change func(*store.Task) (*[]string, *bool, error)) (api.Task, error) {
	var out api.Task
	rloc, err := s.reminderZone(ctx, userID, time.UTC, inputs(reminders))
	if err != nil {
		return api.Task{}, err
	}
	err = s.store.WithTx(ctx, func(ctx context.Context, tx Tx) error {
		t, err := tx.GetTaskForUpdate(ctx, userID, id)
		if err != nil {
			return taskErr(id, err)
		}
		oldDue, oldAllDay := t.DueAt, t.DueDate != nil
		tags, completed, err := change(&t)
		if err != nil {
			return err
		}
		if err := s.updateReminders(ctx, tx, &t, oldDue, oldAllDay, reminders, rloc); err != nil {
			return err
		}
		reopened := completed != nil && !*completed && t.Completed && t.Recurrence != api.RecurNone
		if place != nil {
			if err := s.move(ctx, tx, &t, *place); err != nil {
				return err
			}
		}
		if completed != nil {
			if _, _, err := s.setCompleted(ctx, tx, &t, *completed, false); err != nil {
				return err
			}
		}
		if err := tx.UpdateTask(ctx, &t, tags); err != nil {
			return err
		}
		if reopened {
			if _, err := tx.DeleteUntouchedOccurrence(ctx, userID, id); err != nil {
				return err
			}
		}
		if t, err = tx.GetTask(ctx, userID, id); err != nil {
			return err
		}
		out = ToAPI(&t)
		return nil
	})
	return out, err
}

// Retention is how long a deleted task can be restored before it is
// purged for good.
const Retention = 30 * 24 * time.Hour

// Delete deletes one of the user's tasks; Restore can bring it back for
// Retention.
func (s *Service) Delete(ctx context.Context, userID string, id int64) error {
	return taskErr(id, s.store.DeleteTask(ctx, userID, id))
}

// Restore brings back a deleted task: the same task, id, tags and dates.
func (s *Service) Restore(ctx context.Context, userID string, id int64) (api.Task, error) {
	if err := s.store.RestoreTask(ctx, userID, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return api.Task{}, &domain.NotFound{What: fmt.Sprintf("deleted task %d (deleted tasks can be restored for %d days)", id, int(Retention.Hours()/24))}
		}
		return api.Task{}, err
	}
	return s.Get(ctx, userID, id)
}

// Purge removes every task deleted more than Retention ago, in batches.
func (s *Service) Purge(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.store.PurgeDeletedTasks(ctx, s.now().Add(-Retention), 1000)
		total += n
		if err != nil || n < 1000 {
			return total, err
		}
	}
}

// Tags lists the user's tags with counts.
func (s *Service) Tags(ctx context.Context, userID string) (api.TagList, error) {
	rows, err := s.store.ListTags(ctx, userID)
	if err != nil {
		return api.TagList{}, err
	}
	out := api.TagList{Tags: make([]api.Tag, len(rows))}
	for i, r := range rows {
		out.Tags[i] = api.Tag{ID: r.ID, Name: r.Name, TaskCount: r.TaskCount, OpenCount: r.OpenCount}
	}
	return out, nil
}

// DeleteTag removes a tag from all the user's tasks.
func (s *Service) DeleteTag(ctx context.Context, userID string, id int64) error {
	err := s.store.DeleteTag(ctx, userID, id)
	if errors.Is(err, store.ErrNotFound) {
		return &domain.NotFound{What: fmt.Sprintf("tag %d", id)}
	}
	return err
}

// zone is the user's time zone when one of raws is a day (YYYY-MM-DD),
// whose instant needs it (one small query), UTC otherwise.
func (s *Service) zone(ctx context.Context, userID string, raws ...string) (*time.Location, error) {
	for _, raw := range raws {
		if dates.LooksDateOnly(raw) {
			return s.userZone(ctx, userID)
		}
	}
	return time.UTC, nil
}

// userZone is the person's time zone (one small query); UTC for an
// unknown user, for whom the insert's foreign key answers.
func (s *Service) userZone(ctx context.Context, userID string) (*time.Location, error) {
	name, err := s.store.UserTimeZone(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return time.UTC, nil
	}
	if err != nil {
		return nil, err
	}
	return dates.Zone(name), nil
}

// inputs is a request's reminders, nil when it set none.
func inputs(p *[]api.ReminderInput) []api.ReminderInput {
	if p == nil {
		return nil
	}
	return *p
}

// updateReminders replaces the task's reminders when the request set them
// (checked against the task's new due time), and otherwise moves its
// relative ones with the due time.
func (s *Service) updateReminders(ctx context.Context, tx Tx, t *store.Task, oldDue *time.Time, oldAllDay bool, set *[]api.ReminderInput, loc *time.Location) error {
	allDay := t.DueDate != nil
	if set != nil {
		fe := fieldErrors{}
		rs := checkReminders(*set, t.DueAt, allDay, loc, s.now(), fe)
		if len(fe) > 0 {
			return &domain.Invalid{Fields: fe}
		}
		return tx.SetReminders(ctx, t, rs)
	}
	if sameTime(oldDue, t.DueAt) && oldAllDay == allDay {
		return nil
	}
	cur, err := tx.RemindersOf(ctx, t.ID)
	if err != nil || len(cur) == 0 {
		return err
	}
	loc, err = zoneOf(ctx, tx, t.UserID, cur)
	if err != nil {
		return err
	}
	return tx.Reschedule(ctx, rescheduled(cur, t.DueAt, allDay, loc), s.now())
}

func sameTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

// reminderZone is the person's zone when a reminder is set at a clock
// time ("the day before at 9:00"), else known (already loaded or UTC).
func (s *Service) reminderZone(ctx context.Context, userID string, known *time.Location, rs []api.ReminderInput) (*time.Location, error) {
	for _, r := range rs {
		if r.AtTime != "" {
			return s.userZone(ctx, userID)
		}
	}
	return known, nil
}

// zoneOf is the person's zone, read in tx, when one of rs is at a clock
// time; UTC otherwise (nothing reads it then).
func zoneOf(ctx context.Context, tx Tx, userID string, rs []store.Reminder) (*time.Location, error) {
	for _, r := range rs {
		if r.AtTime != nil {
			return txZone(ctx, tx, userID)
		}
	}
	return time.UTC, nil
}

// txZone is the person's zone read in tx (Tx.PersonZone); UTC for a
// person the store does not know, for whom the write answers.
func txZone(ctx context.Context, tx Tx, userID string) (*time.Location, error) {
	name, err := tx.PersonZone(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return time.UTC, nil
	}
	if err != nil {
		return nil, err
	}
	return dates.Zone(name), nil
}

// keptAllDay is the due date a write leaves task t: date, unless the write
// gives no date but exactly the instant t's all-day date stands for — a
// client of the API before 1.7.0 writing back what it read (due_at alone),
// which must not turn an all-day task into one at 23:59:59.
func keptAllDay(t *store.Task, date *dates.Date, at *time.Time) *dates.Date {
	if date == nil && at != nil && t.DueDate != nil && t.DueAt != nil && at.Equal(*t.DueAt) {
		return t.DueDate
	}
	return date
}

// optional is a present, non-null PATCH value, nil otherwise.
func optional(n api.Nullable[string]) *string {
	if !n.Set || n.Null {
		return nil
	}
	return &n.Value
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func fromInput(in api.TaskInput, loc *time.Location) (store.Task, []string, error) {
	t, tags, fe := Check(in, loc)
	if len(fe) > 0 {
		return t, nil, &domain.Invalid{Fields: fe}
	}
	return t, tags, nil
}

// Check applies the rules of Create to in without storing anything: the
// task it would store, its tags, and what is wrong by field (empty when
// nothing is). Imports check every row with it.
func Check(in api.TaskInput, loc *time.Location) (store.Task, []string, map[string]string) {
	fe := fieldErrors{}
	t := store.Task{TaskFields: api.TaskFields{
		Title:       cleanTitle(in.Title, fe),
		Description: cleanDescription(in.Description, fe),
		Priority:    cleanPriority(in.Priority, fe),
	}}
	t.DueDate, t.DueAt = cleanTaskDue(in.DueDate, in.DueAt, loc, fe)
	t.Recurrence, t.RecurrenceInterval = cleanRecurrence(in.Recurrence, in.RecurrenceInterval, fe)
	t.RecurrenceWeekdays = cleanWeekdays(in.RecurrenceWeekdays, fe)
	t.RecurrenceMonthDay = cleanMonthDay(in.RecurrenceMonthDay, fe)
	return t, cleanTags(in.Tags, fe), fe
}

func taskErr(id int64, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return &domain.NotFound{What: fmt.Sprintf("task %d", id)}
	}
	return err
}

// ToAPI converts a stored task to its JSON shape, times in UTC.
func ToAPI(t *store.Task) api.Task {
	tags := make([]string, len(t.Tags))
	for i, g := range t.Tags {
		tags[i] = g.Name
	}
	out := api.Task{
		ID: t.ID, UserID: t.UserID, TaskFields: t.TaskFields, TaskPlace: t.TaskPlace,
		Completed: t.Completed, CompletedAt: dates.ShownPtr(t.CompletedAt), Tags: tags,
		Reminders: remindersToAPI(t.Reminders), CreatedAt: dates.Shown(t.CreatedAt), UpdatedAt: dates.Shown(t.UpdatedAt),
	}
	// Times in UTC, and within what JSON can hold: a row stored before
	// the years were bounded still renders.
	out.DueAt = dates.ShownPtr(t.DueAt)
	return out
}
