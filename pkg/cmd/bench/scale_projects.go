package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

// seededTaskColumns and seededTask are the columns of a seeded task and
// their values for task g of per (titles, dates, priorities, one in four
// completed), after its user's id.
const seededTaskColumns = `user_id, title, description, completed, completed_at, due_at, priority, created_at, updated_at`

func seededTask(per int) string {
	return fmt.Sprintf(`(ARRAY['Write report','Buy groceries','Call mom','Pay rent','Plan trip','Fix bike','Read book','Team sync'])[1 + g %% 8] || ' ' || g,
		        CASE WHEN g %% 5 = 0 THEN 'Notes for task ' || g ELSE '' END,
		        g %% 4 = 0, CASE WHEN g %% 4 = 0 THEN now() - interval '1 day' END,
		        CASE WHEN g %% 7 = 0 THEN NULL ELSE now() + ((g %% 60) - 20) * interval '1 day' END,
		        (ARRAY['low','medium','high'])[1 + g %% 3],
		        now() - (%d - g) * interval '1 minute', now()`, per)
}

// heavyProjectsSeed gives each heavy user 50 projects of three sections
// each and spreads their 50 000 tasks over them: "Project 1" holds 5 000
// as a tree (200 top-level tasks, each with two subtasks, each of those
// with two, down to 4 levels of subtasks, api.MaxSubtaskDepth), the other
// 49 about 918 each; a quarter of each project's top-level tasks outside
// any section. Positions are the task's number: whole numbers, valid
// pkg/position keys, in creation order among any siblings. bench_heavy
// gets each one's Project 1 (tree), 2 (project) and 3 (other).
var heavyProjectsSeed = []string{
	`INSERT INTO projects (user_id, name, color, position)
	 SELECT b.id, 'Project ' || i, (ARRAY['grey','red','blue','green','violet'])[1 + i % 5], i FROM bench_heavy b, generate_series(1, 50) AS i`,
	`INSERT INTO sections (user_id, project_id, name, position)
	 SELECT p.user_id, p.id, s.name, s.n FROM projects p JOIN bench_heavy b ON b.id = p.user_id,
	        (VALUES (1, 'Next'), (2, 'Waiting'), (3, 'Someday')) AS s (n, name)
	 WHERE NOT p.inbox`,
	`ALTER TABLE bench_heavy ADD COLUMN tree bigint, ADD COLUMN project bigint, ADD COLUMN other bigint`,
	`UPDATE bench_heavy b SET
	   tree = (SELECT id FROM projects WHERE user_id = b.id AND name = 'Project 1'),
	   project = (SELECT id FROM projects WHERE user_id = b.id AND name = 'Project 2'),
	   other = (SELECT id FROM projects WHERE user_id = b.id AND name = 'Project 3')`,
	`INSERT INTO tasks (` + seededTaskColumns + `, project_id, section_id, position)
	 SELECT b.id, ` + seededTask(50_000) + `, p.id, s.id, g
	 FROM bench_heavy b CROSS JOIN generate_series(1, 50000) AS g
	 JOIN projects p ON p.user_id = b.id AND p.name = 'Project ' || CASE WHEN g <= 5000 THEN 1 ELSE 2 + (g - 5001) % 49 END
	 LEFT JOIN sections s ON s.project_id = p.id AND s.position = g % 4`,
	// The tree: the k-th task of Project 1 by position (from 0) is top-level below
	// 200, else a subtask of task (k - 200) / 2: levels of 200, 400, 800,
	// 1 600 and the last 2 000.
	`WITH m AS (SELECT t.id, t.project_id, row_number() OVER (PARTITION BY t.project_id ORDER BY t.position) - 1 AS k
	   FROM tasks t JOIN bench_heavy b ON b.tree = t.project_id)
	 UPDATE tasks AS c SET parent_id = pm.id
	 FROM m AS cm JOIN m AS pm ON pm.project_id = cm.project_id AND pm.k = (cm.k - 200) / 2
	 WHERE c.id = cm.id AND cm.k >= 200`,
	// A subtask is in its parent's section.
	`WITH RECURSIVE r AS (
	   SELECT t.id, t.section_id FROM tasks t JOIN bench_heavy b ON b.tree = t.project_id WHERE t.parent_id IS NULL
	   UNION ALL SELECT t.id, r.section_id FROM tasks t JOIN r ON t.parent_id = r.id)
	 UPDATE tasks AS t SET section_id = r.section_id FROM r WHERE t.id = r.id AND t.section_id IS DISTINCT FROM r.section_id`,
}

// projectQueries are a heavy user's project requests and the SQL behind
// each (:pid is one of their 918-task projects, :tid the 5 000-task one).
var projectQueries = []scaleQuery{
	// The sidebar: every project with its counts and sections.
	{"sidebar", func(u scaleUser) string { return "/api/" + u.ID + "/projects" },
		`SELECT p.*, coalesce(c.open_count, 0) AS open_count, coalesce(c.task_count, 0) AS task_count FROM projects AS p LEFT JOIN (SELECT project_id, count(*) FILTER (WHERE NOT completed) AS open_count, count(*) AS task_count FROM tasks WHERE user_id = :uid AND deleted_at IS NULL GROUP BY project_id) AS c ON c.project_id = p.id WHERE p.user_id = :uid AND p.deleted_at IS NULL AND NOT p.archived ORDER BY p.inbox DESC, p.position, p.id;
SELECT s.* FROM sections AS s WHERE s.user_id = :uid AND s.project_id IN (SELECT id FROM projects WHERE user_id = :uid AND deleted_at IS NULL AND NOT archived) AND s.deleted_at IS NULL ORDER BY s.project_id, s.position, s.id;`},
	// A project's first page of open tasks, as the list API gives it.
	{"project_page", func(u scaleUser) string {
		return fmt.Sprintf("/api/%s/tasks?project_id=%d&status=pending&limit=50", u.ID, u.Project)
	}, listSQL(`t.user_id = :uid AND t.deleted_at IS NULL AND t.project_id = :pid AND NOT t.completed`, `t.created_at DESC, t.id DESC LIMIT 50`)},
	// The web app's project page: the whole project as a tree, done
	// tasks too.
	{"project_tree", func(u scaleUser) string {
		return fmt.Sprintf("/api/%s/projects/%d/tree?status=all", u.ID, u.Project)
	}, treeSQL(":pid")},
	{"tree_5000", func(u scaleUser) string {
		return fmt.Sprintf("/api/%s/projects/%d/tree?status=all", u.ID, u.Tree)
	}, treeSQL(":tid")},
	{"project_search", func(u scaleUser) string {
		return fmt.Sprintf("/api/%s/tasks?project_id=%d&q=report&limit=50", u.ID, u.Project)
	}, listSQL(`t.user_id = :uid AND t.deleted_at IS NULL AND t.project_id = :pid AND (t.title ILIKE '%report%' OR t.description ILIKE '%report%')`, `t.created_at DESC, t.id DESC LIMIT 50`)},
}

// treeSQL is what the tree route runs for project id: the project with
// its counts, its sections, its tasks in order, their tags and reminders.
// Five statements whatever the depth. The API sends the tasks' ids as a
// list; here they are selected again into an array (IN over a subquery
// gets another plan: a nested loop over every one of the person's tagged
// tasks, 130 ms instead of 9 for the 5 000-task project).
func treeSQL(id string) string {
	ids := `ARRAY(SELECT id FROM tasks WHERE user_id = :uid AND project_id = ` + id + ` AND deleted_at IS NULL)`
	return `SELECT p.*, coalesce(c.open_count, 0) AS open_count, coalesce(c.task_count, 0) AS task_count FROM projects AS p LEFT JOIN (SELECT project_id, count(*) FILTER (WHERE NOT completed) AS open_count, count(*) AS task_count FROM tasks WHERE user_id = :uid AND deleted_at IS NULL AND project_id = ` + id + ` GROUP BY project_id) AS c ON c.project_id = p.id WHERE p.user_id = :uid AND p.deleted_at IS NULL AND p.id = ` + id + ` ORDER BY p.inbox DESC, p.position, p.id;
SELECT s.* FROM sections AS s WHERE s.user_id = :uid AND s.project_id IN (` + id + `) AND s.deleted_at IS NULL ORDER BY s.project_id, s.position, s.id;
SELECT t.* FROM tasks AS t WHERE t.user_id = :uid AND t.project_id = ` + id + ` AND t.deleted_at IS NULL ORDER BY t.position, t.id;
SELECT tt.task_id, tt.tag_id, g.name FROM task_tags AS tt JOIN tags AS g ON g.id = tt.tag_id WHERE tt.task_id = ANY (` + ids + `) AND g.user_id = :uid ORDER BY lower(g.name);
SELECT r.* FROM reminders AS r WHERE r.task_id = ANY (` + ids + `) ORDER BY r.fire_at NULLS LAST, r.id;`
}

// movedTask is a task the move scenario moves, with its seeded place.
type movedTask struct {
	id, project int64
	section     *int64
	position    string
}

// moveScenario moves 200 of u's top-level tasks of Project 2 to the end
// of Project 3 one after the other, then back, and so on; restore puts
// them back in their seeded places afterwards, so that a kept database
// stays as seeded.
func moveScenario(ctx context.Context, db *sql.DB, baseURL string, u scaleUser, header http.Header) (scenario, func(context.Context) error, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, project_id, section_id, position::text FROM tasks
		WHERE user_id = $1 AND project_id = $2 AND parent_id IS NULL AND deleted_at IS NULL ORDER BY position LIMIT 200`, u.ID, u.Project)
	if err != nil {
		return scenario{}, nil, fmt.Errorf("choosing the tasks to move: %w", err)
	}
	defer rows.Close()
	var moved []movedTask
	for rows.Next() {
		var m movedTask
		if err := rows.Scan(&m.id, &m.project, &m.section, &m.position); err != nil {
			return scenario{}, nil, err
		}
		moved = append(moved, m)
	}
	if err := rows.Err(); err != nil {
		return scenario{}, nil, err
	}
	if len(moved) == 0 {
		return scenario{}, nil, fmt.Errorf("user %s has no task to move in project %d", u.ID, u.Project)
	}
	n := uint64(len(moved))
	sc := scenario{name: "heavy_move", app: "backend", next: func(i uint64, t *vegeta.Target) {
		to := u.Other
		if (i/n)%2 == 1 {
			to = u.Project
		}
		t.Method, t.URL, t.Header = http.MethodPost, fmt.Sprintf("%s/api/%s/tasks/%d/move", baseURL, u.ID, moved[i%n].id), header
		t.Body = []byte(fmt.Sprintf(`{"project_id":%d}`, to))
	}}
	restore := func(ctx context.Context) error {
		for _, m := range moved {
			if _, err := db.ExecContext(ctx, `UPDATE tasks SET project_id = $2, section_id = $3, position = $4::numeric WHERE id = $1`,
				m.id, m.project, m.section, m.position); err != nil {
				return fmt.Errorf("putting task %d back: %w", m.id, err)
			}
		}
		return nil
	}
	return sc, restore, nil
}

// MoveProof is what single moves of a task between projects ran, each
// statement with the rows it wrote (auto_explain's plans with actual
// rows, from a backend of its own).
type MoveProof struct {
	Moves []MoveRun `json:"moves"`
	// Tree is every statement one request for the 5 000-task project's
	// tree ran, the same way: a fixed few, not one per level.
	Tree []MoveStatement `json:"tree_statements"`
	// Plans is auto_explain's log of the moves (EXPLAIN ANALYZE, BUFFERS
	// of each statement, nested ones included).
	Plans string `json:"-"`
}

// MoveRun is one move: where to, how long the list it joined was, and
// each statement the request ran.
type MoveRun struct {
	Into        string          `json:"into"`
	ListLength  int             `json:"list_length"`
	Statements  []MoveStatement `json:"statements"`
	RowsWritten int             `json:"rows_written"`
}

// MoveStatement is one statement of a move and the rows it wrote
// (inserted, updated or deleted; a row locked FOR UPDATE or SHARE is
// not counted).
type MoveStatement struct {
	SQL         string  `json:"sql"`
	Ms          float64 `json:"ms"`
	RowsWritten int     `json:"rows_written"`
}

// proveMove moves one task into lists of different lengths through a
// backend of its own whose every statement auto_explain logs with its
// plan and actual rows, and reads the log back: which statements a move
// runs and how many rows each writes; then one request for the tree of
// the 5 000-task project, whose statements are counted the same way.
func proveMove(ctx context.Context, db *sql.DB, pgLog, backendBin string, env map[string]string, tokens *auth.Tokens, u scaleUser) (*MoveProof, error) {
	var dbName string
	if err := db.QueryRowContext(ctx, `SELECT current_database()`).Scan(&dbName); err != nil {
		return nil, err
	}
	settings := []string{
		"session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0", "auto_explain.log_analyze = on",
		"auto_explain.log_buffers = on", "auto_explain.log_nested_statements = on", "auto_explain.log_timing = on",
	}
	reset := func() error {
		for _, s := range settings {
			name, _, _ := strings.Cut(s, " =")
			if _, err := db.ExecContext(context.WithoutCancel(ctx), `ALTER DATABASE `+dbName+` RESET `+name); err != nil {
				return fmt.Errorf("resetting %s: %w", name, err)
			}
		}
		return nil
	}
	for _, s := range settings {
		if _, err := db.ExecContext(ctx, `ALTER DATABASE `+dbName+` SET `+s); err != nil {
			return nil, fmt.Errorf("setting %s: %w", s, err)
		}
	}
	defer reset()
	// One connection: the pool opens it after the settings, so it loads
	// auto_explain.
	benv := map[string]string{}
	for k, v := range env {
		benv[k] = v
	}
	benv["DB_MAX_CONNS"] = "1"
	be, err := stacktest.Launch(backendBin, benv)
	if err != nil {
		return nil, err
	}
	defer be.Stop()
	tok, err := openSession(ctx, db, tokens, u.ID)
	if err != nil {
		return nil, err
	}
	var seeded movedTask
	if err := db.QueryRowContext(ctx, `SELECT id, project_id, section_id, position::text FROM tasks
		WHERE user_id = $1 AND project_id = $2 AND parent_id IS NULL AND deleted_at IS NULL ORDER BY position DESC LIMIT 1`,
		u.ID, u.Project).Scan(&seeded.id, &seeded.project, &seeded.section, &seeded.position); err != nil {
		return nil, fmt.Errorf("choosing the task to move: %w", err)
	}
	task := seeded.id
	// Back in its seeded place afterwards, as the move scenario's tasks.
	defer db.ExecContext(context.WithoutCancel(ctx), `UPDATE tasks SET project_id = $2, section_id = $3, position = $4::numeric WHERE id = $1`,
		seeded.id, seeded.project, seeded.section, seeded.position)
	var first int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM tasks WHERE project_id = $1 AND parent_id IS NULL AND section_id IS NULL AND deleted_at IS NULL ORDER BY position LIMIT 1`,
		u.Tree).Scan(&first); err != nil {
		return nil, fmt.Errorf("choosing the task to move before: %w", err)
	}
	siblings := func(project int64) (int, error) {
		var n int
		err := db.QueryRowContext(ctx, `SELECT count(*) FROM tasks WHERE project_id = $1 AND parent_id IS NULL AND section_id IS NULL AND deleted_at IS NULL`, project).Scan(&n)
		return n, err
	}
	out := &MoveProof{}
	var plans strings.Builder
	for _, m := range []struct {
		into    string
		project int64
		body    string
	}{
		{"the end of another project's top level (918 tasks in the project)", u.Other, fmt.Sprintf(`{"project_id":%d}`, u.Other)},
		{"before the first top-level task of the 5 000-task project", u.Tree, fmt.Sprintf(`{"project_id":%d,"before_id":%d}`, u.Tree, first)},
		{"back to the end of its own project's top level", u.Project, fmt.Sprintf(`{"project_id":%d}`, u.Project)},
	} {
		n, err := siblings(m.project)
		if err != nil {
			return nil, err
		}
		before, err := fileSize(pgLog)
		if err != nil {
			return nil, err
		}
		logText, err := logged(ctx, pgLog, before, http.MethodPost, fmt.Sprintf("%s/api/%s/tasks/%d/move", be.URL, u.ID, task), tok, m.body)
		if err != nil {
			return nil, fmt.Errorf("moving task %d: %w", task, err)
		}
		run := MoveRun{Into: m.into, ListLength: n}
		run.Statements = parseAutoExplain(logText)
		for _, s := range run.Statements {
			run.RowsWritten += s.RowsWritten
		}
		out.Moves = append(out.Moves, run)
		fmt.Fprintf(&plans, "-- move task %d to %s (%d tasks in that list)\n%s\n", task, m.into, n, logText)
	}
	before, err := fileSize(pgLog)
	if err != nil {
		return nil, err
	}
	logText, err := logged(ctx, pgLog, before, http.MethodGet, fmt.Sprintf("%s/api/%s/projects/%d/tree?status=all", be.URL, u.ID, u.Tree), tok, "")
	if err != nil {
		return nil, fmt.Errorf("reading the tree of project %d: %w", u.Tree, err)
	}
	out.Tree = parseAutoExplain(logText)
	out.Plans = plans.String()
	return out, reset()
}

// logged sends one request with the session tok and returns what the
// PostgreSQL log at path gained after offset while it ran.
func logged(ctx context.Context, path string, offset int64, method, url, tok, body string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header = http.Header{"Authorization": {"Bearer " + tok}, "Content-Type": {"application/json"}}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%d %s", resp.StatusCode, b)
	}
	// The server writes its log as each statement ends; a moment for the
	// last one's line.
	time.Sleep(200 * time.Millisecond)
	return readFrom(path, offset)
}

func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("reading PostgreSQL's log: %w", err)
	}
	return st.Size(), nil
}

func readFrom(path string, offset int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading PostgreSQL's log: %w", err)
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return "", err
	}
	b, err := io.ReadAll(f)
	return string(bytes.ToValidUTF8(b, nil)), err
}

var (
	durationRe = regexp.MustCompile(`LOG:  duration: ([0-9.]+) ms  plan:`)
	modifyRe   = regexp.MustCompile(`^\s*(?:->\s*)?(Insert|Update|Delete) on \w+`)
	actualRe   = regexp.MustCompile(`\(actual time=[0-9.]+\.\.[0-9.]+ rows=(\d+) loops=(\d+)\)`)
)

// parseAutoExplain reads auto_explain's text entries: each statement's
// text, time and the rows its Insert, Update or Delete nodes wrote (the
// rows their first child fed them).
func parseAutoExplain(log string) []MoveStatement {
	var out []MoveStatement
	entries := durationRe.FindAllStringSubmatchIndex(log, -1)
	for i, e := range entries {
		end := len(log)
		if i+1 < len(entries) {
			end = entries[i+1][0]
		}
		ms, _ := strconv.ParseFloat(log[e[2]:e[3]], 64)
		st := MoveStatement{Ms: ms}
		lines := strings.Split(log[e[1]:end], "\n")
		var text []string
		inText := false
		for j := 0; j < len(lines); j++ {
			l := strings.TrimSpace(lines[j])
			switch {
			case strings.HasPrefix(l, "Query Text:"):
				inText = true
				text = append(text, strings.TrimSpace(strings.TrimPrefix(l, "Query Text:")))
				continue
			case inText && strings.Contains(l, "(cost="):
				inText = false
			case inText:
				text = append(text, l)
				continue
			}
			if modifyRe.MatchString(lines[j]) {
				// The rows fed to the node are its input's: the child
				// whose arrow is two columns right of the node's name
				// (a CTE or InitPlan under it is indented further).
				name := strings.TrimPrefix(lines[j], "\t")
				at := len(name) - len(strings.TrimLeft(name, " ->"))
				for k := j + 1; k < len(lines); k++ {
					child := strings.TrimPrefix(lines[k], "\t")
					if strings.HasPrefix(child, strings.Repeat(" ", at+2)+"->") {
						if m := actualRe.FindStringSubmatch(child); m != nil {
							rows, _ := strconv.Atoi(m[1])
							loops, _ := strconv.Atoi(m[2])
							st.RowsWritten += rows * loops
						}
						break
					}
				}
			}
		}
		st.SQL = strings.Join(strings.Fields(strings.Join(text, " ")), " ")
		out = append(out, st)
	}
	return out
}

var (
	columnListRe = regexp.MustCompile(`"?(\w+)"?\."?\w+"?(?:, "?\w+"?\."?\w+"?){3,}`)
	uuidRe       = regexp.MustCompile(`'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'`)
)

// shortSQL is a statement as a table cell: a list of four columns or more as t.*,
// ids of people and sessions as :uuid, at most 140 characters.
func shortSQL(q string) string {
	q = columnListRe.ReplaceAllString(q, "$1.*")
	q = uuidRe.ReplaceAllString(q, ":uuid")
	q = strings.ReplaceAll(q, `"`, "")
	if len(q) > 140 {
		q = q[:137] + "…"
	}
	return q
}
