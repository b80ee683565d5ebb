// Package completions is a client for the one endpoint the model engine
// calls: an OpenAI-compatible POST /chat/completions with tools, streamed.
// The official SDK covers the whole OpenAI API and was three quarters of
// the chatbot's binary (docs/decisions.md); this covers the wire format
// of that endpoint as the API reference describes it, and nothing else.
package completions

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// DefaultBaseURL is OpenAI's own API.
const DefaultBaseURL = "https://api.openai.com/v1"

// Roles of a message.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
	RoleTool      = "tool"
)

// Message is one message of the conversation sent to the model, or the
// model's answer.
type Message struct {
	Role string `json:"role"`
	// Content is the words; an assistant message that only calls tools
	// has none (sent as null).
	Content    *string    `json:"content"`
	ToolCalls  []ToolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
}

// Text is a message of role with words s.
func Text(role, s string) Message { return Message{Role: role, Content: &s} }

// ToolResult is the answer to the tool call id.
func ToolResult(id, s string) Message { return Message{Role: RoleTool, Content: &s, ToolCallID: id} }

// ToolCall is a function the model asks to run.
type ToolCall struct {
	ID       string       `json:"id"`
	Type     string       `json:"type"` // "function"
	Function FunctionCall `json:"function"`
}

// FunctionCall names the function and carries its JSON arguments.
type FunctionCall struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// Tool offers a function to the model.
type Tool struct {
	Type     string   `json:"type"` // "function"
	Function Function `json:"function"`
}

// Function describes a tool: its name, what it does, and its JSON Schema.
type Function struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
}

// Request is the body of POST /chat/completions.
type Request struct {
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
	Tools    []Tool    `json:"tools,omitempty"`
	Stream   bool      `json:"stream"`
}

// chunk is one server-sent event of a streamed answer.
type chunk struct {
	Choices []struct {
		Index        int    `json:"index"`
		FinishReason string `json:"finish_reason"`
		Delta        struct {
			Content   string `json:"content"`
			ToolCalls []struct {
				Index    int    `json:"index"`
				ID       string `json:"id"`
				Type     string `json:"type"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"delta"`
	} `json:"choices"`
	Error *apiError `json:"error"`
}

type apiError struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Code    any    `json:"code"`
}

// Error is an answer of the API that is not a completion.
type Error struct {
	Status  int // HTTP status; 0 for an error inside the stream
	Message string
}

func (e *Error) Error() string {
	if e.Status == 0 {
		return "the model's stream failed: " + e.Message
	}
	return fmt.Sprintf("the model answered %d: %s", e.Status, e.Message)
}

// Client calls one OpenAI-compatible API.
type Client struct {
	base, key string
	http      *http.Client
	timeout   time.Duration
	// retries is how many times a request that failed before any answer
	// (no connection, 429, 5xx) is sent again.
	retries int
}

// New returns a client for the API at baseURL ("" for OpenAI's) with the
// key; timeout bounds each request, the streamed answer included.
func New(baseURL, apiKey string, timeout time.Duration) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), key: apiKey, http: &http.Client{}, timeout: timeout, retries: 1}
}

// Stream sends req as a streamed completion, calls onText with each
// piece of the answer's words as it arrives, and returns the whole
// message, its tool calls gathered from their pieces.
func (c *Client) Stream(ctx context.Context, req Request, onText func(string)) (Message, error) {
	req.Stream = true
	body, err := json.Marshal(req)
	if err != nil {
		return Message{}, fmt.Errorf("encoding the completion request: %w", err)
	}
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	var resp *http.Response
	for attempt := 0; ; attempt++ {
		resp, err = c.post(ctx, body)
		if err == nil && resp.StatusCode < 300 {
			break
		}
		if err == nil {
			err = readError(resp)
		}
		if attempt >= c.retries || !retryable(ctx, err) {
			return Message{}, err
		}
		select {
		case <-ctx.Done():
			return Message{}, err
		case <-time.After(time.Duration(attempt+1) * 500 * time.Millisecond):
		}
	}
	defer resp.Body.Close()
	return readStream(resp.Body, onText)
}

func (c *Client) post(ctx context.Context, body []byte) (*http.Response, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("building the completion request: %w", err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "text/event-stream")
	if c.key != "" {
		r.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.http.Do(r)
	if err != nil {
		return nil, fmt.Errorf("asking the model: %w", err)
	}
	return resp, nil
}

// retryable: no answer at all, or one that says "later".
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Status == http.StatusTooManyRequests || e.Status >= 500
	}
	return true
}

// readError turns a refused request into an *Error with the API's words.
func readError(resp *http.Response) error {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var body struct {
		Error *apiError `json:"error"`
	}
	msg := strings.TrimSpace(string(b))
	if json.Unmarshal(b, &body) == nil && body.Error != nil && body.Error.Message != "" {
		msg = body.Error.Message
	}
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	return &Error{Status: resp.StatusCode, Message: msg}
}

// readStream gathers the events of a streamed answer (lines "data: {…}",
// ending with "data: [DONE]") into the first choice's message.
func readStream(r io.Reader, onText func(string)) (Message, error) {
	var text strings.Builder
	calls := map[int]*ToolCall{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	// done: the API's end mark, or a finish reason (some compatible
	// servers end without the mark); an answer cut before either is an
	// error, not half a message.
	done := false
	for sc.Scan() {
		line := sc.Text()
		data, ok := strings.CutPrefix(line, "data:")
		if !ok {
			continue // comments, event names, blank lines
		}
		data = strings.TrimSpace(data)
		if data == "[DONE]" {
			done = true
			break
		}
		var ch chunk
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			return Message{}, fmt.Errorf("reading the model's stream: %w", err)
		}
		if ch.Error != nil {
			return Message{}, &Error{Message: ch.Error.Message}
		}
		for _, choice := range ch.Choices {
			if choice.Index != 0 {
				continue
			}
			if choice.FinishReason != "" {
				done = true
			}
			if s := choice.Delta.Content; s != "" {
				text.WriteString(s)
				if onText != nil {
					onText(s)
				}
			}
			for _, d := range choice.Delta.ToolCalls {
				tc := calls[d.Index]
				if tc == nil {
					tc = &ToolCall{Type: "function"}
					calls[d.Index] = tc
				}
				if d.ID != "" {
					tc.ID = d.ID
				}
				if d.Type != "" {
					tc.Type = d.Type
				}
				tc.Function.Name += d.Function.Name
				tc.Function.Arguments += d.Function.Arguments
			}
		}
	}
	if err := sc.Err(); err != nil {
		return Message{}, fmt.Errorf("reading the model's stream: %w", err)
	}
	if !done {
		return Message{}, errors.New("the model's stream ended before the answer did")
	}
	msg := Message{Role: RoleAssistant}
	if text.Len() > 0 || len(calls) == 0 {
		s := text.String()
		msg.Content = &s
	}
	idx := make([]int, 0, len(calls))
	for i := range calls {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		tc := calls[i]
		if tc.ID == "" || tc.Function.Name == "" {
			return Message{}, errors.New("the model's stream was inconsistent: a tool call without id or name")
		}
		msg.ToolCalls = append(msg.ToolCalls, *tc)
	}
	return msg, nil
}
