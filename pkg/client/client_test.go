package client_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
)

// countingClient counts the connections it tries to open; after the
// first attempt has failed it calls afterFirst (if set).
func countingClient(dials *atomic.Int64, afterFirst func()) *http.Client {
	d := &net.Dialer{Timeout: time.Second}
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			n := dials.Add(1)
			conn, err := d.DialContext(ctx, network, addr)
			if n == 1 && afterFirst != nil {
				afterFirst()
			}
			return conn, err
		},
	}}
}

func freeAddress(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestAConnectionThatCannotBeOpenedIsTriedAgain(t *testing.T) {
	addr := freeAddress(t)
	var created atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/u1/tasks", func(w http.ResponseWriter, r *http.Request) {
		created.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id": 7, "title": "Call mom"}`))
	})
	srv := &http.Server{Handler: mux}
	t.Cleanup(func() { _ = srv.Close() })
	// The backend comes up just after the first attempt was refused.
	var dials atomic.Int64
	up := func() {
		l, err := net.Listen("tcp", addr)
		require.NoError(t, err)
		go func() { _ = srv.Serve(l) }()
	}
	c := client.New("http://"+addr, countingClient(&dials, up)).WithSession("token", "u1")
	task, err := c.CreateTask(context.Background(), api.TaskInput{Title: "Call mom"})
	require.NoError(t, err)
	assert.Equal(t, int64(7), task.ID)
	assert.Equal(t, int64(1), created.Load(), "the task was created once")
	assert.Equal(t, int64(2), dials.Load(), "the refused connection was tried again, once")
}

func TestABackendThatNeverAnswersIsUnreachable(t *testing.T) {
	var dials atomic.Int64
	c := client.New("http://"+freeAddress(t), countingClient(&dials, nil)).WithSession("token", "u1")
	_, err := c.CreateTask(context.Background(), api.TaskInput{Title: "Call mom"})
	require.Error(t, err)
	assert.True(t, errors.Is(err, client.ErrUnreachable), "%v", err)
	assert.Equal(t, int64(3), dials.Load(), "one attempt and two more")
}
