package assistanttest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

func modelCases() []decisionCase {
	return []decisionCase{
		{"ModelMultiStepPlan", modelMultiStepPlan},
		{"ModelMalformedToolCallAndToolError", modelMalformedToolCallAndToolError},
		{"ModelTimeoutGivesASensibleAnswer", modelTimeoutGivesASensibleAnswer},
		{"ModelFailsPartWayAndSaysWhatItDid", modelFailsPartWayAndSaysWhatItDid},
		{"ModelStepBudget", modelStepBudget},
		{"ModelStreamsTheAnswerAsItIsWritten", modelStreamsTheAnswerAsItIsWritten},
		{"ModelBulkChangesNeedAConfirmation", modelBulkChangesNeedAConfirmation},
	}
}

// fakeModel is an OpenAI-compatible chat-completions server that plays a
// script: each request gets the next scripted answer, and every request
// is kept for the test to inspect.
type fakeModel struct {
	mu       sync.Mutex
	script   []func(req map[string]any) any
	requests []map[string]any
	delay    time.Duration
	// afterFirstWord, when set, runs after the first piece of a streamed
	// answer has been sent and before the rest is.
	afterFirstWord func()
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
	res := f.script[n-1](req).(map[string]any)
	if req["stream"] != true {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(res)
		return
	}
	// As the API streams: the role, the content a word at a time, each
	// tool call whole, then the finish reason and [DONE].
	w.Header().Set("Content-Type", "text/event-stream")
	choice := res["choices"].([]any)[0].(map[string]any)
	msg := choice["message"].(map[string]any)
	send := func(delta map[string]any, finish any) {
		b, _ := json.Marshal(map[string]any{"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "test-model",
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}})
		fmt.Fprintf(w, "data: %s\n\n", b)
		w.(http.Flusher).Flush()
	}
	send(map[string]any{"role": "assistant"}, nil)
	if text, _ := msg["content"].(string); text != "" {
		words := strings.SplitAfter(text, " ")
		for i, word := range words {
			send(map[string]any{"content": word}, nil)
			if i == 0 && f.afterFirstWord != nil {
				f.afterFirstWord()
			}
		}
	}
	if calls, _ := msg["tool_calls"].([]map[string]any); calls != nil {
		for i, c := range calls {
			c["index"] = i
			send(map[string]any{"tool_calls": []any{c}}, nil)
		}
	}
	send(map[string]any{}, choice["finish_reason"])
	fmt.Fprint(w, "data: [DONE]\n\n")
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

func modelMultiStepPlan(t *testing.T, e *env) {
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
	assert.Equal(t, time.Date(2030, 6, 6, 7, 0, 0, 0, time.UTC), e.due(t, milk).UTC())
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
	assert.ElementsMatch(t, []string{"add_task", "list_tasks", "complete_task", "delete_task", "restore_task", "update_task", "list_tags", "list_projects", "add_project", "move_task"}, names, "tools come from tools/list")
	sys := first["messages"].([]any)[0].(map[string]any)["content"].(string)
	assert.Contains(t, sys, "2030-06-05T10:00:00+02:00")
	assert.Contains(t, sys, "Europe/Paris")
	assert.Len(t, first["messages"].([]any), 4, "system, history (2), the new message")
	assert.Contains(t, lastToolMessage(f.requests[1]), `"tasks"`, "list result went back to the model")
}

func modelMalformedToolCallAndToolError(t *testing.T, e *env) {
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
	assert.Empty(t, e.tasks(t, "all"), "the malformed call wrote nothing")
}

func modelTimeoutGivesASensibleAnswer(t *testing.T, e *env) {
	f := &fakeModel{delay: 2 * time.Second, script: []func(map[string]any) any{answer("too late")}}
	m := newModel(t, f, 200*time.Millisecond)
	start := time.Now()
	reply, events := e.say(t, m, "add buy milk", nil)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Contains(t, reply.Text, "the AI model isn't answering right now")
	require.NotEmpty(t, events)
	assert.Equal(t, "text", events[len(events)-1].Type)
}

func modelFailsPartWayAndSaysWhatItDid(t *testing.T, e *env) {
	f := &fakeModel{script: []func(map[string]any) any{
		toolCalls([2]string{"add_task", `{"title":"Water plants"}`}),
		// then the script runs out: the server answers 500
	}}
	m := newModel(t, f, 5*time.Second)
	reply, _ := e.say(t, m, "add water plants", nil)
	assert.Contains(t, reply.Text, "I did this before the AI model stopped answering: Added “Water plants”")
	e.only(t, "Water plants")
}

func modelStepBudget(t *testing.T, e *env) {
	loop := toolCalls([2]string{"list_tasks", `{}`})
	f := &fakeModel{script: []func(map[string]any) any{loop, loop, loop, loop, loop, loop, loop, loop}}
	m := newModel(t, f, 5*time.Second)
	reply, _ := e.say(t, m, "keep looking", nil)
	assert.True(t, strings.Contains(reply.Text, "isn't answering") || strings.Contains(reply.Text, "couldn't finish"), reply.Text)
	assert.Len(t, f.requests, 6, "bounded steps")
}

// The answer reaches the person as the model writes it: the fake model
// sends one word, then waits until the engine has passed that word on
// before it sends the rest. An engine that waited for the whole answer
// would never pass it on, and the wait would end on its timeout.
func modelStreamsTheAnswerAsItIsWritten(t *testing.T, e *env) {
	firstWord := make(chan struct{})
	var streamed atomic.Bool
	f := &fakeModel{script: []func(map[string]any) any{
		toolCalls([2]string{"add_task", `{"title":"Buy milk"}`}),
		answer("Added “Buy milk” to your list."),
	}}
	f.afterFirstWord = func() {
		select {
		case <-firstWord:
			streamed.Store(true)
		case <-time.After(5 * time.Second):
		}
	}
	m := newModel(t, f, 10*time.Second)
	var events []assistant.Event
	reply, err := m.Respond(context.Background(), assistant.Turn{Message: "add buy milk", Now: e.now, Loc: e.loc, Tools: e.tools},
		func(ev assistant.Event) {
			events = append(events, ev)
			if ev.Type == "text" && ev.Text != "" {
				select {
				case <-firstWord:
				default:
					close(firstWord)
				}
			}
		})
	require.NoError(t, err)
	assert.True(t, streamed.Load(), "the first word was passed on before the model sent the rest")
	assert.Equal(t, "Added “Buy milk” to your list.", reply.Text)
	require.GreaterOrEqual(t, len(events), 3)
	assert.Equal(t, "card", events[0].Type, "the tool's card comes first, as the tool runs")
	var text strings.Builder
	pieces := 0
	for _, ev := range events[1:] {
		require.Equal(t, "text", ev.Type)
		text.WriteString(ev.Text)
		pieces++
	}
	assert.Equal(t, reply.Text, text.String())
	assert.Equal(t, 6, pieces, "one event per word the model sent")
	assert.Equal(t, true, f.requests[0]["stream"])
}

// Deleting or completing several tasks needs a yes first, whatever the
// model proposes: the calls are refused, nothing changes, and the model is
// told to ask. After the person says yes to that question, they run.
func modelBulkChangesNeedAConfirmation(t *testing.T, e *env) {
	ctx := context.Background()
	add := func(title string) todomcp.Task {
		out, res, err := todomcp.Call(ctx, e.tools, todomcp.AddTask, todomcp.AddTaskInput{Title: title})
		require.NoError(t, err)
		require.False(t, res.IsError, res.Text)
		return out.Task
	}
	a, b := add("Old receipts"), add("Old newspapers")
	del := func(id int64) [2]string { return [2]string{"delete_task", fmt.Sprintf(`{"task_id":%d}`, id)} }

	f := &fakeModel{script: []func(map[string]any) any{
		toolCalls(del(a.ID), del(b.ID)),
		answer("Shall I delete “Old receipts” and “Old newspapers”?"),
	}}
	reply, _ := e.say(t, newModel(t, f, 5*time.Second), "delete the old stuff", nil)
	assert.Empty(t, reply.Cards, "nothing was deleted")
	assert.Len(t, e.tasks(t, "all"), 2)
	assert.Contains(t, lastToolMessage(f.requests[1]), "refused", "the model was told why")
	sys := f.requests[0]["messages"].([]any)[0].(map[string]any)["content"].(string)
	assert.Contains(t, sys, "Never delete or complete more than one task in one answer without asking first")

	// One at a time across rounds is still many.
	f = &fakeModel{script: []func(map[string]any) any{
		toolCalls(del(a.ID)), toolCalls(del(b.ID)), answer("Should I go on?"),
	}}
	reply, _ = e.say(t, newModel(t, f, 5*time.Second), "delete the old stuff", nil)
	require.Len(t, reply.Cards, 1, "the first delete ran, the second was refused")
	assert.Len(t, e.tasks(t, "all"), 1)
	_, res, err := todomcp.Call(ctx, e.tools, todomcp.RestoreTask, todomcp.RestoreTaskInput{TaskID: a.ID})
	require.NoError(t, err)
	require.False(t, res.IsError, res.Text)

	f = &fakeModel{script: []func(map[string]any) any{
		toolCalls(del(a.ID), del(b.ID)),
		answer("Deleted both."),
	}}
	history := []api.Message{{Role: api.RoleUser, Content: "delete the old stuff"},
		{Role: api.RoleAssistant, Content: "Shall I delete “Old receipts” and “Old newspapers”?"}}
	reply, _ = e.say(t, newModel(t, f, 5*time.Second), "yes", history)
	assert.Len(t, reply.Cards, 2, "confirmed: both deleted")
	assert.Empty(t, e.tasks(t, "all"))
}
