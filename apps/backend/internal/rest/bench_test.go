package rest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/todo-app/todo-app/apps/backend/internal/accounts"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
)

// benchUser is a backend with one person who has 100 open tasks with two
// tags each, as the load test's users.
func benchUser(b *testing.B) (*testenv.Backend, api.AuthResponse) {
	be := testenv.Start(b, pg)
	c, res := be.SignUp(b, "bench@example.com")
	ctx := context.Background()
	for i := range 100 {
		due := fmt.Sprintf("2030-01-%02dT15:00:00Z", i%28+1)
		if _, err := c.CreateTask(ctx, api.TaskInput{Title: fmt.Sprintf("Task %d", i), DueAt: &due, Priority: "high", Tags: []string{"work", "bench"}}); err != nil {
			b.Fatal(err)
		}
	}
	return be, res
}

// BenchmarkListTasks is the list_tasks scenario of `make bench` in one
// process (a page of 50 pending tasks with tags, sorted by due date), for
// CPU and allocation profiles of the whole request path:
//
//	go test -run '^$' -bench ListTasks -cpuprofile cpu.prof ./apps/backend/internal/rest/
func BenchmarkListTasks(b *testing.B) {
	be, res := benchUser(b)
	url := be.URL + "/api/" + res.User.ID + "/tasks?status=pending&sort=due&limit=50"
	auth := "Bearer " + res.Token
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(p *testing.PB) {
		for p.Next() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("Authorization", auth)
			r, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, r.Body)
			r.Body.Close()
			if r.StatusCode != http.StatusOK {
				b.Errorf("status %d", r.StatusCode)
				return
			}
		}
	})
}

// BenchmarkMCPListTasks is the mcp_list_tasks scenario of `make bench` in
// one process: a stateless tools/call of list_tasks (50 pending tasks),
// for profiles of the MCP path next to BenchmarkListTasks:
//
//	go test -run '^$' -bench MCPListTasks -cpuprofile cpu.prof ./apps/backend/internal/rest/
func BenchmarkMCPListTasks(b *testing.B) {
	be, res := benchUser(b)
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks","arguments":{"status":"pending","limit":50}}}`
	auth := "Bearer " + res.Token
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(p *testing.PB) {
		for p.Next() {
			req, _ := http.NewRequest(http.MethodPost, be.URL+"/mcp", strings.NewReader(body))
			req.Header.Set("Authorization", auth)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
			r, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			out, _ := io.ReadAll(r.Body)
			r.Body.Close()
			if r.StatusCode != http.StatusOK || !strings.Contains(string(out), `"Task `) {
				b.Errorf("status %d: %.200s", r.StatusCode, out)
				return
			}
		}
	})
}

// BenchmarkAuthenticate is what every request pays to know who sent it
// since sessions can be revoked: the JWT check plus one primary-key
// lookup of the session, or one unique-index lookup of an API token's
// hash (docs/benchmarks.md).
func BenchmarkAuthenticate(b *testing.B) {
	be := testenv.Start(b, pg)
	c, res := be.SignUp(b, "bench@example.com")
	tok, err := c.CreateAPIToken(context.Background(), api.APITokenInput{Name: "bench", Scope: api.ScopeRead})
	if err != nil {
		b.Fatal(err)
	}
	acc, err := accounts.NewService(be.App.Store, be.App.Tokens, 4)
	if err != nil {
		b.Fatal(err)
	}
	for name, bearer := range map[string]string{"session": res.Token, "api_token": tok.Token} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(p *testing.PB) {
				for p.Next() {
					if _, err := acc.Authenticate(context.Background(), bearer); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
