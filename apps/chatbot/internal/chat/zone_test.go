package chat_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/dates"
)

// The assistant reads "tomorrow" in the person's zone, the one "today",
// the feed and the exports use (issue 29): a zone chosen on another
// device wins over this browser's own (Tokyo here), in the assistant too,
// once this browser asks again (websession.ZoneRecheck).
func TestChatTomorrowIsInThePersonsZone(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	b := newBrowser(t, s.chatbot.URL)
	u, _ := url.Parse(s.chatbot.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: url.QueryEscape("Asia/Tokyo"), Path: "/"}})
	b.signUp("zone-chat@example.com")
	be := client.New(s.backend.URL, nil)
	res, err := be.SignIn(context.Background(), api.SignInRequest{Email: "zone-chat@example.com", Password: "correct horse"})
	require.NoError(t, err)
	zone := "America/New_York"
	_, err = be.WithAuth(res).SetPreferences(context.Background(), api.Preferences{TimeZone: &zone})
	require.NoError(t, err, "chosen on another device")
	// A minute later: what this browser heard of the zone has expired.
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tzperson", Path: "/", MaxAge: -1}})

	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	tomorrow := func(now time.Time) string {
		return dates.EndOfDay(now.In(ny).AddDate(0, 0, 1), ny).UTC().Format(time.RFC3339)
	}
	token := b.csrf("/")
	before := time.Now()
	resp := b.post("/chat", url.Values{"message": {"Add task tomorrow: Call the bank"}, "_csrf": {token}})
	after := time.Now()
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	tasks, err := be.WithAuth(res).ListTasks(context.Background(), api.TaskQuery{})
	require.NoError(t, err)
	require.Len(t, tasks.Tasks, 1)
	require.NotNil(t, tasks.Tasks[0].DueAt)
	require.NotNil(t, tasks.Tasks[0].DueDate, "a date alone is all day")
	assert.Contains(t, []string{dates.DateOf(before, ny).AddDays(1).String(), dates.DateOf(after, ny).AddDays(1).String()},
		tasks.Tasks[0].DueDate.String(), "tomorrow in New York")
	// The end of tomorrow in New York (either side of a midnight that
	// passed while the assistant answered).
	assert.Contains(t, []string{tomorrow(before), tomorrow(after)}, tasks.Tasks[0].DueAt.UTC().Format(time.RFC3339))
}
