package assistant

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/todo-app/todo-app/pkg/intent"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Scopes: a project or a tag named in everyday words is a list of its
// tasks ("my work stuff", "health tasks pls", "anything for home?",
// "what's in my inbox"), and a change to "all" or "everything" of a scope
// ("delete all work tasks", "complete everything tagged home", "push
// everything due tomorrow to Friday") lists the tasks it would change and
// asks first, as "delete everything" does. A name that is both a project
// and a tag means the project, unless "tagged" or "#" said otherwise.

// scopeFiller are words around a scope's name that do not name it.
var scopeFiller = map[string]bool{"show": true, "me": true, "my": true, "the": true, "list": true, "what's": true,
	"whats": true, "what": true, "is": true, "in": true, "tasks": true, "task": true, "stuff": true, "things": true,
	"items": true, "todos": true, "pls": true, "please": true, "anything": true, "for": true, "any": true,
	"open": true, "project": true, "do": true, "i": true, "have": true, "got": true, "there": true, "on": true,
	"all": true, "everything": true, "every": true, "of": true, "from": true, "ones": true, "related": true,
	"to": true, "a": true}

var (
	reNoDateQuery = regexp.MustCompile(`(?i)^(?:which|what|show(?: me)?|list|any)\s+(?:(?:open\s+)?tasks?|things?|todos?)\s+(?:have|has|with|without)\s+no\s+(?:due\s+)?(?:date|deadline)s?\??$|^(?:show(?: me)?|list)?\s*(?:my\s+)?(?:undated|unscheduled)\s+(?:tasks|todos)\??$`)
	reTaggedScope = regexp.MustCompile(`(?i)(?:tagged(?:\s+(?:as|with))?|with\s+(?:the\s+)?tag|#)\s*([\p{L}\p{N}_-]+)`)
)

// scopeOf reads the name a phrase's words leave once the filler is gone:
// a project of the person's, else a tag of theirs. ok is false when the
// words name neither.
func (r *run) scopeOf(ctx context.Context, words string) (args todomcp.ListTasksInput, name string, ok bool, err error) {
	if m := reTaggedScope.FindStringSubmatchIndex(words); m != nil {
		// Only the tag and filler: "fix login bug #work" adds a task.
		for _, w := range strings.Fields(strings.ToLower(words[:m[0]] + " " + words[m[1]:])) {
			if w = strings.Trim(w, ",.!?:'’\""); w != "" && !scopeFiller[w] {
				return args, "", false, nil
			}
		}
		tag, found, err := r.tagNamed(ctx, words[m[2]:m[3]])
		if err != nil || !found {
			return args, "", false, err
		}
		return todomcp.ListTasksInput{Tag: tag}, "#" + tag, true, nil
	}
	var rest []string
	for _, w := range strings.Fields(strings.ToLower(words)) {
		w = strings.Trim(w, ",.!?:'’\"")
		if w != "" && !scopeFiller[w] {
			rest = append(rest, w)
		}
	}
	if len(rest) == 0 || len(rest) > 4 {
		return args, "", false, nil
	}
	said := strings.Join(rest, " ")
	if p, found, err := r.project(ctx, said); err != nil || found {
		return todomcp.ListTasksInput{ProjectID: p.ID}, p.Name, found, err
	}
	tag, found, err := r.tagNamed(ctx, said)
	if err != nil || !found {
		return args, "", false, err
	}
	return todomcp.ListTasksInput{Tag: tag}, "#" + tag, true, nil
}

// tagNamed is the person's tag spelt name, ignoring case.
func (r *run) tagNamed(ctx context.Context, name string) (string, bool, error) {
	if r.tags == nil {
		// Read once a message: the person's tags do not change while it
		// is answered but by its own adds, which only add tags.
		out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.ListTags, todomcp.ListTagsInput{})
		if err != nil || res.IsError {
			return "", false, err
		}
		r.tags = out.Tags
	}
	for _, t := range r.tags {
		if strings.EqualFold(t.Name, name) {
			return t.Name, true, nil
		}
	}
	return "", false, nil
}

// listScope answers a message that only names a project or a tag with its
// open tasks; handled is false for anything else.
func (r *run) listScope(ctx context.Context, said string) (bool, error) {
	if reNoDateQuery.MatchString(strings.TrimSpace(said)) {
		r.reply.Intent = string(intent.List)
		return true, r.listUndated(ctx)
	}
	if day := strings.TrimSpace(strings.TrimRight(said, "?! ")); strings.HasSuffix(strings.TrimSpace(said), "?") && day != "" {
		// "tomorrow?", "friday?": what is on that day.
		if when, ok := intent.ParseDate(day, r.t.Now, r.t.Loc); ok && when.When != nil && when.Recurrence == "" {
			in := intent.Parse("what's due "+day, r.t.Now, r.t.Loc)
			if in.Kind == intent.List && in.From != nil {
				r.reply.Intent = string(intent.List)
				return true, r.list(ctx, in)
			}
		}
	}
	in := intent.Parse(said, r.t.Now, r.t.Loc)
	if in.Kind == intent.List && in.Tag != "" && in.From == nil && !in.Overdue && in.Priority == "" {
		// "what's in my inbox" read as the tag "my": a tag the person
		// has not got is perhaps a project's name.
		if _, found, err := r.tagNamed(ctx, in.Tag); err != nil || found {
			return false, err
		}
		in.Tag = ""
	}
	if isCommand(in) && in.Kind != intent.List || in.Kind == intent.List && (in.Tag != "" || in.From != nil || in.Overdue || in.Priority != "" || in.Status == "completed") {
		return false, nil // a command, or a list the grammar reads itself
	}
	if in.Kind == intent.Add && (in.When != nil || in.Recurrence != "" || len(in.Tags) > 0 || in.Priority != "") {
		return false, nil // a task with its fields ("buy milk tomorrow"), no name to look up
	}
	args, name, ok, err := r.scopeOf(ctx, said)
	if err != nil || !ok {
		return false, err
	}
	r.reply.Intent = string(intent.List)
	args.Status, args.Limit = "pending", 20
	return true, r.listTasks(ctx, args, fmt.Sprintf("in %s", name))
}

// listTasks lists the tasks args finds, saying what they are.
func (r *run) listTasks(ctx context.Context, args todomcp.ListTasksInput, what string) error {
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.ListTasks, args)
	if err != nil {
		return err
	}
	if res.IsError {
		r.say("I couldn't look that up: " + res.Text)
		return nil
	}
	if out.Total == 0 {
		r.say(fmt.Sprintf("Nothing open %s. 🎉", what))
		return nil
	}
	lines := []string{fmt.Sprintf("%d open task(s) %s:", out.Total, what)}
	lines = append(lines, r.bullets(out)...)
	r.say(strings.Join(lines, "\n"))
	return nil
}

// listUndated lists the open tasks without a due date.
func (r *run) listUndated(ctx context.Context) error {
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.ListTasks, todomcp.ListTasksInput{Status: "pending", Limit: 100})
	if err != nil {
		return err
	}
	if res.IsError {
		r.say("I couldn't look that up: " + res.Text)
		return nil
	}
	var lines []string
	for _, t := range out.Tasks {
		if t.Due == "" {
			lines = append(lines, "• "+t.Title)
		}
	}
	if len(lines) == 0 {
		r.say("Every open task has a date. 🎉")
		return nil
	}
	r.say(strings.Join(append([]string{fmt.Sprintf("%d open task(s) without a date:", len(lines))}, lines...), "\n"))
	return nil
}

// reManyWords say a target means many tasks.
var reManyWords = regexp.MustCompile(`(?i)\b(?:all|everything|every task|every one)\b`)

// bulkScope asks before changing every open task of a scope the target
// names ("all work tasks", "everything in shopping", "everything due
// tomorrow", "all low priority tasks"); handled is false when the target
// names no scope.
func (r *run) bulkScope(ctx context.Context, kind intent.Kind, changes updateArgs, target string) (bool, error) {
	if !reManyWords.MatchString(target) && !reManyWords.MatchString(r.t.Message) {
		return false, nil
	}
	// "mark everything due tomorrow as (done)": the words around the
	// scope are not part of it.
	words := strings.Fields(strings.ToLower(target))
	words = slices.DeleteFunc(words, func(w string) bool { return w == "mark" || w == "as" || w == "tick" || w == "off" })
	scope := strings.Join(words, " ")
	// Dates, priorities and tags the list grammar reads ("due tomorrow",
	// "low priority", "tagged home").
	args := todomcp.ListTasksInput{Status: "pending", Limit: 50}
	what := ""
	l := intent.Parse("show tasks "+strings.TrimSpace(reManyWords.ReplaceAllString(scope, "")), r.t.Now, r.t.Loc)
	tag, tagFound := "", false
	if l.Tag != "" {
		var err error
		if tag, tagFound, err = r.tagNamed(ctx, l.Tag); err != nil {
			return false, err
		}
	}
	if l.Kind == intent.List && (l.Priority != "" || l.From != nil || l.Overdue || tagFound) {
		args.Priority, args.Overdue, args.Tag = l.Priority, l.Overdue, tag
		if from, to, ok := l.Days(); ok {
			args.DueFrom, args.DueTo = from.String(), to.String()
		}
		what = scope
	} else {
		named, name, ok, err := r.scopeOf(ctx, scope)
		if err != nil || !ok {
			return false, err
		}
		args.ProjectID, args.Tag, what = named.ProjectID, named.Tag, name
	}
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.ListTasks, args)
	if err != nil {
		return true, err
	}
	if res.IsError {
		r.say("I couldn't look that up: " + res.Text)
		return true, nil
	}
	if len(out.Tasks) == 0 {
		r.say(fmt.Sprintf("There are no open tasks %s, so there is nothing to do.", what))
		return true, nil
	}
	r.reply.Intent = string(kind)
	r.askFirst(kind, changes, out.Tasks, out.Total)
	return true, nil
}

// bullets are a page of listed tasks, one line each with what is due, and
// how many more there are: every list the assistant says is written so.
func (r *run) bullets(out todomcp.ListTasksOutput) []string {
	lines := make([]string, 0, len(out.Tasks)+1)
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
	return lines
}
