package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

// benchReminders is how many reminders fall due in the same minute.
const benchReminders = 100_000

// ReminderFigures are bench/reminders.json: 100 000 reminders due in one
// minute, fired by two backend processes with their default settings.
type ReminderFigures struct {
	Machine   Machine `json:"machine"`
	Reminders int     `json:"reminders"`
	Backends  int     `json:"backends"`
	// AllFiredAfterSeconds: from the minute's start to the last reminder
	// marked fired. Within the minute means under 60.
	AllFiredAfterSeconds float64 `json:"all_fired_after_seconds"`
	// Delay of each reminder (fired_at − fire_at), p50 and p99.
	DelayP50Seconds float64 `json:"delay_p50_seconds"`
	DelayP99Seconds float64 `json:"delay_p99_seconds"`
	Duplicates      int     `json:"duplicates"`
	Missed          int     `json:"missed"`
	FiredBy         []int   `json:"fired_by"`
}

// runReminders seeds benchReminders reminders due during the next whole
// minute, starts two backends, and measures how they fire them.
func runReminders(ctx context.Context, root, backendBin string, logf func(string, ...any)) error {
	env := map[string]string{"BETTER_AUTH_SECRET": stacktest.Secret}
	bdb, err := startDatabase(ctx, "reminders", backendBin, env)
	if err != nil {
		return err
	}
	defer bdb.Close()
	db := bdb.DB
	logf("seeding %d reminders due within one minute", benchReminders)
	// The minute after next, so seeding and start-up finish before it.
	var start time.Time
	if err := db.QueryRowContext(ctx, `SELECT date_trunc('minute', now()) + interval '2 minutes'`).Scan(&start); err != nil {
		return err
	}
	for _, s := range []string{
		`INSERT INTO users (email, name, password_hash) SELECT 'r' || g || '@bench.test', 'R', 'x' FROM generate_series(1, 1000) g`,
		`INSERT INTO tasks (user_id, title, description, priority, recurrence, recurrence_interval)
		 SELECT u.id, 'Task ' || g, '', 'medium', 'none', 1 FROM users u, generate_series(1, 100) g`,
		`INSERT INTO reminders (task_id, user_id, at, fire_at)
		 SELECT t.id, t.user_id, $1::timestamptz + (t.id % 60) * interval '1 second', $1::timestamptz + (t.id % 60) * interval '1 second' FROM tasks t`,
		`ANALYZE`,
	} {
		var args []any
		if strings.Contains(s, "$1") {
			args = append(args, start)
		}
		if _, err := db.ExecContext(ctx, s, args...); err != nil {
			return fmt.Errorf("seeding (%.40s…): %w", s, err)
		}
	}
	res := &ReminderFigures{Machine: machine(), Reminders: benchReminders, Backends: 2}
	var metrics []string
	for i := range res.Backends {
		port, err := stacktest.FreePort()
		if err != nil {
			return err
		}
		env["METRICS_PORT"] = strconv.Itoa(port)
		p, err := stacktest.Launch(backendBin, env)
		if err != nil {
			return err
		}
		defer p.Stop()
		metrics = append(metrics, fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
		logf("backend %d ready", i+1)
	}
	logf("waiting for %s and the minute after it", start.Format(time.TimeOnly))
	deadline := start.Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		var left int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM reminders WHERE fired_at IS NULL`).Scan(&left); err != nil {
			return err
		}
		if left == 0 {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	var last time.Time
	err = db.QueryRowContext(ctx, `SELECT max(fired_at),
		coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM fired_at - fire_at)), 0),
		coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM fired_at - fire_at)), 0),
		(SELECT count(*) FROM reminders WHERE fired_at IS NULL),
		(SELECT count(*) - count(DISTINCT reminder_id) FROM notifications)
		FROM reminders WHERE fired_at IS NOT NULL`).Scan(&last, &res.DelayP50Seconds, &res.DelayP99Seconds, &res.Missed, &res.Duplicates)
	if err != nil {
		return fmt.Errorf("reading the results: %w", err)
	}
	res.AllFiredAfterSeconds = round(last.Sub(start).Seconds())
	res.DelayP50Seconds, res.DelayP99Seconds = round(res.DelayP50Seconds), round(res.DelayP99Seconds)
	for _, url := range metrics {
		n, err := firedBy(url)
		if err != nil {
			return err
		}
		res.FiredBy = append(res.FiredBy, n)
	}
	logf("all fired %.1f s after the minute began; delay p50 %.2f s, p99 %.2f s; duplicates %d, missed %d; by backend %v",
		res.AllFiredAfterSeconds, res.DelayP50Seconds, res.DelayP99Seconds, res.Duplicates, res.Missed, res.FiredBy)
	if res.Duplicates != 0 || res.Missed != 0 {
		return fmt.Errorf("reminders fired twice (%d) or not at all (%d)", res.Duplicates, res.Missed)
	}
	return writeReminders(root, res)
}

var reFiredTotal = regexp.MustCompile(`(?m)^reminders_fired_total\{late="(?:true|false)"\} (\d+)$`)

func firedBy(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range reFiredTotal.FindAllStringSubmatch(string(b), -1) {
		v, _ := strconv.Atoi(m[1])
		n += v
	}
	return n, nil
}

const (
	remindersBegin = "<!-- bench:reminders:begin (written by make bench) -->"
	remindersEnd   = "<!-- bench:reminders:end -->"
)

func writeReminders(root string, r *ReminderFigures) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "bench", "reminders.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	m := r.Machine
	md := fmt.Sprintf("%s\n\nMeasured on %s: %d cores (%s), %.0f GiB, %s, %s. %d reminders due during one minute (spread over its 60 seconds), %d backend processes with the default settings (a look every 5 s, 1 000 per claim) and PostgreSQL on the same machine.\n\n"+
		"| all fired, seconds after the minute began | delay p50 | delay p99 | fired twice | missed | fired by each backend |\n|---:|---:|---:|---:|---:|---|\n"+
		"| %.1f | %.2f s | %.2f s | %d | %d | %s |\n%s",
		remindersBegin, m.Date, m.Cores, m.CPU, m.MemoryGiB, m.OS, m.GoVersion, r.Reminders, r.Backends,
		r.AllFiredAfterSeconds, r.DelayP50Seconds, r.DelayP99Seconds, r.Duplicates, r.Missed, strings.Trim(fmt.Sprint(r.FiredBy), "[]"), remindersEnd)
	return replaceSection(root, remindersBegin, remindersEnd, "## Reminders: 100 000 due in one minute, two backends", md)
}
