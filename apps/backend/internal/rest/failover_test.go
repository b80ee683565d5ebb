package rest_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
)

// A backend replica shutting down under writes fails none of them and
// makes none twice. As in the cluster: the replica is first taken out of
// the Service (new connections reach the other one), then stopped; the
// frontends' kept-alive connections to it are closed under their next
// request, which the client sends again with its Idempotency-Key.
func TestWritesSurviveAReplicaShuttingDown(t *testing.T) {
	t.Parallel()
	dsn := pg.NewDatabase(t, testenv.TemplateName, testenv.Migrate)
	stays := testenv.StartWith(t, testenv.Config(dsn))
	_, auth := stays.SignUp(t, "ada@example.com")

	var acked, failed atomic.Int64
	var failures sync.Map
	for round := range 5 {
		leaves := testenv.StartWith(t, testenv.Config(dsn))
		var removed atomic.Bool // leaves is out of the Service's endpoints
		tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			target := leaves.URL
			if removed.Load() {
				target = stays.URL
			}
			return (&net.Dialer{}).DialContext(ctx, network, strings.TrimPrefix(target, "http://"))
		}}
		c := client.New("http://backend.invalid", &http.Client{Transport: tr, Timeout: 10 * time.Second}).WithAuth(auth)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					title := fmt.Sprintf("r%d-w%d-%d", round, w, i)
					if _, err := c.CreateTask(context.Background(), api.TaskInput{Title: title}); err != nil {
						failed.Add(1)
						failures.Store(title, err.Error())
						continue
					}
					acked.Add(1)
				}
			})
		}
		// Counted writes rather than a time: on a busy machine 150 ms held
		// too few of them for the round to mean anything.
		written := func(n int64) {
			t.Helper()
			want := acked.Load() + n
			require.Eventually(t, func() bool { return acked.Load() >= want }, 30*time.Second, 5*time.Millisecond,
				"round %d: %d more writes", round, n)
		}
		written(20)
		removed.Store(true)
		leaves.Stop(t)
		written(20)
		close(stop)
		wg.Wait()
		tr.CloseIdleConnections()
	}
	failures.Range(func(k, v any) bool { t.Logf("%s: %s", k, v); return true })
	assert.Zero(t, failed.Load(), "writes that failed")
	list, err := stays.Client.WithAuth(auth).ListTasks(context.Background(), api.TaskQuery{Status: "all", Limit: 1})
	require.NoError(t, err)
	assert.EqualValues(t, acked.Load(), list.Total, "every acknowledged write made once: none lost, none twice")
	assert.GreaterOrEqual(t, acked.Load(), int64(5*2*20), "writes through every round")
}
