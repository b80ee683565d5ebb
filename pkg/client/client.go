// Package client is the typed Go client for the backend's REST API, used
// by the web app, the chatbot and the tests so that no one writes raw
// HTTP calls against the backend.
package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/auth"
)

// ErrUnreachable is wrapped by every error of a call that got no answer
// from the backend (it is down, restarting, or the network failed): the
// frontends show their "try again" page for it.
var ErrUnreachable = errors.New("backend unreachable")

// A call whose connection could not even be opened is tried again, at
// most dialRetries times, after dialRetryWait, 3×dialRetryWait…: nothing
// reached the backend, so any method is safe to send again, and the next
// attempt usually reaches another pod (one that just went away, or a new
// one whose network policy is still being put in place).
const (
	dialRetries   = 2
	dialRetryWait = 100 * time.Millisecond
)

type forwardedKey struct{}

// ForwardedFor marks calls made with ctx as on behalf of a browser at ip,
// so the backend's per-address limits count the person, not the frontend.
// The address is sent signed (auth.ClientHeader) by a client made with
// SignClientAddresses; the backend believes nothing else.
func ForwardedFor(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, forwardedKey{}, ip)
}

// Client talks to one backend. A Client with a session acts as that user.
type Client struct {
	base    string
	http    *http.Client
	token   string
	userID  string
	clients *auth.ClientAddresses
}

// New returns a client for the backend at baseURL (e.g. http://todo-app-backend:8000).
func New(baseURL string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 15 * time.Second}
	}
	return &Client{base: baseURL, http: httpClient}
}

// SignClientAddresses returns a copy that sends ForwardedFor addresses
// signed with the key both sides derive from the shared secret.
func (c *Client) SignClientAddresses(a *auth.ClientAddresses) *Client {
	cp := *c
	cp.clients = a
	return &cp
}

// WithSession returns a copy that authenticates as userID with token.
func (c *Client) WithSession(token, userID string) *Client {
	cp := *c
	cp.token, cp.userID = token, userID
	return &cp
}

// WithAuth is WithSession from a sign-in or sign-up response.
func (c *Client) WithAuth(a api.AuthResponse) *Client { return c.WithSession(a.Token, a.User.ID) }

func (c *Client) userPath(format string, args ...any) string {
	return "/api/" + url.PathEscape(c.userID) + fmt.Sprintf(format, args...)
}

// do sends a JSON request and decodes a JSON response into out (if non-nil).
// Non-2xx answers become *apierror.Error with the backend's code and message;
// no answer at all wraps ErrUnreachable.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var payload []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
		payload = b
	}
	var key string
	if method != http.MethodGet && c.userID != "" && strings.HasPrefix(path, c.userPath("/")) {
		// A change to the user's data carries a key of its own, so that
		// the backend makes it once however often it is sent: with it,
		// http.Transport sends the request again on a fresh connection
		// when a reused one was closed under it (a backend pod shutting
		// down), which it never does for a POST without one.
		key = rand.Text()
	}
	resp, err := c.send(ctx, method, u, payload, key)
	if err != nil {
		return fmt.Errorf("calling backend %s %s: %w: %w", method, path, ErrUnreachable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return errorFrom(resp)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decoding %s %s response: %w", method, path, err)
	}
	return nil
}

// send makes the request, again after a short wait when the connection
// could not be opened (see dialRetries).
// idempotencyKey, when not empty, is sent as the Idempotency-Key header.
func (c *Client) send(ctx context.Context, method, u string, payload []byte, idempotencyKey string) (*http.Response, error) {
	wait := dialRetryWait
	for attempt := 0; ; attempt++ {
		req, err := c.request(ctx, method, u, payload)
		if err != nil {
			return nil, err
		}
		if idempotencyKey != "" {
			req.Header.Set(api.IdempotencyKeyHeader, idempotencyKey)
		}
		resp, err := c.http.Do(req)
		var op *net.OpError
		if err == nil || attempt == dialRetries || !errors.As(err, &op) || op.Op != "dial" {
			return resp, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
		wait *= 3
	}
}

// request builds one attempt of a call.
func (c *Client) request(ctx context.Context, method, u string, payload []byte) (*http.Request, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if ip, ok := ctx.Value(forwardedKey{}).(string); ok && ip != "" && c.clients != nil {
		req.Header.Set(auth.ClientHeader, c.clients.Sign(ip, time.Now()))
	}
	return req, nil
}

// Ready reports whether the backend's readiness endpoint answers 200.
func (c *Client) Ready(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, "/ready", nil, nil, nil)
}

// SignUp creates an account and returns its first session.
func (c *Client) SignUp(ctx context.Context, in api.SignUpRequest) (api.AuthResponse, error) {
	var out api.AuthResponse
	return out, c.do(ctx, http.MethodPost, "/api/auth/sign-up", nil, in, &out)
}

// SignIn exchanges credentials for a session.
func (c *Client) SignIn(ctx context.Context, in api.SignInRequest) (api.AuthResponse, error) {
	var out api.AuthResponse
	return out, c.do(ctx, http.MethodPost, "/api/auth/sign-in", nil, in, &out)
}

// Me returns the signed-in user.
func (c *Client) Me(ctx context.Context) (api.User, error) {
	var out api.User
	return out, c.do(ctx, http.MethodGet, "/api/auth/me", nil, nil, &out)
}
