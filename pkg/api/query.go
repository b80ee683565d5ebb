package api

import (
	"net/url"
	"strconv"
	"time"
)

// TaskQuery is the filter, sort and page of a task listing.
type TaskQuery struct {
	Status   string // all|pending|completed
	Priority string
	// ProjectID keeps the tasks of one project (0: every project but the
	// archived ones).
	ProjectID int64
	Tags      []string // a task must carry every tag given
	Q         string
	DueFrom   *time.Time
	DueTo     *time.Time
	Overdue   bool
	// CompletedFrom/To bound when tasks were completed.
	CompletedFrom *time.Time
	CompletedTo   *time.Time
	Sort          string // created|due|priority|title
	Order         string // asc|desc
	Limit         int
	Offset        int
}

// Values encodes the query as URL parameters.
func (q TaskQuery) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("status", q.Status)
	set("priority", q.Priority)
	if q.ProjectID != 0 {
		v.Set("project_id", strconv.FormatInt(q.ProjectID, 10))
	}
	for _, t := range q.Tags {
		v.Add("tag", t)
	}
	set("q", q.Q)
	if q.DueFrom != nil {
		v.Set("due_from", q.DueFrom.UTC().Format(time.RFC3339))
	}
	if q.DueTo != nil {
		v.Set("due_to", q.DueTo.UTC().Format(time.RFC3339))
	}
	if q.CompletedFrom != nil {
		v.Set("completed_from", q.CompletedFrom.UTC().Format(time.RFC3339))
	}
	if q.CompletedTo != nil {
		v.Set("completed_to", q.CompletedTo.UTC().Format(time.RFC3339))
	}
	if q.Overdue {
		v.Set("overdue", "true")
	}
	set("sort", q.Sort)
	set("order", q.Order)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Offset > 0 {
		v.Set("offset", strconv.Itoa(q.Offset))
	}
	return v
}
