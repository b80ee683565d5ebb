package rest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/apps/backend/internal/projects"
	"github.com/todo-app/todo-app/apps/backend/internal/transfer"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/httpserver"
)

// transferTimeout bounds one export or import, reading and writing
// included: long enough for a slow link and a large account.
const transferTimeout = 10 * time.Minute

// IsImport says whether a request is an import, whose body the server
// streams (httpserver.Options.StreamBodies).
func IsImport(method, path string) bool {
	return method == fiber.MethodPost && strings.HasSuffix(path, "/import")
}

func (h handlers) export(c *fiber.Ctx) error {
	format := c.Query("format", api.FormatJSON)
	if format != api.FormatJSON && format != api.FormatCSV {
		return apierror.Field("format", "must be json or csv")
	}
	exp, err := h.Transfer.Prepare(c.UserContext(), auth.UserID(c), format)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, exp.ContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": exp.Filename}))
	c.Set(fiber.HeaderCacheControl, "no-store")
	// The body is written after the handler returns, page by page, with
	// its own deadline: the server's write timeout is for small answers.
	conn := c.Context().Conn()
	userID, logger := auth.UserID(c), h.Logger
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), transferTimeout)
		defer cancel()
		_ = conn.SetWriteDeadline(time.Now().Add(transferTimeout))
		if err := exp.WriteTo(ctx, w); err != nil {
			// The status is sent: the file stays truncated, which no
			// importer accepts, and the log says why.
			logger.ErrorContext(ctx, "export failed", slog.String("user_id", userID), slog.String("error", err.Error()))
		}
	})
	return nil
}

func (h handlers) importData(c *fiber.Ctx) error {
	format := c.Query("format")
	if format == "" {
		switch mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); mt {
		case fiber.MIMEApplicationJSON:
			format = api.FormatJSON
		case "text/csv":
			format = api.FormatTodoistCSV
		}
	}
	if format != api.FormatJSON && format != api.FormatTodoistCSV {
		return apierror.Field("format", "must be json (a todo-app export) or todoist-csv (Todoist's CSV template)")
	}
	fields := map[string]string{}
	dryRun := queryBool(c, "dry_run", fields)
	name := strings.TrimSpace(c.Query("project_name"))
	switch {
	case format != api.FormatTodoistCSV && name != "":
		fields["project_name"] = "names the project a Todoist file becomes; a todo-app export brings its own projects"
	case utf8.RuneCountInString(name) > projects.MaxName:
		fields["project_name"] = fmt.Sprintf("must be at most %d characters", projects.MaxName)
	case strings.ContainsFunc(name, unicode.IsControl):
		fields["project_name"] = "must not contain control characters"
	}
	if len(fields) > 0 {
		return apierror.Validation(fields)
	}
	// A declared length over the limit was refused before this
	// (httpserver.Options.StreamBodyLimit); a chunked one is counted.
	// The file is read as it arrives, within the server's upload limits
	// (UPLOAD_IDLE_TIMEOUT, UPLOAD_TIMEOUT); the import may take
	// transferTimeout past the end of them.
	body := httpserver.RequestBody(c)
	limited := &limitReader{r: body, left: int64(h.ImportMaxMB) << 20}
	ctx, cancel := context.WithDeadline(c.UserContext(), latest(body.Deadline(), time.Now()).Add(transferTimeout))
	defer cancel()
	rep, err := h.Transfer.Import(ctx, auth.UserID(c), format, limited, transfer.ImportOptions{DryRun: dryRun, ProjectName: name})
	body.Finish(c)
	var fe *transfer.FileError
	switch {
	case body.Err() != nil:
		// Cut by a timeout or the client: the connection closes
		// (httpserver), and nothing was imported.
		return httpserver.BodyError(body.Err())
	case limited.over:
		// The connection closes after the answer (httpserver).
		return ImportTooLarge(h.ImportMaxMB)
	case errors.As(err, &fe):
		return apierror.New(fiber.StatusUnprocessableEntity, apierror.CodeValidation, fe.Problem+"; nothing was imported")
	case errors.Is(err, transfer.ErrRowsInvalid) && !dryRun:
		e := apierror.New(fiber.StatusUnprocessableEntity, apierror.CodeValidation,
			fmt.Sprintf("%d %s in the file; nothing was imported", rep.ErrorCount, map[bool]string{true: "problem", false: "problems"}[rep.ErrorCount == 1]))
		e.Details = rep
		return e
	case errors.Is(err, transfer.ErrRowsInvalid):
		// A preview reports the problems: the request itself succeeded.
	case err != nil:
		return err
	}
	return c.JSON(rep)
}

// ImportTooLarge answers an import file over maxMB MiB.
func ImportTooLarge(maxMB int) error {
	return apierror.New(http.StatusRequestEntityTooLarge, apierror.CodeTooLarge,
		fmt.Sprintf("an import file is at most %d MiB (IMPORT_MAX_MB); split it and import the parts", maxMB))
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// limitReader reads at most left bytes and remembers whether there was more.
type limitReader struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			l.over = true
			return 0, errors.New("the import file is too large")
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}
