package todomcp

import "github.com/todo-app/todo-app/pkg/api"

// Project is a project (a list of tasks) as the tools show it.
type Project struct {
	ID        int64     `json:"id" jsonschema:"the project id, for add_task, list_tasks and move_task"`
	Name      string    `json:"name"`
	Inbox     bool      `json:"inbox,omitempty" jsonschema:"the user's default project, where a task goes when none is named"`
	Archived  bool      `json:"archived,omitempty"`
	OpenCount int       `json:"open_count" jsonschema:"how many of its tasks are not completed"`
	Sections  []Section `json:"sections,omitempty" jsonschema:"its sections, in order"`
}

// Section is a part of a project.
type Section struct {
	ID   int64  `json:"id" jsonschema:"the section id, for add_task and move_task"`
	Name string `json:"name"`
}

// ListProjectsInput are list_projects' arguments.
type ListProjectsInput struct {
	UserID   string `json:"user_id,omitempty" jsonschema:"optional; must be the signed-in user's id when given"`
	Archived bool   `json:"archived,omitempty" jsonschema:"true includes archived projects"`
}

// ListProjectsOutput lists projects, the Inbox first.
type ListProjectsOutput struct {
	Projects []Project `json:"projects"`
}

// AddProjectInput are add_project's arguments.
type AddProjectInput struct {
	UserID string `json:"user_id,omitempty" jsonschema:"optional; must be the signed-in user's id when given"`
	Name   string `json:"name" jsonschema:"the project's name, 1-120 characters"`
	Color  string `json:"color,omitempty" jsonschema:"grey (default), red, orange, yellow, olive, green, teal, blue, violet or magenta"`
}

// ProjectOutput wraps one project.
type ProjectOutput struct {
	Project Project `json:"project"`
}

// MoveTaskInput are move_task's arguments: where the task goes, with its
// subtasks.
type MoveTaskInput struct {
	UserID    string `json:"user_id,omitempty" jsonschema:"optional; must be the signed-in user's id when given"`
	TaskID    int64  `json:"task_id" jsonschema:"id of the task to move (from list_tasks); its subtasks move with it"`
	ProjectID int64  `json:"project_id,omitempty" jsonschema:"the project to move it to (from list_projects), at its top level"`
	SectionID int64  `json:"section_id,omitempty" jsonschema:"the section to move it to (from list_projects)"`
	ParentID  int64  `json:"parent_id,omitempty" jsonschema:"the task to make it a subtask of (from list_tasks)"`
	ToTop     bool   `json:"to_top,omitempty" jsonschema:"true takes it out from under its parent task and out of its section"`
	AfterID   int64  `json:"after_id,omitempty" jsonschema:"the task it goes right after, among its new siblings (default: last)"`
}

// The project tools.
var (
	ListProjects = Tool[ListProjectsInput, ListProjectsOutput]{Name: "list_projects", Title: "List projects", ReadOnly: true, Idempotent: true,
		Description: "List the user's projects (lists such as Inbox, Home, Work) with their sections and how many open tasks each has. Use it to find project ids."}
	AddProject = Tool[AddProjectInput, ProjectOutput]{Name: "add_project", Title: "Add project",
		Description: "Create a project (a list of tasks) for the user."}
	MoveTask = Tool[MoveTaskInput, TaskOutput]{Name: "move_task", Title: "Move task", Idempotent: true,
		Description: "Move a task, with its subtasks, to another project or section, under another task as a subtask, or back to the top level; optionally right after a sibling."}
)

// ProjectFromAPI is the project as the tools show it.
func ProjectFromAPI(p api.Project) Project {
	out := Project{ID: p.ID, Name: p.Name, Inbox: p.Inbox, Archived: p.Archived, OpenCount: p.OpenCount}
	for _, s := range p.Sections {
		out.Sections = append(out.Sections, Section{ID: s.ID, Name: s.Name})
	}
	return out
}

// MoveRequest is move_task's arguments as the API's move.
func (in MoveTaskInput) MoveRequest() api.MoveRequest {
	var m api.MoveRequest
	if in.ProjectID != 0 {
		m.ProjectID = &in.ProjectID
	}
	if in.SectionID != 0 {
		m.SectionID = api.Value(in.SectionID)
	}
	switch {
	case in.ParentID != 0:
		m.ParentID = api.Value(in.ParentID)
	case in.ToTop:
		m.ParentID = api.Null[int64]()
		if in.SectionID == 0 && in.ProjectID == 0 {
			m.SectionID = api.Null[int64]()
		}
	}
	if in.AfterID != 0 {
		m.AfterID = &in.AfterID
	}
	return m
}
