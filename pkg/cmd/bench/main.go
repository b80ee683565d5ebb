// Command bench measures the product (`make bench`): a throwaway
// PostgreSQL, the three apps as real processes, realistic data, load from
// this separate process with vegeta, pgbench running the same statements
// for comparison, and the apps' memory, CPU and start-up. It writes
// bench/results.json and the tables in docs/benchmarks.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	dur := flag.Duration("duration", 3*time.Second, "length of each load run")
	quick := flag.Bool("quick", false, "one concurrency per scenario (a smoke run)")
	only := flag.String("only", "", "run only this scenario (an investigation: nothing is written)")
	eventsMode := flag.Bool("events", false, "measure the web app with 1 000 open reminder streams instead (writes bench/events.json and its part of docs/benchmarks.md)")
	remindersMode := flag.Bool("reminders", false, "measure the firing of 100 000 reminders due in one minute by two backends instead (writes bench/reminders.json and its part of docs/benchmarks.md)")
	scaleMode := flag.String("scale", "", "measure the scale curve instead, at these sizes (comma-separated of 100k,1m,10m, or all; writes bench/scale.json and its part of docs/benchmarks.md)")
	transfer := flag.Bool("transfer", false, "measure the export and import of a 100 000-task account instead (writes bench/transfer.json and its part of docs/benchmarks.md)")
	flag.Parse()
	ctx := context.Background()
	root, err := stacktest.RepoRoot()
	if err != nil {
		return err
	}
	started := time.Now()
	logf := func(format string, args ...any) {
		fmt.Printf("[%5.1fs] %s\n", time.Since(started).Seconds(), fmt.Sprintf(format, args...))
	}

	binDir, err := os.MkdirTemp("", "bench-bin-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(binDir)
	builder := stacktest.NewBuilder(binDir)
	bins := map[string]string{}
	if *eventsMode {
		for _, app := range []string{"backend", "web"} {
			logf("building %s", app)
			if bins[app], err = builder.Build(app); err != nil {
				return err
			}
		}
		return runEvents(ctx, root, bins["backend"], bins["web"], logf)
	}
	if *remindersMode {
		logf("building backend")
		if bins["backend"], err = builder.Build("backend"); err != nil {
			return err
		}
		return runReminders(ctx, root, bins["backend"], logf)
	}
	if *scaleMode != "" {
		var sizes []scaleSize
		for _, s := range scaleSizes {
			if *scaleMode == "all" || strings.Contains(","+*scaleMode+",", ","+s.Name+",") {
				sizes = append(sizes, s)
			}
		}
		if len(sizes) == 0 {
			return fmt.Errorf("-scale %q: name sizes among 100k, 1m, 10m, or all", *scaleMode)
		}
		logf("building backend")
		if bins["backend"], err = builder.Build("backend"); err != nil {
			return err
		}
		return runScale(ctx, root, bins["backend"], max(*dur, 5*time.Second), sizes, logf)
	}
	if *transfer {
		for _, app := range []string{"backend", "web"} {
			logf("building %s", app)
			if bins[app], err = builder.Build(app); err != nil {
				return err
			}
		}
		return runTransfer(ctx, root, bins["backend"], bins["web"], logf)
	}
	for _, app := range []string{"backend", "web", "chatbot"} {
		logf("building %s", app)
		if bins[app], err = builder.Build(app); err != nil {
			return err
		}
	}
	pgbench, err := findPgbench()
	if err != nil {
		return err
	}

	logf("starting PostgreSQL")
	backendEnv := map[string]string{"BETTER_AUTH_SECRET": stacktest.Secret, "AUTH_RATE_LIMIT": "1000000", "DB_MAX_CONNS": "20", "GOMEMLIMIT": os.Getenv("BENCH_GOMEMLIMIT"), "GODEBUG": os.Getenv("BENCH_GODEBUG"), "GOGC": os.Getenv("BENCH_GOGC"), "PPROF_ADDR": os.Getenv("BENCH_PPROF_ADDR")}
	// BENCH_BACKEND_ENV="API_MAX_IN_FLIGHT=16 MCP_MAX_IN_FLIGHT=8" tries other settings.
	for _, kv := range strings.Fields(os.Getenv("BENCH_BACKEND_ENV")) {
		if k, v, ok := strings.Cut(kv, "="); ok {
			backendEnv[k] = v
		}
	}
	bdb, err := startDatabase(ctx, "bench", bins["backend"], backendEnv)
	if err != nil {
		return err
	}
	defer bdb.Close()
	dsn, db := bdb.DSN, bdb.DB
	logf("seeding 1 000 users and 100 000 tasks")
	if err := seed(ctx, db); err != nil {
		return err
	}
	tokens, err := auth.NewTokens(stacktest.Secret, 24*time.Hour)
	if err != nil {
		return err
	}
	// Each user signs in once: a session row, as sign-in makes, that the
	// backend checks on every request.
	users, err := loadUsers(ctx, db, func(id string) (string, error) { return openSession(ctx, db, tokens, id) })
	if err != nil {
		return err
	}

	res := &Results{Machine: machine(), Apps: map[string]*AppFigures{}}
	procs := map[string]*stacktest.Process{}
	// Against a migrated database, as in a rolling update.
	// Each app's metrics port: the bytes its heap allocates per request.
	metricsURL := map[string]string{}
	metricsPort := func(app string) (string, error) {
		port, err := stacktest.FreePort()
		if err != nil {
			return "", err
		}
		metricsURL[app] = fmt.Sprintf("http://127.0.0.1:%d/metrics", port)
		return strconv.Itoa(port), nil
	}
	if backendEnv["METRICS_PORT"], err = metricsPort("backend"); err != nil {
		return err
	}
	be, err := stacktest.Launch(bins["backend"], backendEnv)
	if err != nil {
		return err
	}
	defer be.Stop()
	procs["backend"] = be
	webPort, err := metricsPort("web")
	if err != nil {
		return err
	}
	web, err := stacktest.Launch(bins["web"], map[string]string{"BACKEND_URL": be.URL, "BETTER_AUTH_SECRET": stacktest.Secret, "METRICS_PORT": webPort})
	if err != nil {
		return err
	}
	defer web.Stop()
	procs["web"] = web
	chatPort, err := metricsPort("chatbot")
	if err != nil {
		return err
	}
	chat, err := stacktest.Launch(bins["chatbot"], map[string]string{"BACKEND_URL": be.URL, "BETTER_AUTH_SECRET": stacktest.Secret, "WEB_URL": web.URL, "METRICS_PORT": chatPort})
	if err != nil {
		return err
	}
	defer chat.Stop()
	procs["chatbot"] = chat
	time.Sleep(time.Second)
	for name, p := range procs {
		fi, _ := os.Stat(bins[name])
		res.Apps[name] = &AppFigures{RSSIdleMiB: round(rssMiB(p.PID())), StartupMS: round(float64(p.Ready.Microseconds()) / 1000),
			BinaryMiB: round(float64(fi.Size()) / (1 << 20)), ImageMiB: imageMiB(name)}
	}

	sessions, err := chatSessions(ctx, chat.URL, users[:50])
	if err != nil {
		return err
	}
	scenarios := allScenarios(be.URL, web.URL, chat.URL, users, sessions)
	pgDir, err := os.MkdirTemp("", "bench-pgbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(pgDir)
	pids := map[string]int{}
	for name, p := range procs {
		pids[name] = p.PID()
	}
	peaks := newSampler(pids)
	cpuUsed := map[string]float64{}
	reqs := map[string]int{}
	for _, sc := range scenarios {
		if *only != "" && sc.name != *only {
			continue
		}
		concs := sc.conc
		if *quick {
			concs = concs[len(concs)-1:]
		}
		for _, c := range concs {
			cpu0, be0, db0, alloc0 := cpuSeconds(procs[sc.app].PID()), cpuSeconds(be.PID()), postgresCPUSeconds(), allocatedBytes(metricsURL[sc.app])
			r, err := attack(sc, c, *dur)
			if err != nil {
				return err
			}
			appCPU := cpuSeconds(procs[sc.app].PID()) - cpu0
			cpuUsed[sc.app] += appCPU
			if ok := r.Requests - r.Errors; ok > 0 {
				per := func(v float64) float64 { return round(v * 1000 / float64(ok)) }
				r.AppCPUMs, r.DBCPUMs = per(appCPU), per(postgresCPUSeconds()-db0)
				if sc.app != "backend" {
					r.BackendCPUMs = per(cpuSeconds(be.PID()) - be0)
				}
				r.AllocKiB = round((allocatedBytes(metricsURL[sc.app]) - alloc0) / 1024 / float64(ok))
			}
			reqs[sc.app] += r.Requests
			if pgbenchScript(sc.name) != "" {
				tps, err := runPgbench(ctx, pgbench, dsn, pgDir, sc.name, c, *dur)
				if err != nil {
					return err
				}
				r.PgbenchTPS = round(tps)
				if tps > 0 {
					r.Ratio = round(r.RPS / tps)
				}
			}
			logf("%-16s c=%-3d %8.0f rps  p50 %6.1f ms  p99 %7.1f ms  errors %d  pgbench %8.0f tps  ratio %.2f  rss %s %.0f MiB",
				sc.name, c, r.RPS, r.P50, r.P99, r.Errors, r.PgbenchTPS, r.Ratio, sc.app, rssMiB(procs[sc.app].PID()))
			res.Scenarios = append(res.Scenarios, r)
		}
	}
	peak := peaks.Stop()
	if os.Getenv("BENCH_GODEBUG") != "" {
		_ = os.WriteFile(filepath.Join(os.TempDir(), "bench-backend.log"), []byte(be.Logs()), 0o644)
	}
	for name, f := range res.Apps {
		f.RSSPeakMiB = round(peak[name])
		if reqs[name] > 0 {
			f.CPUSecondsPer1000 = round(cpuUsed[name] / float64(reqs[name]) * 1000)
		}
	}
	res.DurationSeconds = round(time.Since(started).Seconds())
	if *only != "" {
		logf("peak RSS (MiB): %v", peak)
		return nil
	}
	if err := writeResults(root, res); err != nil {
		return err
	}
	logf("wrote bench/results.json and docs/benchmarks.md")
	return nil
}

func machine() Machine {
	m := Machine{Cores: runtime.NumCPU(), Date: time.Now().UTC().Format(time.DateOnly), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb float64
		fmt.Sscanf(string(b), "MemTotal: %f kB", &kb)
		m.MemoryGiB = round(kb / (1 << 20))
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range splitLines(string(b)) {
			if len(line) > 10 && line[:10] == "model name" {
				m.CPU = line[len("model name\t: "):]
				break
			}
		}
	}
	return m
}
