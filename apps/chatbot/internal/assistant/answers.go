package assistant

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/todo-app/todo-app/pkg/intent"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Answers to the assistant's own questions.
//
// A question the built-in engine asks is kept open in the stored
// conversation (the reply's pending): "go ahead?" (Confirm), "which one?"
// (Candidates), "which task?" (Ask "task"), "what should I add?" (Ask
// "title"), "when should it move to?" (Ask "date") and "should I add X as a
// task?" (Ask "add"). The next message answers it when it is:
//
//   - yes or no in any of their everyday forms ("yes go ahead", "nah leave
//     it") to a confirmation or an offer; no, cancel or never mind drops any
//     question;
//   - to "which one?": a number, an ordinal ("the second", "the last one")
//     or words found in exactly one of the tasks listed ("the bank one");
//   - to "which task?": words that find a task;
//   - to "what should I add?": a task ("buy stamps"), which keeps what the
//     question already had ("add something for Friday" → its date);
//   - to "when?": a date or a time.
//
// A message that is a command of its own — it lists, completes, deletes,
// reopens or changes a task it names, or adds with an add word — is a new
// command: the question is dropped and the command is obeyed. So after
// "What should I add?", "buy stamps" is the answer (a bare phrase commands
// nothing) and "delete the stamps task" is a new command; after "Which one
// do you mean?", "whats due today" lists.

// reNegated: an answer that says which one it is not.
var reNegated = regexp.MustCompile(`\b(?:not|other|neither|none|isn't|isnt|wrong)\b`)

// Ask values: what an open question asked for besides a yes or a choice.
const (
	askTask  = "task"
	askTitle = "title"
	askDate  = "date"
	askAdd   = "add"
)

// isCommand says whether in is a command of its own rather than an answer.
func isCommand(in intent.Intent) bool {
	switch in.Kind {
	case intent.List, intent.Help, intent.Complete, intent.Reopen, intent.Delete:
		return true
	case intent.Update:
		return in.Target != "" || in.TaskID != 0
	case intent.Add:
		return in.Explicit
	}
	return false
}

// answer takes the message as the answer to the open question; handled is
// false when no question is open or the message is a new command.
func (r *run) answer(ctx context.Context) (handled bool, err error) {
	p, ok := lastPending(r.t.History)
	if !ok || p.Confirm && p.Ask == "" {
		return false, nil
	}
	msg := strings.TrimSpace(r.t.Message)
	in := intent.Parse(msg, r.t.Now, r.t.Loc)
	if in.Kind == intent.Choose || isCommand(in) {
		return false, nil
	}
	switch {
	case p.Ask == askAdd:
		return false, nil // only a yes takes the offer (confirmation)
	case len(p.Candidates) > 1:
		return r.pick(ctx, p, msg)
	case p.Ask == askTask:
		r.reply.Intent = string(p.Kind)
		return true, r.onTargetWith(ctx, intent.Intent{Kind: p.Kind, Target: msg}, p.Changes)
	case p.Ask == askTitle:
		task := intent.ParseTask(msg, r.t.Now, r.t.Loc)
		if task.Kind != intent.Add || task.Title == "" {
			return false, nil
		}
		if p.Draft != nil {
			// "Add something for Friday" → "pick up the cake": the date
			// (tags, project) of the question stay unless said again.
			if task.When == nil {
				task.When = p.Draft.When
			}
			if task.Project == "" {
				task.Project = p.Draft.Project
			}
			task.Tags = append(task.Tags, p.Draft.Tags...)
			if task.Priority == "" {
				task.Priority = p.Draft.Priority
			}
		}
		r.reply.Intent = string(intent.Add)
		// The answer is checked as any new task is ("i'm not sure yet").
		if handled, err := r.guardAdd(ctx, &task); handled || err != nil {
			return true, err
		}
		return true, r.add(ctx, task)
	case p.Ask == askDate && len(p.Candidates) == 1:
		when, ok := intent.ParseDate(msg, r.t.Now, r.t.Loc)
		if !ok {
			return false, nil
		}
		r.reply.Intent = string(intent.Update)
		return true, r.act(ctx, intent.Update, changesOf(when), p.task(p.Candidates[0]))
	}
	return false, nil
}

// pick answers "which one?" with words: the one listed task they are
// found in.
func (r *run) pick(ctx context.Context, p pending, said string) (bool, error) {
	low := " " + strings.ToLower(said) + " "
	words := contentStems(strings.NewReplacer(" one", " ", " task", " ", " not ", " ", " other ", " ", " the other", " ").Replace(low))
	if len(words) == 0 {
		return false, nil
	}
	if reNegated.MatchString(low) {
		// "not the bob one, the other": the words name the one it is
		// not; asked again rather than guessed.
		r.whichOne(p.Kind, p.Changes, said, p.Tasks, p.Ask)
		return true, nil
	}
	var hits []todomcp.Task
	for _, id := range p.Candidates {
		t := p.task(id)
		have := contentStems(t.Title)
		if slices.ContainsFunc(words, func(w string) bool {
			return slices.ContainsFunc(have, func(h string) bool { return intent.CloseSpelling(w, h) })
		}) {
			hits = append(hits, t)
		}
	}
	switch len(hits) {
	case 0:
		return false, nil
	case 1:
		return true, r.chosen(ctx, p, hits[0])
	}
	// Still several: ask again among them.
	r.whichOne(p.Kind, p.Changes, said, hits, p.Ask)
	return true, nil
}

// chosen acts on the task picked from a "which one?", or asks for the date
// the command still lacks.
func (r *run) chosen(ctx context.Context, p pending, t todomcp.Task) error {
	r.reply.Intent = string(p.Kind)
	if p.Ask == askDate {
		r.askDate(t)
		return nil
	}
	return r.act(ctx, p.Kind, p.Changes, t)
}

// whichOne asks which of tasks target meant, keeping the question open.
func (r *run) whichOne(kind intent.Kind, changes updateArgs, target string, tasks []todomcp.Task, ask string) {
	lines := []string{fmt.Sprintf("Several tasks match “%s”. Which one do you mean?", target)}
	p := pending{Kind: kind, Changes: changes, Tasks: tasks, Ask: ask}
	for i, t := range tasks {
		line := fmt.Sprintf("%d. %s", i+1, t.Title)
		if d := describe(t, r.t.Now, r.t.Loc); d != "" {
			line += " — " + d
		}
		lines = append(lines, line)
		p.Candidates = append(p.Candidates, t.ID)
	}
	lines = append(lines, "Say the number, or a word of its name.")
	r.say(strings.Join(lines, "\n"))
	r.reply.Pending, _ = json.Marshal(p)
}

// askDate asks when task t should move to, keeping the question open.
func (r *run) askDate(t todomcp.Task) {
	r.say(fmt.Sprintf("When should “%s” move to? For example “Friday”, “tomorrow at 9” or “no date”.", t.Title))
	r.reply.Pending, _ = json.Marshal(pending{Kind: intent.Update, Ask: askDate, Candidates: []int64{t.ID}, Tasks: []todomcp.Task{t}})
}

// askMissing says what a command lacks and keeps the question open for
// the answer: which task, what to add, or when.
func (r *run) askMissing(ctx context.Context, in intent.Intent) error {
	switch in.Missing {
	case "title":
		r.say(explain(in))
		draft := in
		draft.Kind, draft.Missing = intent.Add, ""
		r.reply.Pending, _ = json.Marshal(pending{Kind: intent.Add, Ask: askTitle, Draft: &draft})
	case "task":
		r.say(explain(in))
		kind := intent.Kind(in.Problem)
		switch kind {
		case intent.Complete, intent.Delete, intent.Reopen, intent.Update:
		default:
			kind = intent.Update
		}
		r.reply.Pending, _ = json.Marshal(pending{Kind: kind, Changes: changesOf(in), Ask: askTask})
	case "date":
		if in.Target == "" {
			r.say(explain(in))
			return nil
		}
		found, err := r.find(ctx, in.Target, "pending")
		if err != nil {
			return err
		}
		switch len(found) {
		case 0:
			r.say(fmt.Sprintf("I couldn't find a task matching “%s”. Ask me “show my tasks” to see them.", in.Target))
		case 1:
			r.askDate(found[0])
		default:
			r.whichOne(intent.Update, updateArgs{}, in.Target, found, askDate)
		}
	default:
		r.say(explain(in))
	}
	return nil
}

// offerAdd asks whether a phrase that only reads like a task should be
// one; a yes adds it.
func (r *run) offerAdd(in intent.Intent) {
	r.say(fmt.Sprintf("Should I add “%s” as a task? Say “yes”, or tell me what you meant.", in.Title))
	draft := in
	draft.Kind = intent.Add
	r.reply.Pending, _ = json.Marshal(pending{Kind: intent.Add, Ask: askAdd, Confirm: true, Draft: &draft})
}
