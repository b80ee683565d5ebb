package assistant_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/apps/chatbot/internal/mcpclient"
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

// env is a real backend with one signed-in user and an MCP session as them.
type env struct {
	rest  *client.Client
	tools *mcpclient.Session
	now   time.Time
	loc   *time.Location
}

func newEnv(t *testing.T) *env {
	t.Helper()
	be := stacktest.StartBackend(t, builder, pg, nil)
	c := client.New(be.URL, nil)
	res, err := c.SignUp(context.Background(), api.SignUpRequest{Email: "chat@example.com", Password: "correct horse"})
	require.NoError(t, err)
	tools, err := mcpclient.NewDialer(be.URL, 10*time.Second).Dial(context.Background(), res.Token)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tools.Close() })
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	// A Wednesday in the future, so nothing the tests add is overdue.
	return &env{rest: c.WithAuth(res), tools: tools, now: time.Date(2030, 6, 5, 10, 0, 0, 0, loc), loc: loc}
}

// say sends one message through engine with the given history.
func (e *env) say(t *testing.T, engine assistant.Engine, text string, history []api.Message) (assistant.Reply, []assistant.Event) {
	t.Helper()
	var events []assistant.Event
	reply, err := engine.Respond(context.Background(), assistant.Turn{Message: text, History: history, Now: e.now, Loc: e.loc, Tools: e.tools},
		func(ev assistant.Event) { events = append(events, ev) })
	require.NoError(t, err)
	return reply, events
}

func (e *env) tasks(t *testing.T, q api.TaskQuery) []api.Task {
	t.Helper()
	q.Limit = 100
	l, err := e.rest.ListTasks(context.Background(), q)
	require.NoError(t, err)
	return l.Tasks
}

func (e *env) only(t *testing.T, title string) api.Task {
	t.Helper()
	for _, x := range e.tasks(t, api.TaskQuery{Status: "all"}) {
		if x.Title == title {
			return x
		}
	}
	t.Fatalf("no task titled %q", title)
	return api.Task{}
}
