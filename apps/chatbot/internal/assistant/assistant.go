// Package assistant turns a chat message into actions on the user's tasks
// through the backend's MCP tools. Two engines share one interface: the
// built-in deterministic one (default, offline) and a language model.
package assistant

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/todo-app/todo-app/apps/chatbot/internal/mcpclient"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/recurrence"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Card is one tool action shown in the chat: "Added: Buy groceries — due
// tomorrow, high priority", linking to the task in the web app.
type Card struct {
	Tool   string `json:"tool"`
	Action string `json:"action"`
	TaskID int64  `json:"task_id,omitempty"`
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
	URL    string `json:"url,omitempty"`
	Error  bool   `json:"error,omitempty"`
}

// Event is streamed to the browser while the reply is produced.
type Event struct {
	Type string `json:"type"` // "text" (a chunk of the answer) or "card"
	Text string `json:"text,omitempty"`
	Card *Card  `json:"card,omitempty"`
}

// Turn is one user message with what the engine needs to answer it.
type Turn struct {
	Message string
	History []api.Message // earlier messages, oldest first
	Now     time.Time
	Loc     *time.Location
	Tools   mcpclient.Tools
}

// Reply is the finished answer, stored in the conversation.
type Reply struct {
	Text  string
	Cards []Card
	// Pending is engine state to keep for the next turn (a question asked).
	Pending json.RawMessage
	// Intent is what the engine took the message for (the built-in one's
	// parse: add, list, delete…, confirm, undo; "model" for a model), for
	// the answers metric.
	Intent string
}

// Engine answers turns.
type Engine interface {
	Name() string
	Respond(ctx context.Context, t Turn, emit func(Event)) (Reply, error)
}

// Stored is what the chatbot keeps in a message's tool_calls.
type Stored struct {
	Engine  string          `json:"engine,omitempty"`
	Cards   []Card          `json:"cards,omitempty"`
	Pending json.RawMessage `json:"pending,omitempty"`
}

// DecodeStored reads a message's tool_calls; unknown shapes read as empty.
func DecodeStored(raw json.RawMessage) Stored {
	var s Stored
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

// cardFor builds the card for a task a tool returned.
func cardFor(tool, action string, t todomcp.Task, now time.Time, loc *time.Location, webURL string) Card {
	c := Card{Tool: tool, Action: action, TaskID: t.ID, Title: t.Title, Detail: describe(t, now, loc)}
	if webURL != "" && t.ID > 0 && action != "Deleted" {
		c.URL = fmt.Sprintf("%s/tasks/%d/edit", strings.TrimRight(webURL, "/"), t.ID)
	}
	return c
}

// describe is "due tomorrow at 17:00, high priority, #family, repeats
// weekly"; an all-day task is "due Friday", its day as the tools give it,
// never moved by a zone.
func describe(t todomcp.Task, now time.Time, loc *time.Location) string {
	var parts []string
	day, at, allDay, ok := dueOf(t)
	switch {
	case ok && allDay:
		parts = append(parts, "due "+humanDay(day, now, loc))
	case ok:
		parts = append(parts, "due "+humanDate(at, now, loc))
	}
	if t.Priority != "" && t.Priority != "medium" {
		parts = append(parts, t.Priority+" priority")
	}
	for _, g := range t.Tags {
		parts = append(parts, "#"+g)
	}
	for _, rm := range t.Reminders {
		if rm.Fired {
			continue
		}
		switch {
		case rm.BeforeMinutes != nil && rm.AtTime == "" && allDay:
			// Kept from a time the task had, or from before the all-day
			// model: it waits for a time (the backend gives it none).
			parts = append(parts, "reminder "+minutesWords(*rm.BeforeMinutes)+" before (waits for a time)")
		case rm.BeforeMinutes != nil && *rm.BeforeMinutes == 0 && rm.AtTime == "":
			parts = append(parts, "reminder at the due time")
		case rm.BeforeMinutes != nil && rm.AtTime == "":
			parts = append(parts, "reminder "+minutesWords(*rm.BeforeMinutes)+" before")
		default:
			if at, err := time.Parse(time.RFC3339, rm.FireAt); err == nil {
				parts = append(parts, "reminder "+humanDate(at, now, loc))
			}
		}
	}
	rule := recurrence.Rule{Freq: t.Recurrence, Interval: t.RecurrenceInterval, MonthDay: t.RecurrenceMonthDay}
	if w, err := dates.ParseWeekdays(t.RecurrenceWeekdays); err == nil {
		rule.Weekdays = w
	}
	if r := rule.String(); r != "" {
		parts = append(parts, "repeats "+r)
	}
	return strings.Join(parts, ", ")
}

// dueOf reads a task's due as the tools give it: a date alone
// ("2026-12-08") is an all-day date, its day for everyone; an RFC 3339
// time is an instant. ok is false when the task has no due (or one that
// cannot be read).
func dueOf(t todomcp.Task) (day dates.Date, at time.Time, allDay, ok bool) {
	if t.Due == "" {
		return dates.Date{}, time.Time{}, false, false
	}
	if d, err := dates.ParseDate(t.Due); err == nil {
		return d, time.Time{}, true, true
	}
	if at, err := time.Parse(time.RFC3339, t.Due); err == nil {
		return dates.Date{}, at, false, true
	}
	return dates.Date{}, time.Time{}, false, false
}

// minutesWords says 90 as "90 minutes", 60 as "1 hour", 1440 as "1 day".
func minutesWords(n int) string {
	unit := func(v int, one string) string {
		if v == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", v, one)
	}
	switch {
	case n%(7*24*60) == 0:
		return unit(n/(7*24*60), "week")
	case n%(24*60) == 0:
		return unit(n/(24*60), "day")
	case n%60 == 0:
		return unit(n/60, "hour")
	}
	return unit(n, "minute")
}

// humanDate says an instant in loc: "today at 17:00", "Friday at 09:30".
func humanDate(t, now time.Time, loc *time.Location) string {
	return humanDay(dates.DateOf(t, loc), now, loc) + " at " + t.In(loc).Format("15:04")
}

// humanDay says a day relative to today in loc: "today", "tomorrow",
// "Friday", "Mon 7 Dec", "Mon 7 Dec 2026".
func humanDay(d dates.Date, now time.Time, loc *time.Location) string {
	today := dates.DateOf(now, loc)
	// Both at noon UTC: whole days apart, whatever the zone does.
	noon := d.At(12, 0, 0, time.UTC)
	diff := int(noon.Sub(today.At(12, 0, 0, time.UTC)).Hours() / 24)
	switch {
	case diff == 0:
		return "today"
	case diff == 1:
		return "tomorrow"
	case diff == -1:
		return "yesterday"
	case diff > 1 && diff < 7:
		return noon.Format("Monday")
	case d.Year() == today.Year():
		return noon.Format("Mon 2 Jan")
	}
	return noon.Format("Mon 2 Jan 2006")
}
