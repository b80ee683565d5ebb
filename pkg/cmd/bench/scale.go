package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"golang.org/x/crypto/bcrypt"

	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

// scaleSize is one point of the scale curve: typical users with 100 tasks
// each and heavy users with 50 000, about Tasks in all.
type scaleSize struct {
	Name    string `json:"name"`
	Tasks   int    `json:"tasks"`
	Typical int    `json:"typical_users"`
	Heavy   int    `json:"heavy_users"`
}

var scaleSizes = []scaleSize{
	{Name: "100k", Tasks: 100_000, Typical: 500, Heavy: 1},
	{Name: "1m", Tasks: 1_000_000, Typical: 9_500, Heavy: 1},
	{Name: "10m", Tasks: 10_000_000, Typical: 99_500, Heavy: 10},
}

// scaleSeedVersion changes when the seed does: a kept database of another
// version is seeded again.
//
// 2: heavy users' tasks in 50 projects with sections, one of 5 000 tasks
// holding a tree of subtasks.
const scaleSeedVersion = 2

// ScaleFigures are bench/scale.json.
type ScaleFigures struct {
	Machine Machine      `json:"machine"`
	Points  []ScalePoint `json:"points"`
	// Explain is EXPLAIN (ANALYZE, BUFFERS) of each query at the largest
	// size run, for a heavy user; ExplainSize says which size each is
	// from (a run of fewer sizes keeps the plans it did not replace).
	Explain     map[string]string `json:"explain"`
	ExplainSize map[string]string `json:"explain_size,omitempty"`
}

// ScalePoint is the curve at one size.
type ScalePoint struct {
	Size           scaleSize         `json:"size"`
	DatabaseMiB    float64           `json:"database_mib"`
	TasksTableMiB  float64           `json:"tasks_table_mib"`
	TasksIndexMiB  float64           `json:"tasks_index_mib"`
	MigrateSeconds float64           `json:"migrate_seconds"`
	Scenarios      []*ScenarioResult `json:"scenarios"`
	// Heavy is a heavy user's queries at one connection.
	Heavy []*ScenarioResult `json:"heavy"`
	// Move is what one move of a task between projects wrote.
	Move *MoveProof `json:"move,omitempty"`
	// Date is when this point was measured: a run of some sizes keeps the
	// other sizes' points of an earlier run.
	Date string `json:"date,omitempty"`
}

// scaleQueries are the API requests of the curve and the SQL behind each
// (what pgbench runs; :uid is the user). A list of every project's tasks
// leaves out the archived projects'.
type scaleQuery struct {
	name string
	path func(u scaleUser) string
	sql  string
}

var scaleQueries = []scaleQuery{
	{"list", func(u scaleUser) string { return "/api/" + u.ID + "/tasks?status=pending&sort=due&limit=50" },
		listSQL(`t.user_id = :uid AND t.deleted_at IS NULL AND t.project_id NOT IN (SELECT id FROM projects WHERE user_id = :uid AND archived) AND NOT t.completed`, `t.due_at ASC NULLS LAST, t.id ASC LIMIT 50`)},
	{"search", func(u scaleUser) string { return "/api/" + u.ID + "/tasks?q=report&limit=50" },
		listSQL(`t.user_id = :uid AND t.deleted_at IS NULL AND t.project_id NOT IN (SELECT id FROM projects WHERE user_id = :uid AND archived) AND (t.title ILIKE '%report%' OR t.description ILIKE '%report%')`, `t.created_at DESC, t.id DESC LIMIT 50`)},
	{"tag", func(u scaleUser) string { return "/api/" + u.ID + "/tasks?tags=work&status=pending&limit=50" },
		listSQL(`t.user_id = :uid AND t.deleted_at IS NULL AND t.project_id NOT IN (SELECT id FROM projects WHERE user_id = :uid AND archived) AND NOT t.completed AND t.id IN (SELECT tt.task_id FROM task_tags tt JOIN tags g2 ON g2.id = tt.tag_id WHERE g2.user_id = :uid AND lower(g2.name) = ANY(ARRAY['work']) GROUP BY tt.task_id HAVING count(DISTINCT g2.id) = 1)`, `t.created_at DESC, t.id DESC LIMIT 50`)},
	{"deep_page", func(u scaleUser) string { return "/api/" + u.ID + "/tasks?sort=created&limit=50&offset=5000" },
		listSQL(`t.user_id = :uid AND t.deleted_at IS NULL AND t.project_id NOT IN (SELECT id FROM projects WHERE user_id = :uid AND archived)`, `t.created_at DESC, t.id DESC LIMIT 50 OFFSET 5000`)},
}

// listSQL is what the API runs for a page of tasks: the page, the count
// of every match, the page's tag names and its reminders (the API sends
// the page's ids; pgbench selects them again).
func listSQL(where, order string) string {
	page := `SELECT t.id FROM tasks AS t WHERE ` + where + ` ORDER BY ` + order
	return `SELECT t.* FROM tasks AS t WHERE ` + where + ` ORDER BY ` + order + `;
SELECT count(*) FROM tasks AS t WHERE ` + where + `;
SELECT tt.task_id, tt.tag_id, g.name FROM task_tags AS tt JOIN tags AS g ON g.id = tt.tag_id WHERE tt.task_id IN (` + page + `) AND g.user_id = :uid ORDER BY lower(g.name);
SELECT r.* FROM reminders AS r WHERE r.task_id IN (` + page + `) ORDER BY r.fire_at NULLS LAST, r.id;`
}

// runScale measures the scale curve (make bench-scale): for each size, a
// kept, seeded database (seeded once, under the cache), the backend on it,
// each query at 32 connections for typical users next to pgbench running
// its SQL, a heavy user's queries at one connection, and the sizes.
func runScale(ctx context.Context, root, backendBin string, dur time.Duration, sizes []scaleSize, logf func(string, ...any)) error {
	pgbench, err := findPgbench()
	if err != nil {
		return err
	}
	// In the repository (ignored by git), like make dev's database: the
	// postgres user, which PostgreSQL runs as, cannot enter root's home.
	dataDir := os.Getenv("BENCH_SCALE_DIR")
	if dataDir == "" {
		dataDir = filepath.Join(root, ".bench-scale", "postgres")
	}
	if err := os.MkdirAll(filepath.Dir(dataDir), 0o755); err != nil {
		return err
	}
	logf("PostgreSQL with the kept databases in %s", dataDir)
	pg, err := pgtest.Start(ctx, pgtest.Options{DataDir: dataDir})
	if err != nil {
		return err
	}
	defer pg.Stop()
	tokens, err := auth.NewTokens(stacktest.Secret, 24*time.Hour)
	if err != nil {
		return err
	}
	pgDir, err := os.MkdirTemp("", "bench-scale-pgbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(pgDir)
	out := &ScaleFigures{Machine: machine(), Explain: map[string]string{}, ExplainSize: map[string]string{}}
	for i, size := range sizes {
		p, err := scalePoint(ctx, pg, filepath.Join(dataDir, "postgres.log"), pgbench, pgDir, backendBin, tokens, size, dur, i == len(sizes)-1, out.Explain, logf)
		if err != nil {
			return fmt.Errorf("size %s: %w", size.Name, err)
		}
		p.Date = out.Machine.Date
		out.Points = append(out.Points, *p)
	}
	for k := range out.Explain {
		out.ExplainSize[k] = sizes[len(sizes)-1].Name
	}
	if err := keepEarlier(root, out); err != nil {
		return err
	}
	return writeScale(root, out)
}

// keepEarlier adds to out the points and plans of the last bench/scale.json
// that this run did not measure again, in the sizes' order.
func keepEarlier(root string, out *ScaleFigures) error {
	b, err := os.ReadFile(filepath.Join(root, "bench", "scale.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	var old ScaleFigures
	if err := json.Unmarshal(b, &old); err != nil {
		return fmt.Errorf("reading the last bench/scale.json: %w", err)
	}
	run := map[string]bool{}
	for _, p := range out.Points {
		run[p.Size.Name] = true
	}
	largest := ""
	for _, p := range old.Points {
		largest = p.Size.Name
		if !run[p.Size.Name] {
			if p.Date == "" {
				p.Date = old.Machine.Date
			}
			out.Points = append(out.Points, p)
		}
	}
	for k, v := range old.Explain {
		if _, ok := out.Explain[k]; ok {
			continue
		}
		out.Explain[k] = v
		out.ExplainSize[k] = old.ExplainSize[k]
		if out.ExplainSize[k] == "" {
			out.ExplainSize[k] = largest
		}
	}
	order := map[string]int{}
	for i, s := range scaleSizes {
		order[s.Name] = i
	}
	slices.SortStableFunc(out.Points, func(a, b ScalePoint) int { return order[a.Size.Name] - order[b.Size.Name] })
	return nil
}

func scalePoint(ctx context.Context, pg *pgtest.Server, pgLog, pgbench, pgDir, backendBin string, tokens *auth.Tokens, size scaleSize, dur time.Duration, largest bool, explain map[string]string, logf func(string, ...any)) (*ScalePoint, error) {
	name := "scale_" + size.Name
	dsn := pg.URL(name)
	env := map[string]string{"BETTER_AUTH_SECRET": stacktest.Secret, "AUTH_RATE_LIMIT": "1000000", "USER_RATE": "1000000", "DB_MAX_CONNS": "20", "DATABASE_URL": dsn}
	admin, err := sql.Open("pgx", pg.URL("postgres"))
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	var exists bool
	if err := admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
			return nil, err
		}
	}
	// The backend's migrations, as `backend migrate` runs them before a
	// rollout: on a kept database, only what is new, over its rows.
	p := &ScalePoint{Size: size}
	start := time.Now()
	migrate := exec.CommandContext(ctx, backendBin, "migrate")
	migrate.Env = []string{"PATH=" + os.Getenv("PATH"), "LOG_LEVEL=warn"}
	for k, v := range env {
		migrate.Env = append(migrate.Env, k+"="+v)
	}
	if out, err := migrate.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("backend migrate: %w\n%s", err, out)
	}
	p.MigrateSeconds = round(time.Since(start).Seconds())
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var version int
	_ = db.QueryRowContext(ctx, `SELECT version FROM bench_scale_seed`).Scan(&version)
	if version != scaleSeedVersion {
		logf("%s: seeding %d typical users with 100 tasks and %d with 50 000 (once; kept in .bench-scale/)", size.Name, size.Typical, size.Heavy)
		start := time.Now()
		if err := seedScale(ctx, db, size); err != nil {
			return nil, err
		}
		logf("%s: seeded in %.0f s", size.Name, time.Since(start).Seconds())
	} else {
		logf("%s: kept database (migrations took %.1f s)", size.Name, p.MigrateSeconds)
	}
	if err := db.QueryRowContext(ctx, `SELECT pg_database_size(current_database()) / 1048576.0, pg_table_size('tasks') / 1048576.0, pg_indexes_size('tasks') / 1048576.0`).
		Scan(&p.DatabaseMiB, &p.TasksTableMiB, &p.TasksIndexMiB); err != nil {
		return nil, err
	}
	p.DatabaseMiB, p.TasksTableMiB, p.TasksIndexMiB = round(p.DatabaseMiB), round(p.TasksTableMiB), round(p.TasksIndexMiB)

	typical, heavy, err := scaleUsers(ctx, db, tokens, size)
	if err != nil {
		return nil, err
	}
	be, err := stacktest.Launch(backendBin, env)
	if err != nil {
		return nil, err
	}
	defer be.Stop()
	bearer := func(tok string) http.Header {
		return http.Header{"Authorization": {"Bearer " + tok}, "Content-Type": {"application/json"}}
	}
	const conc = 32
	run := func(sc scenario, c int, script string, users int) (*ScenarioResult, error) {
		r, err := attack(sc, c, dur)
		if err != nil {
			return nil, err
		}
		if script != "" {
			tps, err := runPgbenchScript(ctx, pgbench, dsn, pgDir, sc.name, script, c, dur, users)
			if err != nil {
				return nil, err
			}
			r.PgbenchTPS = round(tps)
			if tps > 0 {
				r.Ratio = round(r.RPS / tps)
			}
		}
		logf("%s %-12s c=%-3d %7.0f rps  p50 %6.1f ms  p99 %7.1f ms  errors %d  pgbench %7.0f tps  ratio %.2f",
			size.Name, sc.name, c, r.RPS, r.P50, r.P99, r.Errors, r.PgbenchTPS, r.Ratio)
		return r, nil
	}
	for _, q := range scaleQueries {
		if q.name == "deep_page" {
			continue // typical users have 100 tasks: it is the heavy users' query
		}
		sc := scenario{name: q.name, app: "backend", next: func(i uint64, t *vegeta.Target) {
			u := typical[i%uint64(len(typical))]
			t.Method, t.URL, t.Header = http.MethodGet, be.URL+q.path(u), bearer(u.Token)
		}}
		r, err := run(sc, conc, scaleScript(q.sql, "bench_users"), len(typical))
		if err != nil {
			return nil, err
		}
		p.Scenarios = append(p.Scenarios, r)
	}
	create := scenario{name: "create", app: "backend", next: func(i uint64, t *vegeta.Target) {
		u := typical[i%uint64(len(typical))]
		t.Method, t.URL, t.Header = http.MethodPost, be.URL+"/api/"+u.ID+"/tasks", bearer(u.Token)
		t.Body = []byte(`{"title":"Scale bench task","due_at":"2030-01-02","tags":["work","bench"]}`)
	}}
	r, err := run(create, conc, strings.ReplaceAll(pgbenchScripts["create_task"], `\set u random(1, 1000)`, `\set u random(1, :users)`), len(typical))
	if err != nil {
		return nil, err
	}
	p.Scenarios = append(p.Scenarios, r)
	if _, err := db.ExecContext(ctx, `DELETE FROM tasks WHERE title IN ('Scale bench task', 'Bench task')`); err != nil {
		return nil, err
	}

	for _, q := range append(scaleQueries[:len(scaleQueries):len(scaleQueries)], projectQueries...) {
		sc := scenario{name: "heavy_" + q.name, app: "backend", next: func(i uint64, t *vegeta.Target) {
			u := heavy[i%uint64(len(heavy))]
			t.Method, t.URL, t.Header = http.MethodGet, be.URL+q.path(u), bearer(u.Token)
		}}
		r, err := run(sc, 1, heavyScript(q.sql), len(heavy))
		if err != nil {
			return nil, err
		}
		p.Heavy = append(p.Heavy, r)
		if largest {
			plan, err := explainAnalyze(ctx, db, q.sql, heavy[0])
			if err != nil {
				return nil, err
			}
			explain["heavy_"+q.name] = plan
		}
	}
	// A move of a task between two projects, through the API (no pgbench
	// twin: it is a transaction of several statements, shown below).
	move, restore, err := moveScenario(ctx, db, be.URL, heavy[0], bearer(heavy[0].Token))
	if err != nil {
		return nil, err
	}
	r, err = run(move, 1, "", 0)
	if err != nil {
		return nil, err
	}
	p.Heavy = append(p.Heavy, r)
	if err := restore(ctx); err != nil {
		return nil, err
	}
	if p.Move, err = proveMove(ctx, db, pgLog, backendBin, env, tokens, heavy[0]); err != nil {
		return nil, err
	}
	if largest {
		explain["heavy_move"] = p.Move.Plans
	}
	if largest {
		plan, err := explainAnalyze(ctx, db, scaleQueries[0].sql, typical[0])
		if err != nil {
			return nil, err
		}
		explain["typical_list"] = plan
	}
	return p, nil
}

// scaleScript is a pgbench script running sql for a random user of table.
func scaleScript(sql, table string) string {
	return `\set u random(1, :users)
SELECT id AS uid FROM ` + table + ` WHERE n = :u \gset
` + sql + "\n"
}

// heavyScript is a pgbench script running sql for a random heavy user,
// with :pid one of their 1 000-task projects and :tid their 5 000-task
// one.
func heavyScript(sql string) string {
	return `\set u random(1, :users)
SELECT id AS uid, project AS pid, tree AS tid FROM bench_heavy WHERE n = :u \gset
` + sql + "\n"
}

// explainAnalyze runs EXPLAIN (ANALYZE, BUFFERS) of each statement of sql
// for the user.
func explainAnalyze(ctx context.Context, db *sql.DB, sql string, u scaleUser) (string, error) {
	sql = strings.NewReplacer(":uid", "'"+u.ID+"'", ":pid", fmt.Sprint(u.Project), ":tid", fmt.Sprint(u.Tree)).Replace(sql)
	var b strings.Builder
	for _, stmt := range strings.Split(sql, ";") {
		stmt = strings.TrimSpace(stmt)
		if stmt == "" {
			continue
		}
		rows, err := db.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+stmt)
		if err != nil {
			return "", fmt.Errorf("explaining %.60s: %w", stmt, err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				rows.Close()
				return "", err
			}
			b.WriteString(line + "\n")
		}
		rows.Close()
		b.WriteString("\n")
	}
	return b.String(), nil
}

// scaleUser is a seeded user with a session; a heavy one also has
// Project and Other (two of their projects of about 900 tasks) and Tree
// (their 5 000-task project with subtasks).
type scaleUser struct {
	ID, Token            string
	Project, Other, Tree int64
}

// scaleUsers opens sessions for 1 000 typical users and every heavy one.
func scaleUsers(ctx context.Context, db *sql.DB, tokens *auth.Tokens, size scaleSize) (typical, heavy []scaleUser, err error) {
	load := func(table string, n int) ([]scaleUser, error) {
		cols := "id, 0, 0, 0"
		if table == "bench_heavy" {
			cols = "id, project, other, tree"
		}
		rows, err := db.QueryContext(ctx, `SELECT `+cols+` FROM `+table+` WHERE n <= $1 ORDER BY n`, n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []scaleUser
		for rows.Next() {
			var u scaleUser
			if err := rows.Scan(&u.ID, &u.Project, &u.Other, &u.Tree); err != nil {
				return nil, err
			}
			if u.Token, err = openSession(ctx, db, tokens, u.ID); err != nil {
				return nil, err
			}
			out = append(out, u)
		}
		return out, rows.Err()
	}
	if typical, err = load("bench_users", 1000); err != nil {
		return nil, nil, err
	}
	if heavy, err = load("bench_heavy", size.Heavy); err != nil {
		return nil, nil, err
	}
	if len(typical) == 0 || len(heavy) == 0 {
		return nil, nil, errors.New("the seeded users are missing")
	}
	return typical, heavy, nil
}

// seedScale fills an empty, migrated database: users, five tags each,
// tasks as the default bench seeds them (titles, dates, priorities, one
// in four completed, a third of the tags), set-based.
func seedScale(ctx context.Context, db *sql.DB, size scaleSize) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(BenchPassword), bcrypt.MinCost)
	if err != nil {
		return err
	}
	// Typical users' tasks go where the database puts a task written
	// without a place: last in the Inbox.
	tasks := func(users string, per int) string {
		return fmt.Sprintf(`INSERT INTO tasks (%s)
		 SELECT u.id, %s
		 FROM users u JOIN %s b ON b.id = u.id, generate_series(1, %d) AS g`, seededTaskColumns, seededTask(per), users, per)
	}
	stmts := []string{
		`DROP TABLE IF EXISTS bench_scale_seed, bench_users, bench_heavy`,
		`TRUNCATE users CASCADE`,
		fmt.Sprintf(`INSERT INTO users (email, name, password_hash) SELECT 'user' || i || '@scale.test', 'User ' || i, $1 FROM generate_series(1, %d) AS i`, size.Typical),
		fmt.Sprintf(`INSERT INTO users (email, name, password_hash) SELECT 'heavy' || i || '@scale.test', 'Heavy ' || i, $1 FROM generate_series(1, %d) AS i`, size.Heavy),
		`CREATE TABLE bench_users AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM users WHERE email LIKE 'user%'`,
		`CREATE UNIQUE INDEX ON bench_users (n)`,
		`CREATE TABLE bench_heavy AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM users WHERE email LIKE 'heavy%'`,
		`CREATE UNIQUE INDEX ON bench_heavy (n)`,
		`INSERT INTO tags (user_id, name) SELECT u.id, t FROM users u, unnest(ARRAY['work','home','errands','family','health']) AS t`,
		tasks("bench_users", 100),
	}
	stmts = append(stmts, heavyProjectsSeed...)
	stmts = append(stmts,
		`INSERT INTO task_tags (task_id, tag_id) SELECT t.id, g.id FROM tasks t JOIN tags g ON g.user_id = t.user_id WHERE (t.id + g.id) % 3 = 0`,
		`VACUUM ANALYZE`,
		`CREATE TABLE bench_scale_seed AS SELECT `+fmt.Sprint(scaleSeedVersion)+` AS version`,
	)
	for i, s := range stmts {
		var err error
		if i == 2 || i == 3 {
			_, err = db.ExecContext(ctx, s, string(hash))
		} else {
			_, err = db.ExecContext(ctx, s)
		}
		if err != nil {
			return fmt.Errorf("seeding (%.50s…): %w", s, err)
		}
	}
	return nil
}

// runPgbenchScript runs script (with :users set) at conc for d.
func runPgbenchScript(ctx context.Context, bin, dsn, dir, name, script string, conc int, d time.Duration, users int) (float64, error) {
	return runPgbenchWith(ctx, bin, dsn, dir, name, script, conc, d, "-D", fmt.Sprintf("users=%d", users))
}

const (
	scaleBegin = "<!-- bench:scale:begin (written by make bench-scale) -->"
	scaleEnd   = "<!-- bench:scale:end -->"
)

func writeScale(root string, f *ScaleFigures) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "bench", "scale.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	m := f.Machine
	var md strings.Builder
	fmt.Fprintf(&md, "%s\n\nLast run on %s: %d cores (%s), %.0f GiB, %s, %s; a size it did not run keeps its figures of an earlier run (the date in the first table). One backend (`DB_MAX_CONNS` 20) and PostgreSQL on the machine; each size is a kept database (`make bench-scale` seeds it once and keeps it in `.bench-scale/`): typical users with 100 tasks, heavy users with 50 000. Typical users' requests at 32 connections next to pgbench running the same SQL; a heavy user's at one connection.\n\n", scaleBegin, m.Date, m.Cores, m.CPU, m.MemoryGiB, m.OS, m.GoVersion)
	md.WriteString("| size | measured | users (heavy) | database MiB | tasks table / indexes MiB | migrate s |\n|---|---|---:|---:|---:|---:|\n")
	for _, p := range f.Points {
		fmt.Fprintf(&md, "| %s | %s | %d (%d) | %.0f | %.0f / %.0f | %.1f |\n", p.Size.Name, p.Date, p.Size.Typical+p.Size.Heavy, p.Size.Heavy, p.DatabaseMiB, p.TasksTableMiB, p.TasksIndexMiB, p.MigrateSeconds)
	}
	md.WriteString("\nTypical users, 32 connections:\n\n| size | scenario | req/s | p50 ms | p99 ms | pgbench tps | API ÷ pgbench |\n|---|---|---:|---:|---:|---:|---:|\n")
	for _, p := range f.Points {
		for _, r := range p.Scenarios {
			fmt.Fprintf(&md, "| %s | %s | %.0f | %.1f | %.1f | %.0f | %.2f |\n", p.Size.Name, r.Name, r.RPS, r.P50, r.P99, r.PgbenchTPS, r.Ratio)
		}
	}
	md.WriteString("\nA heavy user (50 000 tasks), one connection:\n\n| size | scenario | p50 ms | p99 ms | pgbench tps |\n|---|---|---:|---:|---:|\n")
	for _, p := range f.Points {
		for _, r := range p.Heavy {
			fmt.Fprintf(&md, "| %s | %s | %.1f | %.1f | %.0f |\n", p.Size.Name, r.Name, r.P50, r.P99, r.PgbenchTPS)
		}
	}
	for _, p := range f.Points {
		if p.Move == nil {
			continue
		}
		fmt.Fprintf(&md, "\nOne move of a task between projects (%s, `POST /tasks/{id}/move`): each statement the request ran (the session check, the transaction, the answer; triggers' statements too), from auto_explain, and the rows it inserted, updated or deleted (a row locked is not counted):\n", p.Size.Name)
		for _, m := range p.Move.Moves {
			fmt.Fprintf(&md, "\nInto %s, a list of %d tasks: %d row(s) written.\n\n| statement | ms | rows written |\n|---|---:|---:|\n", m.Into, m.ListLength, m.RowsWritten)
			for _, st := range m.Statements {
				fmt.Fprintf(&md, "| `%s` | %.2f | %d |\n", strings.ReplaceAll(shortSQL(st.SQL), "|", "\\|"), st.Ms, st.RowsWritten)
			}
		}
	}
	for _, p := range f.Points {
		if p.Move == nil || len(p.Move.Tree) == 0 {
			continue
		}
		fmt.Fprintf(&md, "\nThe tree of the 5 000-task project (%s, `GET /projects/{id}/tree?status=all`, subtasks four levels deep): %d statements in all, the same whatever the depth (times with auto_explain's per-row timing, which inflates the two big reads):\n\n| statement | ms |\n|---|---:|\n", p.Size.Name, len(p.Move.Tree))
		for _, st := range p.Move.Tree {
			fmt.Fprintf(&md, "| `%s` | %.2f |\n", strings.ReplaceAll(shortSQL(st.SQL), "|", "\\|"), st.Ms)
		}
	}
	sizes := map[string]bool{}
	for _, s := range f.ExplainSize {
		sizes[s] = true
	}
	names := slices.Sorted(maps.Keys(sizes))
	fmt.Fprintf(&md, "\nThe plans (EXPLAIN ANALYZE, BUFFERS; the moves' from auto_explain) are in `bench/scale.json` (`explain`; `explain_size` says which size each is from: %s).\n", strings.Join(names, ", "))
	md.WriteString(scaleEnd)
	return replaceSection(root, scaleBegin, scaleEnd, "## Scale: 100 000 to 10 000 000 tasks", md.String())
}
