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

// describe is "due tomorrow at 17:00, high priority, #family, repeats weekly".
func describe(t todomcp.Task, now time.Time, loc *time.Location) string {
	var parts []string
	if due, err := time.Parse(time.RFC3339, t.Due); err == nil && t.Due != "" {
		parts = append(parts, "due "+humanDate(due, now, loc))
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
	if t.Recurrence != "" && t.Recurrence != "none" {
		r := "repeats " + t.Recurrence
		if t.RecurrenceInterval > 1 {
			r = fmt.Sprintf("repeats every %d %s", t.RecurrenceInterval, map[string]string{"daily": "days", "weekly": "weeks", "monthly": "months", "yearly": "years"}[t.Recurrence])
		}
		parts = append(parts, r)
	}
	return strings.Join(parts, ", ")
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

// humanDate says "today", "tomorrow at 17:00", "Friday", "Mon 7 Dec".
func humanDate(t, now time.Time, loc *time.Location) string {
	l, n := t.In(loc), now.In(loc)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	diff := int(day.Sub(today).Hours() / 24)
	var d string
	switch {
	case diff == 0:
		d = "today"
	case diff == 1:
		d = "tomorrow"
	case diff == -1:
		d = "yesterday"
	case diff > 1 && diff < 7:
		d = l.Format("Monday")
	case l.Year() == n.Year():
		d = l.Format("Mon 2 Jan")
	default:
		d = l.Format("Mon 2 Jan 2006")
	}
	if l.Format("15:04:05") != "23:59:59" {
		d += " at " + l.Format("15:04")
	}
	return d
}
