package ui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/httpserver"
	"github.com/todo-app/todo-app/pkg/websession"
)

// transferTimeout bounds one download or upload through the web app.
const transferTimeout = 10 * time.Minute

// IsImport picks the upload of an import file: its body is streamed to
// the backend as it arrives (httpserver.Options.StreamBodies), and its
// CSRF token is read from the form's first part
// (websession.Manager.StreamForms).
func IsImport(method, path string) bool {
	return method == fiber.MethodPost && path == "/settings/import"
}

// importView is the import part of the settings page after an upload.
type importView struct {
	Format string
	// Preview is set for a preview; Report is what the backend said.
	Preview bool
	Report  *api.ImportReport
	// Problem is a file that could not be read at all.
	Problem string
	// Project is the name of the project a Todoist file becomes: the one
	// typed, else the file's name.
	Project string
}

// export streams the backend's export to the browser as a download.
func (h *Handler) export(c *fiber.Ctx) error {
	format := c.Query("format", api.FormatJSON)
	d, err := h.asUser(c).Export(c.UserContext(), format)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, d.ContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename}))
	c.Set(fiber.HeaderCacheControl, "no-store")
	conn, log := c.Context().Conn(), h.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer d.Body.Close()
		_ = conn.SetWriteDeadline(time.Now().Add(transferTimeout))
		if _, err := io.Copy(w, d.Body); err != nil {
			log.Error("export download failed", slog.String("error", err.Error()))
		}
	})
	return nil
}

// importFile reads the upload form as a stream — _csrf and format before
// the file — and sends the file on to the backend as it arrives. The
// Preview button says mode=preview in the URL: a form's buttons come after
// its file in the upload.
func (h *Handler) importFile(c *fiber.Ctx) error {
	mt, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return apierror.BadRequest("send the import form as multipart/form-data")
	}
	// Read as it arrives, within the server's upload limits
	// (UPLOAD_IDLE_TIMEOUT, UPLOAD_TIMEOUT); a body not read to its end
	// closes the connection after the answer (httpserver).
	body := httpserver.RequestBody(c)
	mr := multipart.NewReader(body, params["boundary"])
	view := importView{Format: api.FormatJSON, Preview: c.Query("mode") == "preview"}
	csrfChecked := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if body.Err() != nil {
				return httpserver.BodyError(body.Err())
			}
			return apierror.BadRequest("the upload was cut off; try again")
		}
		name := part.FormName()
		if name != "file" {
			v, _ := io.ReadAll(io.LimitReader(part, 256))
			switch name {
			case websession.CSRFField:
				if err := h.sess.CheckCSRF(c, string(v)); err != nil {
					return err
				}
				csrfChecked = true
			case "format":
				view.Format = string(v)
			case "project_name":
				view.Project = strings.TrimSpace(string(v))
			}
			continue
		}
		if !csrfChecked {
			return h.sess.CheckCSRF(c, "")
		}
		if view.Format != api.FormatJSON && view.Format != api.FormatTodoistCSV {
			return apierror.Field("format", "must be json or todoist-csv")
		}
		if part.FileName() == "" {
			view.Problem = "Choose a file to import."
			return h.renderSettings(c, fiber.StatusUnprocessableEntity, settingsData{TokenScope: api.ScopeRead, Import: &view})
		}
		deadline := body.Deadline()
		if deadline.IsZero() {
			deadline = time.Now()
		}
		ctx, cancel := context.WithDeadline(c.UserContext(), deadline.Add(transferTimeout))
		defer cancel()
		if view.Format == api.FormatTodoistCSV && view.Project == "" {
			// One file, one project, named after the file unless the
			// form says otherwise.
			view.Project = strings.TrimSpace(strings.TrimSuffix(filepath.Base(part.FileName()), filepath.Ext(part.FileName())))
		}
		project := ""
		if view.Format == api.FormatTodoistCSV {
			project = view.Project
		}
		rep, err := h.asUser(c).ImportInto(ctx, view.Format, view.Preview, project, part)
		body.Finish(c)
		if body.Err() != nil {
			// The backend saw a file cut short and imported nothing.
			return httpserver.BodyError(body.Err())
		}
		return h.imported(c, view, rep, err)
	}
	if !csrfChecked {
		return h.sess.CheckCSRF(c, "")
	}
	view.Problem = "Choose a file to import."
	return h.renderSettings(c, fiber.StatusUnprocessableEntity, settingsData{TokenScope: api.ScopeRead, Import: &view})
}

// imported shows what an import or its preview did.
func (h *Handler) imported(c *fiber.Ctx, view importView, rep api.ImportReport, err error) error {
	if err != nil {
		e, ok := apierror.As(err)
		if !ok || e.Status == http.StatusUnauthorized || e.Status >= 500 {
			return err
		}
		if e.Details == nil {
			view.Problem = e.Message
		} else {
			view.Report = &rep
		}
		return h.renderSettings(c, fiber.StatusUnprocessableEntity, settingsData{TokenScope: api.ScopeRead, Import: &view})
	}
	if view.Preview {
		view.Report = &rep
		return h.renderSettings(c, fiber.StatusOK, settingsData{TokenScope: api.ScopeRead, Import: &view})
	}
	setFlash(c, importSummary(rep))
	return c.Redirect("/settings", fiber.StatusSeeOther)
}

// importSummary says in one sentence what an import did.
func importSummary(r api.ImportReport) string {
	parts := []string{plural(r.TasksCreated, "task")}
	if r.TagsCreated > 0 {
		parts = append(parts, plural(r.TagsCreated, "tag"))
	}
	if r.ConversationsCreated > 0 {
		parts = append(parts, plural(r.ConversationsCreated, "conversation"))
	}
	s := "Imported " + strings.Join(parts, ", ") + "."
	if skipped := r.TasksSkipped + r.ConversationsSkipped; skipped > 0 {
		s += fmt.Sprintf(" %s already here %s left as %s.", plural(skipped, "item"), map[bool]string{true: "was", false: "were"}[skipped == 1],
			map[bool]string{true: "it was", false: "they were"}[skipped == 1])
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
