package ui_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/config"
	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/testkit/rawhttp"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

// upload posts the import form as a browser does (multipart: the CSRF
// token and the format, then the file), streamed with chunked encoding so
// that neither side can know its length in advance.
func (b *browserless) upload(path, csrf, format, name, file string) page {
	b.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		if csrf != "" {
			_ = mw.WriteField("_csrf", csrf)
		}
		_ = mw.WriteField("format", format)
		fw, _ := mw.CreateFormFile("file", name)
		// In pieces, as a slow link would send it.
		for chunk := range strings.SplitSeq(file, "\n") {
			_, _ = io.WriteString(fw, chunk+"\n")
		}
		pw.CloseWithError(mw.Close())
	}()
	req, err := http.NewRequest(http.MethodPost, b.base+path, pr)
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	return read(b.t, resp)
}

func (b *browserless) csrf(from string) string {
	b.t.Helper()
	m := csrfRe.FindStringSubmatch(b.get(from).Body)
	require.NotNil(b.t, m)
	return m[1]
}

const todoistFile = "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n" +
	"task,Plan the trip @travel,,1,1,,,2031-06-01,en,\n" +
	"task,Pack,,3,1,,,,,\n"

// Settings → Your data, end to end through the real backend: a preview
// writes nothing and says what would happen; the import brings the tasks
// in and says so; the downloads hold them; a file with a bad row imports
// nothing and names the row; an upload without the form's token is
// refused before its file is read.
func TestSettingsImportAndExport(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("tess@example.com")
	token := b.csrf("/settings")

	p := b.upload("/settings/import", "", api.FormatTodoistCSV, "trip.csv", todoistFile)
	assert.Equal(t, http.StatusForbidden, p.Status, "no CSRF token, no import")

	p = b.upload("/settings/import?mode=preview", token, api.FormatTodoistCSV, "trip.csv", todoistFile)
	require.Equal(t, http.StatusOK, p.Status, p.Body)
	assert.Contains(t, text(p.Body), "Preview: importing this file into the project “trip” adds 2 tasks, 1 tag and 0 conversations.",
		"a Todoist file becomes a project named after the file")
	assert.Contains(t, text(p.Body), "Nothing is imported yet")
	assert.NotContains(t, text(b.get("/tasks?status=all").Body), "Plan the trip", "a preview writes nothing")

	p = b.upload("/settings/import", token, api.FormatTodoistCSV, "trip.csv", todoistFile)
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	// The upload's connection carries the next page: the form's last
	// bytes were read, not left for the next request.
	reused := false
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused }}), http.MethodGet, s.WebURL+"/settings", nil)
	require.NoError(t, err)
	resp, err := b.c.Do(req)
	require.NoError(t, err)
	settings := read(t, resp)
	assert.True(t, reused, "the upload's connection is used again")
	assert.Contains(t, text(settings.Body), "Imported 2 tasks, 1 tag.")
	tasks := text(b.get("/tasks?status=all").Body)
	assert.Contains(t, tasks, "Plan the trip")
	assert.Contains(t, tasks, "Pack")
	projects, err := apiClient(t, s.Backend.URL, "tess@example.com").ListProjects(context.Background(), false)
	require.NoError(t, err)
	var names []string
	for _, p := range projects.Projects {
		names = append(names, p.Name)
	}
	assert.Contains(t, names, "trip", "the file's project, named after the file")

	p = b.upload("/settings/import", token, api.FormatTodoistCSV, "trip.csv", todoistFile)
	require.Equal(t, http.StatusSeeOther, p.Status)
	assert.Contains(t, text(b.get("/settings").Body), "Imported 0 tasks. 2 items already here were left as they were.")

	p = b.upload("/settings/import", token, api.FormatTodoistCSV, "bad.csv", todoistFile+"task,Broken,,9,,,,,,\n")
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
	assert.Contains(t, text(p.Body), "1 problem: nothing was imported.")
	assert.Contains(t, text(p.Body), `4 PRIORITY must be 1, 2, 3 or 4 (1 is p1, the highest), not "9"`)
	p = b.upload("/settings/import", token, api.FormatJSON, "tasks.csv", todoistFile)
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
	assert.Contains(t, text(p.Body), "this is not a todo-app export")

	resp, err = b.c.Get(s.WebURL + "/settings/export?format=json")
	require.NoError(t, err)
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Regexp(t, `^attachment; filename=todo-app-export-\d{4}-\d\d-\d\d\.json$`, resp.Header.Get("Content-Disposition"))
	var doc api.Export
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	resp.Body.Close()
	require.Len(t, doc.Tasks, 2)
	assert.Equal(t, "Plan the trip", doc.Tasks[0].Title)
	assert.Equal(t, []string{"travel"}, doc.Tasks[0].Tags)
	assert.Equal(t, "tess@example.com", doc.User.Email)

	resp, err = b.c.Get(s.WebURL + "/settings/export?format=csv")
	require.NoError(t, err)
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, []string{"Pack", "", "low"}, rows[2][:3])

	// The JSON export goes back in: nothing new, because it is all here.
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	p = b.upload("/settings/import", token, api.FormatJSON, "export.json", string(raw))
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	assert.Contains(t, text(b.get("/settings").Body), "Imported 0 tasks. 2 items already here were left as they were.")
}

// The probe's smuggling through the web app: an upload to
// /settings/import whose declared body holds, past a pause longer than
// the server's 15 s read timeout, a complete task delete with the
// session's cookie and CSRF token. The task stays and the connection is
// closed with a 408. (Before, the upload was cut at 15 s, answered, and
// the delete ran.)
func TestAnUploadCutShortNeverRunsTheRestOfItsBody(t *testing.T) {
	t.Parallel()
	be := stacktest.StartBackend(t, builder, pg, nil)
	web := webtest.StartWeb(t, be.URL, func(c *config.Config) { c.UploadIdle = time.Second })
	b := newClient(t, web)
	b.signUp("tess@example.com")
	p := b.post("/tasks/new", "/tasks", url.Values{"title": {"keep me"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	m := regexp.MustCompile(`/tasks/(\d+)/edit`).FindStringSubmatch(b.get("/tasks").Body)
	require.NotNil(t, m)
	token := b.csrf("/settings")
	u, _ := url.Parse(web)
	var cookies []string
	for _, c := range b.c.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	form := "_csrf=" + url.QueryEscape(token)
	del := "POST /tasks/" + m[1] + "/delete HTTP/1.1\r\nHost: x\r\nCookie: " + strings.Join(cookies, "; ") +
		"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + strconv.Itoa(len(form)) + "\r\n\r\n" + form
	const boundary = "b0undary"
	first := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + token + "\r\n--" + boundary +
		"\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\njson\r\n--" + boundary +
		"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.json\"\r\nContent-Type: application/json\r\n\r\n" +
		`{"kind":"todo-app-export","padding":"` + strings.Repeat("x", 20000)
	head := "POST /settings/import HTTP/1.1\r\nHost: x\r\nCookie: " + strings.Join(cookies, "; ") +
		"\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + strconv.Itoa(len(first)+len(del)) + "\r\n\r\n"

	got, closed := rawhttp.Exchange(t, u.Host, head, 16*time.Second, 20*time.Second, first, del)
	assert.True(t, closed, "the connection is closed:\n%s", got)
	assert.Equal(t, 1, rawhttp.Answers(got), "one answer:\n%s", got)
	assert.Contains(t, got, "HTTP/1.1 408 Request Timeout")
	// The delete, had it been read, was there to run by now.
	time.Sleep(16 * time.Second)
	assert.Contains(t, text(b.get("/tasks").Body), "keep me", "the task is still there")
}
