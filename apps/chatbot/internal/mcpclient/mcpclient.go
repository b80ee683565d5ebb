// Package mcpclient is the chatbot's way to act: an MCP client session with
// the backend's /mcp endpoint, authenticated as the signed-in user.
package mcpclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Result is a tool call's outcome (the shared contract's).
type Result = todomcp.Result

// Tools lists and calls the backend's tools for one user; todomcp.Call
// calls them with the contract's typed arguments.
type Tools interface {
	List(ctx context.Context) ([]*mcp.Tool, error)
	todomcp.Caller
}

// Dialer gives each message its tools over one MCP session per process.
// The backend's MCP server is stateless and every request carries its own
// bearer token (from the call's context), so one initialize serves every
// user: a message costs one request per tool call instead of three more
// to open and close a session of its own (make bench chatbot_message).
type Dialer struct {
	endpoint string
	http     *http.Client

	mu    sync.Mutex
	cs    *mcp.ClientSession
	tools []*mcp.Tool
}

// NewDialer targets backendURL + /mcp.
func NewDialer(backendURL string, timeout time.Duration) *Dialer {
	hc := &http.Client{Timeout: timeout, Transport: bearer{next: http.DefaultTransport}}
	return &Dialer{endpoint: strings.TrimRight(backendURL, "/") + "/mcp", http: hc}
}

type tokenKey struct{}

// bearer sends the token of the request's context: each call's own user.
type bearer struct{ next http.RoundTripper }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	if token, _ := r.Context().Value(tokenKey{}).(string); token != "" {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return b.next.RoundTrip(r)
}

// Session is the tools acting as one user.
type Session struct {
	d     *Dialer
	token string
}

// Dial returns the tools as the holder of token, opening the process's
// session first if there is none (with this token: the server checks
// every request's).
func (d *Dialer) Dial(ctx context.Context, token string) (*Session, error) {
	if _, err := d.session(context.WithValue(ctx, tokenKey{}, token)); err != nil {
		return nil, err
	}
	return &Session{d: d, token: token}, nil
}

func (d *Dialer) session(ctx context.Context) (*mcp.ClientSession, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cs != nil {
		return d.cs, nil
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "todo-chatbot", Version: "1.0.0"}, nil)
	cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: d.endpoint, HTTPClient: d.http, DisableStandaloneSSE: true, MaxRetries: -1}, nil)
	if err != nil {
		return nil, fmt.Errorf("connecting to the task tools at %s: %w", d.endpoint, err)
	}
	d.cs = cs
	return cs, nil
}

// drop forgets a session that failed, so that the next message opens a
// new one.
func (d *Dialer) drop(cs *mcp.ClientSession) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cs == cs {
		_ = cs.Close()
		d.cs, d.tools = nil, nil
	}
}

// Close closes the process's session.
func (d *Dialer) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cs == nil {
		return nil
	}
	err := d.cs.Close()
	d.cs, d.tools = nil, nil
	return err
}

// Close ends the message's use of the tools (the session stays open).
func (s *Session) Close() error { return nil }

func (s *Session) ctx(ctx context.Context) context.Context {
	return context.WithValue(ctx, tokenKey{}, s.token)
}

// List returns the server's tools (the same for everyone: kept for the
// session).
func (s *Session) List(ctx context.Context) ([]*mcp.Tool, error) {
	s.d.mu.Lock()
	tools := s.d.tools
	s.d.mu.Unlock()
	if tools != nil {
		return tools, nil
	}
	cs, err := s.d.session(s.ctx(ctx))
	if err != nil {
		return nil, err
	}
	res, err := cs.ListTools(s.ctx(ctx), nil)
	if err != nil {
		s.d.drop(cs)
		return nil, fmt.Errorf("listing tools: %w", err)
	}
	s.d.mu.Lock()
	if s.d.cs == cs {
		s.d.tools = res.Tools
	}
	s.d.mu.Unlock()
	return res.Tools, nil
}

// Call runs a tool. Tool failures come back as a Result with IsError;
// the error is for transport and protocol failures.
func (s *Session) Call(ctx context.Context, name string, args map[string]any) (Result, error) {
	cs, err := s.d.session(s.ctx(ctx))
	if err != nil {
		return Result{}, err
	}
	res, err := cs.CallTool(s.ctx(ctx), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		if ctx.Err() == nil {
			s.d.drop(cs)
		}
		return Result{}, fmt.Errorf("calling %s: %w", name, err)
	}
	return ResultOf(res), nil
}

// ResultOf is a tool's result as the engines read it: the failure flag,
// the text content joined by lines, the structured content as JSON.
func ResultOf(res *mcp.CallToolResult) Result {
	out := Result{IsError: res.IsError}
	var texts []string
	for _, c := range res.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			texts = append(texts, t.Text)
		}
	}
	out.Text = strings.Join(texts, "\n")
	if res.StructuredContent != nil {
		if b, err := json.Marshal(res.StructuredContent); err == nil {
			out.Structured = b
		}
	}
	return out
}
