package mcpclient

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

var (
	pg      *pgtest.Server
	builder *stacktest.Builder
)

func TestMain(m *testing.M) { stacktest.Main(m, &pg, &builder) }

// counting counts the requests that open a session.
type counting struct {
	next       http.RoundTripper
	initialize atomic.Int32
	seen       atomic.Int32
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		// initialize, or server/discover in the stateless protocol the
		// SDK speaks since 2026-07-28.
		if strings.Contains(string(b), `"method":"initialize"`) || strings.Contains(string(b), `"method":"server/discover"`) {
			c.initialize.Add(1)
		}
	}
	c.seen.Add(1)
	return c.next.RoundTrip(r)
}

// Many messages of several people share one MCP session — one initialize
// for the process — and each call acts as its own person only.
func TestOneSessionServesEveryoneAsThemselves(t *testing.T) {
	be := stacktest.StartBackend(t, builder, pg, nil)
	d := NewDialer(be.URL, 10*time.Second)
	count := &counting{next: d.http.Transport}
	d.http.Transport = count
	t.Cleanup(func() { _ = d.Close() })
	ctx := context.Background()
	tokens := map[string]string{}
	for _, who := range []string{"ada", "bob", "eve"} {
		res, err := client.New(be.URL, nil).SignUp(ctx, api.SignUpRequest{Email: who + "@example.com", Password: "correct horse"})
		require.NoError(t, err)
		tokens[who] = res.Token
	}
	var wg sync.WaitGroup
	for i := range 30 {
		who := []string{"ada", "bob", "eve"}[i%3]
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := d.Dial(ctx, tokens[who])
			if !assert.NoError(t, err) {
				return
			}
			defer s.Close()
			_, res, err := todomcp.Call(ctx, s, todomcp.AddTask, todomcp.AddTaskInput{Title: fmt.Sprintf("%s %d", who, i)})
			assert.NoError(t, err)
			assert.False(t, res.IsError, res.Text)
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 1, count.initialize.Load(), "one session opened for thirty messages")
	assert.EqualValues(t, 31, count.seen.Load(), "and one request per tool call")
	for who, token := range tokens {
		s, err := d.Dial(ctx, token)
		require.NoError(t, err)
		out, _, err := todomcp.Call(ctx, s, todomcp.ListTasks, todomcp.ListTasksInput{Limit: 50})
		require.NoError(t, err)
		require.Len(t, out.Tasks, 10, who)
		for _, task := range out.Tasks {
			assert.True(t, strings.HasPrefix(task.Title, who+" "), "%s sees %q", who, task.Title)
		}
	}
}

// A call the backend refuses (a signed-out token) fails for its person
// only; the next message, anyone's, gets a working session.
func TestARefusedCallLeavesTheOthersWorking(t *testing.T) {
	be := stacktest.StartBackend(t, builder, pg, nil)
	d := NewDialer(be.URL, 10*time.Second)
	t.Cleanup(func() { _ = d.Close() })
	ctx := context.Background()
	res, err := client.New(be.URL, nil).SignUp(ctx, api.SignUpRequest{Email: "restart@example.com", Password: "correct horse"})
	require.NoError(t, err)
	s, err := d.Dial(ctx, res.Token)
	require.NoError(t, err)
	_, r, err := todomcp.Call(ctx, s, todomcp.ListTags, todomcp.ListTagsInput{})
	require.NoError(t, err)
	require.False(t, r.IsError)

	// A revoked token fails its own call; the next person's works.
	require.NoError(t, client.New(be.URL, nil).WithAuth(res).SignOut(ctx))
	gone, err := d.Dial(ctx, res.Token)
	require.NoError(t, err)
	_, _, err = todomcp.Call(ctx, gone, todomcp.ListTags, todomcp.ListTagsInput{})
	require.Error(t, err, "a signed-out token is refused")
	other, err := client.New(be.URL, nil).SignUp(ctx, api.SignUpRequest{Email: "next@example.com", Password: "correct horse"})
	require.NoError(t, err)
	s, err = d.Dial(ctx, other.Token)
	require.NoError(t, err)
	_, r, err = todomcp.Call(ctx, s, todomcp.ListTags, todomcp.ListTagsInput{})
	require.NoError(t, err)
	assert.False(t, r.IsError)
}
