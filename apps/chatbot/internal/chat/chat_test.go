package chat_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

var (
	pg      *pgtest.Server
	builder *stacktest.Builder
)

func TestMain(m *testing.M) { stacktest.Main(m, &pg, &builder) }

// stack is a backend, a web app and a chatbot, all real processes.
type stack struct {
	backend, web, chatbot *stacktest.Process
	// chatbotMetrics is the chatbot's metrics address (METRICS_PORT).
	chatbotMetrics string
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

func startStack(t *testing.T) stack {
	t.Helper()
	be := stacktest.StartBackend(t, builder, pg, nil)
	webBin, err := builder.Build("web")
	require.NoError(t, err)
	chatBin, err := builder.Build("chatbot")
	require.NoError(t, err)
	web := stacktest.Start(t, webBin, map[string]string{"BACKEND_URL": be.URL, "BETTER_AUTH_SECRET": stacktest.Secret})
	metrics := freePort(t)
	chat := stacktest.Start(t, chatBin, map[string]string{"BACKEND_URL": be.URL, "BETTER_AUTH_SECRET": stacktest.Secret, "WEB_URL": web.URL, "METRICS_PORT": metrics})
	return stack{backend: be, web: web, chatbot: chat, chatbotMetrics: "http://127.0.0.1:" + metrics}
}

type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (b *browser) get(path string) (int, string, string) {
	resp, err := b.c.Get(b.base + path)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func (b *browser) csrf(from string) string {
	_, _, body := b.get(from)
	m := csrfRe.FindStringSubmatch(body)
	require.NotNil(b.t, m, "no CSRF token on %s", from)
	return m[1]
}

func (b *browser) post(path string, form url.Values) *http.Response {
	resp, err := b.c.PostForm(b.base+path, form)
	require.NoError(b.t, err)
	return resp
}

func (b *browser) signUp(email string) {
	resp := b.post("/signup", url.Values{"email": {email}, "password": {"correct horse"}, "_csrf": {b.csrf("/signup")}})
	resp.Body.Close()
	require.Equal(b.t, http.StatusSeeOther, resp.StatusCode)
}

type sse struct {
	event string
	data  map[string]any
}

func readSSE(t *testing.T, r io.Reader) []sse {
	var out []sse
	sc := bufio.NewScanner(r)
	cur := sse{}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			cur.event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &cur.data))
		case line == "":
			out = append(out, cur)
			cur = sse{}
		}
	}
	return out
}

func TestChatStreamsAndKeepsHistory(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	b := newBrowser(t, s.chatbot.URL)

	status, loc, _ := b.get("/")
	assert.Equal(t, http.StatusSeeOther, status)
	assert.Contains(t, loc, "/signin")

	b.signUp("stream@example.com")
	token := b.csrf("/")
	req, _ := http.NewRequest(http.MethodPost, s.chatbot.URL+"/chat/stream", strings.NewReader(url.Values{"message": {"Add task tomorrow: Buy groceries #home"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", token)
	resp, err := b.c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	events := readSSE(t, resp.Body)
	require.GreaterOrEqual(t, len(events), 4, "%v", events)
	assert.Equal(t, "conversation", events[0].event)
	assert.Equal(t, "card", events[1].event)
	card := events[1].data["card"].(map[string]any)
	assert.Equal(t, "Added", card["action"])
	assert.Equal(t, "Buy groceries", card["title"])
	assert.Contains(t, card["url"], s.web.URL+"/tasks/")
	assert.Equal(t, "done", events[len(events)-1].event)
	convID := events[0].data["id"].(string)

	// The task is in the backend, due tomorrow (UTC: no tz cookie here).
	api1 := client.New(s.backend.URL, nil)
	res, err := api1.SignIn(context.Background(), api.SignInRequest{Email: "stream@example.com", Password: "correct horse"})
	require.NoError(t, err)
	tasks, err := api1.WithAuth(res).ListTasks(context.Background(), api.TaskQuery{})
	require.NoError(t, err)
	require.Len(t, tasks.Tasks, 1)
	assert.Equal(t, time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly), tasks.Tasks[0].DueAt.UTC().Format(time.DateOnly))

	// The history is stored and shown on reload, titled by the first message.
	_, _, page := b.get("/?c=" + convID)
	assert.Contains(t, page, "Add task tomorrow: Buy groceries #home")
	assert.Contains(t, page, "Added “Buy groceries”")
	assert.Contains(t, page, `class="tool-card"`)
	conv, err := api1.WithAuth(res).ListConversations(context.Background())
	require.NoError(t, err)
	require.Len(t, conv.Conversations, 1)
	assert.Equal(t, "Add task tomorrow: Buy groceries #home", conv.Conversations[0].Title)

	// The form fallback (no JavaScript) continues the same conversation.
	resp2 := b.post("/chat", url.Values{"message": {"what's due tomorrow?"}, "conversation": {convID}, "_csrf": {token}})
	resp2.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp2.StatusCode)
	assert.Equal(t, "/?c="+convID+"#end", resp2.Header.Get("Location"))
	_, _, page = b.get("/?c=" + convID)
	assert.Contains(t, page, "You have 1 open task")

	id, err := strconv.ParseInt(convID, 10, 64)
	require.NoError(t, err)
	msgs, err := api1.WithAuth(res).ListMessages(context.Background(), id)
	require.NoError(t, err)
	assert.Len(t, msgs.Messages, 4, "two questions, two answers")

	// Counted, apart from the public port: what each message was taken for.
	mresp, err := http.Get(s.chatbotMetrics + "/metrics")
	require.NoError(t, err)
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	assert.Contains(t, string(metrics), `assistant_answers_total{engine="builtin",intent="add",outcome="ok"} 1`)
	assert.Contains(t, string(metrics), `assistant_answers_total{engine="builtin",intent="list",outcome="ok"} 1`)
	assert.Contains(t, string(metrics), `http_requests_total{app="chatbot",method="POST",route="/chat/stream",status="200"} 1`)
}

func TestChatRejectsBadInput(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	b := newBrowser(t, s.chatbot.URL)
	b.signUp("bad@example.com")
	token := b.csrf("/")
	resp := b.post("/chat", url.Values{"message": {"  "}, "_csrf": {token}})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, string(body), "Message: type a message first", "the page says what to fix")
	resp = b.post("/chat", url.Values{"message": {strings.Repeat("x", 4001)}, "_csrf": {token}})
	resp.Body.Close()
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	resp = b.post("/chat", url.Values{"message": {"hi"}})
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "CSRF token required")
	resp = b.post("/chat", url.Values{"message": {"hi"}, "conversation": {"999999"}, "_csrf": {token}})
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "someone else's or no conversation")
	resp = b.post("/chat", url.Values{"message": {"pay\x00rent"}, "_csrf": {token}})
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "NUL is refused here, not a 500 from the database")
	assert.Contains(t, string(body), "must not contain NUL characters")
	assert.NotContains(t, string(body), "was kept")

	// The probe's open redirect: a signed-in visit to sign-in follows next.
	status, location, _ := b.get("/signin?next=/%09/evil.example")
	assert.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "/", location, "the tab trick must not leave the site")
}

// The date rule at the assistant's door: "on 2026-12-01" from a browser in
// New York is an all-day date (due_date), whose instant is the end of that
// day in the person's zone — what the backend's REST and MCP doors and the
// web form store (see their date-rule tests); once the person's zone is
// Berlin, it is still 1 December, ending there.
func TestChatDateOnlyIsTheSameMomentAsTheOtherDoors(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	b := newBrowser(t, s.chatbot.URL)
	u, _ := url.Parse(s.chatbot.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: url.QueryEscape("America/New_York"), Path: "/"}})
	b.signUp("ny-chat@example.com")
	resp := b.post("/chat", url.Values{"message": {"Add task on 2026-12-01: Pay rent"}, "_csrf": {b.csrf("/")}})
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	be := client.New(s.backend.URL, nil)
	res, err := be.SignIn(context.Background(), api.SignInRequest{Email: "ny-chat@example.com", Password: "correct horse"})
	require.NoError(t, err)
	assert.Equal(t, "America/New_York", res.User.TimeZone)
	tasks, err := be.WithAuth(res).ListTasks(context.Background(), api.TaskQuery{})
	require.NoError(t, err)
	require.Len(t, tasks.Tasks, 1)
	assert.Equal(t, "Pay rent", tasks.Tasks[0].Title)
	require.NotNil(t, tasks.Tasks[0].DueDate, "all day: the assistant sent the date alone")
	assert.Equal(t, "2026-12-01", tasks.Tasks[0].DueDate.String())
	assert.Equal(t, "2026-12-02T04:59:59Z", tasks.Tasks[0].DueAt.UTC().Format(time.RFC3339))

	berlin := "Europe/Berlin"
	_, err = be.WithAuth(res).SetPreferences(context.Background(), api.Preferences{TimeZone: &berlin})
	require.NoError(t, err)
	tasks, err = be.WithAuth(res).ListTasks(context.Background(), api.TaskQuery{})
	require.NoError(t, err)
	require.Len(t, tasks.Tasks, 1)
	require.NotNil(t, tasks.Tasks[0].DueDate)
	assert.Equal(t, "2026-12-01", tasks.Tasks[0].DueDate.String(), "the same day in Berlin")
	assert.Equal(t, "2026-12-01T22:59:59Z", tasks.Tasks[0].DueAt.UTC().Format(time.RFC3339), "ending in Berlin")
}
