package assistant

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/intent"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Chat has no undo button under every word, so the built-in assistant
// asks before it destroys anything the person did not name exactly: a
// delete found by partial match, and any bulk change ("delete
// everything", "complete all"), list what would change and wait for a
// yes. "undo" reverses the last change it made in the conversation.

var (
	// A yes or a no is a run of these words, starting with one that
	// answers ("yes go ahead", "sure, do it", "nah leave it", "no thanks").
	reYes = regexp.MustCompile(`^(?:y|yes|yeah|yea|yep|yup|sure|ok|okay|k|confirm|confirmed|do it|go ahead|please|correct|right|absolutely|definitely|of course|sounds good|that's right|thats right|perfect|fine)` +
		`(?:[ ,!.]+(?:yes|yeah|sure|ok|okay|please|do it|go ahead|go for it|thanks|thank you|thx|correct|that one|that's it|thats it|fine|exactly|absolutely|definitely|right|just|it|that))*$`)
	reNo = regexp.MustCompile(`^(?:n|no|nope|nah|cancel|stop|don't|dont|do not|never mind|nevermind|nvm|nothing|forget it|forget about it|keep (?:it|them)|leave it|not now|wait)` +
		`(?:[ ,!.]+(?:no|nope|thanks|thank you|thx|leave it|leave them|keep it|keep them|as it is|as is|alone|don't|dont|do not|never mind|forget it|not now|cancel|stop|i changed my mind|changed my mind|sorry|it|that|please))*$`)
	// reWipeAll: "clear everything", "wipe my list", "start over" — as
	// "delete everything", listed and asked.
	reWipeAll = regexp.MustCompile(`^(?:please\s+)?(?:(?:clear|wipe|empty|reset|nuke|erase|clean)\s+(?:out\s+)?(?:everything|it all|all|all of it|my (?:whole |entire )?(?:list|tasks|to-?do list|to-?dos)|the (?:whole |entire )?(?:list|to-?do list))|start (?:over|again|from scratch|fresh)|(?:delete|remove) it all)$`)
	reUndo    = regexp.MustCompile(`^(?:undo|undo (?:that|it|this|the last (?:change|one|action)|last)|take (?:that|it) back|revert(?: that)?|oops(?:,? undo(?: that)?)?)$`)
	// Targets that mean many tasks, never one task whose title contains
	// the word.
	reBulkAll  = regexp.MustCompile(`^(?:all|everything|every thing|every task|all (?:of )?(?:my |the )?(?:tasks|todos|to-dos|items|things)|(?:the|my) (?:whole |entire )?(?:list|to-?do list))$`)
	reBulkDone = regexp.MustCompile(`^(?:all )?(?:(?:the|my) )?(?:completed|done|finished|ticked)(?: ones| tasks| items| todos)?$`)
)

// bulkStatus says which tasks a bulk target means ("" when it is not one).
func bulkStatus(target string) string {
	t := strings.ToLower(strings.TrimSpace(target))
	switch {
	case reBulkDone.MatchString(t):
		return "completed"
	case reBulkAll.MatchString(t):
		return "all"
	}
	return ""
}

// confirmation answers a yes or no to the question the last assistant
// message asked; handled is false when no such question is open or the
// message is neither.
func (r *run) confirmation(ctx context.Context) (handled bool, err error) {
	words := strings.ToLower(strings.Trim(strings.TrimSpace(r.t.Message), ".!"))
	yes, no := reYes.MatchString(words), reNo.MatchString(words)
	if !yes && !no {
		return false, nil
	}
	p, ok := lastPending(r.t.History)
	if !ok || !p.Confirm && !no {
		return false, nil
	}
	if no {
		// No, cancel, never mind: to any question.
		r.say("OK, I left everything as it was.")
		return true, nil
	}
	if p.Ask == askAdd && p.Draft != nil {
		r.reply.Intent = string(intent.Add)
		return true, r.add(ctx, *p.Draft)
	}
	for _, id := range p.Candidates {
		t := p.task(id)
		if p.Kind == intent.Delete && p.underCandidate(t) {
			continue // deleted with its parent (and restored with it)
		}
		if err := r.act(ctx, p.Kind, p.Changes, t); err != nil {
			return true, err
		}
	}
	return true, nil
}

func lastPending(history []api.Message) (pending, bool) {
	for i := len(history) - 1; i >= 0; i-- {
		m := history[i]
		if m.Role != api.RoleAssistant {
			continue
		}
		var p pending
		st := DecodeStored(m.ToolCalls)
		if len(st.Pending) == 0 || json.Unmarshal(st.Pending, &p) != nil {
			return pending{}, false
		}
		return p, true
	}
	return pending{}, false
}

// askFirst lists what kind would do to tasks and keeps the question open
// for a yes.
func (r *run) askFirst(kind intent.Kind, changes updateArgs, tasks []todomcp.Task, total int) {
	verb := map[intent.Kind]string{intent.Delete: "Delete", intent.Complete: "Mark", intent.Reopen: "Reopen", intent.Update: "Change"}[kind]
	suffix := map[intent.Kind]string{intent.Complete: " as done"}[kind]
	var lines []string
	if len(tasks) == 1 {
		line := fmt.Sprintf("%s “%s”%s", verb, tasks[0].Title, suffix)
		if d := describe(tasks[0], r.t.Now, r.t.Loc); d != "" {
			line += " (" + d + ")"
		}
		lines = append(lines, line+"?")
	} else {
		lines = append(lines, fmt.Sprintf("%s these %d tasks%s?", verb, len(tasks), suffix))
		for _, t := range tasks {
			line := "• " + t.Title
			if d := describe(t, r.t.Now, r.t.Loc); d != "" {
				line += " — " + d
			}
			lines = append(lines, line)
		}
		if total > len(tasks) {
			lines = append(lines, fmt.Sprintf("(only these %d of %d: say it again afterwards for the rest)", len(tasks), total))
		}
	}
	lines = append(lines, "Say “yes” to go ahead, or “no”.")
	r.say(strings.Join(lines, "\n"))
	p := pending{Kind: kind, Changes: changes, Confirm: true, Tasks: tasks}
	for _, t := range tasks {
		p.Candidates = append(p.Candidates, t.ID)
	}
	r.reply.Pending, _ = json.Marshal(p)
}

// bulk handles "delete everything", "complete all", "delete the completed
// ones": always a question first.
func (r *run) bulk(ctx context.Context, kind intent.Kind, status string) error {
	if kind == intent.Complete && status == "all" {
		status = "pending"
	}
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.ListTasks, todomcp.ListTasksInput{Status: status, Limit: 50})
	if err != nil {
		return err
	}
	if res.IsError {
		r.say("I couldn't look that up: " + res.Text)
		return nil
	}
	if len(out.Tasks) == 0 {
		r.say("There are no tasks like that, so there is nothing to do.")
		return nil
	}
	r.askFirst(kind, updateArgs{}, out.Tasks, out.Total)
	return nil
}

// undo reverses the changes of the last assistant message that made any:
// a delete is restored (the same task), a completion reopened and the
// reverse, an added task deleted (and restorable). Edits are not kept
// with their old values, so they are not undone: said plainly.
func (r *run) undo(ctx context.Context) error {
	var cards []Card
	for i := len(r.t.History) - 1; i >= 0 && cards == nil; i-- {
		m := r.t.History[i]
		if m.Role != api.RoleAssistant {
			continue
		}
		for _, c := range DecodeStored(m.ToolCalls).Cards {
			if !c.Error && c.TaskID > 0 && c.Action != "Next" {
				cards = append(cards, c)
			}
		}
	}
	if len(cards) == 0 {
		r.say("There is nothing for me to undo in this conversation.")
		return nil
	}
	for _, c := range cards {
		var (
			task todomcp.Task
			res  todomcp.Result
			err  error
			verb string
		)
		switch c.Action {
		case "Deleted":
			var out todomcp.TaskOutput
			out, res, err = todomcp.Call(ctx, r.t.Tools, todomcp.RestoreTask, todomcp.RestoreTaskInput{TaskID: c.TaskID})
			task, verb = out.Task, "Restored"
		case "Completed", "Reopened", "Restored":
			done := c.Action == "Reopened" || c.Action == "Restored"
			if c.Action == "Restored" {
				var del todomcp.DeleteTaskOutput
				del, res, err = todomcp.Call(ctx, r.t.Tools, todomcp.DeleteTask, todomcp.DeleteTaskInput{TaskID: c.TaskID})
				task, verb = todomcp.Task{ID: del.DeletedID, Title: del.Title}, "Deleted"
				break
			}
			var out todomcp.CompleteTaskOutput
			out, res, err = todomcp.Call(ctx, r.t.Tools, todomcp.CompleteTask, todomcp.CompleteTaskInput{TaskID: c.TaskID, Completed: &done})
			task, verb = out.Task, map[bool]string{true: "Completed", false: "Reopened"}[done]
		case "Added":
			var del todomcp.DeleteTaskOutput
			del, res, err = todomcp.Call(ctx, r.t.Tools, todomcp.DeleteTask, todomcp.DeleteTaskInput{TaskID: c.TaskID})
			task, verb = todomcp.Task{ID: del.DeletedID, Title: del.Title}, "Deleted"
		default:
			r.say(fmt.Sprintf("I can't undo “%s” (%s): I don't keep the old values. Change it back in the web app or tell me what it should be.", c.Title, strings.ToLower(c.Action)))
			continue
		}
		if err != nil {
			return err
		}
		if res.IsError {
			r.say(fmt.Sprintf("I couldn't undo “%s”: %s", c.Title, res.Text))
			continue
		}
		tool := map[string]string{"Restored": todomcp.RestoreTask.Name, "Deleted": todomcp.DeleteTask.Name}[verb]
		if tool == "" {
			tool = todomcp.CompleteTask.Name
		}
		r.card(cardFor(tool, verb, task, r.t.Now, r.t.Loc, r.b.WebURL))
		r.say(fmt.Sprintf("Undone: %s “%s”.", strings.ToLower(verb), task.Title))
	}
	return nil
}

// offerUndo ends a reply that deleted tasks with how to get them back.
func (r *run) offerUndo() {
	n := 0
	for _, c := range r.reply.Cards {
		if c.Action == "Deleted" && !c.Error {
			n++
		}
	}
	switch {
	case n == 1:
		r.say("Say “undo” to bring it back.")
	case n > 1:
		r.say("Say “undo” to bring them back.")
	}
}

// undoable are the card actions "undo" can reverse.
var undoable = map[string]bool{"Deleted": true, "Completed": true, "Reopened": true, "Restored": true, "Added": true}

// CanUndo says whether "undo" would reverse some of cards: the chat shows
// an Undo button under them then.
func CanUndo(cards []Card) bool {
	for _, c := range cards {
		if !c.Error && c.TaskID > 0 && undoable[c.Action] {
			return true
		}
	}
	return false
}

// underCandidate says whether t is a subtask, at any depth, of another
// of the question's tasks.
func (p pending) underCandidate(t todomcp.Task) bool {
	for up, seen := t.ParentID, 0; up != 0 && seen < len(p.Tasks); seen++ {
		if slices.Contains(p.Candidates, up) {
			return true
		}
		up = p.task(up).ParentID
	}
	return false
}
