package assistant

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/intent"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// updateArgs is a change to one task as the person said it, kept in a
// pending question until the task is known: relative parts (a move by two
// days, a tag added, a priority one step up) are applied to what the task
// holds then.
type updateArgs struct {
	Title string `json:"title,omitempty"`
	// Note is added to the task's notes (its description), on a line of
	// its own.
	Note string `json:"note,omitempty"`
	// Due is an absolute due time (RFC 3339), from conversations stored
	// before relative changes existed.
	Due string `json:"due,omitempty"`
	// WhenDate (YYYY-MM-DD) and WhenTime (HH:MM) are the day and time said;
	// HasDate is false for a time alone ("move it to 6pm": keep the day).
	WhenDate     string    `json:"when_date,omitempty"`
	HasDate      bool      `json:"has_date,omitempty"`
	WhenTime     string    `json:"when_time,omitempty"`
	ClearDue     bool      `json:"clear_due,omitempty"`
	ShiftDays    int       `json:"shift_days,omitempty"`
	ShiftMinutes int       `json:"shift_minutes,omitempty"`
	Priority     string    `json:"priority,omitempty"`
	PriorityStep int       `json:"priority_step,omitempty"`
	TagsAdd      []string  `json:"tags_add,omitempty"`
	TagsRemove   []string  `json:"tags_remove,omitempty"`
	Tags         *[]string `json:"tags,omitempty"`
	Recurrence   string    `json:"recurrence,omitempty"`
	Interval     int       `json:"interval,omitempty"`
	// RemindBefore adds reminders (minutes before the due time), at the
	// time of day RemindAt when said (HH:MM, whole days before);
	// ClearReminders removes them all.
	RemindBefore   []int  `json:"remind_before,omitempty"`
	RemindAt       string `json:"remind_at,omitempty"`
	ClearReminders bool   `json:"clear_reminders,omitempty"`
}

func changesOf(in intent.Intent) updateArgs {
	c := updateArgs{Title: in.NewTitle, Note: in.Note, Priority: in.Priority, ClearDue: in.ClearDue, ShiftDays: in.ShiftDays,
		ShiftMinutes: in.ShiftMinutes, PriorityStep: in.PriorityStep, TagsAdd: in.TagsAdd, TagsRemove: in.TagsRemove,
		Recurrence: in.Recurrence, Interval: in.Interval, RemindBefore: in.RemindBefore, RemindAt: in.RemindAt,
		ClearReminders: in.ClearReminders}
	if in.When != nil {
		c.WhenDate, c.HasDate = in.When.Day().String(), in.When.HasDate
		if in.When.HasTime {
			c.WhenTime = fmt.Sprintf("%02d:%02d", in.When.Hour, in.When.Minute)
		}
	}
	if in.ReplaceTags {
		tags := in.Tags
		if tags == nil {
			tags = []string{}
		}
		c.Tags = &tags
	}
	return c
}

// relative says whether applying c needs the task's current values.
func (c updateArgs) relative() bool {
	return c.WhenDate != "" || c.Note != "" || c.ShiftDays != 0 || c.ShiftMinutes != 0 || c.PriorityStep != 0 ||
		len(c.TagsAdd) > 0 || len(c.TagsRemove) > 0 || len(c.RemindBefore) > 0
}

// toolArgs turns c into update_task's arguments for task cur; problem is
// why it cannot be applied, said to the person.
func (c updateArgs) toolArgs(cur todomcp.Task, now time.Time, loc *time.Location) (args todomcp.UpdateTaskInput, verb, problem string) {
	args.TaskID, args.ClearDue = cur.ID, c.ClearDue
	verb = "Updated"
	// The task's due as it is: an all-day date (day), or a time (at, in
	// the person's zone, whose day is day).
	day, at, allDay, hasDue := dueOf(cur)
	if hasDue && !allDay {
		at = at.In(loc)
		day = dates.DateOf(at, loc)
	}
	switch {
	case c.Due != "":
		args.Due = &c.Due
	case c.WhenDate != "":
		d, err := dates.ParseDate(c.WhenDate)
		if err != nil {
			return args, "", "I couldn't read that date."
		}
		if !c.HasDate && hasDue {
			// A time alone keeps the day the task already has (an
			// all-day task gets that time on its day).
			d = day
		}
		hour, minute, timed := -1, 0, false
		if c.WhenTime != "" {
			fmt.Sscanf(c.WhenTime, "%d:%d", &hour, &minute)
			timed = true
		} else if hasDue && !allDay {
			// A day alone keeps the time of day the task already has; an
			// all-day task stays all day.
			hour, minute, timed = at.Hour(), at.Minute(), true
		}
		due := d.String()
		if timed {
			due = d.At(hour, minute, 0, loc).Format(time.RFC3339)
		}
		args.Due = &due
	case c.ShiftDays != 0 || c.ShiftMinutes != 0:
		switch {
		case !hasDue:
			return args, "", fmt.Sprintf("“%s” has no due date to move. Say for example “move %s to Friday”.", cur.Title, strings.ToLower(cur.Title))
		case allDay && c.ShiftMinutes != 0:
			return args, "", fmt.Sprintf("“%s” is due %s, all day: it has no time to move by %s. Give it one instead, for example “move %s to %s at 5pm”.",
				cur.Title, humanDay(day, now, loc), minutesWords(abs(c.ShiftMinutes)), strings.ToLower(cur.Title), day.Weekday())
		case allDay:
			due := day.AddDays(c.ShiftDays).String()
			args.Due = &due
		default:
			s := at.AddDate(0, 0, c.ShiftDays).Add(time.Duration(c.ShiftMinutes) * time.Minute).Format(time.RFC3339)
			args.Due = &s
		}
	}
	if args.Due != nil || args.ClearDue {
		verb = "Moved"
	}
	if c.Note != "" {
		// Added to what the notes say, never replacing them.
		note := strings.TrimSpace(strings.TrimSpace(cur.Description) + "\n" + c.Note)
		args.Description = &note
	}
	if c.Title != "" {
		args.Title = &c.Title
		verb = "Renamed"
	}
	if c.Priority != "" {
		args.Priority = &c.Priority
	}
	if c.PriorityStep != 0 {
		levels := []string{"low", "medium", "high"}
		i := slices.Index(levels, cur.Priority)
		if i < 0 {
			i = 1
		}
		p := levels[max(0, min(2, i+c.PriorityStep))]
		args.Priority = &p
	}
	if c.Tags != nil || len(c.TagsAdd) > 0 || len(c.TagsRemove) > 0 {
		tags := slices.Clone(cur.Tags)
		if c.Tags != nil {
			tags = slices.Clone(*c.Tags)
		}
		for _, add := range c.TagsAdd {
			if !slices.ContainsFunc(tags, func(t string) bool { return strings.EqualFold(t, add) }) {
				tags = append(tags, add)
			}
		}
		tags = slices.DeleteFunc(tags, func(t string) bool {
			return slices.ContainsFunc(c.TagsRemove, func(r string) bool { return strings.EqualFold(t, r) })
		})
		if tags == nil {
			tags = []string{}
		}
		args.Tags = &tags
	}
	if c.ClearReminders {
		args.Reminders = &[]todomcp.ReminderInput{}
	}
	if len(c.RemindBefore) > 0 {
		if !hasDue && args.Due == nil {
			return args, "", fmt.Sprintf("“%s” has no due time for a reminder to be before. Say when it's due first, or “remind me about %s at 9am tomorrow”.", cur.Title, strings.ToLower(cur.Title))
		}
		// Whether the task is all day once changed: its reminders are then
		// a time of day on that day or whole days before.
		dayOnly := allDay
		if args.Due != nil {
			dayOnly = dates.LooksDateOnly(*args.Due)
		}
		// The reminders still to come stay; the new ones join them. One
		// "minutes before" kept on an all-day task waits for a time the
		// task has not got, and the backend takes no such new one: it is
		// not sent back.
		var rs []todomcp.ReminderInput
		type key struct {
			before int
			atTime string
		}
		have := map[key]bool{}
		for _, r := range cur.Reminders {
			if c.ClearReminders {
				break // "change the reminder to …": the new one replaces them
			}
			if r.Fired || dayOnly && r.BeforeMinutes != nil && r.AtTime == "" {
				continue
			}
			rs = append(rs, todomcp.ReminderInput{At: r.At, BeforeMinutes: r.BeforeMinutes, AtTime: r.AtTime})
			if r.BeforeMinutes != nil {
				have[key{*r.BeforeMinutes, r.AtTime}] = true
			}
		}
		for _, n := range c.RemindBefore {
			r, ok := reminderBefore(n, c.RemindAt, dayOnly)
			if !ok {
				return args, "", fmt.Sprintf("“%s” is due %s, all day, so there is no time to remind you %s before. Give it a time first (“move %s to %s at 9am”), or say a time of day, for example “remind me about %s the day before at 8am”.",
					cur.Title, humanDay(day, now, loc), minutesWords(n), strings.ToLower(cur.Title), day.Weekday(), strings.ToLower(cur.Title))
			}
			if k := (key{n, r.AtTime}); !have[k] {
				rs = append(rs, r)
				have[k] = true
			}
		}
		args.Reminders = &rs
	}
	if c.Recurrence != "" {
		args.Recurrence = &c.Recurrence
		if c.Recurrence != "none" {
			n := max(1, c.Interval)
			args.Interval = &n
		}
	}
	return args, verb, ""
}

// taskByID reads one task for a change that depends on its values, when
// the person named it by number.
func (r *run) taskByID(ctx context.Context, id int64) (todomcp.Task, bool, error) {
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.ListTasks, todomcp.ListTasksInput{Status: "all", Limit: 100})
	if err != nil || res.IsError {
		return todomcp.Task{}, false, err
	}
	for _, t := range out.Tasks {
		if t.ID == id {
			return t, true, nil
		}
	}
	return todomcp.Task{}, false, nil
}

// reminderBefore is a reminder n minutes before a due, at the time of day
// at (HH:MM) when one was said, by pkg/intent's one rule
// (intent.ReminderBefore); ok is false for an all-day date and a reminder
// of less than whole days: there is no time to be before.
func reminderBefore(n int, at string, allDay bool) (todomcp.ReminderInput, bool) {
	r, ok := intent.ReminderBefore(n, at, allDay)
	return todomcp.ReminderInput{BeforeMinutes: r.BeforeMinutes, AtTime: r.AtTime}, ok
}

func abs(n int) int { return max(n, -n) }
