package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

// transferTasks is the account size the import/export figures are for.
const transferTasks = 100_000

// TransferFigures are bench/transfer.json: one 100 000-task account
// exported and imported through a fresh backend process.
type TransferFigures struct {
	Machine    Machine `json:"machine"`
	Tasks      int     `json:"tasks"`
	RSSIdleMiB float64 `json:"rss_idle_mib"`
	// WebRSSIdleMiB is the web app's, before the upload through it.
	WebRSSIdleMiB float64        `json:"web_rss_idle_mib"`
	Steps         []TransferStep `json:"steps"`
}

// TransferStep is one export or import.
type TransferStep struct {
	Name       string  `json:"name"`
	Seconds    float64 `json:"seconds"`
	FileMiB    float64 `json:"file_mib"`
	RSSPeakMiB float64 `json:"rss_peak_mib"`
	// WebRSSPeakMiB is the web app's peak, for the upload through it.
	WebRSSPeakMiB float64 `json:"web_rss_peak_mib,omitempty"`
}

// runTransfer measures the backend's memory while it streams a
// 100 000-task export and imports it into another account: the issue's
// bound is 64 MiB for each.
func runTransfer(ctx context.Context, root, backendBin, webBin string, logf func(string, ...any)) error {
	env := map[string]string{"BETTER_AUTH_SECRET": stacktest.Secret, "AUTH_RATE_LIMIT": "1000000"}
	bdb, err := startDatabase(ctx, "transfer", backendBin, env)
	if err != nil {
		return err
	}
	defer bdb.Close()
	db := bdb.DB
	logf("seeding one account with %d tasks, 5 tags and 20 conversations", transferTasks)
	stmts := []string{
		`INSERT INTO users (email, name, password_hash) VALUES ('from@bench.test', 'From', 'x'), ('to@bench.test', 'To', 'x')`,
		// The web step signs in as to@bench.test.
		fmt.Sprintf(`UPDATE users SET password_hash = '%s' WHERE email = 'to@bench.test'`, mustHash(BenchPassword)),
		`INSERT INTO tags (user_id, name) SELECT u.id, t FROM users u, unnest(ARRAY['work','home','errands','family','health']) AS t WHERE u.email = 'from@bench.test'`,
		fmt.Sprintf(`INSERT INTO tasks (user_id, title, description, completed, completed_at, due_at, priority, recurrence, created_at, updated_at)
		 SELECT u.id, 'Task number ' || g || ' of the big account',
		        CASE WHEN g %% 5 = 0 THEN 'Some notes about task ' || g ELSE '' END,
		        g %% 4 = 0, CASE WHEN g %% 4 = 0 THEN now() - interval '1 day' END,
		        CASE WHEN g %% 7 = 0 THEN NULL ELSE now() + ((g %% 60) - 20) * interval '1 day' END,
		        (ARRAY['low','medium','high'])[1 + g %% 3], (ARRAY['none','none','none','weekly'])[1 + g %% 4],
		        now() - g * interval '1 minute', now()
		 FROM users u, generate_series(1, %d) AS g WHERE u.email = 'from@bench.test'`, transferTasks),
		`INSERT INTO task_tags (task_id, tag_id) SELECT t.id, g.id FROM tasks t JOIN tags g ON g.user_id = t.user_id WHERE (t.id + g.id) % 3 = 0`,
		`INSERT INTO conversations (user_id, title) SELECT u.id, 'Conversation ' || g FROM users u, generate_series(1, 20) AS g WHERE u.email = 'from@bench.test'`,
		`INSERT INTO messages (conversation_id, user_id, role, content) SELECT c.id, c.user_id, (ARRAY['user','assistant'])[1 + g % 2], 'Message ' || g FROM conversations c, generate_series(1, 20) AS g`,
		`ANALYZE`,
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("seeding (%.40s…): %w", s, err)
		}
	}
	tokens, err := auth.NewTokens(stacktest.Secret, 24*time.Hour)
	if err != nil {
		return err
	}
	as := func(be string, email string) (*client.Client, error) {
		var id string
		if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE email = $1`, email).Scan(&id); err != nil {
			return nil, err
		}
		tok, err := openSession(ctx, db, tokens, id)
		if err != nil {
			return nil, err
		}
		return client.New(be, nil).WithSession(tok, id), nil
	}

	// A fresh process: its memory is the transfer's, not a load test's.
	be, err := stacktest.Launch(backendBin, env)
	if err != nil {
		return err
	}
	defer be.Stop()
	from, err := as(be.URL, "from@bench.test")
	if err != nil {
		return err
	}
	to, err := as(be.URL, "to@bench.test")
	if err != nil {
		return err
	}
	time.Sleep(time.Second)
	web, err := stacktest.Launch(webBin, map[string]string{"BACKEND_URL": be.URL, "BETTER_AUTH_SECRET": stacktest.Secret})
	if err != nil {
		return err
	}
	defer web.Stop()
	time.Sleep(time.Second)
	res := &TransferFigures{Machine: machine(), Tasks: transferTasks, RSSIdleMiB: round(rssMiB(be.PID())), WebRSSIdleMiB: round(rssMiB(web.PID()))}
	dir, err := os.MkdirTemp("", "bench-transfer-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	measure := func(name string, fn func() (int64, error)) error {
		peaks := newSampler(map[string]int{"backend": be.PID(), "web": web.PID()})
		start := time.Now()
		n, err := fn()
		secs := time.Since(start).Seconds()
		peak := peaks.Stop()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		step := TransferStep{Name: name, Seconds: round(secs), FileMiB: round(float64(n) / (1 << 20)), RSSPeakMiB: round(peak["backend"])}
		if strings.Contains(name, "web app") {
			step.WebRSSPeakMiB = round(peak["web"])
		}
		logf("%-34s %6.1f s  file %6.1f MiB  backend RSS peak %5.1f MiB  web %5.1f MiB", name, step.Seconds, step.FileMiB, step.RSSPeakMiB, step.WebRSSPeakMiB)
		res.Steps = append(res.Steps, step)
		return nil
	}
	download := func(c *client.Client, format, path string) (int64, error) {
		d, err := c.Export(ctx, format)
		if err != nil {
			return 0, err
		}
		defer d.Body.Close()
		f, err := os.Create(path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		return io.Copy(f, d.Body)
	}
	exported := filepath.Join(dir, "export.json")
	if err := measure("export JSON", func() (int64, error) { return download(from, api.FormatJSON, exported) }); err != nil {
		return err
	}
	if err := measure("export CSV", func() (int64, error) { return download(from, api.FormatCSV, filepath.Join(dir, "export.csv")) }); err != nil {
		return err
	}
	upload := func(dryRun bool) (int64, error) {
		f, err := os.Open(exported)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		fi, _ := f.Stat()
		rep, err := to.Import(ctx, api.FormatJSON, dryRun, f)
		if err != nil {
			return 0, err
		}
		if rep.Rows != transferTasks+20 || (!dryRun && rep.TasksCreated != transferTasks) {
			return 0, fmt.Errorf("the import read %d rows and created %d tasks, not %d", rep.Rows, rep.TasksCreated, transferTasks)
		}
		return fi.Size(), nil
	}
	if err := measure("import JSON through the web app (preview)", func() (int64, error) { return uploadThroughWeb(ctx, web.URL, exported) }); err != nil {
		return err
	}
	if err := measure("import JSON (preview)", func() (int64, error) { return upload(true) }); err != nil {
		return err
	}
	if err := measure("import JSON", func() (int64, error) { return upload(false) }); err != nil {
		return err
	}
	if err := measure("import JSON again (all skipped)", func() (int64, error) {
		f, err := os.Open(exported)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		fi, _ := f.Stat()
		rep, err := to.Import(ctx, api.FormatJSON, false, f)
		if err == nil && rep.TasksSkipped != transferTasks {
			err = fmt.Errorf("skipped %d tasks, not %d", rep.TasksSkipped, transferTasks)
		}
		return fi.Size(), err
	}); err != nil {
		return err
	}
	return writeTransfer(root, res)
}

const (
	transferBegin = "<!-- bench:transfer:begin (written by make bench) -->"
	transferEnd   = "<!-- bench:transfer:end -->"
)

func writeTransfer(root string, r *TransferFigures) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "bench", "transfer.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	var md strings.Builder
	m := r.Machine
	fmt.Fprintf(&md, "%s\n\nMeasured on %s: %d cores (%s), %.0f GiB, %s, %s. One account of %d tasks (5 tags, 20 conversations of 20 messages) through a fresh backend process (default settings); the client, the backend and PostgreSQL share the machine. RSS before: backend %.1f MiB, web %.1f MiB.\n\n",
		transferBegin, m.Date, m.Cores, m.CPU, m.MemoryGiB, m.OS, m.GoVersion, r.Tasks, r.RSSIdleMiB, r.WebRSSIdleMiB)
	md.WriteString("| step | seconds | file MiB | backend RSS peak MiB | web RSS peak MiB |\n|---|---:|---:|---:|---:|\n")
	for _, s := range r.Steps {
		web := "—"
		if s.WebRSSPeakMiB > 0 {
			web = fmt.Sprintf("%.1f", s.WebRSSPeakMiB)
		}
		fmt.Fprintf(&md, "| %s | %.1f | %.1f | %.1f | %s |\n", s.Name, s.Seconds, s.FileMiB, s.RSSPeakMiB, web)
	}
	md.WriteString(transferEnd)
	return replaceSection(root, transferBegin, transferEnd, "## Import and export of a 100 000-task account", md.String())
}

func mustHash(password string) string {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// uploadThroughWeb signs in to the web app and sends the file through its
// import form as a browser would (multipart, streamed), as a preview.
func uploadThroughWeb(ctx context.Context, webURL, path string) (int64, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	token := func(page string) (string, error) {
		resp, err := hc.Get(webURL + page)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		m := csrfField.FindSubmatch(b)
		if m == nil {
			return "", fmt.Errorf("no form token on %s (status %d)", page, resp.StatusCode)
		}
		return string(m[1]), nil
	}
	t, err := token("/signin")
	if err != nil {
		return 0, err
	}
	resp, err := hc.PostForm(webURL+"/signin", url.Values{"_csrf": {t}, "email": {"to@bench.test"}, "password": {BenchPassword}})
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if t, err = token("/settings"); err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, _ := f.Stat()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		_ = mw.WriteField("_csrf", t)
		_ = mw.WriteField("format", api.FormatJSON)
		fw, err := mw.CreateFormFile("file", "export.json")
		if err == nil {
			_, err = io.Copy(fw, f)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webURL+"/settings/import?mode=preview", pr)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err = hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if want := fmt.Sprintf("adds %d tasks", transferTasks); resp.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
		return 0, fmt.Errorf("the web app's preview answered %d without %q", resp.StatusCode, want)
	}
	return fi.Size(), nil
}
