package transfer_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/apps/backend/internal/transfer"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
)

var pg *pgtest.Server

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

// writeHook calls before on the first write that reaches it: the moment
// the export has started streaming and is still reading.
type writeHook struct {
	strings.Builder
	before func()
}

func (w *writeHook) Write(p []byte) (int, error) {
	if w.before != nil {
		w.before()
		w.before = nil
	}
	return w.Builder.Write(p)
}

// An export is one moment of the account: what is written while it
// streams is in the next export, not half in this one.
func TestExportReadsOneSnapshot(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, pg.NewDatabase(t, testenv.TemplateName, testenv.Migrate), store.PoolOptions{MaxOpen: 4})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	u := store.User{Email: "snap@example.com", Name: "Snap", PasswordHash: "x"}
	require.NoError(t, st.CreateUser(ctx, &u))
	// Enough to fill the export's 32 KiB buffer while tasks are still
	// being written, before the conversations are read.
	_, err = st.DB.ExecContext(ctx, `INSERT INTO tasks (user_id, title, description)
		SELECT ?, 'Task ' || g, repeat('notes ', 50) FROM generate_series(1, 300) AS g`, u.ID)
	require.NoError(t, err)

	svc := transfer.New(st, time.Now)
	exp, err := svc.Prepare(ctx, u.ID, api.FormatJSON)
	require.NoError(t, err)
	w := &writeHook{before: func() {
		_, err := st.DB.ExecContext(ctx, `INSERT INTO conversations (user_id, title) VALUES (?, 'Written during the export')`, u.ID)
		require.NoError(t, err)
	}}
	require.NoError(t, exp.WriteTo(ctx, w))
	require.Nil(t, w.before, "the export wrote while it was still reading")
	var during api.Export
	require.NoError(t, json.Unmarshal([]byte(w.String()), &during))
	assert.Len(t, during.Tasks, 300)
	assert.Empty(t, during.Conversations, "the conversation written mid-export is not in it")

	exp, err = svc.Prepare(ctx, u.ID, api.FormatJSON)
	require.NoError(t, err)
	var after strings.Builder
	require.NoError(t, exp.WriteTo(ctx, &after))
	var next api.Export
	require.NoError(t, json.Unmarshal([]byte(after.String()), &next))
	assert.Len(t, next.Conversations, 1, "the next export has it")
}
