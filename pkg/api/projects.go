package api

import "time"

// Projects, sections and subtasks (docs/decisions.md, "Projects, sections
// and subtasks"): every task lives in one project (the person's Inbox
// unless they chose another), optionally in one of its sections, and
// optionally under a parent task of the same project, at most
// MaxSubtaskDepth levels below a top-level task.

// MaxSubtaskDepth is how many levels of subtasks a top-level task can
// have: Todoist's four. A move or create that would go deeper is a 422
// naming parent_id; an import attaches such a row at the deepest level.
const MaxSubtaskDepth = 4

// Project colours, Todoist's names for the palette the web app draws.
func ProjectColors() []string {
	return []string{"grey", "red", "orange", "yellow", "olive", "green", "teal", "blue", "violet", "magenta"}
}

// TaskPlace is where a task is: its project, section and parent, and its
// position among its siblings (the tasks with the same parent, or at the
// top of the same section). Positions are decimal numbers written as
// strings, compared as numbers; only their order means anything: lists
// come back in it (docs/decisions.md, "Positions are decimals").
type TaskPlace struct {
	ProjectID int64  `json:"project_id"`
	SectionID *int64 `json:"section_id"`
	ParentID  *int64 `json:"parent_id"`
	Position  string `json:"position"`
}

// Project is a list of tasks as the API returns it. Inbox is the person's
// default project, made at sign-up: it can be renamed, never archived or
// deleted.
type Project struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Color    string `json:"color"`
	Position string `json:"position"`
	Inbox    bool   `json:"inbox"`
	Archived bool   `json:"archived"`
	// OpenCount and TaskCount count its live tasks, subtasks included.
	OpenCount int       `json:"open_count"`
	TaskCount int       `json:"task_count"`
	Sections  []Section `json:"sections"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Section is a named part of a project.
type Section struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	Name      string    `json:"name"`
	Position  string    `json:"position"`
	CreatedAt time.Time `json:"created_at"`
}

// ProjectList is the person's projects in their order, the Inbox first.
type ProjectList struct {
	Projects []Project `json:"projects"`
}

// ProjectInput creates a project; colour "grey" when absent.
type ProjectInput struct {
	Name  string `json:"name"`
	Color string `json:"color,omitempty"`
}

// ProjectPatch changes the fields given.
type ProjectPatch struct {
	Name     *string `json:"name,omitempty"`
	Color    *string `json:"color,omitempty"`
	Archived *bool   `json:"archived,omitempty"`
}

// SectionInput creates a section, or renames one (PATCH).
type SectionInput struct {
	Name string `json:"name"`
}

// Reorder places a project or section among its siblings: right after
// after_id, or right before before_id (one of them); neither puts it last.
type Reorder struct {
	AfterID  *int64 `json:"after_id,omitempty"`
	BeforeID *int64 `json:"before_id,omitempty"`
}

// MoveRequest moves a task, with its subtasks, in one transaction: into
// project_id (at its top level, no section, unless section_id or
// parent_id says more), into section_id (null: out of any section), under
// parent_id (null: to the top level; the task takes its parent's project
// and section). after_id or before_id names the sibling it goes next to;
// neither puts it last among its new siblings. Fields left out keep their
// value, except that a new project takes the task out of its section and
// from under its parent.
type MoveRequest struct {
	ProjectID *int64          `json:"project_id,omitempty"`
	SectionID Nullable[int64] `json:"section_id,omitzero"`
	ParentID  Nullable[int64] `json:"parent_id,omitzero"`
	AfterID   *int64          `json:"after_id,omitempty"`
	BeforeID  *int64          `json:"before_id,omitempty"`
}

// TaskTree is a project with its tasks in order, as a tree: the tasks
// outside any section, then each section's, each task with its subtasks.
type TaskTree struct {
	Project  Project       `json:"project"`
	Tasks    []TreeTask    `json:"tasks"`
	Sections []TreeSection `json:"sections"`
}

// TreeSection is a section with its top-level tasks.
type TreeSection struct {
	Section
	Tasks []TreeTask `json:"tasks"`
}

// TreeTask is a task with its subtasks, in order.
type TreeTask struct {
	Task
	Subtasks []TreeTask `json:"subtasks"`
}
