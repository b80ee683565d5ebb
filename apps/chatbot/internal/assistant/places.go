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

// Places: moving a task to a project or under another task, subtasks, and
// a project made with its first tasks. Each names its place by words; a
// project that does not exist is made only when "new" or "called" says so
// ("put X in a new project called Travel"), otherwise the words are not a
// place and the sentence goes on to the grammar.
var (
	// "move the dentist to Health", "put renew passport in a new project
	// called Travel", "move X into the Home project".
	reMoveToPlace = regexp.MustCompile(`(?i)^(?:please\s+)?(move|put|file|shift)\s+(.+?)\s+(?:to|in|into|under)\s+(?:my\s+|the\s+)?(a\s+new\s+project\s+(?:called\s+|named\s+)?|new\s+project\s+)?["“']?(.+?)["”']?(?:\s+(?:list|project))?$`)
	// "make email alex a subtask of prepare budget review".
	reMakeSubtask = regexp.MustCompile(`(?i)^(?:make|turn)\s+(.+?)\s+(?:into\s+)?(?:a\s+)?sub-?task\s+(?:of|under|for)\s+(.+)$`)
	// "add a subtask to X: Y", "add subtask Y to X", "under X add (a
	// subtask) Y", "add 'Y' as a subtask of X", "add Y under X".
	reSubtaskTo    = regexp.MustCompile(`(?i)^(?:add|create|new)\s+(?:a\s+)?sub-?task\s+(?:to|for|under|of)\s+(.+?)\s*:\s*(.+)$`)
	reUnderAdd     = regexp.MustCompile(`(?i)^under\s+(.+?),?\s+(?:add|create|put)\s+(?:a\s+)?(?:sub-?task\s+)?(.+)$`)
	reAsSubtaskOf  = regexp.MustCompile(`(?i)^(?:add|create|put)\s+(.+?)\s+(?:as\s+a\s+sub-?task\s+(?:of|to|under|for)|under)\s+(.+)$`)
	reSubtaskNamed = regexp.MustCompile(`(?i)^(?:add|create)\s+(?:a\s+)?sub-?task\s+(.+?)\s+(?:to|for|under)\s+(.+)$`)
	// "new project Garden, add plant tomatoes on saturday to it", "make a
	// project called Moving with book movers and cancel internet".
	// The name ends at a comma, or is said with "called" or "named" ("start
	// project kickoff with the team on monday" makes no project).
	reProjectWith = regexp.MustCompile(`(?i)^(?:please\s+)?(?:add|create|make|start|new)\s+(?:a\s+)?(?:new\s+)?project\s+(?:(?:called|named)\s+["“]?([^,"”]+?)["”]?(?:\s*,\s*(?:and\s+)?|\s+with\s+|\s+and\s+)|["“]?([^,"”]+?)["”]?\s*[,:]\s*(?:and\s+)?)(.+)$`)
	// "add to Shopping", "add something to the Home project": what?
	reAddToOnly = regexp.MustCompile(`(?i)^(?:add|put)\s+(?:something\s+|a\s+task\s+|stuff\s+)?(?:to|in|into)\s+(?:my\s+|the\s+)?["“]?(.+?)["”]?(?:\s+(?:list|project))?$`)
	reToIt      = regexp.MustCompile(`(?i)\s+(?:to|in|into)\s+it$`)
	// "delete the Work project", "archive project Health".
	reDropProject = regexp.MustCompile(`(?i)^(?:please\s+)?(delete|remove|archive|get rid of|close)\s+(?:the\s+|my\s+)?(?:project\s+["“]?(.+?)["”]?|["“]?(.+?)["”]?\s+project)$`)
)

// places handles a message that moves a task or adds under one; handled
// is false for any other.
func (r *run) places(ctx context.Context, said string) (bool, error) {
	said = strings.TrimRight(strings.TrimSpace(said), ".!")
	if m := reProjectWith.FindStringSubmatch(said); m != nil {
		return true, r.projectWithTasks(ctx, strings.TrimSpace(m[1]+m[2]), m[3])
	}
	if m := reDropProject.FindStringSubmatch(said); m != nil {
		if p, found, err := r.project(ctx, m[2]+m[3]); err != nil || found {
			if err != nil {
				return true, err
			}
			return true, r.dropProject(ctx, p, strings.ToLower(m[1]))
		}
	}
	if m := reAddToOnly.FindStringSubmatch(said); m != nil {
		if p, found, err := r.project(ctx, m[1]); err != nil || found {
			if err != nil {
				return true, err
			}
			r.reply.Intent = string(intent.Unknown)
			return true, r.askMissing(ctx, intent.Intent{Kind: intent.Unknown, Missing: "title", Project: p.Name})
		}
	}
	if m := reMakeSubtask.FindStringSubmatch(said); m != nil {
		return r.moveUnder(ctx, m[1], m[2])
	}
	for _, re := range []*regexp.Regexp{reSubtaskTo, reUnderAdd} {
		if m := re.FindStringSubmatch(said); m != nil {
			return r.addUnder(ctx, m[1], m[2])
		}
	}
	for _, re := range []*regexp.Regexp{reAsSubtaskOf, reSubtaskNamed} {
		if m := re.FindStringSubmatch(said); m != nil {
			return r.addUnder(ctx, m[2], m[1])
		}
	}
	if m := reMoveToPlace.FindStringSubmatch(said); m != nil {
		return r.moveToProject(ctx, m[2], m[4], m[3] != "", strings.EqualFold(m[1], "move"))
	}
	return false, nil
}

// one is the single open task words name; ok false when none or several
// do (and the person was told, or asked which).
func (r *run) one(ctx context.Context, words string, kind intent.Kind) (todomcp.Task, bool, error) {
	found, err := r.find(ctx, strings.Trim(words, " \"'“”‘’"), "pending")
	if err != nil {
		return todomcp.Task{}, false, err
	}
	switch len(found) {
	case 0:
		return todomcp.Task{}, false, nil
	case 1:
		return found[0], true, nil
	}
	for _, t := range found {
		if strings.EqualFold(t.Title, strings.TrimSpace(words)) {
			return t, true, nil
		}
	}
	r.whichOne(kind, updateArgs{}, words, found, "")
	return todomcp.Task{}, false, nil
}

// moveToProject moves the task words name to the project named (made
// first when fresh says a new one); handled is false when the words name
// no task or no project, so the sentence is read otherwise ("move the
// dentist to friday").
func (r *run) moveToProject(ctx context.Context, words, name string, fresh, move bool) (bool, error) {
	p, found, err := r.project(ctx, name)
	if err != nil || !found && !fresh {
		return false, err
	}
	found2, err := r.find(ctx, strings.Trim(words, " \"'“”‘’"), "pending")
	if err != nil || len(found2) == 0 {
		return false, err
	}
	if !move {
		// "put bread in Shopping" adds bread unless a task is called
		// exactly that; only "move" moves a task named in part.
		found2 = slices.DeleteFunc(found2, func(t todomcp.Task) bool { return !sameWords(t.Title, words) })
		if len(found2) == 0 {
			return false, nil
		}
	}
	r.reply.Intent = string(intent.Update)
	if len(found2) > 1 {
		r.say(fmt.Sprintf("Several tasks match “%s”: %s. Say the one to move with its whole name.", words, titles(found2)))
		return true, nil
	}
	if !found {
		out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.AddProject, todomcp.AddProjectInput{Name: strings.TrimSpace(name)})
		if err != nil {
			return true, err
		}
		if res.IsError {
			r.say("I couldn't make that project: " + res.Text)
			return true, nil
		}
		p = out.Project
		r.say(fmt.Sprintf("Made the project “%s”.", p.Name))
	}
	return true, r.move(ctx, found2[0], todomcp.MoveTaskInput{ProjectID: p.ID}, "to "+p.Name)
}

// moveUnder makes the task child names a subtask of the one parent names.
func (r *run) moveUnder(ctx context.Context, child, parent string) (bool, error) {
	c, ok, err := r.one(ctx, child, intent.Update)
	if err != nil || !ok {
		return ok || len(r.reply.Pending) > 0, err
	}
	p, ok, err := r.one(ctx, parent, intent.Update)
	if err != nil || !ok {
		return ok || len(r.reply.Pending) > 0, err
	}
	r.reply.Intent = string(intent.Update)
	return true, r.move(ctx, c, todomcp.MoveTaskInput{ParentID: p.ID}, "under “"+p.Title+"”")
}

// move moves t and says where.
func (r *run) move(ctx context.Context, t todomcp.Task, to todomcp.MoveTaskInput, where string) error {
	to.TaskID = t.ID
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.MoveTask, to)
	if err != nil {
		return err
	}
	if res.IsError {
		r.say("I couldn't move it: " + res.Text)
		return nil
	}
	r.card(cardFor(todomcp.MoveTask.Name, "Moved", out.Task, r.t.Now, r.t.Loc, r.b.WebURL))
	r.say(fmt.Sprintf("Moved “%s” %s.", out.Task.Title, where))
	return nil
}

// addUnder adds the task child says as a subtask of the one parent names,
// or moves it there when a task is called exactly that; parent may be a
// project's name ("put milk under Shopping").
func (r *run) addUnder(ctx context.Context, parent, child string) (bool, error) {
	if pr, found, err := r.project(ctx, strings.Trim(parent, " \"'“”‘’")); err != nil || found {
		if err != nil {
			return true, err
		}
		return r.moveToProject(ctx, child, pr.Name, false, false)
	}
	if existing, err := r.find(ctx, strings.Trim(child, " \"'“”‘’"), "pending"); err != nil {
		return true, err
	} else if i := slices.IndexFunc(existing, func(t todomcp.Task) bool { return sameWords(t.Title, child) }); i >= 0 {
		return r.moveUnder(ctx, existing[i].Title, parent)
	}
	p, ok, err := r.one(ctx, parent, intent.Update)
	if err != nil || !ok {
		return ok || len(r.reply.Pending) > 0, err
	}
	in := intent.ParseTask(strings.Trim(child, " \"'“”‘’"), r.t.Now, r.t.Loc)
	if in.Kind != intent.Add || in.Title == "" {
		return false, nil
	}
	in.Title = capitalize(strings.Trim(in.Title, "\"'“”‘’ "))
	if in.Title == "" {
		return false, nil
	}
	r.reply.Intent = string(intent.Add)
	return true, r.addTo(ctx, in, todomcp.Project{}, p.ID)
}

// projectWithTasks makes a project and adds what follows its name to it.
func (r *run) projectWithTasks(ctx context.Context, name, rest string) error {
	p, found, err := r.project(ctx, name)
	if err != nil {
		return err
	}
	if !found {
		out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.AddProject, todomcp.AddProjectInput{Name: name})
		if err != nil {
			return err
		}
		if res.IsError {
			r.say("I couldn't make that project: " + res.Text)
			return nil
		}
		p = out.Project
		r.say(fmt.Sprintf("Made the project “%s”.", p.Name))
	}
	rest = reToIt.ReplaceAllString(strings.TrimSpace(rest), "")
	if !strings.HasPrefix(strings.ToLower(rest), "add ") {
		rest = "add " + rest
	}
	in := intent.Parse(rest, r.t.Now, r.t.Loc)
	in.Project = p.Name
	for i := range in.Tasks {
		in.Tasks[i].Project = p.Name
	}
	r.reply.Intent = string(intent.Add)
	switch {
	case len(in.Tasks) > 0:
		return r.addMany(ctx, in)
	case in.Kind == intent.Add && in.Title != "":
		return r.add(ctx, in)
	}
	r.say(fmt.Sprintf("What should I add to %s?", p.Name))
	return nil
}

// sameWords says whether said names title exactly, but for case, quotes
// and articles.
func sameWords(title, said string) bool {
	norm := func(s string) string {
		return strings.Join(contentStems(strings.Trim(s, " \"'“”‘’")), " ")
	}
	return norm(title) == norm(said)
}

func titles(ts []todomcp.Task) string {
	var s []string
	for _, t := range ts {
		s = append(s, "“"+t.Title+"”")
	}
	return strings.Join(s, ", ")
}

// dropProject answers "delete (or archive) the X project": the chat's tools
// cannot yet delete or archive a project, so it lists what the project
// holds and says where to do it — never a task called "Delete the Work
// project", and nothing changed.
func (r *run) dropProject(ctx context.Context, p todomcp.Project, verb string) error {
	r.reply.Intent = string(intent.List)
	if verb != "archive" {
		verb = "delete"
	}
	if err := r.listProject(ctx, p); err != nil {
		return err
	}
	where := "the web app"
	if r.b.WebURL != "" {
		where = fmt.Sprintf("the web app (%s/projects/%d)", r.b.WebURL, p.ID)
	}
	r.say(fmt.Sprintf("I can't %s a project from the chat yet: open %s in %s and use its menu — you can undo it there.", verb, p.Name, where))
	return nil
}
