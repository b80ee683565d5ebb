// Package mcpclient is the chatbot's way to act: an MCP client session with
// the backend's /mcp endpoint, authenticated as the signed-in user.
package mcpclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
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

// Dialer opens sessions with the backend's MCP server.
type Dialer struct {
	endpoint string
	http     *http.Client
}

// NewDialer targets backendURL + /mcp.
func NewDialer(backendURL string, timeout time.Duration) *Dialer {
	return &Dialer{endpoint: strings.TrimRight(backendURL, "/") + "/mcp", http: &http.Client{Timeout: timeout}}
}

type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

// Session is an open MCP session acting as one user.
type Session struct {
	cs    *mcp.ClientSession
	tools []*mcp.Tool
}

// Dial connects as the holder of token. Close the session when done.
func (d *Dialer) Dial(ctx context.Context, token string) (*Session, error) {
	hc := *d.http
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = bearer{token: token, next: base}
	client := mcp.NewClient(&mcp.Implementation{Name: "todo-chatbot", Version: "1.0.0"}, nil)
	cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: d.endpoint, HTTPClient: &hc, DisableStandaloneSSE: true, MaxRetries: -1}, nil)
	if err != nil {
		return nil, fmt.Errorf("connecting to the task tools at %s: %w", d.endpoint, err)
	}
	return &Session{cs: cs}, nil
}

// Close ends the session.
func (s *Session) Close() error { return s.cs.Close() }

// List returns the server's tools (cached for the session).
func (s *Session) List(ctx context.Context) ([]*mcp.Tool, error) {
	if s.tools != nil {
		return s.tools, nil
	}
	res, err := s.cs.ListTools(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("listing tools: %w", err)
	}
	s.tools = res.Tools
	return s.tools, nil
}

// Call runs a tool. Tool failures come back as a Result with IsError;
// the error is for transport and protocol failures.
func (s *Session) Call(ctx context.Context, name string, args map[string]any) (Result, error) {
	res, err := s.cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		return Result{}, fmt.Errorf("calling %s: %w", name, err)
	}
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
	return out, nil
}
