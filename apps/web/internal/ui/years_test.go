package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

// Pages render whatever is stored: a task whose reminder and creation
// time were written in the year 10000 (the probe's 9999-12-31T23:59:59-23:59
// stored one before the bound), next to one due at the last second a
// timestamp holds, leaves every page answering 200 and the export whole.
// (The backend answered such a task in a JSON no client could read, and
// the person's pages were 500s.)
func TestPagesRenderFarYearsStored(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pg.NewDatabase(t, "", nil)
	be := stacktest.StartBackend(t, builder, pg, map[string]string{"DATABASE_URL": dsn})
	web := webtest.StartWeb(t, be.URL)
	b := newClient(t, web)
	b.signUp("tess@example.com")
	for _, title := range []string{"Far away", "Last second"} {
		p := b.post("/tasks/new", "/tasks", url.Values{"title": {title}, "priority": {"medium"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	}
	db, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer db.Close(ctx)
	for _, sql := range []string{
		`UPDATE tasks SET created_at = '10000-01-01 00:00:00+00', updated_at = '10000-01-01 00:00:00+00' WHERE title = 'Far away'`,
		`INSERT INTO reminders (task_id, user_id, at, fire_at) SELECT id, user_id, '10000-01-01 05:59:59+00', '10000-01-01 05:59:59+00' FROM tasks WHERE title = 'Far away'`,
		`UPDATE tasks SET due_at = '9999-12-31 23:59:59+00' WHERE title = 'Last second'`,
	} {
		_, err := db.Exec(ctx, sql)
		require.NoError(t, err, sql)
	}
	for _, path := range []string{"/", "/today", "/upcoming", "/tasks", "/tasks?status=all&sort=due", "/calendar", "/settings"} {
		p := b.get(path)
		assert.Equal(t, http.StatusOK, p.Status, "%s: %.300s", path, text(p.Body))
	}
	assert.Contains(t, text(b.get("/tasks?status=all").Body), "Far away")
	resp, err := b.c.Get(web + "/settings/export?format=json")
	require.NoError(t, err)
	export := read(t, resp)
	assert.Equal(t, http.StatusOK, export.Status)
	assert.Contains(t, export.Body, "Far away")
	assert.Contains(t, export.Body, "Last second")
	assert.Contains(t, export.Body, `]}`, "the export is whole")
}
