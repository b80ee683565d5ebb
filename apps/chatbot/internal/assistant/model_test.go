package assistant_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/pkg/api"
)

// fakeModel is an OpenAI-compatible chat-completions server that plays a
// script: each request gets the next scripted answer, and every request
// is kept for the test to inspect.
type fakeModel struct {
	mu       sync.Mutex
	script   []func(req map[string]any) any
	requests []map[string]any
	delay    time.Duration
}

func (f *fakeModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer test-key" {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	var req map[string]any
	_ = json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	f.requests = append(f.requests, req)
	n := len(f.requests)
	f.mu.Unlock()
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-r.Context().Done():
			return
		}
	}
	if n > len(f.script) {
		http.Error(w, `{"error":{"message":"script exhausted"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(f.script[n-1](req))
}

func toolCalls(calls ...[2]string) func(map[string]any) any {
	return func(map[string]any) any {
		var tc []map[string]any
		for i, c := range calls {
			tc = append(tc, map[string]any{"id": fmt.Sprintf("call_%d", i), "type": "function",
				"function": map[string]any{"name": c[0], "arguments": c[1]}})
		}
		return completion(map[string]any{"role": "assistant", "content": nil, "tool_calls": tc}, "tool_calls")
	}
}

func answer(text string) func(map[string]any) any {
	return func(map[string]any) any {
		return completion(map[string]any{"role": "assistant", "content": text}, "stop")
	}
}

func completion(msg map[string]any, finish string) map[string]any {
	return map[string]any{"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "test-model",
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish}}}
}

func newModel(t *testing.T, f *fakeModel, timeout time.Duration) *assistant.Model {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return assistant.NewModel(assistant.ModelOptions{APIKey: "test-key", BaseURL: srv.URL + "/v1", Model: "test-model",
		WebURL: "http://web.example", Timeout: timeout})
}

// lastToolMessage is the content of the last "tool" message the model was sent.
func lastToolMessage(req map[string]any) string {
	msgs, _ := req["messages"].([]any)
	for i := len(msgs) - 1; i >= 0; i-- {
		m, _ := msgs[i].(map[string]any)
		if m["role"] == "tool" {
			s, _ := m["content"].(string)
			return s
		}
	}
	return ""
}

func TestModelMultiStepPlan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := &fakeModel{script: []func(map[string]any) any{
		toolCalls([2]string{"list_tasks", `{"query":"milk"}`}),
		toolCalls([2]string{"add_task", `{"title":"Buy milk","due":"2030-06-06T09:00:00+02:00","priority":"high","tags":["shopping"]}`},
			[2]string{"add_task", `{"title":"Buy eggs"}`}),
		answer("Added Buy milk for tomorrow morning and Buy eggs."),
	}}
	m := newModel(t, f, 5*time.Second)
	reply, events := e.say(t, m, "I need milk tomorrow morning, and eggs", []api.Message{{Role: api.RoleUser, Content: "hi"}, {Role: api.RoleAssistant, Content: "Hello!"}})
	assert.Equal(t, "Added Buy milk for tomorrow morning and Buy eggs.", reply.Text)
	require.Len(t, reply.Cards, 2)
	assert.Equal(t, "Added", reply.Cards[0].Action)
	assert.Equal(t, "Buy milk", reply.Cards[0].Title)
	assert.Equal(t, "due tomorrow at 09:00, high priority, #shopping", reply.Cards[0].Detail)
	assert.Equal(t, "card", events[0].Type)

	milk := e.only(t, "Buy milk")
	assert.Equal(t, "high", milk.Priority)
	assert.Equal(t, time.Date(2030, 6, 6, 7, 0, 0, 0, time.UTC), milk.DueAt.UTC())
	e.only(t, "Buy eggs")

	require.Len(t, f.requests, 3)
	first := f.requests[0]
	assert.Equal(t, "test-model", first["model"])
	tools, _ := first["tools"].([]any)
	var names []string
	for _, tl := range tools {
		fn := tl.(map[string]any)["function"].(map[string]any)
		names = append(names, fn["name"].(string))
		props := fn["parameters"].(map[string]any)["properties"].(map[string]any)
		assert.NotContains(t, props, "user_id", "the token decides the user, not the model")
	}
	assert.ElementsMatch(t, []string{"add_task", "list_tasks", "complete_task", "delete_task", "restore_task", "update_task", "list_tags"}, names, "tools come from tools/list")
	sys := first["messages"].([]any)[0].(map[string]any)["content"].(string)
	assert.Contains(t, sys, "2030-06-05T10:00:00+02:00")
	assert.Contains(t, sys, "Europe/Paris")
	assert.Len(t, first["messages"].([]any), 4, "system, history (2), the new message")
	assert.Contains(t, lastToolMessage(f.requests[1]), `"tasks"`, "list result went back to the model")
}

func TestModelMalformedToolCallAndToolError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := &fakeModel{script: []func(map[string]any) any{
		toolCalls([2]string{"add_task", `{"title": "Broken`}),
		toolCalls([2]string{"complete_task", `{"task_id": 424242}`}),
		answer("I couldn't find that task."),
	}}
	m := newModel(t, f, 5*time.Second)
	reply, _ := e.say(t, m, "add something and finish task 424242", nil)
	assert.Equal(t, "I couldn't find that task.", reply.Text)
	assert.Empty(t, reply.Cards)
	require.Len(t, f.requests, 3)
	assert.Contains(t, lastToolMessage(f.requests[1]), "not valid JSON")
	assert.Contains(t, lastToolMessage(f.requests[2]), "task 424242 not found")
	assert.Empty(t, e.tasks(t, api.TaskQuery{Status: "all"}), "the malformed call wrote nothing")
}

func TestModelTimeoutGivesASensibleAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := &fakeModel{delay: 2 * time.Second, script: []func(map[string]any) any{answer("too late")}}
	m := newModel(t, f, 200*time.Millisecond)
	start := time.Now()
	reply, events := e.say(t, m, "add buy milk", nil)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Contains(t, reply.Text, "the AI model isn't answering right now")
	require.NotEmpty(t, events)
	assert.Equal(t, "text", events[len(events)-1].Type)
}

func TestModelFailsPartWayAndSaysWhatItDid(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := &fakeModel{script: []func(map[string]any) any{
		toolCalls([2]string{"add_task", `{"title":"Water plants"}`}),
		// then the script runs out: the server answers 500
	}}
	m := newModel(t, f, 5*time.Second)
	reply, _ := e.say(t, m, "add water plants", nil)
	assert.Contains(t, reply.Text, "I did this before the AI model stopped answering: Added “Water plants”")
	e.only(t, "Water plants")
}

func TestModelStepBudget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	loop := toolCalls([2]string{"list_tasks", `{}`})
	f := &fakeModel{script: []func(map[string]any) any{loop, loop, loop, loop, loop, loop, loop, loop}}
	m := newModel(t, f, 5*time.Second)
	reply, _ := e.say(t, m, "keep looking", nil)
	assert.True(t, strings.Contains(reply.Text, "isn't answering") || strings.Contains(reply.Text, "couldn't finish"), reply.Text)
	assert.Len(t, f.requests, 6, "bounded steps")
}
