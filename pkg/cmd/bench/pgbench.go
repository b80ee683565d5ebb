package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"time"
)

// pgbenchScripts issue the statements the API runs for each scenario, so
// the ratio API ÷ pgbench is the cost of our HTTP, JSON, auth and ORM.
var pgbenchScripts = map[string]string{
	"sign_in": `\set u random(1, 1000)
SELECT id, email, name, password_hash, created_at FROM users WHERE lower(email) = lower('user' || :u || '@bench.test') LIMIT 1;
`,
	"create_task": `\set u random(1, 1000)
SELECT id AS uid FROM bench_users WHERE n = :u \gset
BEGIN;
INSERT INTO tasks (user_id, title, description, completed, priority, recurrence, recurrence_interval, due_at) VALUES (:uid, 'Bench task', '', false, 'medium', 'none', 1, now() + interval '2 days') RETURNING id AS tid \gset
DELETE FROM task_tags WHERE task_id = :tid;
INSERT INTO tags (user_id, name) SELECT :uid, n FROM unnest(ARRAY['work','bench']) AS n ON CONFLICT (user_id, lower(name)) DO NOTHING;
SELECT id, user_id, name, created_at FROM tags WHERE user_id = :uid AND lower(name) = ANY(ARRAY['work','bench']);
INSERT INTO task_tags (task_id, tag_id) SELECT :tid, id FROM tags WHERE user_id = :uid AND lower(name) = ANY(ARRAY['work','bench']);
COMMIT;
`,
	"list_tasks": `\set u random(1, 1000)
SELECT id AS uid FROM bench_users WHERE n = :u \gset
SELECT count(*) FROM tasks AS t WHERE t.user_id = :uid AND t.deleted_at IS NULL AND NOT t.completed;
SELECT t.* FROM tasks AS t WHERE t.user_id = :uid AND t.deleted_at IS NULL AND NOT t.completed ORDER BY t.due_at ASC NULLS LAST, t.id ASC LIMIT 50;
SELECT tt.task_id, tt.tag_id, g.name FROM task_tags AS tt JOIN tags AS g ON g.id = tt.tag_id WHERE tt.task_id IN (SELECT id FROM tasks WHERE user_id = :uid AND NOT completed ORDER BY due_at LIMIT 50) AND g.user_id = :uid ORDER BY lower(g.name);
`,
	"complete_task": `\set t random(1, 100000)
BEGIN;
SELECT t.* FROM tasks AS t WHERE t.id = (SELECT task_id FROM bench_tasks WHERE n = :t) AND t.deleted_at IS NULL FOR UPDATE;
UPDATE tasks SET completed = NOT completed, completed_at = CASE WHEN completed THEN NULL ELSE now() END, updated_at = now() WHERE id = (SELECT task_id FROM bench_tasks WHERE n = :t);
SELECT t.* FROM tasks AS t WHERE t.id = (SELECT task_id FROM bench_tasks WHERE n = :t) AND t.deleted_at IS NULL;
SELECT tt.task_id, tt.tag_id, g.name FROM task_tags AS tt JOIN tags AS g ON g.id = tt.tag_id WHERE tt.task_id IN ((SELECT task_id FROM bench_tasks WHERE n = :t)) AND g.user_id = (SELECT user_id FROM tasks WHERE id = (SELECT task_id FROM bench_tasks WHERE n = :t)) ORDER BY lower(g.name);
COMMIT;
`,
	"search_tasks": `\set u random(1, 1000)
SELECT id AS uid FROM bench_users WHERE n = :u \gset
SELECT count(*) FROM tasks AS t WHERE t.user_id = :uid AND t.deleted_at IS NULL AND (t.title ILIKE '%report%' OR t.description ILIKE '%report%');
SELECT t.* FROM tasks AS t WHERE t.user_id = :uid AND t.deleted_at IS NULL AND (t.title ILIKE '%report%' OR t.description ILIKE '%report%') ORDER BY t.created_at DESC, t.id DESC LIMIT 50;
`,
}

// pgbenchScript is the database work behind a scenario; the MCP tools run
// the same statements as their REST twins.
func pgbenchScript(name string) string {
	switch name {
	case "mcp_add_task":
		name = "create_task"
	case "mcp_list_tasks":
		name = "list_tasks"
	}
	return pgbenchScripts[name]
}

var tpsRe = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// runPgbench runs a scenario's script at the concurrency for d and
// returns transactions per second.
func runPgbench(ctx context.Context, bin, dsn, dir, name string, conc int, d time.Duration) (float64, error) {
	return runPgbenchWith(ctx, bin, dsn, dir, name, pgbenchScript(name), conc, d)
}

// runPgbenchWith runs the script text at the concurrency for d, with more
// pgbench arguments (-D variables).
func runPgbenchWith(ctx context.Context, bin, dsn, dir, name, text string, conc int, d time.Duration, more ...string) (float64, error) {
	script := filepath.Join(dir, name+".sql")
	if err := os.WriteFile(script, []byte(text), 0o644); err != nil {
		return 0, err
	}
	threads := 2
	if conc < threads {
		threads = conc
	}
	args := append([]string{"-n", "-M", "extended", "-c", strconv.Itoa(conc), "-j", strconv.Itoa(threads),
		"-T", strconv.Itoa(int(d.Seconds())), "-f", script}, more...)
	cmd := exec.CommandContext(ctx, bin, append(args, dsn)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench %s: %w\n%s", name, err, out)
	}
	m := tpsRe.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench %s: no tps in output:\n%s", name, out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

func findPgbench() (string, error) {
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	sort.Strings(dirs)
	if len(dirs) == 0 {
		return "", fmt.Errorf("pgbench not found: install the PostgreSQL server package (Debian: apt-get install postgresql)")
	}
	return dirs[len(dirs)-1], nil
}
