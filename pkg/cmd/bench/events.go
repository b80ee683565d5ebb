package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
	"github.com/todo-app/todo-app/pkg/websession"
)

// benchStreams is how many idle pages hold a reminder stream open.
const benchStreams = 1000

// EventFigures are bench/events.json: the web app's memory with 1 000
// open reminder streams, and what their polling costs the backend.
type EventFigures struct {
	Machine Machine `json:"machine"`
	Streams int     `json:"streams"`
	// WebRSS: before the streams, with them open (after two polls), and
	// a few seconds after they were closed.
	WebRSSIdleMiB   float64 `json:"web_rss_idle_mib"`
	WebRSSOpenMiB   float64 `json:"web_rss_open_mib"`
	WebRSSClosedMiB float64 `json:"web_rss_closed_mib"`
	// BackendCPUPerSecond is the backend's CPU seconds per second while
	// the streams poll it (every EVENTS_POLL, 5 s).
	BackendCPUPerSecond float64 `json:"backend_cpu_per_second"`
	WebCPUPerSecond     float64 `json:"web_cpu_per_second"`
}

// runEvents measures the web app with benchStreams open reminder streams.
func runEvents(ctx context.Context, root, backendBin, webBin string, logf func(string, ...any)) error {
	env := map[string]string{"BETTER_AUTH_SECRET": stacktest.Secret, "AUTH_RATE_LIMIT": "1000000"}
	bdb, err := startDatabase(ctx, "events", backendBin, env)
	if err != nil {
		return err
	}
	defer bdb.Close()
	be, err := stacktest.Launch(backendBin, env)
	if err != nil {
		return err
	}
	defer be.Stop()
	web, err := stacktest.Launch(webBin, map[string]string{"BACKEND_URL": be.URL, "BETTER_AUTH_SECRET": stacktest.Secret})
	if err != nil {
		return err
	}
	defer web.Stop()

	// 100 people with 10 pages each: one person's request budget
	// (USER_RATE) is for one person's pages, not a thousand, and the web
	// app refuses a person's streams past EVENTS_PER_PERSON.
	const people = 100
	if per := benchStreams / people; per > websession.DefaultStreamsPerPerson {
		return fmt.Errorf("%d streams per person: the web app allows %d (EVENTS_PER_PERSON)", per, websession.DefaultStreamsPerPerson)
	}
	tokens := make([]string, people)
	for i := range people {
		res, err := client.New(be.URL, nil).SignUp(ctx, api.SignUpRequest{Email: fmt.Sprintf("streams%d@bench.test", i), Password: BenchPassword})
		if err != nil {
			return err
		}
		tokens[i] = res.Token
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchStreams}}
	res := &EventFigures{Machine: machine(), Streams: benchStreams}
	runtime.GC()
	time.Sleep(2 * time.Second)
	res.WebRSSIdleMiB = round(rssMiB(web.PID()))
	logf("opening %d reminder streams", benchStreams)
	streamCtx, closeAll := context.WithCancel(ctx)
	defer closeAll()
	for i := range benchStreams {
		req, _ := http.NewRequestWithContext(streamCtx, http.MethodGet, web.URL+"/events", nil)
		req.AddCookie(&http.Cookie{Name: websession.SessionCookie, Value: tokens[i%people]})
		resp, err := hc.Do(req)
		if err != nil {
			return fmt.Errorf("opening stream %d: %w", i, err)
		}
		line, err := bufio.NewReader(resp.Body).ReadString('\n')
		if err != nil || line != "retry: 5000\n" {
			return fmt.Errorf("stream %d: %q, %v", i, line, err)
		}
		defer resp.Body.Close()
	}
	// Two polls of every stream (EVENTS_POLL is 5 s), then measure.
	beCPU, webCPU := cpuSeconds(be.PID()), cpuSeconds(web.PID())
	window := 12 * time.Second
	time.Sleep(window)
	res.BackendCPUPerSecond = round((cpuSeconds(be.PID()) - beCPU) / window.Seconds())
	res.WebCPUPerSecond = round((cpuSeconds(web.PID()) - webCPU) / window.Seconds())
	res.WebRSSOpenMiB = round(rssMiB(web.PID()))
	closeAll()
	time.Sleep(5 * time.Second)
	res.WebRSSClosedMiB = round(rssMiB(web.PID()))
	logf("web RSS %.1f → %.1f MiB with %d streams → %.1f MiB after; CPU per second: backend %.2f, web %.2f",
		res.WebRSSIdleMiB, res.WebRSSOpenMiB, benchStreams, res.WebRSSClosedMiB, res.BackendCPUPerSecond, res.WebCPUPerSecond)
	return writeEvents(root, res)
}

const (
	eventsBegin = "<!-- bench:events:begin (written by make bench) -->"
	eventsEnd   = "<!-- bench:events:end -->"
)

func writeEvents(root string, r *EventFigures) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "bench", "events.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	m := r.Machine
	md := fmt.Sprintf("%s\n\nMeasured on %s: %d cores (%s), %.0f GiB, %s, %s. %d reminder streams (`GET /events`, each an open page; 100 people with 10 pages each) held open on the web app for 12 s, each asking the backend every 5 s (`EVENTS_POLL`); the client, both apps and PostgreSQL share the machine.\n\n"+
		"| web RSS before | with the streams | after closing them | web CPU/s | backend CPU/s |\n|---:|---:|---:|---:|---:|\n"+
		"| %.1f MiB | %.1f MiB | %.1f MiB | %.2f | %.2f |\n%s",
		eventsBegin, m.Date, m.Cores, m.CPU, m.MemoryGiB, m.OS, m.GoVersion, r.Streams,
		r.WebRSSIdleMiB, r.WebRSSOpenMiB, r.WebRSSClosedMiB, r.WebCPUPerSecond, r.BackendCPUPerSecond, eventsEnd)
	return replaceSection(root, eventsBegin, eventsEnd, "## Reminder streams: 1 000 open pages", md)
}
