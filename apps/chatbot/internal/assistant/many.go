package assistant

import (
	"context"
	"fmt"
	"strings"

	"github.com/todo-app/todo-app/pkg/intent"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// addMany adds the tasks of a message that names several (intent's
// Tasks): each with its own date, tags and project, one card each, and
// one reply that lists them, so that one "undo" removes them all (undo
// reverses every card of the last reply). Nothing is added unless every
// task can be: a part that could not be read, a number of tasks said
// that is not the number read, a project the person does not have, or a
// reminder with no time to be before makes it ask instead.
func (r *run) addMany(ctx context.Context, in intent.Intent) error {
	if in.Problem == "too many" {
		r.say(fmt.Sprintf("That is %d tasks at once; I add at most %d from one message, so I added nothing. Send them in smaller groups.", len(in.Tasks), intent.MaxTasks))
		return nil
	}
	parts := append([]intent.Intent(nil), in.Tasks...)
	var titles []string
	for _, p := range parts {
		if p.Kind != intent.Add || p.Title == "" {
			r.askAgain(parts, p.Title)
			return nil
		}
		titles = append(titles, "“"+p.Title+"”")
	}
	if in.Problem == "count" {
		r.say(fmt.Sprintf("I read %d tasks — %s — which is not the number you said, so I added nothing. Say them again, separated by commas.", len(parts), strings.Join(titles, ", ")))
		return nil
	}
	// A place said after the last task is said of them all ("add 'slides'
	// and 'agenda' to Work"), when it is a project the person has.
	last := &parts[len(parts)-1]
	if last.Project == "" {
		p, ok, err := r.placeIn(ctx, last)
		if err != nil || !ok {
			return err
		}
		if p.ID != 0 {
			for i := range parts {
				if parts[i].Project == "" {
					parts[i].Project = p.Name
				}
			}
		}
	}
	for _, p := range parts {
		if t, ok, err := r.namesATask(ctx, p); err != nil || ok {
			if ok {
				r.say(fmt.Sprintf("“%s” reads like a change to your task “%s”, so I added nothing. To change it, say that alone; to add the tasks, say them again with “add”.", p.Title, t.Title))
			}
			return err
		}
		if p.Project != "" {
			if _, found, err := r.project(ctx, p.Project); err != nil || !found {
				if err == nil {
					r.say(fmt.Sprintf("You have no project “%s”, so I added none of the %d tasks. Say “add project %s” to make it.", p.Project, len(parts), p.Project))
				}
				return err
			}
		}
		for _, n := range p.RemindBefore {
			if _, ok := reminderBefore(n, p.RemindAt, p.When == nil || p.When.AllDay()); p.When == nil || !ok {
				r.say(fmt.Sprintf("A reminder %s before “%s” needs a time it's due, so I added none of the %d tasks. Say them again with a time.", minutesWords(n), p.Title, len(parts)))
				return nil
			}
		}
	}
	// Each task is added as one alone would be; its words are gathered
	// into one reply.
	var lines []string
	added := 0
	for _, p := range parts {
		one := &run{b: r.b, t: r.t, emit: func(Event) {}}
		if err := one.add(ctx, p); err != nil {
			return err
		}
		for _, c := range one.reply.Cards {
			r.card(c)
			added++
		}
		lines = append(lines, "• "+strings.TrimSuffix(strings.TrimPrefix(one.reply.Text, "Added "), "."))
	}
	head := fmt.Sprintf("Added %d tasks:", added)
	if added < len(parts) {
		head = fmt.Sprintf("Added %d of the %d tasks:", added, len(parts))
	}
	r.say(head + "\n" + strings.Join(lines, "\n") + "\nSay “undo” to remove them all.")
	return nil
}

// askAgain says which part of a several-task message was not understood.
func (r *run) askAgain(parts []intent.Intent, bad string) {
	what := "one of them is empty"
	if bad != "" {
		what = fmt.Sprintf("I couldn't read “%s” as a task", bad)
	}
	r.say(fmt.Sprintf("I read %d tasks here, but %s, so I added nothing. Say them again, separated by commas — for example “add buy milk tomorrow, call mom on friday”.", len(parts), what))
}

// namesATask is the open task a part names when, read alone, it is a
// command ("cancel the gym session", "finish the report"): then the
// person may have meant that task, and nothing is added.
func (r *run) namesATask(ctx context.Context, p intent.Intent) (todomcp.Task, bool, error) {
	c := intent.Parse(p.Title, r.t.Now, r.t.Loc)
	switch c.Kind {
	case intent.Delete, intent.Complete, intent.Reopen, intent.Update:
	default:
		return todomcp.Task{}, false, nil
	}
	if c.Target == "" {
		return todomcp.Task{}, false, nil
	}
	found, err := r.find(ctx, c.Target, "pending")
	if err != nil || len(found) == 0 {
		return todomcp.Task{}, false, err
	}
	return found[0], true, nil
}
