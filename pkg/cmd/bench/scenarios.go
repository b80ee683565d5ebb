package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sort"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	todoapi "github.com/todo-app/todo-app/pkg/api"
)

// scenario is one kind of request, sent at several concurrencies.
type scenario struct {
	name, app string
	conc      []int
	next      func(i uint64, t *vegeta.Target)
}

// chatSession is a signed-in chatbot browser: cookies and a CSRF token.
type chatSession struct {
	cookie string
	csrf   string
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// chatSessions opens the chat page as each user to get the CSRF cookie and token.
func chatSessions(ctx context.Context, chatURL string, users []benchUser) ([]chatSession, error) {
	var out []chatSession
	for _, u := range users {
		jar, _ := cookiejar.New(nil)
		base, _ := url.Parse(chatURL)
		jar.SetCookies(base, []*http.Cookie{{Name: "todo_session", Value: u.Token, Path: "/"}})
		c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, chatURL+"/", nil)
		resp, err := c.Do(req)
		if err != nil {
			return nil, fmt.Errorf("opening the chat page: %w", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfRe.FindSubmatch(body)
		if m == nil {
			return nil, fmt.Errorf("no CSRF token on the chat page (status %d)", resp.StatusCode)
		}
		var cookie string
		for _, ck := range jar.Cookies(base) {
			cookie += ck.Name + "=" + ck.Value + "; "
		}
		out = append(out, chatSession{cookie: cookie, csrf: string(m[1])})
	}
	return out, nil
}

func allScenarios(backend, web, chat string, users []benchUser, sessions []chatSession) []scenario {
	api := []int{1, 8, 32, 128}
	pages := []int{1, 8, 32}
	user := func(i uint64) benchUser { return users[i%uint64(len(users))] }
	bearer := func(u benchUser) http.Header {
		return http.Header{"Authorization": {"Bearer " + u.Token}, "Content-Type": {"application/json"}}
	}
	mcp := func(u benchUser, tool string, args map[string]any) []byte {
		b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": map[string]any{"name": tool, "arguments": args}})
		return b
	}
	mcpHeader := func(u benchUser) http.Header {
		h := bearer(u)
		h.Set("Accept", "application/json, text/event-stream")
		h.Set("Mcp-Protocol-Version", "2025-06-18")
		return h
	}
	var created atomic.Uint64
	return []scenario{
		{"sign_in", "backend", api, func(i uint64, t *vegeta.Target) {
			u := user(i)
			t.Method, t.URL = http.MethodPost, backend+"/api/auth/sign-in"
			t.Body = []byte(fmt.Sprintf(`{"email":%q,"password":%q}`, u.Email, BenchPassword))
			t.Header = http.Header{"Content-Type": {"application/json"}}
		}},
		{"create_task", "backend", api, func(i uint64, t *vegeta.Target) {
			u := user(i)
			n := created.Add(1)
			t.Method, t.URL, t.Header = http.MethodPost, backend+"/api/"+u.ID+"/tasks", bearer(u)
			t.Body = []byte(fmt.Sprintf(`{"title":"Bench task %d","due_at":"2030-01-02T15:00:00Z","priority":"high","tags":["work","bench"]}`, n))
		}},
		// The same create with an Idempotency-Key, as the Go client (and
		// so the web app and the assistant) sends every change: what the
		// claim and the kept answer cost.
		{"create_task_keyed", "backend", api, func(i uint64, t *vegeta.Target) {
			u := user(i)
			n := created.Add(1)
			t.Method, t.URL, t.Header = http.MethodPost, backend+"/api/"+u.ID+"/tasks", bearer(u)
			t.Header.Set(todoapi.IdempotencyKeyHeader, fmt.Sprintf("bench-%d", n))
			t.Body = []byte(fmt.Sprintf(`{"title":"Bench task %d","due_at":"2030-01-02T15:00:00Z","priority":"high","tags":["work","bench"]}`, n))
		}},
		{"list_tasks", "backend", api, func(i uint64, t *vegeta.Target) {
			u := user(i)
			t.Method, t.URL, t.Header = http.MethodGet, backend+"/api/"+u.ID+"/tasks?status=pending&sort=due&limit=50", bearer(u)
		}},
		{"complete_task", "backend", api, func(i uint64, t *vegeta.Target) {
			u := user(i)
			id := u.Tasks[(i/uint64(len(users)))%uint64(len(u.Tasks))]
			t.Method, t.URL, t.Header = http.MethodPatch, fmt.Sprintf("%s/api/%s/tasks/%d/complete", backend, u.ID, id), bearer(u)
		}},
		{"search_tasks", "backend", api, func(i uint64, t *vegeta.Target) {
			u := user(i)
			t.Method, t.URL, t.Header = http.MethodGet, backend+"/api/"+u.ID+"/tasks?q=report&limit=50", bearer(u)
		}},
		{"mcp_add_task", "backend", api, func(i uint64, t *vegeta.Target) {
			u := user(i)
			t.Method, t.URL, t.Header = http.MethodPost, backend+"/mcp", mcpHeader(u)
			t.Body = mcp(u, "add_task", map[string]any{"title": "MCP bench task", "due": "2030-01-02", "tags": []string{"work", "bench"}})
		}},
		{"mcp_list_tasks", "backend", api, func(i uint64, t *vegeta.Target) {
			u := user(i)
			t.Method, t.URL, t.Header = http.MethodPost, backend+"/mcp", mcpHeader(u)
			t.Body = mcp(u, "list_tasks", map[string]any{"status": "pending", "limit": 50})
		}},
		{"web_dashboard", "web", pages, func(i uint64, t *vegeta.Target) {
			u := user(i)
			t.Method, t.URL = http.MethodGet, web+"/"
			t.Header = http.Header{"Cookie": {"todo_session=" + u.Token}}
		}},
		{"web_list", "web", pages, func(i uint64, t *vegeta.Target) {
			u := user(i)
			t.Method, t.URL = http.MethodGet, web+"/tasks?status=pending&sort=due"
			t.Header = http.Header{"Cookie": {"todo_session=" + u.Token}}
		}},
		{"chatbot_message", "chatbot", pages, func(i uint64, t *vegeta.Target) {
			s := sessions[i%uint64(len(sessions))]
			t.Method, t.URL = http.MethodPost, chat+"/chat/stream"
			t.Body = []byte(url.Values{"message": {"what's due this week?"}}.Encode())
			t.Header = http.Header{"Cookie": {s.cookie}, "X-CSRF-Token": {s.csrf}, "Content-Type": {"application/x-www-form-urlencoded"}}
		}},
	}
}

// attack runs a scenario at a fixed concurrency (closed loop: each of c
// workers sends the next request when the last answered) for d.
func attack(sc scenario, c int, d time.Duration) (*ScenarioResult, error) {
	var i atomic.Uint64
	targeter := func(t *vegeta.Target) error {
		sc.next(i.Add(1)-1, t)
		return nil
	}
	// A client per run, closed afterwards: each run's connections end with
	// it, as separate clients' would, instead of idling on the server.
	tr := &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c, IdleConnTimeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	atk := vegeta.NewAttacker(vegeta.Workers(uint64(c)), vegeta.MaxWorkers(uint64(c)),
		vegeta.Client(&http.Client{Transport: tr, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}))
	var m vegeta.Metrics
	var lat []float64
	for r := range atk.Attack(targeter, vegeta.Rate{Freq: 0}, d, sc.name) {
		m.Add(r)
		lat = append(lat, float64(r.Latency.Microseconds())/1000)
	}
	m.Close()
	sort.Float64s(lat)
	errs := 0
	for code, n := range m.StatusCodes {
		if code == "0" || code[0] != '2' {
			errs += n
		}
	}
	r := &ScenarioResult{Name: sc.name, App: sc.app, Concurrency: c, Requests: int(m.Requests), Errors: errs,
		RPS: round(float64(m.Requests-uint64(errs)) / m.Duration.Seconds()), P50: round(pct(lat, 0.50)), P99: round(pct(lat, 0.99))}
	if len(m.Errors) > 0 && errs > 0 {
		r.FirstError = m.Errors[0]
	}
	return r, nil
}

func pct(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(float64(len(sorted)-1)*p)]
}
