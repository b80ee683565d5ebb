package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Results is bench/results.json.
type Results struct {
	Machine         Machine                `json:"machine"`
	DurationSeconds float64                `json:"duration_seconds"`
	Scenarios       []*ScenarioResult      `json:"scenarios"`
	Apps            map[string]*AppFigures `json:"apps"`
}

// Machine describes where the numbers were taken.
type Machine struct {
	Cores     int     `json:"cores"`
	MemoryGiB float64 `json:"memory_gib"`
	CPU       string  `json:"cpu"`
	OS        string  `json:"os"`
	GoVersion string  `json:"go"`
	Date      string  `json:"date"`
}

// ScenarioResult is one scenario at one concurrency.
type ScenarioResult struct {
	Name        string  `json:"name"`
	App         string  `json:"app"`
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"`
	RPS         float64 `json:"rps"`
	P50         float64 `json:"p50_ms"`
	P99         float64 `json:"p99_ms"`
	PgbenchTPS  float64 `json:"pgbench_tps,omitempty"`
	Ratio       float64 `json:"ratio,omitempty"`
	FirstError  string  `json:"first_error,omitempty"`
	// Cost per request answered, in CPU milliseconds of the app, of the
	// backend behind a frontend, and of PostgreSQL, and in bytes the
	// app's Go heap allocated (the cost model of docs/benchmarks.md).
	AppCPUMs     float64 `json:"app_cpu_ms,omitempty"`
	BackendCPUMs float64 `json:"backend_cpu_ms,omitempty"`
	DBCPUMs      float64 `json:"db_cpu_ms,omitempty"`
	AllocKiB     float64 `json:"alloc_kib,omitempty"`
}

// AppFigures are one app's resource figures.
type AppFigures struct {
	RSSIdleMiB        float64  `json:"rss_idle_mib"`
	RSSPeakMiB        float64  `json:"rss_peak_mib"`
	CPUSecondsPer1000 float64  `json:"cpu_seconds_per_1000_requests"`
	StartupMS         float64  `json:"startup_ms"`
	BinaryMiB         float64  `json:"binary_mib"`
	ImageMiB          *float64 `json:"image_mib"`
}

func round(f float64) float64 { return math.Round(f*100) / 100 }

func splitLines(s string) []string { return strings.Split(s, "\n") }

// imageMiB is the size of the app's newest image in the local Docker, if any.
func imageMiB(app string) *float64 {
	repo := map[string]string{"backend": "todo-backend", "web": "todo-frontend-web", "chatbot": "todo-frontend-chatbot"}[app]
	out, err := exec.Command("docker", "images", repo, "--format", "{{.ID}}").Output()
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		return nil
	}
	id := strings.Fields(string(out))[0]
	size, err := exec.Command("docker", "image", "inspect", id, "--format", "{{.Size}}").Output()
	if err != nil {
		return nil
	}
	var n float64
	fmt.Sscan(string(size), &n)
	v := round(n / (1 << 20))
	return &v
}

const (
	beginMarker = "<!-- bench:begin (written by make bench) -->"
	endMarker   = "<!-- bench:end -->"
)

// writeResults writes the JSON and replaces the generated part of
// docs/benchmarks.md, keeping the hand-written analysis around it.
func writeResults(root string, r *Results) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(root, "bench"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "bench", "results.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	var md strings.Builder
	m := r.Machine
	fmt.Fprintf(&md, "%s\n\nMeasured on %s: %d cores (%s), %.0f GiB, %s, %s; the load generator, the apps and PostgreSQL share the machine. Run time %.0f s.\n\n",
		beginMarker, m.Date, m.Cores, m.CPU, m.MemoryGiB, m.OS, m.GoVersion, r.DurationSeconds)
	md.WriteString("| scenario | app | concurrency | requests | errors | req/s | p50 ms | p99 ms | pgbench tps | API ÷ pgbench |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Scenarios {
		pgb, ratio := "—", "—"
		if s.PgbenchTPS > 0 {
			pgb, ratio = fmt.Sprintf("%.0f", s.PgbenchTPS), fmt.Sprintf("%.2f", s.Ratio)
		}
		fmt.Fprintf(&md, "| %s | %s | %d | %d | %d | %.0f | %.1f | %.1f | %s | %s |\n", s.Name, s.App, s.Concurrency, s.Requests, s.Errors, s.RPS, s.P50, s.P99, pgb, ratio)
	}
	md.WriteString("\n| app | RSS idle MiB | RSS peak MiB | CPU s / 1 000 req | start-up to ready ms | binary MiB | image MiB |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, name := range []string{"backend", "web", "chatbot"} {
		a := r.Apps[name]
		img := "—"
		if a.ImageMiB != nil {
			img = fmt.Sprintf("%.1f", *a.ImageMiB)
		}
		fmt.Fprintf(&md, "| %s | %.1f | %.1f | %.2f | %.0f | %.1f | %s |\n", name, a.RSSIdleMiB, a.RSSPeakMiB, a.CPUSecondsPer1000, a.StartupMS, a.BinaryMiB, img)
	}
	writeCostModel(&md, r)
	md.WriteString(endMarker)
	path := filepath.Join(root, "docs", "benchmarks.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		doc = []byte("# Benchmarks\n\n" + beginMarker + "\n" + endMarker + "\n")
	}
	s := string(doc)
	i, j := strings.Index(s, beginMarker), strings.Index(s, endMarker)
	if i < 0 || j < i {
		s += "\n" + beginMarker + "\n" + endMarker + "\n"
		i, j = strings.Index(s, beginMarker), strings.Index(s, endMarker)
	}
	s = s[:i] + md.String() + s[j+len(endMarker):]
	return os.WriteFile(path, []byte(s), 0o644)
}

// The backend's default sizing in infra/stack (sizing.go, config.go): a
// CPU request of 250m, and the autoscaler adds a replica when the average
// use passes 70 % of the request, up to 5 replicas.
const (
	backendCPURequestMs = 250
	hpaCPUPercent       = 70
	hpaMaxReplicas      = 5
	// requestEverySeconds is how often an active person's browser or
	// client asks the backend, for the capacity figure.
	requestEverySeconds = 10
)

// writeCostModel is the cost of one request of each scenario at 32
// connections, and what one backend replica serves at its default size.
func writeCostModel(md *strings.Builder, r *Results) {
	md.WriteString("\n**Cost model** (per request answered, at 32 connections; CPU milliseconds of each process involved, and the app's Go heap allocation):\n\n")
	md.WriteString("| scenario | app CPU ms | backend CPU ms | PostgreSQL CPU ms | total CPU ms | app KiB allocated |\n|---|---:|---:|---:|---:|---:|\n")
	var restMs float64
	var rest int
	for _, s := range r.Scenarios {
		if s.Concurrency != 32 || s.AppCPUMs == 0 {
			continue
		}
		be := "—"
		if s.App != "backend" {
			be = fmt.Sprintf("%.2f", s.BackendCPUMs)
		}
		fmt.Fprintf(md, "| %s | %.2f | %s | %.2f | %.2f | %.0f |\n", s.Name, s.AppCPUMs, be, s.DBCPUMs, s.AppCPUMs+s.BackendCPUMs+s.DBCPUMs, s.AllocKiB)
		if s.App == "backend" && s.Name != "sign_in" {
			restMs += s.AppCPUMs
			rest++
		}
	}
	if rest == 0 {
		return
	}
	mean := restMs / float64(rest)
	perReplica := float64(backendCPURequestMs*hpaCPUPercent/100) / mean
	users := perReplica * requestEverySeconds
	fmt.Fprintf(md, "\nOne backend replica, sized as infra's defaults (CPU request %dm; the autoscaler adds one at %d %% of it, up to %d), spends %.2f ms of CPU on the mean API request above (sign-in aside: bcrypt is meant to cost): it answers about %.0f requests/s before the autoscaler adds a replica — about %.0f people active at once if each one's client asks every %d s — and %d replicas about %.0f. PostgreSQL's share comes on top, on its own pod.\n",
		backendCPURequestMs, hpaCPUPercent, hpaMaxReplicas, mean, perReplica, users, requestEverySeconds, hpaMaxReplicas, users*hpaMaxReplicas)
}

// replaceSection puts md (which starts with begin and ends with end) in
// place of the part of docs/benchmarks.md between the markers, or adds it
// under heading at the end.
func replaceSection(root, begin, end, heading, md string) error {
	path := filepath.Join(root, "docs", "benchmarks.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(doc)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		s += "\n" + heading + "\n\n" + begin + "\n" + end + "\n"
		i, j = strings.Index(s, begin), strings.Index(s, end)
	}
	s = s[:i] + md + s[j+len(end):]
	return os.WriteFile(path, []byte(s), 0o644)
}
