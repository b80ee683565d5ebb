package assistant

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/todo-app/todo-app/pkg/intent"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Project phrases of the built-in assistant: "add project Garden", "add
// milk to Shopping", "^Shopping" in a line, "what's in Home?". A trailing
// "to/in Name" is read as a project only when the person has a project of
// that name: "call mom to say thanks" stays a title.
var (
	reAddProject   = regexp.MustCompile(`(?i)^(?:please\s+)?(?:add|create|make|start|new)\s+(?:a\s+)?(?:new\s+)?(?:project|list)\s+(?:called\s+|named\s+)?["“]?(.+?)["”]?[.!]?$`)
	reIntoProject  = regexp.MustCompile(`(?i)^(.+?)\s+(?:to|in|into|on|under)\s+(?:my\s+|the\s+)?["“]?(.+?)["”]?(?:\s+(?:list|project))?$`)
	reProjectQuery = regexp.MustCompile(`(?i)^(?:what(?:'s| is)|show(?: me)?|list)\s+(?:in|on)\s+(?:my\s+|the\s+)?["“]?(.+?)["”]?(?:\s+(?:list|project))?\??$`)
)

// addProject makes a project the person named.
func (r *run) addProject(ctx context.Context, name string) error {
	name = strings.TrimSpace(name)
	if p, ok, err := r.project(ctx, name); err != nil || ok {
		if ok {
			r.say(fmt.Sprintf("You already have a project “%s”.", p.Name))
		}
		return err
	}
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.AddProject, todomcp.AddProjectInput{Name: name})
	if err != nil {
		return err
	}
	if res.IsError {
		r.say("I couldn't make that project: " + res.Text)
		return nil
	}
	r.say(fmt.Sprintf("Made the project “%s”. Add to it with “add milk to %s”.", out.Project.Name, out.Project.Name))
	return nil
}

// project finds one of the person's projects by name, ignoring case.
func (r *run) project(ctx context.Context, name string) (todomcp.Project, bool, error) {
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.ListProjects, todomcp.ListProjectsInput{})
	if err != nil || res.IsError {
		return todomcp.Project{}, false, err
	}
	for _, p := range out.Projects {
		if strings.EqualFold(strings.TrimSpace(p.Name), strings.TrimSpace(name)) {
			return p, true, nil
		}
	}
	return todomcp.Project{}, false, nil
}

// placeIn resolves the project an add names — with ^Name, or a trailing
// "to Name" that is one of the person's projects — taking it out of the
// title. ok false: the ^ named no project, and it was said.
func (r *run) placeIn(ctx context.Context, in *intent.Intent) (project todomcp.Project, ok bool, err error) {
	if in.Project != "" {
		p, found, err := r.project(ctx, in.Project)
		if err != nil {
			return p, false, err
		}
		if !found {
			r.say(fmt.Sprintf("You have no project “%s”, so I added nothing. Say “add project %s” to make it.", in.Project, in.Project))
			return p, false, nil
		}
		return p, true, nil
	}
	m := reIntoProject.FindStringSubmatch(in.Title)
	if m == nil {
		return todomcp.Project{}, true, nil
	}
	p, found, err := r.project(ctx, m[2])
	if err != nil || !found {
		return todomcp.Project{}, true, err
	}
	in.Title = strings.TrimSpace(m[1])
	return p, true, nil
}
