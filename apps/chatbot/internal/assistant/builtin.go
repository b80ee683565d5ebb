package assistant

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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
	"• “Mark buy groceries done” or “I bought the groceries”; “Delete the dentist appointment”, then “undo”\n" +
	"• “Move the dentist to next Tuesday”, “Postpone the report by two days”, “Rename X to Y”\n" +
	"• “Make X urgent”, “Tag X with travel”, “Clear the due date of X”, “Stop repeating X”\n" +
	"Dates like 24/12 are day/month."

// pending is a question waiting for an answer ("which one?").
type pending struct {
	Kind       intent.Kind `json:"kind"`
	Changes    updateArgs  `json:"changes"`
	Candidates []int64     `json:"candidates"`
	// Confirm: the question was "go ahead?" about every candidate, not
	// "which one?".
	Confirm bool `json:"confirm,omitempty"`
	// Tasks are the candidates as they were shown (a change relative to
	// a task's values is applied to them).
	Tasks []todomcp.Task `json:"tasks,omitempty"`
	// Ask is what else the question asked for (answers.go): which task,
	// what to add, when, or whether to add Draft.
	Ask string `json:"ask,omitempty"`
	// Draft is the task being added, as said so far.
	Draft *intent.Intent `json:"draft,omitempty"`
}

// task is candidate id as shown, or only its id.
func (p pending) task(id int64) todomcp.Task {
	for _, t := range p.Tasks {
		if t.ID == id {
			return t
		}
	}
	return todomcp.Task{ID: id}
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
	if handled, err := r.answer(ctx); handled || err != nil {
		return err
	}
	if reWipeAll.MatchString(strings.ToLower(strings.Trim(strings.TrimSpace(t.Message), ".!"))) {
		r.reply.Intent = string(intent.Delete)
		return r.bulk(ctx, intent.Delete, "all")
	}
	said := strings.TrimSpace(t.Message)
	if handled, err := r.places(ctx, said); handled || err != nil {
		return err // "move X to Health", subtasks (places.go)
	}
	if m := reAddProject.FindStringSubmatch(said); m != nil {
		r.reply.Intent = "add_project"
		return r.addProject(ctx, m[1])
	}
	if m := reProjectQuery.FindStringSubmatch(said); m != nil {
		if p, ok, err := r.project(ctx, m[1]); err != nil || ok {
			if err != nil {
				return err
			}
			r.reply.Intent = string(intent.List)
			return r.listProject(ctx, p)
		}
	}
	if handled, err := r.listScope(ctx, said); handled || err != nil {
		return err // "my work stuff" (scopes.go)
	}
	in := intent.Parse(t.Message, t.Now, t.Loc)
	r.reply.Intent = string(in.Kind)
	switch in.Kind {
	case intent.Help:
		r.say(helpText)
	case intent.Unknown:
		if in.Missing != "" {
			return r.askMissing(ctx, in)
		} else if in.Title != "" {
			r.offerAdd(in)
		} else {
			r.say("Sorry, I didn't understand. " + helpText)
		}
	case intent.Add:
		if len(in.Tasks) > 0 { // several tasks in one message: many.go
			return r.addMany(ctx, in)
		}
		// "water the plants every day" when that task exists is an edit
		// of it, never a second copy; nor is a title with words left over
		// added as it is (junk.go).
		if handled, err := r.guardAdd(ctx, &in); handled || err != nil {
			return err
		}
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
	// tags are the person's tags, read at most once a message.
	tags []todomcp.Tag
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
	project, ok, err := r.placeIn(ctx, &in)
	if err != nil || !ok {
		return err
	}
	return r.addTo(ctx, in, project, 0)
}

// addTo adds in's task to project, or under the task parent (in its
// project) when parent is not 0.
func (r *run) addTo(ctx context.Context, in intent.Intent, project todomcp.Project, parent int64) error {
	args := todomcp.AddTaskInput{Title: in.Title, Priority: in.Priority, Tags: in.Tags, ProjectID: project.ID, ParentID: parent}
	if in.When != nil {
		// A date alone is sent as the date: an all-day task, the same day
		// wherever the person is; a time as RFC 3339 in their zone.
		args.Due = in.When.Due()
	}
	if in.Recurrence != "" {
		args.Recurrence, args.Interval = in.Recurrence, in.Interval
		args.MonthDay = in.MonthDay
		if !in.Weekdays.IsZero() {
			args.Weekdays = in.Weekdays.Names()
		}
	}
	if len(in.RemindBefore) > 0 {
		if in.When == nil {
			r.say(fmt.Sprintf("A reminder before “%s” needs a time it's due. Say for example “%s tomorrow at 9am, remind me 1 hour before”.", in.Title, strings.ToLower(in.Title)))
			return nil
		}
		for _, n := range in.RemindBefore {
			rm, ok := reminderBefore(n, in.RemindAt, in.When.AllDay())
			if !ok {
				// Nothing added: the person says again with a time, or
				// with whole days.
				title := strings.ToLower(in.Title)
				r.say(fmt.Sprintf("“%s” would be due %s, all day, so there is no time to remind you %s before. Say a time, for example “%s %s at 9am, remind me %s before”, or a time of day for the reminder, such as “remind me the day before at 8am”.",
					in.Title, humanDay(in.When.Day(), r.t.Now, r.t.Loc), minutesWords(n), title, strings.ToLower(in.When.Day().Weekday().String()), minutesWords(n)))
				return nil
			}
			args.Reminders = append(args.Reminders, rm)
		}
	}
	for _, at := range in.ClockReminders() {
		// "remind me at 9": that time of the due day, fixed.
		args.Reminders = append(args.Reminders, todomcp.ReminderInput{At: at.Format(time.RFC3339)})
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
	switch {
	case parent != 0:
		msg += " as a subtask"
	case project.ID != 0 && !project.Inbox:
		msg += " to " + project.Name
	}
	if c.Detail != "" {
		msg += " — " + c.Detail
	}
	r.say(msg + ".")
	return nil
}

func (r *run) list(ctx context.Context, in intent.Intent) error {
	args := todomcp.ListTasksInput{Limit: 20, Status: in.Status, Overdue: in.Overdue, Priority: in.Priority, Tag: in.Tag, Query: in.Query}
	if from, to, ok := in.Days(); ok {
		// Whole days, read in the person's zone by the tools: an all-day
		// task is on its date, a timed one within those days.
		args.DueFrom, args.DueTo = from.String(), to.String()
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
	lines = append(lines, r.bullets(out)...)
	r.say(strings.Join(lines, "\n"))
	return nil
}

// listProject lists a project's open tasks.
func (r *run) listProject(ctx context.Context, p todomcp.Project) error {
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.ListTasks, todomcp.ListTasksInput{Limit: 20, Status: "pending", ProjectID: p.ID})
	if err != nil {
		return err
	}
	if res.IsError {
		r.say("I couldn't look that up: " + res.Text)
		return nil
	}
	if out.Total == 0 {
		r.say(fmt.Sprintf("Nothing open in %s. 🎉", p.Name))
		return nil
	}
	lines := []string{fmt.Sprintf("%s has %d open task(s):", p.Name, out.Total)}
	lines = append(lines, r.bullets(out)...)
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
	return r.onTargetWith(ctx, in, changesOf(in))
}

// onTargetWith does in's command with changes to the task in names.
func (r *run) onTargetWith(ctx context.Context, in intent.Intent, changes updateArgs) error {
	if in.TaskID > 0 {
		t := todomcp.Task{ID: in.TaskID}
		if in.Kind == intent.Update && changes.relative() {
			found, ok, err := r.taskByID(ctx, in.TaskID)
			if err != nil {
				return err
			}
			if !ok {
				r.say(fmt.Sprintf("I couldn't find task #%d. Ask me “show my tasks” to see them.", in.TaskID))
				return nil
			}
			t = found
		}
		return r.act(ctx, in.Kind, changes, t)
	}
	if status := bulkStatus(in.Target); status != "" && (in.Kind == intent.Delete || in.Kind == intent.Complete) {
		// "remove all" is about every task, never about a task whose
		// title happens to contain "all".
		return r.bulk(ctx, in.Kind, status)
	}
	if handled, err := r.bulkScope(ctx, in.Kind, changes, in.Target); handled || err != nil {
		return err // "delete all work tasks": listed, asked (scopes.go)
	}
	if intent.MeansMany(in.Target) {
		r.say("I can only change many tasks at once for all of them or all completed ones (say “delete all completed tasks” or “complete all”), and I ask first. For anything narrower, name the tasks one at a time — “show tasks tagged work” lists them.")
		return nil
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
	if len(found) == 0 {
		if in.Kind == intent.Update {
			// "change the bedsheets every two weeks" with no such task:
			// perhaps a new one.
			if t := intent.ParseTask(r.t.Message, r.t.Now, r.t.Loc); t.Kind == intent.Add && t.Title != "" {
				r.say(fmt.Sprintf("I couldn't find a task matching “%s”.", in.Target))
				r.offerAdd(t)
				return nil
			}
		}
		r.say(fmt.Sprintf("I couldn't find a task matching “%s”. Ask me “show my tasks” to see them.", in.Target))
		return nil
	}
	for _, t := range found {
		if strings.EqualFold(t.Title, in.Target) {
			return r.act(ctx, in.Kind, changes, t)
		}
	}
	if len(found) > 1 && len(in.Verbs) > 0 {
		// "I read the book": the task that starts with that verb.
		var byVerb []todomcp.Task
		for _, t := range found {
			if startsWithVerb(t.Title, in.Verbs) {
				byVerb = append(byVerb, t)
			}
		}
		if len(byVerb) == 1 {
			found = byVerb
		}
	}
	if len(found) == 1 {
		if in.Kind == intent.Delete {
			// Found by part of its title: a delete asks first.
			r.askFirst(in.Kind, changes, found, 1)
			return nil
		}
		return r.act(ctx, in.Kind, changes, found[0])
	}
	r.whichOne(in.Kind, changes, in.Target, found, "")
	return nil
}

// startsWithVerb says whether title begins with one of the verb forms.
func startsWithVerb(title string, verbs []string) bool {
	first, _, _ := strings.Cut(strings.ToLower(title), " ")
	for _, v := range verbs {
		if first == v {
			return true
		}
	}
	return false
}

// explain answers a message that was understood only in part: what is
// missing or why it cannot be done, with an example to say instead.
func explain(in intent.Intent) string {
	switch {
	case in.Missing == "title":
		return "What should I add? For example “add buy milk tomorrow” or “remind me to call mom on Friday at 5pm”."
	case in.Missing == "date":
		return "When should it move to? For example “move the dentist to Friday at 9” or “postpone the report by two days”."
	case in.Missing == "task":
		verb := map[string]string{"complete": "mark as done", "delete": "delete", "reopen": "reopen", "update": "change"}[in.Problem]
		if verb == "" {
			verb = in.Problem
		}
		if verb == "" {
			verb = "change"
		}
		return fmt.Sprintf("Which task should I %s? Say it with the task's name, for example “%s buy groceries” — or ask me “show my tasks”.", verb, verb)
	}
	return ""
}

// find looks a task up by its words: the whole phrase first, then tasks
// holding every word of it, compared by stem ("the garage cleaning" finds
// "Clean the garage").
func (r *run) find(ctx context.Context, target, status string) ([]todomcp.Task, error) {
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.ListTasks, todomcp.ListTasksInput{Query: target, Status: status, Limit: 10})
	if err != nil || res.IsError {
		return nil, err
	}
	if len(out.Tasks) > 0 {
		return out.Tasks, nil
	}
	words := contentStems(target)
	if len(words) == 0 {
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
		have := contentStems(t.Title)
		all := true
		for _, w := range words {
			all = all && slices.Contains(have, w)
		}
		if all {
			match = append(match, t)
		}
	}
	if len(match) == 0 {
		// No title holds the words as said: they may be misspelt.
		return r.findBySpelling(ctx, target, status)
	}
	return match, nil
}

// stopWords carry no meaning for finding a task.
var stopWords = map[string]bool{"the": true, "a": true, "an": true, "my": true, "our": true, "your": true, "to": true,
	"of": true, "for": true, "about": true, "with": true, "on": true, "at": true, "in": true, "and": true, "this": true,
	"that": true, "up": true, "finally": true, "already": true, "just": true, "actually": true, "now": true,
	"pls": true, "please": true, "✔": true, "✓": true, "✅": true}

// contentStems are the stems of the words of s that carry meaning.
func contentStems(s string) []string {
	var out []string
	for _, w := range strings.Fields(strings.ToLower(s)) {
		w = strings.Trim(w, ".,:;!?\"'“”‘’()")
		if w == "" || stopWords[w] {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

// stem cuts common English endings, the same way for what the person said
// and for titles, so "cleaning", "cleaned" and "clean" meet.
func stem(w string) string {
	switch {
	case len(w) > 5 && strings.HasSuffix(w, "ing"):
		return w[:len(w)-3]
	case len(w) > 4 && strings.HasSuffix(w, "ied"):
		return w[:len(w)-3] + "y"
	case len(w) > 4 && strings.HasSuffix(w, "ed"):
		return w[:len(w)-2]
	case len(w) > 4 && strings.HasSuffix(w, "es"):
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	}
	return w
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
	return r.chosen(ctx, p, p.task(id))
}

func (r *run) act(ctx context.Context, kind intent.Kind, changes updateArgs, task todomcp.Task) error {
	var (
		tool, verb string
		out        todomcp.CompleteTaskOutput
		res        todomcp.Result
		err        error
	)
	id := task.ID
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
		tool = todomcp.UpdateTask.Name
		args, v, problem := changes.toolArgs(task, r.t.Now, r.t.Loc)
		if problem != "" {
			r.say(problem)
			return nil
		}
		verb = v
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
