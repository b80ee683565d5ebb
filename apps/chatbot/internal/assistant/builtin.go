package assistant

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/intent"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Builtin is the offline assistant: the intent parser plus the MCP tools.
type Builtin struct {
	WebURL string
}

// Name identifies the engine in stored messages.
func (b *Builtin) Name() string { return "builtin" }

// needed are the tools the built-in assistant knows how to use.
var needed = []string{"add_task", "list_tasks", "complete_task", "delete_task", "restore_task", "update_task"}

const helpText = "I can manage your tasks. Try:\n" +
	"• “Add task tomorrow: buy groceries”\n" +
	"• “Remind me to call mom on Friday at 5pm, high priority #family”\n" +
	"• “Every Monday: team sync”\n" +
	"• “What's due this week?” or “Show overdue high-priority tasks”\n" +
	"• “Mark buy groceries done”, “Delete the dentist appointment”, then “undo”\n" +
	"• “Move the dentist to next Tuesday”, “Rename X to Y”, “Set priority of X to low”\n" +
	"Dates like 24/12 are day/month."

// pending is a question waiting for an answer ("which one?").
type pending struct {
	Kind       intent.Kind `json:"kind"`
	Changes    updateArgs  `json:"changes"`
	Candidates []int64     `json:"candidates"`
	// Confirm: the question was "go ahead?" about every candidate, not
	// "which one?".
	Confirm bool `json:"confirm,omitempty"`
}

type updateArgs struct {
	Title    string `json:"title,omitempty"`
	Due      string `json:"due,omitempty"`
	ClearDue bool   `json:"clear_due,omitempty"`
	Priority string `json:"priority,omitempty"`
}

// Respond parses the message and acts.
func (b *Builtin) Respond(ctx context.Context, t Turn, emit func(Event)) (Reply, error) {
	r := &run{b: b, t: t, emit: emit}
	if err := r.checkTools(ctx); err != nil {
		return Reply{}, err
	}
	if err := r.respond(ctx); err != nil {
		return Reply{}, err
	}
	r.offerUndo()
	return r.reply, nil
}

func (r *run) respond(ctx context.Context) error {
	t := r.t
	r.reply.Intent = "confirm"
	if handled, err := r.confirmation(ctx); handled || err != nil {
		return err
	}
	if reUndo.MatchString(strings.ToLower(strings.Trim(strings.TrimSpace(t.Message), ".!"))) {
		r.reply.Intent = "undo"
		return r.undo(ctx)
	}
	in := intent.Parse(t.Message, t.Now, t.Loc)
	r.reply.Intent = string(in.Kind)
	switch in.Kind {
	case intent.Help:
		r.say(helpText)
	case intent.Unknown:
		if in.Title != "" {
			r.say(fmt.Sprintf("I'm not sure what to do with that. Should I add “%s” as a task? Say “add %s”.\nOr ask me “what can you do?”", in.Title, strings.ToLower(in.Title[:1])+in.Title[1:]))
		} else {
			r.say("Sorry, I didn't understand. " + helpText)
		}
	case intent.Add:
		if err := r.add(ctx, in); err != nil {
			return err
		}
	case intent.List:
		if err := r.list(ctx, in); err != nil {
			return err
		}
	case intent.Choose:
		if err := r.choose(ctx, in.Choice); err != nil {
			return err
		}
	default:
		if err := r.onTarget(ctx, in); err != nil {
			return err
		}
	}
	return nil
}

type run struct {
	b     *Builtin
	t     Turn
	emit  func(Event)
	reply Reply
}

func (r *run) say(s string) {
	if r.reply.Text != "" {
		r.reply.Text += "\n"
		r.emit(Event{Type: "text", Text: "\n"})
	}
	r.reply.Text += s
	r.emit(Event{Type: "text", Text: s})
}

func (r *run) card(c Card) {
	r.reply.Cards = append(r.reply.Cards, c)
	r.emit(Event{Type: "card", Card: &c})
}

func (r *run) checkTools(ctx context.Context) error {
	tools, err := r.t.Tools.List(ctx)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, t := range tools {
		have[t.Name] = true
	}
	for _, n := range needed {
		if !have[n] {
			return fmt.Errorf("the task service does not offer the %s tool", n)
		}
	}
	return nil
}

func (r *run) add(ctx context.Context, in intent.Intent) error {
	args := todomcp.AddTaskInput{Title: in.Title, Priority: in.Priority, Tags: in.Tags}
	if in.When != nil {
		args.Due = in.When.Time().Format(time.RFC3339)
	}
	if in.Recurrence != "" {
		args.Recurrence, args.Interval = in.Recurrence, in.Interval
	}
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.AddTask, args)
	if err != nil {
		return err
	}
	if res.IsError {
		r.say("I couldn't add that: " + res.Text)
		return nil
	}
	c := cardFor(todomcp.AddTask.Name, "Added", out.Task, r.t.Now, r.t.Loc, r.b.WebURL)
	r.card(c)
	msg := fmt.Sprintf("Added “%s”", out.Task.Title)
	if c.Detail != "" {
		msg += " — " + c.Detail
	}
	r.say(msg + ".")
	return nil
}

func (r *run) list(ctx context.Context, in intent.Intent) error {
	args := todomcp.ListTasksInput{Limit: 20, Status: in.Status, Overdue: in.Overdue, Priority: in.Priority, Tag: in.Tag, Query: in.Query}
	if in.From != nil {
		args.DueFrom = in.From.Format(time.RFC3339)
	}
	if in.To != nil {
		args.DueTo = in.To.Format(time.RFC3339)
	}
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.ListTasks, args)
	if err != nil {
		return err
	}
	if res.IsError {
		r.say("I couldn't look that up: " + res.Text)
		return nil
	}
	what := "tasks"
	switch {
	case in.Overdue:
		what = "overdue tasks"
	case in.Status == "completed":
		what = "completed tasks"
	case in.Status == "pending":
		what = "open tasks"
	}
	if out.Total == 0 {
		r.say(fmt.Sprintf("You have no %s%s. 🎉", what, scope(in)))
		return nil
	}
	lines := []string{fmt.Sprintf("You have %d %s%s:", out.Total, what, scope(in))}
	if out.Total == 1 {
		lines[0] = fmt.Sprintf("You have 1 %s%s:", strings.TrimSuffix(what, "s"), scope(in))
	}
	for _, t := range out.Tasks {
		line := "• " + t.Title
		if d := describe(t, r.t.Now, r.t.Loc); d != "" {
			line += " — " + d
		}
		lines = append(lines, line)
	}
	if out.Total > len(out.Tasks) {
		lines = append(lines, fmt.Sprintf("…and %d more.", out.Total-len(out.Tasks)))
	}
	r.say(strings.Join(lines, "\n"))
	return nil
}

func scope(in intent.Intent) string {
	var s []string
	if in.Priority != "" {
		s = append(s, "with "+in.Priority+" priority")
	}
	if in.Tag != "" {
		s = append(s, "tagged #"+in.Tag)
	}
	if in.Query != "" {
		s = append(s, "matching “"+in.Query+"”")
	}
	if in.From != nil && in.To != nil {
		from, to := in.From.Format("Mon 2 Jan"), in.To.Format("Mon 2 Jan")
		if from == to {
			s = append(s, "due on "+from)
		} else {
			s = append(s, "due between "+from+" and "+to)
		}
	}
	if len(s) == 0 {
		return ""
	}
	return " " + strings.Join(s, " ")
}

// onTarget completes, reopens, deletes or updates the task the person named.
func (r *run) onTarget(ctx context.Context, in intent.Intent) error {
	changes := updateArgs{Title: in.NewTitle, Priority: in.Priority}
	if in.When != nil {
		changes.Due = in.When.Time().Format(time.RFC3339)
	}
	changes.ClearDue = in.ClearDue
	if in.TaskID > 0 {
		return r.act(ctx, in.Kind, changes, in.TaskID)
	}
	if status := bulkStatus(in.Target); status != "" && (in.Kind == intent.Delete || in.Kind == intent.Complete) {
		// "remove all" is about every task, never about a task whose
		// title happens to contain "all".
		return r.bulk(ctx, in.Kind, status)
	}
	status := "pending"
	switch in.Kind {
	case intent.Reopen:
		status = "completed"
	case intent.Delete, intent.Update:
		status = "all"
	}
	found, err := r.find(ctx, in.Target, status)
	if err != nil {
		return err
	}
	switch len(found) {
	case 0:
		r.say(fmt.Sprintf("I couldn't find a task matching “%s”. Ask me “show my tasks” to see them.", in.Target))
		return nil
	}
	for _, t := range found {
		if strings.EqualFold(t.Title, in.Target) {
			return r.act(ctx, in.Kind, changes, t.ID)
		}
	}
	if len(found) == 1 {
		if in.Kind == intent.Delete {
			// Found by part of its title: a delete asks first.
			r.askFirst(in.Kind, changes, found, 1)
			return nil
		}
		return r.act(ctx, in.Kind, changes, found[0].ID)
	}
	lines := []string{fmt.Sprintf("Several tasks match “%s”. Which one do you mean?", in.Target)}
	p := pending{Kind: in.Kind, Changes: changes}
	for i, t := range found {
		line := fmt.Sprintf("%d. %s", i+1, t.Title)
		if d := describe(t, r.t.Now, r.t.Loc); d != "" {
			line += " — " + d
		}
		lines = append(lines, line)
		p.Candidates = append(p.Candidates, t.ID)
	}
	lines = append(lines, "Reply with the number.")
	r.say(strings.Join(lines, "\n"))
	r.reply.Pending, _ = json.Marshal(p)
	return nil
}

// find looks a task up by its words: the whole phrase first, then tasks
// containing every word.
func (r *run) find(ctx context.Context, target, status string) ([]todomcp.Task, error) {
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.ListTasks, todomcp.ListTasksInput{Query: target, Status: status, Limit: 10})
	if err != nil || res.IsError {
		return nil, err
	}
	if len(out.Tasks) > 0 {
		return out.Tasks, nil
	}
	words := strings.Fields(strings.ToLower(target))
	if len(words) < 2 {
		return nil, nil
	}
	longest := words[0]
	for _, w := range words {
		if len(w) > len(longest) {
			longest = w
		}
	}
	out, res, err = todomcp.Call(ctx, r.t.Tools, todomcp.ListTasks, todomcp.ListTasksInput{Query: longest, Status: status, Limit: 50})
	if err != nil || res.IsError {
		return nil, err
	}
	var match []todomcp.Task
	for _, t := range out.Tasks {
		title := strings.ToLower(t.Title)
		all := true
		for _, w := range words {
			all = all && strings.Contains(title, w)
		}
		if all {
			match = append(match, t)
		}
	}
	return match, nil
}

// choose answers a "which one?" from the previous assistant message.
func (r *run) choose(ctx context.Context, n int) error {
	var p pending
	for i := len(r.t.History) - 1; i >= 0; i-- {
		m := r.t.History[i]
		if m.Role != api.RoleAssistant {
			continue
		}
		st := DecodeStored(m.ToolCalls)
		if len(st.Pending) > 0 {
			_ = json.Unmarshal(st.Pending, &p)
		}
		break
	}
	if len(p.Candidates) == 0 {
		if n > 0 {
			// A bare number with no question asked: treat it as a task id.
			r.say(fmt.Sprintf("I'm not sure what to do with #%d. Say for example “mark %d done” or “delete task %d”.", n, n, n))
			return nil
		}
		r.say("I'm not sure which one you mean. " + helpText)
		return nil
	}
	var id int64
	switch {
	case n == -1:
		id = p.Candidates[len(p.Candidates)-1]
	case n >= 1 && n <= len(p.Candidates):
		id = p.Candidates[n-1]
	default:
		for _, c := range p.Candidates {
			if c == int64(n) {
				id = c
			}
		}
	}
	if id == 0 {
		r.say(fmt.Sprintf("Please answer with a number from 1 to %d.", len(p.Candidates)))
		r.reply.Pending, _ = json.Marshal(p)
		return nil
	}
	return r.act(ctx, p.Kind, p.Changes, id)
}

func (r *run) act(ctx context.Context, kind intent.Kind, changes updateArgs, id int64) error {
	var (
		tool, verb string
		out        todomcp.CompleteTaskOutput
		res        todomcp.Result
		err        error
	)
	switch kind {
	case intent.Complete, intent.Reopen:
		tool, verb = todomcp.CompleteTask.Name, "Completed"
		done := kind == intent.Complete
		if !done {
			verb = "Reopened"
		}
		out, res, err = todomcp.Call(ctx, r.t.Tools, todomcp.CompleteTask, todomcp.CompleteTaskInput{TaskID: id, Completed: &done})
	case intent.Delete:
		tool, verb = todomcp.DeleteTask.Name, "Deleted"
		var del todomcp.DeleteTaskOutput
		del, res, err = todomcp.Call(ctx, r.t.Tools, todomcp.DeleteTask, todomcp.DeleteTaskInput{TaskID: id})
		out.Task = todomcp.Task{ID: del.DeletedID, Title: del.Title}
	case intent.Update:
		tool, verb = todomcp.UpdateTask.Name, "Updated"
		args := todomcp.UpdateTaskInput{TaskID: id, ClearDue: changes.ClearDue}
		if changes.Title != "" {
			args.Title = &changes.Title
			verb = "Renamed"
		}
		if changes.Due != "" {
			args.Due = &changes.Due
			verb = "Moved"
		}
		if changes.Priority != "" {
			args.Priority = &changes.Priority
		}
		var upd todomcp.TaskOutput
		upd, res, err = todomcp.Call(ctx, r.t.Tools, todomcp.UpdateTask, args)
		out.Task = upd.Task
	default:
		return fmt.Errorf("no action for %s", kind)
	}
	if err != nil {
		return err
	}
	if res.IsError {
		r.card(Card{Tool: tool, Action: "Failed", Title: res.Text, Error: true})
		r.say("That didn't work: " + res.Text)
		return nil
	}
	c := cardFor(tool, verb, out.Task, r.t.Now, r.t.Loc, r.b.WebURL)
	r.card(c)
	msg := fmt.Sprintf("%s “%s”", verb, out.Task.Title)
	if kind == intent.Update && c.Detail != "" {
		msg += " — " + c.Detail
	}
	msg += "."
	if out.Next != nil {
		n := cardFor(tool, "Next", *out.Next, r.t.Now, r.t.Loc, r.b.WebURL)
		r.card(n)
		msg += " The next one is " + n.Detail + "."
	}
	r.say(msg)
	return nil
}
