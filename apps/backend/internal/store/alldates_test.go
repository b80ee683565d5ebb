package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/dates"
)

// The all-day migration (20261207200001) on rows as each path of the
// previous program wrote them. Since the date rule (20261126000002) every
// path stored a date alone as 23:59:59 of that day in a zone — REST and
// MCP in users.time_zone, the web form, quick add and the assistant in the
// browser's (the person's, since sign-in reported it), the imports in the
// account's — and before it REST/MCP stored midnight UTC, which the date
// rule's migration made 23:59:59 UTC. A repeating all-day series computed
// its next occurrence in UTC, so after a DST change its occurrences sat at
// 00:59:59 (spring, north) or 22:59:59 (autumn) on the person's clock.
// Each fixture below is the instant its path wrote (dates.EndOfDay of the
// day in the zone named), and what the migration must make of it.
func TestAllDayMigrationInfersDatesFromEachPath(t *testing.T) {
	st := open(t, pg.NewDatabase(t, "", nil))
	ctx := context.Background()
	_, err := st.Migrate(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)

	// Back to the schema before the migration.
	_, err = st.DB.ExecContext(ctx, `ALTER TABLE tasks DROP COLUMN due_date`)
	require.NoError(t, err)
	_, err = st.DB.ExecContext(ctx, `DELETE FROM bun_migrations WHERE name IN ('20261207195901', '20261207200001')`)
	require.NoError(t, err)

	people := map[string]string{}
	for _, zone := range []string{"America/New_York", "Europe/Berlin", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Sydney", "UTC"} {
		var id string
		require.NoError(t, st.DB.NewRaw(`INSERT INTO users (email, name, password_hash, time_zone) VALUES (?, ?, 'x', ?) RETURNING id`,
			zone+"@example.com", zone, zone).Scan(ctx, &id))
		people[zone] = id
	}
	type fixture struct {
		path, zone, dueAt string
		recurrence        string
		recurred          bool
		// want: the date inferred ("" for a task that stays timed) and
		// the instant afterwards.
		wantDate, wantAt string
	}
	fixtures := []fixture{
		{path: "REST date alone, New York", zone: "America/New_York", dueAt: "2026-12-02T04:59:59Z", wantDate: "2026-12-01", wantAt: "2026-12-02T04:59:59Z"},
		{path: "web form, Berlin", zone: "Europe/Berlin", dueAt: "2026-12-08T22:59:59Z", wantDate: "2026-12-08", wantAt: "2026-12-08T22:59:59Z"},
		{path: "quick add, Kolkata (+5:30)", zone: "Asia/Kolkata", dueAt: "2026-12-08T18:29:59Z", wantDate: "2026-12-08", wantAt: "2026-12-08T18:29:59Z"},
		{path: "assistant, Kathmandu (+5:45)", zone: "Asia/Kathmandu", dueAt: "2026-12-08T18:14:59Z", wantDate: "2026-12-08", wantAt: "2026-12-08T18:14:59Z"},
		{path: "Todoist import, Sydney (summer, +11)", zone: "Australia/Sydney", dueAt: "2026-12-08T12:59:59Z", wantDate: "2026-12-08", wantAt: "2026-12-08T12:59:59Z"},
		{path: "JSON import, UTC", zone: "UTC", dueAt: "2026-12-08T23:59:59Z", wantDate: "2026-12-08", wantAt: "2026-12-08T23:59:59Z"},
		{path: "REST before the date rule (midnight UTC, then 23:59:59 UTC), New York", zone: "America/New_York", dueAt: "2026-11-30T23:59:59Z", wantDate: "2026-11-30", wantAt: "2026-12-01T04:59:59Z"},
		{path: "weekly series after spring DST, New York: 00:59:59 the next day", zone: "America/New_York", dueAt: "2026-03-10T04:59:59Z",
			recurrence: "weekly", recurred: true, wantDate: "2026-03-09", wantAt: "2026-03-10T03:59:59Z"},
		{path: "weekly series after autumn DST, Berlin: 22:59:59", zone: "Europe/Berlin", dueAt: "2026-10-31T21:59:59Z",
			recurrence: "weekly", recurred: true, wantDate: "2026-10-31", wantAt: "2026-10-31T22:59:59Z"},
		{path: "a time, New York 17:00", zone: "America/New_York", dueAt: "2026-12-08T22:00:00Z", wantAt: "2026-12-08T22:00:00Z"},
		{path: "22:59:59 on a task that does not repeat stays a time", zone: "Europe/Berlin", dueAt: "2026-12-08T21:59:59Z", wantAt: "2026-12-08T21:59:59Z"},
		{path: "23:59:59 of another zone than the person's stays a time", zone: "Europe/Berlin", dueAt: "2026-12-09T04:59:59Z", wantAt: "2026-12-09T04:59:59Z"},
	}
	ids := make([]int64, len(fixtures))
	for i, f := range fixtures {
		rec := f.recurrence
		if rec == "" {
			rec = "none"
		}
		var from *int64
		if f.recurred {
			from = &ids[0]
		}
		require.NoError(t, st.DB.NewRaw(`INSERT INTO tasks (user_id, title, description, priority, recurrence, recurrence_interval, due_at, recurred_from)
			VALUES (?, ?, '', 'medium', ?, 1, ?, ?) RETURNING id`, people[f.zone], f.path, rec, f.dueAt, from).Scan(ctx, &ids[i]))
	}
	// Reminders on the Berlin web-form task: minutes before (fired at
	// 23:44, against the rule that a date alone gets none), an absolute
	// one, and one that has fired.
	berlin := ids[1]
	var minutesBefore, dayBefore, absolute, fired int64
	insert := func(dst *int64, sql string, args ...any) {
		require.NoError(t, st.DB.NewRaw(sql, args...).Scan(ctx, dst))
	}
	insert(&minutesBefore, `INSERT INTO reminders (task_id, user_id, before_minutes, fire_at) VALUES (?, ?, 15, '2026-12-08T22:44:59Z') RETURNING id`, berlin, people["Europe/Berlin"])
	// The day before at 09:00 on the New York series that drifted: the
	// previous program took "the day" from 00:59:59 on 10 March, so it
	// fired on the 9th; the occurrence is the 9th, so the day before is
	// the 8th (09:00 EDT, the first day of summer time).
	drifted := ids[7]
	insert(&dayBefore, `INSERT INTO reminders (task_id, user_id, before_minutes, at_time, fire_at) VALUES (?, ?, 1440, '09:00', '2026-03-09T13:00:00Z') RETURNING id`, drifted, people["America/New_York"])
	insert(&absolute, `INSERT INTO reminders (task_id, user_id, at, fire_at) VALUES (?, ?, '2026-12-05T10:00:00Z', '2026-12-05T10:00:00Z') RETURNING id`, berlin, people["Europe/Berlin"])
	insert(&fired, `INSERT INTO reminders (task_id, user_id, before_minutes, fire_at, fired_at) VALUES (?, ?, 60, '2026-12-08T21:59:59Z', '2026-12-08T22:00:00Z') RETURNING id`, berlin, people["Europe/Berlin"])

	var logs bytes.Buffer
	applied, err := st.Migrate(ctx, slog.New(slog.NewJSONHandler(&logs, nil)))
	require.NoError(t, err)
	assert.Equal(t, []string{"20261207195901", "20261207200001"}, applied)

	for i, f := range fixtures {
		var date *string
		var at time.Time
		require.NoError(t, st.DB.QueryRowContext(ctx, `SELECT to_char(due_date, 'YYYY-MM-DD'), due_at FROM tasks WHERE id = ?`, ids[i]).Scan(&date, &at))
		if f.wantDate == "" {
			assert.Nil(t, date, "%s: stays a time", f.path)
		} else if assert.NotNil(t, date, "%s: becomes a date", f.path) {
			assert.Equal(t, f.wantDate, *date, f.path)
		}
		assert.Equal(t, f.wantAt, at.UTC().Format(time.RFC3339), "%s: its instant", f.path)
	}

	fireAt := func(id int64) *string {
		var s *string
		require.NoError(t, st.DB.QueryRowContext(ctx, `SELECT to_char(fire_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM reminders WHERE id = ?`, id).Scan(&s))
		return s
	}
	assert.Nil(t, fireAt(minutesBefore), "minutes before a date alone: kept, no longer armed")
	if s := fireAt(dayBefore); assert.NotNil(t, s) {
		assert.Equal(t, "2026-03-08T13:00:00Z", *s, "the day before the 9th at 09:00 in New York")
	}
	if s := fireAt(absolute); assert.NotNil(t, s) {
		assert.Equal(t, "2026-12-05T10:00:00Z", *s, "an absolute reminder is untouched")
	}
	if s := fireAt(fired); assert.NotNil(t, s) {
		assert.Equal(t, "2026-12-08T21:59:59Z", *s, "a fired reminder is history")
	}

	// The counts, per person, in the log.
	perPerson := map[string]int{}
	total := -1
	dec := json.NewDecoder(&logs)
	for dec.More() {
		var line struct {
			Msg    string `json:"msg"`
			UserID string `json:"user_id"`
			Zone   string `json:"time_zone"`
			Tasks  int    `json:"tasks"`
			People int    `json:"people"`
		}
		require.NoError(t, dec.Decode(&line))
		switch line.Msg {
		case "all-day dates inferred":
			perPerson[line.Zone] = line.Tasks
		case "all-day dates migration done":
			total = line.Tasks
			assert.Equal(t, 6, line.People)
		}
	}
	assert.Equal(t, map[string]int{"America/New_York": 3, "Europe/Berlin": 2, "Asia/Kolkata": 1, "Asia/Kathmandu": 1, "Australia/Sydney": 1, "UTC": 1}, perPerson)
	assert.Equal(t, 9, total)

	// The store's model reads what the migration wrote.
	var task store.Task
	require.NoError(t, st.DB.NewSelect().Model(&task).Where("t.id = ?", berlin).Scan(ctx))
	require.NotNil(t, task.DueDate)
	assert.Equal(t, "2026-12-08", task.DueDate.String())
}

// When the person's zone changes — chosen in Settings or seen from a
// browser — their all-day dates stay and the instants made from them
// follow: the end of the day and the reminders at a time of day, pending
// ones only. Timed tasks and absolute reminders do not move.
func TestAllDayInstantsFollowTheZone(t *testing.T) {
	st := open(t, pg.NewDatabase(t, "", nil))
	ctx := context.Background()
	_, err := st.Migrate(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	u := store.User{Email: "z@example.com", Name: "Z", PasswordHash: "x", TimeZone: "America/New_York", TimeZoneAuto: true}
	require.NoError(t, st.CreateUser(ctx, &u))
	var allDay, timed, pending, fired, absolute int64
	row := func(dst *int64, sql string, args ...any) {
		t.Helper()
		require.NoError(t, st.DB.NewRaw(sql, args...).Scan(ctx, dst))
	}
	row(&allDay, `INSERT INTO tasks (user_id, title, description, priority, recurrence, recurrence_interval, due_date, due_at)
		VALUES (?, 'all day', '', 'medium', 'none', 1, '2026-12-08', '2026-12-09T04:59:59Z') RETURNING id`, u.ID)
	row(&timed, `INSERT INTO tasks (user_id, title, description, priority, recurrence, recurrence_interval, due_at)
		VALUES (?, 'timed', '', 'medium', 'none', 1, '2026-12-08T14:00:00Z') RETURNING id`, u.ID)
	row(&pending, `INSERT INTO reminders (task_id, user_id, before_minutes, at_time, fire_at) VALUES (?, ?, 1440, '09:00', '2026-12-07T14:00:00Z') RETURNING id`, allDay, u.ID)
	row(&fired, `INSERT INTO reminders (task_id, user_id, before_minutes, at_time, fire_at, fired_at) VALUES (?, ?, 0, '08:00', '2026-12-08T13:00:00Z', '2026-12-08T13:00:01Z') RETURNING id`, allDay, u.ID)
	row(&absolute, `INSERT INTO reminders (task_id, user_id, at, fire_at) VALUES (?, ?, '2026-12-06T10:00:00Z', '2026-12-06T10:00:00Z') RETURNING id`, allDay, u.ID)
	// The day before at 09:00 on a timed task (14:00 UTC on the 8th: 09:00
	// in New York): 09:00 on the 7th in whatever zone the person is in.
	var timedDayBefore int64
	row(&timedDayBefore, `INSERT INTO reminders (task_id, user_id, before_minutes, at_time, fire_at) VALUES (?, ?, 1440, '09:00', '2026-12-07T14:00:00Z') RETURNING id`, timed, u.ID)

	instant := func(sql string, id int64) string {
		t.Helper()
		var at time.Time
		require.NoError(t, st.DB.QueryRowContext(ctx, sql, id).Scan(&at))
		return at.UTC().Format(time.RFC3339)
	}
	due := func(id int64) string { return instant(`SELECT due_at FROM tasks WHERE id = ?`, id) }
	fire := func(id int64) string { return instant(`SELECT fire_at FROM reminders WHERE id = ?`, id) }

	// Chosen in Settings: Tokyo.
	require.NoError(t, st.SetPreferences(ctx, u.ID, "Asia/Tokyo", false, nil))
	assert.Equal(t, "2026-12-08T14:59:59Z", due(allDay), "the end of 8 December in Tokyo")
	assert.Equal(t, "2026-12-07T00:00:00Z", fire(pending), "the day before at 09:00 in Tokyo")
	assert.Equal(t, "2026-12-07T00:00:00Z", fire(timedDayBefore), "a timed task's: 09:00 in Tokyo the day before its day there (23:00 on the 8th)")
	assert.Equal(t, "2026-12-08T14:00:00Z", due(timed), "a time does not move")
	assert.Equal(t, "2026-12-08T13:00:00Z", fire(fired), "what fired is history")
	assert.Equal(t, "2026-12-06T10:00:00Z", fire(absolute), "an absolute reminder does not move")
	var date string
	require.NoError(t, st.DB.QueryRowContext(ctx, `SELECT to_char(due_date, 'YYYY-MM-DD') FROM tasks WHERE id = ?`, allDay).Scan(&date))
	assert.Equal(t, "2026-12-08", date, "the date itself never moves")

	// Automatic again, and a browser in Berlin.
	require.NoError(t, st.SetPreferences(ctx, u.ID, "Asia/Tokyo", true, nil))
	seen, err := st.SeeBrowserZone(ctx, u.ID, "Europe/Berlin", time.Now(), time.Now().Add(-time.Minute))
	require.NoError(t, err)
	require.True(t, seen)
	assert.Equal(t, "2026-12-08T22:59:59Z", due(allDay), "the end of 8 December in Berlin")
	assert.Equal(t, "2026-12-07T08:00:00Z", fire(pending), "the day before at 09:00 in Berlin")

	// A chosen zone wins: a browser elsewhere moves nothing.
	require.NoError(t, st.SetPreferences(ctx, u.ID, "Europe/Berlin", false, nil))
	seen, err = st.SeeBrowserZone(ctx, u.ID, "Pacific/Kiritimati", time.Now(), time.Now().Add(-time.Minute))
	require.NoError(t, err)
	assert.False(t, seen)
	assert.Equal(t, "2026-12-08T22:59:59Z", due(allDay))
}

// The store and pkg/dates agree on the end of every day, also where DST
// makes it odd: a last hour that comes twice (Santiago), a midnight that
// is skipped (the Azores), a spring-forward day, and UTC+14.
func TestTheStoreEndsADayAsGoDoes(t *testing.T) {
	st := open(t, pg.NewDatabase(t, "", nil))
	ctx := context.Background()
	_, err := st.Migrate(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	u := store.User{Email: "e@example.com", Name: "E", PasswordHash: "x", TimeZone: "UTC", TimeZoneAuto: true}
	require.NoError(t, st.CreateUser(ctx, &u))
	days := []string{"2027-04-03", "2027-04-02", "2027-03-27", "2027-03-28", "2027-03-14", "2027-11-06", "2027-04-04", "2027-10-02", "2027-09-04", "2027-12-31"}
	for _, d := range days {
		_, err := st.DB.ExecContext(ctx, `INSERT INTO tasks (user_id, title, description, priority, recurrence, recurrence_interval, due_date, due_at)
			VALUES (?, ?, '', 'medium', 'none', 1, ?, now())`, u.ID, d, d)
		require.NoError(t, err)
	}
	for _, zone := range []string{"America/Santiago", "Atlantic/Azores", "America/New_York", "Australia/Sydney", "Pacific/Kiritimati", "Asia/Kathmandu"} {
		require.NoError(t, st.SetPreferences(ctx, u.ID, zone, false, nil))
		loc := dates.Zone(zone)
		for _, d := range days {
			var at time.Time
			require.NoError(t, st.DB.QueryRowContext(ctx, `SELECT due_at FROM tasks WHERE title = ?`, d).Scan(&at))
			day, err := dates.ParseDate(d)
			require.NoError(t, err)
			assert.Equal(t, day.EndIn(loc).UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339), "%s in %s", d, zone)
		}
	}
}
