package completions

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serve answers POST /v1/chat/completions with h, after checking what
// every request must carry.
func serve(t *testing.T, h func(w http.ResponseWriter, req Request)) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/v1/chat/completions", r.URL.Path)
		assert.Equal(t, "Bearer k", r.Header.Get("Authorization"))
		var req Request
		require.NoError(t, json.NewDecoder(r.Body).Decode(&req))
		h(w, req)
	}))
	t.Cleanup(srv.Close)
	return New(srv.URL+"/v1", "k", 5*time.Second)
}

func events(w http.ResponseWriter, chunks ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	for _, c := range chunks {
		fmt.Fprintf(w, "data: %s\n\n", c)
		w.(http.Flusher).Flush()
	}
}

// The wire format of the API reference: words stream as they come, tool
// calls arrive in pieces (the id and name first, the arguments split
// anywhere) and are put together by index.
func TestStreamGathersWordsAndToolCalls(t *testing.T) {
	c := serve(t, func(w http.ResponseWriter, req Request) {
		assert.True(t, req.Stream)
		assert.Equal(t, "m", req.Model)
		require.Len(t, req.Tools, 1)
		assert.JSONEq(t, `{"type":"object"}`, string(req.Tools[0].Function.Parameters))
		events(w,
			`{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}`,
			`{"choices":[{"index":0,"delta":{"content":"Let me "}}]}`,
			`{"choices":[{"index":0,"delta":{"content":"look."}}]}`,
			`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"list_tasks","arguments":""}}]}}]}`,
			`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"add_task","arguments":"{\"ti"}}]}}]}`,
			`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"status\":"}}]}}]}`,
			`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"tle\":\"Milk\"}"}}]}}]}`,
			`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"open\"}"}}]}}]}`,
			`{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
			`[DONE]`)
	})
	var words []string
	msg, err := c.Stream(context.Background(), Request{Model: "m", Messages: []Message{Text(RoleUser, "hi")},
		Tools: []Tool{{Type: "function", Function: Function{Name: "list_tasks", Parameters: json.RawMessage(`{"type":"object"}`)}}}},
		func(s string) { words = append(words, s) })
	require.NoError(t, err)
	assert.Equal(t, []string{"Let me ", "look."}, words, "each piece as it came")
	assert.Equal(t, RoleAssistant, msg.Role)
	require.NotNil(t, msg.Content)
	assert.Equal(t, "Let me look.", *msg.Content)
	require.Len(t, msg.ToolCalls, 2)
	assert.Equal(t, ToolCall{ID: "call_a", Type: "function", Function: FunctionCall{Name: "list_tasks", Arguments: `{"status":"open"}`}}, msg.ToolCalls[0])
	assert.Equal(t, ToolCall{ID: "call_b", Type: "function", Function: FunctionCall{Name: "add_task", Arguments: `{"title":"Milk"}`}}, msg.ToolCalls[1])

	// Sent back as the API expects: the calls, and content null.
	msg.Content = nil
	b, err := json.Marshal(msg)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"content":null`)
	assert.Contains(t, string(b), `"tool_calls":[{"id":"call_a"`)
	b, err = json.Marshal(ToolResult("call_a", "[]"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"role":"tool","content":"[]","tool_call_id":"call_a"}`, string(b))
}

// A refusal is an error with the API's own words; 429 and 5xx are tried
// once more, 4xx not.
func TestErrorsAndRetries(t *testing.T) {
	var calls atomic.Int32
	c := serve(t, func(w http.ResponseWriter, req Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"error":{"message":"Rate limit reached","type":"requests"}}`)
			return
		}
		events(w, `{"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}`, `[DONE]`)
	})
	msg, err := c.Stream(context.Background(), Request{Model: "m"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "ok", *msg.Content)
	assert.EqualValues(t, 2, calls.Load(), "429 tried again")

	calls.Store(0)
	c = serve(t, func(w http.ResponseWriter, req Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)
	})
	_, err = c.Stream(context.Background(), Request{Model: "m"}, nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusUnauthorized, e.Status)
	assert.Equal(t, "the model answered 401: Incorrect API key provided", err.Error())
	assert.EqualValues(t, 1, calls.Load(), "a refusal is not tried again")
}

// An answer cut before its end, or an error inside the stream, is an
// error: never half a message taken for a whole one.
func TestCutOrFailedStreamIsAnError(t *testing.T) {
	c := serve(t, func(w http.ResponseWriter, req Request) {
		events(w, `{"choices":[{"index":0,"delta":{"content":"Delete all"}}]}`)
	})
	_, err := c.Stream(context.Background(), Request{Model: "m"}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ended before the answer did")

	c = serve(t, func(w http.ResponseWriter, req Request) {
		events(w, `{"error":{"message":"The server had an error while processing your request."}}`)
	})
	_, err = c.Stream(context.Background(), Request{Model: "m"}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "The server had an error")

	c = serve(t, func(w http.ResponseWriter, req Request) {
		events(w, `{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`, `[DONE]`)
	})
	_, err = c.Stream(context.Background(), Request{Model: "m"}, nil)
	require.Error(t, err, "a tool call with no name")
}

// The timeout bounds the whole answer, stream included.
func TestTimeoutCoversTheStream(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		events(w, `{"choices":[{"index":0,"delta":{"content":"slow"}}]}`)
		<-r.Context().Done()
	}))
	defer srv.Close()
	c := New(srv.URL, "k", 300*time.Millisecond)
	start := time.Now()
	_, err := c.Stream(context.Background(), Request{Model: "m"}, nil)
	require.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.True(t, strings.Contains(err.Error(), "deadline") || strings.Contains(err.Error(), "ended before"), err.Error())
}
