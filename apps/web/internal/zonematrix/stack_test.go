package zonematrix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

var (
	pg      *pgtest.Server
	builder *stacktest.Builder
)

func TestMain(m *testing.M) { stacktest.Main(m, &pg, &builder) }

// stack is the product as it runs: the backend on its own PostgreSQL
// database, the web app and the assistant (its built-in engine: no
// OPENAI_API_KEY), each a process built from this checkout.
type stack struct {
	backend, web, chatbot string
}

// startStack starts the backend alone (withFrontends false) or all three.
func startStack(t *testing.T, withFrontends bool) stack {
	t.Helper()
	// The matrix walks every page of a person's many tasks as fast as it
	// can, from a few goroutines: far past a person's request rate, which
	// is not what it measures (each page now also reads the sidebar's
	// projects).
	be := stacktest.StartBackend(t, builder, pg, map[string]string{"USER_RATE": "100000", "USER_BURST": "100000"})
	s := stack{backend: be.URL}
	if !withFrontends {
		return s
	}
	webBin, err := builder.Build("web")
	if err != nil {
		t.Fatal(err)
	}
	chatBin, err := builder.Build("chatbot")
	if err != nil {
		t.Fatal(err)
	}
	web := stacktest.Start(t, webBin, map[string]string{"BACKEND_URL": be.URL, "BETTER_AUTH_SECRET": stacktest.Secret})
	chat := stacktest.Start(t, chatBin, map[string]string{"BACKEND_URL": be.URL, "BETTER_AUTH_SECRET": stacktest.Secret, "WEB_URL": web.URL})
	s.web, s.chatbot = web.URL, chat.URL
	return s
}

// person is one account, used over REST and MCP with its session token.
// Every read here decodes the bytes on the wire itself (not pkg/client,
// not pkg/api's types): the matrix reads what the apps send.
type person struct {
	t      *testing.T
	s      stack
	email  string
	id     string
	token  string
	client *http.Client
}

const password = "correct horse battery"

// seq names accounts uniquely within the test binary.
var seq atomic.Int64

// newPerson signs up in zone and chooses it in Settings (an explicit
// choice: no browser moves it afterwards), with a default reminder of 15
// minutes — which an all-day task must not get (issue 29).
func newPerson(t *testing.T, s stack, zone string) *person {
	t.Helper()
	p := &person{t: t, s: s, email: fmt.Sprintf("zm%d-%d@example.com", time.Now().UnixNano()%1e9, seq.Add(1)),
		client: &http.Client{Timeout: 60 * time.Second}}
	var res struct {
		Token string `json:"token"`
		User  struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	status, body := p.send(http.MethodPost, "/api/auth/sign-up", map[string]any{"email": p.email, "password": password, "name": "Zoe", "time_zone": zone})
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("sign-up: %d %s", status, body)
	}
	decode(t, body, &res)
	p.id, p.token = res.User.ID, res.Token
	p.setZone(zone)
	status, body = p.send(http.MethodPatch, "/api/auth/me", map[string]any{"default_reminder_minutes": 15})
	if status != http.StatusOK {
		t.Fatalf("default reminder: %d %s", status, body)
	}
	return p
}

// setZone is the person choosing zone in Settings (PATCH /api/auth/me).
func (p *person) setZone(zone string) {
	p.t.Helper()
	status, body := p.send(http.MethodPatch, "/api/auth/me", map[string]any{"time_zone": zone})
	if status != http.StatusOK {
		p.t.Fatalf("PATCH /api/auth/me time_zone %s: %d %s", zone, status, body)
	}
	var u struct {
		TimeZone  string `json:"time_zone"`
		Automatic bool   `json:"time_zone_automatic"`
	}
	decode(p.t, body, &u)
	if u.TimeZone != zone || u.Automatic {
		p.t.Fatalf("PATCH /api/auth/me time_zone %s: the person's zone is %q (automatic %v)", zone, u.TimeZone, u.Automatic)
	}
}

// send makes a JSON request to the backend with the person's token.
func (p *person) send(method, path string, in any) (int, []byte) {
	p.t.Helper()
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			p.t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	return p.raw(method, path, "application/json", body)
}

func (p *person) raw(method, path, contentType string, body io.Reader) (int, []byte) {
	p.t.Helper()
	req, err := http.NewRequest(method, p.s.backend+path, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if p.token != "" {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatalf("%s %s: reading: %v", method, path, err)
	}
	return resp.StatusCode, out
}

// mcp calls one tool over the backend's MCP endpoint (stateless
// Streamable HTTP, JSON answer) and returns its structured content.
func (p *person) mcp(tool string, args map[string]any) json.RawMessage {
	p.t.Helper()
	raw, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": map[string]any{"name": tool, "arguments": args}})
	req, err := http.NewRequest(http.MethodPost, p.s.backend+"/mcp", bytes.NewReader(raw))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := p.client.Do(req)
	if err != nil {
		p.t.Fatalf("MCP %s: %v", tool, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		p.t.Fatalf("MCP %s: %d %s", tool, resp.StatusCode, body)
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		for _, line := range strings.Split(string(body), "\n") {
			if d, ok := strings.CutPrefix(line, "data: "); ok {
				body = []byte(d)
			}
		}
	}
	var env struct {
		Error  *struct{ Message string } `json:"error"`
		Result struct {
			IsError bool `json:"isError"`
			Content []struct {
				Text string `json:"text"`
			} `json:"content"`
			Structured json.RawMessage `json:"structuredContent"`
		} `json:"result"`
	}
	decode(p.t, body, &env)
	if env.Error != nil || env.Result.IsError {
		p.t.Fatalf("MCP %s %v: %s", tool, args, body)
	}
	if env.Result.Structured == nil && len(env.Result.Content) > 0 {
		return json.RawMessage(env.Result.Content[0].Text)
	}
	return env.Result.Structured
}

func decode(t testing.TB, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decoding %s: %v", truncate(string(body), 400), err)
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// browser is a cookie-keeping client of the web app or the assistant
// that does not follow redirects, as the web tests' browserless.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base, zone string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	// The browser's own zone, as session.js sets it.
	u, _ := url.Parse(base)
	jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: url.QueryEscape(zone), Path: "/"}})
	return b
}

// forget drops what the browser heard of the person's zone (the tzperson
// cookie, kept a minute): the next page asks the backend again, as it
// would a minute after the person chose another zone on another device.
func (b *browser) forget() {
	u, _ := url.Parse(b.base)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tzperson", Value: "", Path: "/", MaxAge: -1}})
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// post submits a form as a browser would: with the CSRF token of the page
// it came from.
func (b *browser) post(from, path string, form url.Values) (int, string) {
	b.t.Helper()
	status, page := b.get(from)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s%s (status %d)", b.base, from, status)
	}
	form.Set("_csrf", m[1])
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) signIn(email string) {
	b.t.Helper()
	status, body := b.post("/signin", "/signin", url.Values{"email": {email}, "password": {password}})
	if status != http.StatusSeeOther {
		b.t.Fatalf("sign-in at %s: %d %s", b.base, status, truncate(body, 400))
	}
}
