package rest_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/config"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/testkit/rawhttp"
)

func exportOf(t *testing.T, c *client.Client, format string) []byte {
	t.Helper()
	d, err := c.Export(context.Background(), format)
	require.NoError(t, err)
	defer d.Body.Close()
	b, err := io.ReadAll(d.Body)
	require.NoError(t, err)
	return b
}

// comparable drops what a round trip may change: the ids, when the file
// was made and whose account it came from.
func comparable(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc), "the export is one JSON document")
	delete(doc, "exported_at")
	delete(doc, "user")
	for _, list := range []string{"tasks", "conversations"} {
		items, _ := doc[list].([]any)
		for _, it := range items {
			delete(it.(map[string]any), "id")
		}
	}
	return doc
}

// The round trip: everything ada owns goes to bob's account and
// comes back out the same, apart from ids; importing it again creates
// nothing, and so does ada importing her own export.
func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	bob, _ := b.SignUp(t, "bob@example.com")

	day, at := "2031-02-03", "2031-02-04T09:30:00Z"
	remindAt := "2031-02-01T08:00:00Z"
	_, err := ada.CreateTask(ctx, api.TaskInput{Title: "Dentist", Description: "Bring the card", DueAt: &at, Priority: "high", Tags: []string{"health", "Errands"},
		Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(45)}, {At: &remindAt}, {BeforeMinutes: minutes(1440), AtTime: "08:30"}}})
	require.NoError(t, err)
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "Water the plants", DueAt: &day, Recurrence: "weekly", RecurrenceInterval: 2, Tags: []string{"home"}})
	require.NoError(t, err)
	done, err := ada.CreateTask(ctx, api.TaskInput{Title: "=SUM(A1) is a title, not a formula"})
	require.NoError(t, err)
	yes := true
	_, err = ada.CompleteTask(ctx, done.ID, &yes)
	require.NoError(t, err)
	gone, err := ada.CreateTask(ctx, api.TaskInput{Title: "In the trash"})
	require.NoError(t, err)
	require.NoError(t, ada.DeleteTask(ctx, gone.ID))
	// A tag no task carries any more is exported too.
	spare, err := ada.CreateTask(ctx, api.TaskInput{Title: "Tagged", Tags: []string{"someday"}})
	require.NoError(t, err)
	_, err = ada.PatchTask(ctx, spare.ID, api.TaskPatch{Tags: &[]string{}})
	require.NoError(t, err)
	conv, err := ada.CreateConversation(ctx, api.ConversationInput{})
	require.NoError(t, err)
	_, err = ada.AddMessage(ctx, conv.ID, api.MessageInput{Role: "user", Content: "add milk"})
	require.NoError(t, err)
	_, err = ada.AddMessage(ctx, conv.ID, api.MessageInput{Role: "assistant", Content: "Added “milk”.", ToolCalls: json.RawMessage(`[{"name":"add_task"}]`)})
	require.NoError(t, err)

	first := exportOf(t, ada, api.FormatJSON)
	assert.NotContains(t, string(first), "In the trash", "deleted tasks are not exported")
	assert.Contains(t, string(first), `"reminders":[{"at":"2031-02-01T08:00:00Z"},{"before_minutes":1440,"at_time":"08:30"},{"before_minutes":45}]`, "reminders are exported, in firing order")

	preview, err := bob.Import(ctx, api.FormatJSON, true, bytes.NewReader(first))
	require.NoError(t, err)
	assert.Equal(t, api.ImportReport{Format: "json", DryRun: true, Rows: 5, TasksCreated: 4, TagsCreated: 4, ConversationsCreated: 1,
		Notes: []string{}, Errors: []api.ImportError{}}, preview)
	list, err := bob.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	assert.Zero(t, list.Total, "a preview writes nothing")

	rep, err := bob.Import(ctx, api.FormatJSON, false, bytes.NewReader(first))
	require.NoError(t, err)
	assert.True(t, rep.Imported)
	assert.Equal(t, 4, rep.TasksCreated)
	assert.Equal(t, comparable(t, first), comparable(t, exportOf(t, bob, api.FormatJSON)), "bob's export is ada's, apart from ids")

	again, err := bob.Import(ctx, api.FormatJSON, false, bytes.NewReader(first))
	require.NoError(t, err)
	assert.Equal(t, []int{0, 4, 0, 0, 1}, []int{again.TasksCreated, again.TasksSkipped, again.TagsCreated, again.ConversationsCreated, again.ConversationsSkipped},
		"the same file twice: nothing new")
	own, err := ada.Import(ctx, api.FormatJSON, false, bytes.NewReader(first))
	require.NoError(t, err)
	assert.Equal(t, []int{0, 4, 0, 1}, []int{own.TasksCreated, own.TasksSkipped, own.ConversationsCreated, own.ConversationsSkipped},
		"ada's own export into her own account: nothing new")
	list, err = ada.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	assert.Equal(t, 4, list.Total)
}

// signUpIn signs up a person whose zone is zone.
func signUpIn(t *testing.T, b *testenv.Backend, email, zone string) *client.Client {
	t.Helper()
	res, err := b.Client.SignUp(context.Background(), api.SignUpRequest{Email: email, Password: "correct horse battery", Name: "Test User", TimeZone: zone})
	require.NoError(t, err)
	require.Equal(t, zone, res.User.TimeZone)
	return b.Client.WithAuth(res)
}

// byTitle lists the person's tasks by title.
func byTitle(t *testing.T, c *client.Client) map[string]api.Task {
	t.Helper()
	list, err := c.ListTasks(context.Background(), api.TaskQuery{Status: "all", Sort: "title"})
	require.NoError(t, err)
	out := map[string]api.Task{}
	for _, task := range list.Tasks {
		out[task.Title] = task
	}
	return out
}

func dueDateOf(task api.Task) string {
	if task.DueDate == nil {
		return "(no date)"
	}
	return task.DueDate.String()
}

// The JSON export is version 2: an all-day task is its due_date alone
// (its instant is the exporting person's end of that day, which means
// nothing in another account), a task with a time its due_at alone.
func TestExportWritesDatesAndTimes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ny := signUpIn(t, b, "ny@example.com", "America/New_York")
	_, err := ny.CreateTask(ctx, api.TaskInput{Title: "A day", DueDate: ptr("2031-02-03")})
	require.NoError(t, err)
	_, err = ny.CreateTask(ctx, api.TaskInput{Title: "A time", DueAt: ptr("2031-02-04T09:30:00-05:00")})
	require.NoError(t, err)
	_, err = ny.CreateTask(ctx, api.TaskInput{Title: "None"})
	require.NoError(t, err)

	var doc struct {
		Version int                          `json:"version"`
		Tasks   []map[string]json.RawMessage `json:"tasks"`
	}
	require.NoError(t, json.Unmarshal(exportOf(t, ny, api.FormatJSON), &doc))
	assert.Equal(t, 2, doc.Version)
	got := map[string][2]string{}
	for _, task := range doc.Tasks {
		var title string
		require.NoError(t, json.Unmarshal(task["title"], &title))
		got[title] = [2]string{string(task["due_date"]), string(task["due_at"])}
	}
	assert.Equal(t, map[string][2]string{
		"A day":  {`"2031-02-03"`, "null"},
		"A time": {"null", `"2031-02-04T14:30:00Z"`},
		"None":   {"null", "null"},
	}, got, "due_date and due_at of each task")
}

// A version-1 file, as version 1 wrote them: a date alone was the
// instant 23:59:59 in the exporting person's zone (user.time_zone, here
// New York). Imported into an account in Tokyo each date stays its date
// (by the rule of the migration of stored rows: 23:59:59 in the file's
// zone or in UTC, an all-day series drifted to 00:59:59 or 22:59:59 by a
// DST change), and each time stays its instant — also one at 22:59:59
// that is not a series. The reminder at a time of day follows the date
// in Tokyo; the old default reminder "15 minutes before" an all-day date
// is kept, without a time to fire (as the migration keeps them), and the
// report says so.
func TestImportVersion1File(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	tk := signUpIn(t, b, "tokyo@example.com", "Asia/Tokyo")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	file, err := os.ReadFile("testdata/export-v1.json")
	require.NoError(t, err)

	rep, err := tk.Import(ctx, api.FormatJSON, false, bytes.NewReader(file))
	require.NoError(t, err, "%+v", rep)
	assert.Equal(t, 5, rep.TasksCreated)
	assert.Equal(t, []string{"1 reminder set minutes before an all-day date was kept but does not fire: give it a time of day (such as 09:00) to have it fire"}, rep.Notes)
	tasks := byTitle(t, tk)
	require.Len(t, tasks, 5)
	for title, want := range map[string]string{
		"Pay phone bill":   "2031-02-03", // 23:59:59 in New York
		"Water the plants": "2031-06-09", // a weekly series at 00:59:59 in New York (summer time)
		"Renew passport":   "2031-03-01", // 23:59:59 UTC, a date from before the date rule
		"Call the bank":    "(no date)",
		"Late call":        "(no date)", // 22:59:59 in New York, not a series: a time
	} {
		assert.Equal(t, want, dueDateOf(tasks[title]), title)
		if want != "(no date)" {
			d, err := dates.ParseDate(want)
			require.NoError(t, err)
			assert.True(t, d.EndIn(tokyo).Equal(*tasks[title].DueAt), "%s: due at the end of its day in Tokyo, not %s", title, tasks[title].DueAt)
		}
	}
	assert.Equal(t, "2031-02-04T14:30:00Z", tasks["Call the bank"].DueAt.UTC().Format(time.RFC3339), "the same instant")
	assert.Equal(t, "2031-02-05T03:59:59Z", tasks["Late call"].DueAt.UTC().Format(time.RFC3339), "the same instant")

	phone := tasks["Pay phone bill"].Reminders
	require.Len(t, phone, 2)
	require.NotNil(t, phone[0].FireAt)
	assert.Equal(t, "09:00", phone[0].AtTime)
	assert.True(t, time.Date(2031, 2, 2, 9, 0, 0, 0, tokyo).Equal(*phone[0].FireAt), "the day before at 09:00 in Tokyo, not %s", phone[0].FireAt)
	assert.Equal(t, minutes(15), phone[1].BeforeMinutes)
	assert.Nil(t, phone[1].FireAt, "minutes before an all-day date: kept, no time to fire")
	bank := tasks["Call the bank"].Reminders
	require.Len(t, bank, 1)
	require.NotNil(t, bank[0].FireAt)
	assert.Equal(t, "2031-02-04T14:15:00Z", bank[0].FireAt.UTC().Format(time.RFC3339), "15 minutes before a time")

	// Written out again it is a version-2 file with the dates as dates.
	var doc api.Export
	require.NoError(t, json.Unmarshal(exportOf(t, tk, api.FormatJSON), &doc))
	assert.Equal(t, 2, doc.Version)
	for _, task := range doc.Tasks {
		assert.Equal(t, dueDateOf(tasks[task.Title]), dueDateOf(api.Task{TaskFields: task.TaskFields}), task.Title)
	}
	// And importing the version-1 file again creates nothing.
	again, err := tk.Import(ctx, api.FormatJSON, false, bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, []int{0, 5}, []int{again.TasksCreated, again.TasksSkipped})
}

// A version-2 round trip across zones: made in New York, imported in
// Tokyo, exported again — the same file apart from ids and the account:
// each due_date the same day, each timed due_at the same instant, the
// reminders as they were (also a "minutes before" one a migrated all-day
// task still carries, which does not fire). In Tokyo the all-day tasks
// end at the end of their day there.
func TestImportKeepsDatesInAnotherZone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ny := signUpIn(t, b, "ny@example.com", "America/New_York")
	tk := signUpIn(t, b, "tokyo@example.com", "Asia/Tokyo")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := "2031-02-04T09:30:00Z"
	day, err := ny.CreateTask(ctx, api.TaskInput{Title: "A day", DueDate: ptr("2031-02-03"),
		Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(1440), AtTime: "08:30"}}})
	require.NoError(t, err)
	_, err = ny.CreateTask(ctx, api.TaskInput{Title: "A time", DueAt: &at, Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(45)}}})
	require.NoError(t, err)
	_, err = ny.CreateTask(ctx, api.TaskInput{Title: "Monthly", DueDate: ptr("2031-01-31"), Recurrence: "monthly"})
	require.NoError(t, err)
	_, err = ny.CreateTask(ctx, api.TaskInput{Title: "Last second", DueAt: ptr("2031-02-03T23:59:59-05:00")})
	require.NoError(t, err)
	// What the migration left of an old default reminder on a date.
	_, err = b.App.Store.DB.ExecContext(ctx, `INSERT INTO reminders (task_id, user_id, before_minutes) SELECT id, user_id, 15 FROM tasks WHERE id = ?`, day.ID)
	require.NoError(t, err)

	first := exportOf(t, ny, api.FormatJSON)
	rep, err := tk.Import(ctx, api.FormatJSON, false, bytes.NewReader(first))
	require.NoError(t, err, "%+v", rep)
	assert.Equal(t, 4, rep.TasksCreated)
	second := exportOf(t, tk, api.FormatJSON)
	assert.Equal(t, comparable(t, first), comparable(t, second), "Tokyo's export is New York's, apart from ids")
	assert.Contains(t, string(second), `"due_date":"2031-02-03","due_at":null`)
	assert.Contains(t, string(second), `"due_date":null,"due_at":"2031-02-04T09:30:00Z"`)
	assert.Contains(t, string(second), `"due_date":null,"due_at":"2031-02-04T04:59:59Z"`, "a time at 23:59:59 in New York stays a time")

	tasks := byTitle(t, tk)
	for title, want := range map[string]string{"A day": "2031-02-03", "Monthly": "2031-01-31", "A time": "(no date)", "Last second": "(no date)"} {
		assert.Equal(t, want, dueDateOf(tasks[title]), title)
	}
	assert.Equal(t, "2031-02-03 23:59:59", tasks["A day"].DueAt.In(tokyo).Format(time.DateTime), "the same day, its end in Tokyo")
	assert.Equal(t, at, tasks["A time"].DueAt.UTC().Format(time.RFC3339), "the same moment")
	rs := tasks["A day"].Reminders
	require.Len(t, rs, 2)
	require.NotNil(t, rs[0].FireAt)
	assert.Equal(t, "2031-02-02 08:30", rs[0].FireAt.In(tokyo).Format("2006-01-02 15:04"), "the day before at 08:30 in Tokyo")
	assert.Nil(t, rs[1].FireAt, "minutes before a date: kept, not fired")

	// A version-2 file that also carries an all-day task's instant (as the
	// first version-2 exports did): the date wins, no "not both" refusal.
	both := `{"kind":"todo-app-export","version":2,"user":{"time_zone":"America/New_York"},"tasks":[
	 {"key":"k-both","title":"Both","due_date":"2031-02-03","due_at":"2031-02-04T04:59:59Z","priority":"medium","recurrence":"none","tags":[]}]}`
	rep, err = tk.Import(ctx, api.FormatJSON, false, strings.NewReader(both))
	require.NoError(t, err, "%+v", rep)
	tasks = byTitle(t, tk)
	assert.Equal(t, "2031-02-03", dueDateOf(tasks["Both"]))
	assert.Equal(t, "2031-02-03 23:59:59", tasks["Both"].DueAt.In(tokyo).Format(time.DateTime))
}

// The CSV is for spreadsheets: one row per task, dates in the user's
// zone, and nothing a spreadsheet would run as a formula. The due column
// holds an all-day date as YYYY-MM-DD, the same day whatever the person's
// zone, and a time as YYYY-MM-DD HH:MM in their zone — also a time at
// 23:59:59, which is not a date.
func TestCSVExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada := signUpIn(t, b, "ada@example.com", "America/New_York")
	day, at := "2031-02-03", "2031-02-04T09:30:00Z"
	_, err := ada.CreateTask(ctx, api.TaskInput{Title: "=HYPERLINK(\"http://evil\")", DueDate: &day, Tags: []string{"b", "a"}})
	require.NoError(t, err)
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "Call, then write", Description: "two\nlines", DueAt: &at, Priority: "low"})
	require.NoError(t, err)
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "Last second", DueAt: ptr("2031-02-03T23:59:59-05:00")})
	require.NoError(t, err)
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "Some day"})
	require.NoError(t, err)

	read := func() map[string][]string {
		t.Helper()
		d, err := ada.Export(ctx, api.FormatCSV)
		require.NoError(t, err)
		defer d.Body.Close()
		assert.Equal(t, "text/csv; charset=utf-8", d.ContentType)
		assert.Regexp(t, `^todo-app-tasks-\d{4}-\d\d-\d\d\.csv$`, d.Filename)
		rows, err := csv.NewReader(d.Body).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 5)
		assert.Equal(t, []string{"title", "description", "priority", "due", "tags", "recurrence", "recurrence_interval", "completed", "completed_at", "created_at"}, rows[0])
		out := map[string][]string{}
		for _, r := range rows[1:] {
			out[r[0]] = r
		}
		return out
	}
	rows := read()
	assert.Equal(t, []string{"'=HYPERLINK(\"http://evil\")", "", "medium", "2031-02-03", "a, b", "none", "1", "false", ""}, rows["'=HYPERLINK(\"http://evil\")"][:9])
	assert.Equal(t, []string{"Call, then write", "two\nlines", "low", "2031-02-04 04:30"}, rows["Call, then write"][:4], "a time in New York")
	assert.Equal(t, "2031-02-03 23:59", rows["Last second"][3], "a time at 23:59:59 is a time")
	assert.Equal(t, "", rows["Some day"][3])

	_, err = ada.SetPreferences(ctx, api.Preferences{TimeZone: ptr("Asia/Tokyo")})
	require.NoError(t, err)
	rows = read()
	assert.Equal(t, "2031-02-03", rows["'=HYPERLINK(\"http://evil\")"][3], "in Tokyo the same day")
	assert.Equal(t, "2031-02-04 18:30", rows["Call, then write"][3], "the time in Tokyo")
	assert.Equal(t, "2031-02-04 13:59", rows["Last second"][3])
}

// Todoist's CSV template, written by us from Todoist's published
// description (testdata/todoist.csv): labels, priorities counted as the
// app shows them (1 is p1, the highest), notes joined to their task,
// blank rows skipped, dates in words.
func TestTodoistCSVImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	file, err := os.ReadFile("testdata/todoist.csv")
	require.NoError(t, err)

	rep, err := ada.Import(ctx, api.FormatTodoistCSV, false, bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, 5, rep.TasksCreated)
	assert.Empty(t, rep.Notes, "sections and sub-tasks are kept (TestTodoistTemplateBecomesAProject)")
	list, err := ada.ListTasks(ctx, api.TaskQuery{Status: "all", Sort: "title"})
	require.NoError(t, err)
	byTitle := map[string]api.Task{}
	for _, task := range list.Tasks {
		byTitle[task.Title] = task
	}
	require.Len(t, byTitle, 5, "titles: %v", byTitle)
	assert.Equal(t, "high", byTitle["File the taxes"].Priority, "PRIORITY 1 is p1, the highest")
	assert.Equal(t, []string{"admin", "money"}, byTitle["File the taxes"].Tags)
	assert.Equal(t, "2031-04-15", dueDateOf(byTitle["File the taxes"]), "a date alone: an all-day date")
	assert.Equal(t, "2031-04-15 23:59:59", byTitle["File the taxes"].DueAt.UTC().Format(time.DateTime), "due until the end of that day (UTC here)")
	assert.Equal(t, "Forms are in the drawer\n\nCall the accountant first", byTitle["File the taxes"].Description, "the note joins its task")
	assert.Equal(t, "medium", byTitle["Buy milk"].Priority, "PRIORITY 2 is p2")
	assert.Equal(t, "low", byTitle["Sort the photos"].Priority, "PRIORITY 4 is p4, the lowest")
	assert.Equal(t, "weekly", byTitle["Water the plants"].Recurrence, "every monday")
	require.NotNil(t, byTitle["Water the plants"].DueDate, "every monday: an all-day series")
	assert.Equal(t, time.Monday, byTitle["Water the plants"].DueDate.Weekday())
	assert.Equal(t, "2031-05-01T09:00:00Z", byTitle["Dentist"].DueAt.UTC().Format(time.RFC3339), "a date and a time in the row's TIMEZONE")
	assert.Nil(t, byTitle["Dentist"].DueDate, "a time is not a date")

	again, err := ada.Import(ctx, api.FormatTodoistCSV, false, bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, []int{0, 5}, []int{again.TasksCreated, again.TasksSkipped}, "the same file twice: nothing new")
}

// Todoist's dates as its CSV holds them, imported by a person in New
// York: a date alone is an all-day date (it stays that day when the
// person's zone changes — it used to land a day late at 05:59), a date
// and a time is that time in the row's TIMEZONE or, with none, in the
// person's zone, and a repeat rule alone starts today, all day.
func TestTodoistCSVImportDatesAndTimes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ny := signUpIn(t, b, "ny@example.com", "America/New_York")
	newYork, _ := time.LoadLocation("America/New_York")
	file := "\ufeffTYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n" +
		"task,Pay rent @home,,1,1,Ada (14781400),,Jan 1 2032,en,\n" +
		"task,Send the forms,,2,1,Ada (14781400),,2031-12-11,en,Europe/Berlin\n" +
		"task,Call mom,,2,1,Ada (14781400),,Dec 20 2031 18:30,en,\n" +
		"task,Standup,,2,1,Ada (14781400),,Dec 8 2031 9:00,en,Europe/Berlin\n" +
		"task,Take vitamins,,4,1,Ada (14781400),,every day,en,\n"
	rep, err := ny.Import(ctx, api.FormatTodoistCSV, false, strings.NewReader(file))
	require.NoError(t, err, "%+v", rep)
	assert.Equal(t, 5, rep.TasksCreated)

	check := func(zone *time.Location) {
		t.Helper()
		tasks := byTitle(t, ny)
		for title, want := range map[string]string{"Pay rent": "2032-01-01", "Send the forms": "2031-12-11", "Call mom": "(no date)", "Standup": "(no date)"} {
			assert.Equal(t, want, dueDateOf(tasks[title]), title)
		}
		assert.Equal(t, "2032-01-01 23:59:59", tasks["Pay rent"].DueAt.In(zone).Format(time.DateTime), "due until the end of the day in the person's zone")
		assert.Equal(t, "2031-12-20T23:30:00Z", tasks["Call mom"].DueAt.UTC().Format(time.RFC3339), "18:30 in New York, the person's zone")
		assert.Equal(t, "2031-12-08T08:00:00Z", tasks["Standup"].DueAt.UTC().Format(time.RFC3339), "9:00 in the row's Berlin")
		require.NotNil(t, tasks["Take vitamins"].DueDate, "a repeat rule alone: all day")
		assert.Equal(t, "daily", tasks["Take vitamins"].Recurrence)
	}
	check(newYork)
	_, err = ny.SetPreferences(ctx, api.Preferences{TimeZone: ptr("Asia/Tokyo")})
	require.NoError(t, err)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	check(tokyo)
}

// A file with problems is refused whole: the report names each row and
// column, nothing is written, and a preview shows the same report.
func TestImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	file := "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n" +
		"task,Fine task @ok,,1,,,,,,\n" +
		"task,Bad priority,,7,,,,,,\n" +
		"task,,,,,,,,,\n" +
		"task,Bad date,,,,,,the day after the heat death of the universe,en,\n" +
		"chore,What is this,,,,,,,,\n"

	preview, err := ada.Import(ctx, api.FormatTodoistCSV, true, strings.NewReader(file))
	require.NoError(t, err, "a preview succeeds and reports the problems")
	want := []api.ImportError{
		{Row: 3, Field: "PRIORITY", Message: `must be 1, 2, 3 or 4 (1 is p1, the highest), not "7"`},
		{Row: 4, Field: "CONTENT", Message: "is required"},
		{Row: 5, Field: "DATE", Message: `could not read "the day after the heat death of the universe" as a date (for example 2026-12-01, tomorrow 9am, every monday)`},
		{Row: 6, Field: "TYPE", Message: `must be task, section, note or meta (in lowercase), not "chore"`},
	}
	assert.Equal(t, want, preview.Errors)
	assert.False(t, preview.Imported)

	rep, err := ada.Import(ctx, api.FormatTodoistCSV, false, strings.NewReader(file))
	e, ok := apierror.As(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, http.StatusUnprocessableEntity, e.Status)
	assert.Equal(t, "4 problems in the file; nothing was imported", e.Message)
	assert.Equal(t, want, rep.Errors)
	assert.Zero(t, rep.TasksCreated)
	list, err := ada.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	assert.Zero(t, list.Total, "not even the fine row")
	tags, err := ada.ListTags(ctx)
	require.NoError(t, err)
	assert.Empty(t, tags.Tags, "nor its tag")

	// A problem after the first batches were written rolls them back.
	var long strings.Builder
	long.WriteString("TYPE,CONTENT,PRIORITY\n")
	for i := range 1200 {
		fmt.Fprintf(&long, "task,Task %d,4\n", i)
	}
	long.WriteString("task,The last one is wrong,0\n")
	_, err = ada.Import(ctx, api.FormatTodoistCSV, false, strings.NewReader(long.String()))
	requireProblems(t, err, 1)
	list, err = ada.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	assert.Zero(t, list.Total, "the 1 200 rows before the bad one are rolled back")

	// A file that is not what it says is refused with one clear sentence.
	_, err = ada.Import(ctx, api.FormatJSON, false, strings.NewReader(`{"kind":"something-else"}`))
	e, _ = apierror.As(err)
	require.NotNil(t, e)
	assert.Equal(t, `this is not a todo-app export: its kind is not "todo-app-export"; nothing was imported`, e.Message)
	_, err = ada.Import(ctx, api.FormatJSON, false, strings.NewReader(`{"kind":"todo-app-export","tasks":[{"title":"cut off`))
	e, _ = apierror.As(err)
	require.NotNil(t, e)
	assert.Contains(t, e.Message, "the file ends too early")
	_, err = ada.Import(ctx, api.FormatTodoistCSV, false, strings.NewReader("Title,Due\nx,y\n"))
	e, _ = apierror.As(err)
	require.NotNil(t, e)
	assert.Contains(t, e.Message, "needs the columns TYPE and CONTENT")
}

func requireProblems(t *testing.T, err error, n int) {
	t.Helper()
	e, ok := apierror.As(err)
	require.True(t, ok, "%v", err)
	require.Equal(t, http.StatusUnprocessableEntity, e.Status)
	if n == 1 {
		assert.Equal(t, "1 problem in the file; nothing was imported", e.Message)
		return
	}
	assert.Equal(t, fmt.Sprintf("%d problems in the file; nothing was imported", n), e.Message)
}

// The import route streams its body under its own limit; every other
// route still refuses a body over 1 MiB, declared or chunked.
func TestBodyLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg, func(c *config.Config) { c.ImportMaxMB = 2 })
	ada, auth := b.SignUp(t, "ada@example.com")

	// 3 MiB of valid JSON (one long skipped field): over the import limit.
	big := io.MultiReader(strings.NewReader(`{"kind":"todo-app-export","padding":"`), strings.NewReader(strings.Repeat("x", 3<<20)), strings.NewReader(`"}`))
	_, err := ada.Import(ctx, api.FormatJSON, false, big)
	e, ok := apierror.As(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, e.Status)
	assert.Equal(t, "an import file is at most 2 MiB (IMPORT_MAX_MB); split it and import the parts", e.Message)

	// 1.5 MiB: more than other routes take, within the import's limit.
	fine := io.MultiReader(strings.NewReader(`{"kind":"todo-app-export","padding":"`), strings.NewReader(strings.Repeat("x", 3<<19)), strings.NewReader(`"}`))
	_, err = ada.Import(ctx, api.FormatJSON, false, fine)
	require.NoError(t, err)

	for _, chunked := range []bool{false, true} {
		body := `{"title":"` + strings.Repeat("x", 1<<20) + `"}`
		req, err := http.NewRequest(http.MethodPost, b.URL+"/api/"+auth.User.ID+"/tasks", strings.NewReader(body))
		require.NoError(t, err)
		if chunked {
			req.Body = io.NopCloser(strings.NewReader(body))
			req.ContentLength = -1
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+auth.Token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var env apierror.Envelope
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&env))
		resp.Body.Close()
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "chunked %v", chunked)
		require.NotNil(t, env.Error)
		assert.Equal(t, apierror.CodeTooLarge, env.Error.Code)
	}
	// A small chunked body still works.
	req, err := http.NewRequest(http.MethodPost, b.URL+"/api/"+auth.User.ID+"/tasks", nil)
	require.NoError(t, err)
	req.Body = io.NopCloser(strings.NewReader(`{"title":"chunked but small"}`))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+auth.Token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
}

// After a streamed import the connection carries the next request: the
// handler reads what the decoder left (the chunked encoding's last
// bytes), which fasthttp would otherwise take for a broken request.
func TestImportLeavesTheConnectionUsable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	_, auth := b.SignUp(t, "ada@example.com")
	hc := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	ada := client.New(b.URL, hc).WithAuth(auth)
	_, err := ada.Import(ctx, api.FormatJSON, false, strings.NewReader(`{"kind":"todo-app-export","tasks":[{"key":"k1","title":"One"}]}`))
	require.NoError(t, err)
	reused := false
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused }}
	_, err = ada.ListTasks(httptrace.WithClientTrace(ctx, trace), api.TaskQuery{})
	require.NoError(t, err)
	assert.True(t, reused, "the import's connection is used again")
}

// Only the owner exports or imports an account.
func TestTransferIsPerUser(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	_, ada := b.SignUp(t, "ada@example.com")
	_, bob := b.SignUp(t, "bob@example.com")
	r := call(t, http.MethodGet, b.URL+"/api/"+ada.User.ID+"/export", bob.Token, "", "")
	assert.Equal(t, http.StatusForbidden, r.Status)
	r = call(t, http.MethodPost, b.URL+"/api/"+ada.User.ID+"/import?format=json", bob.Token, "application/json", `{"kind":"todo-app-export"}`)
	assert.Equal(t, http.StatusForbidden, r.Status)
	r = call(t, http.MethodGet, b.URL+"/api/"+ada.User.ID+"/export?format=xml", ada.Token, "", "")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Equal(t, "must be json or csv", r.errFields()["format"])
}

// An imported reminder whose time has passed comes in as fired: importing
// history must not set off a burst of old reminders. One still ahead stays
// armed, and a bad one is a row error like any other.
func TestImportedRemindersDoNotFireThePast(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	past := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	ahead := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	doc := `{"kind":"todo-app-export","version":1,"tasks":[
	 {"key":"k1","title":"Old","due_at":"` + past + `","priority":"medium","recurrence":"none","tags":[],"reminders":[{"at":"` + past + `"},{"before_minutes":10}]},
	 {"key":"k2","title":"New","due_at":"` + ahead + `","priority":"medium","recurrence":"none","tags":[],"reminders":[{"before_minutes":60}]}],"conversations":[]}`
	rep, err := ada.Import(ctx, api.FormatJSON, false, strings.NewReader(doc))
	require.NoError(t, err, "%+v", rep)
	list, err := ada.ListTasks(ctx, api.TaskQuery{Status: "all", Sort: "title"})
	require.NoError(t, err)
	require.Len(t, list.Tasks, 2)
	for _, r := range list.Tasks[1].Reminders { // "Old"
		assert.NotNil(t, r.FiredAt, "a past reminder comes in fired")
	}
	require.Len(t, list.Tasks[0].Reminders, 1) // "New"
	assert.Nil(t, list.Tasks[0].Reminders[0].FiredAt, "one still ahead stays armed")

	bad := `{"kind":"todo-app-export","version":1,"tasks":[{"key":"k3","title":"Bad","priority":"medium","recurrence":"none","tags":[],"reminders":[{"before_minutes":10}]}],"conversations":[]}`
	_, err = ada.Import(ctx, api.FormatJSON, false, strings.NewReader(bad))
	e, ok := apierror.As(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, http.StatusUnprocessableEntity, e.Status)
	assert.Contains(t, fmt.Sprint(e.Details), "needs a due time")
}

// rawExchange is rawhttp.Exchange with a wait past the server's 15 s
// read timeout.
func rawExchange(t *testing.T, baseURL, head string, pause time.Duration, parts ...string) (got string, closed bool) {
	t.Helper()
	return rawhttp.Exchange(t, baseURL, head, pause, 20*time.Second, parts...)
}

// The probe's smuggling, on the wire: an import whose declared body
// holds, past the point where the read stops (a pause longer than the
// server's 15 s read timeout), a complete DELETE with a valid token. The
// task stays and the connection is closed with a 408. (Before, the import
// was cut at 15 s, answered, and the DELETE ran: 204.)
func TestAnImportCutShortNeverRunsTheRestOfItsBody(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg, func(c *config.Config) { c.UploadIdle = time.Second })
	ada, auth := b.SignUp(t, "ada@example.com")
	task, err := ada.CreateTask(ctx, api.TaskInput{Title: "keep me"})
	require.NoError(t, err)
	del := fmt.Sprintf("DELETE /api/%s/tasks/%d HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", auth.User.ID, task.ID, auth.Token)
	first := `{"kind":"todo-app-export","padding":"` + strings.Repeat("x", 20000)
	head := "POST /api/" + auth.User.ID + "/import?format=json HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + auth.Token +
		"\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(first)+len(del)) + "\r\n\r\n"
	got, closed := rawExchange(t, b.URL, head, 16*time.Second, first, del)
	assert.NotContains(t, got, "204 No Content")
	assert.Contains(t, got, "408 Request Timeout")
	assert.Contains(t, got, `"code":"timeout"`)
	assert.True(t, closed, "the connection is closed:\n%s", got)
	// The DELETE, had it been read, was there to run by now.
	time.Sleep(16 * time.Second)
	_, err = ada.GetTask(ctx, task.ID)
	assert.NoError(t, err, "the task is still there")
}

// An import file declared over IMPORT_MAX_MB is refused at once, unread
// (the probe waited 15 s for a 408).
func TestAnOversizedImportIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg, func(c *config.Config) { c.ImportMaxMB = 2 })
	_, auth := b.SignUp(t, "ada@example.com")
	for path, want := range map[string]string{
		"/api/" + auth.User.ID + "/import?format=json": "an import file is at most 2 MiB (IMPORT_MAX_MB)",
		"/api/" + auth.User.ID + "/tasks":              "request body is too large (limit 1 MiB)",
	} {
		start := time.Now()
		got, closed := rawExchange(t, b.URL, "POST "+path+" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+auth.Token+
			"\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n", 0)
		assert.Less(t, time.Since(start), 2*time.Second, path)
		assert.Contains(t, got, "413 Request Entity Too Large", path)
		assert.Contains(t, got, want, path)
		assert.True(t, closed, path)
	}
}

// An upload slower than the server's 15 s read timeout is imported as
// long as it keeps coming: 2 MiB in 32 KiB parts every quarter second, about
// 16 s (4 Mbit/s would take 100 MB through in under 4 minutes; the limits
// are 30 s without a byte and 30 minutes in all).
func TestASlowImportIsTaken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	start := time.Now()
	rep, err := ada.Import(ctx, api.FormatJSON, false, &slowReader{r: io.MultiReader(strings.NewReader(`{"kind":"todo-app-export","padding":"`),
		strings.NewReader(strings.Repeat("x", 2<<20)), strings.NewReader(`","tasks":[{"key":"k1","title":"Slowly"}]}`)), every: 250 * time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.TasksCreated)
	assert.Greater(t, time.Since(start), 15*time.Second, "the upload took longer than the read timeout")
}

// slowReader gives at most 64 KiB a read (the client asks for 32), the
// first at once and then one every so often.
type slowReader struct {
	r     io.Reader
	every time.Duration
	begun bool
}

func (s *slowReader) Read(p []byte) (int, error) {
	if s.begun {
		time.Sleep(s.every)
	}
	s.begun = true
	return s.r.Read(p[:min(len(p), 64<<10)])
}
