package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
)

// Download is a streamed export: the caller copies Body and closes it.
type Download struct {
	Body        io.ReadCloser
	ContentType string
	Filename    string
}

// Export streams the user's data in format (api.FormatJSON or
// api.FormatCSV). Unlike the other calls it has no overall timeout: a
// large account takes a while; ctx bounds it.
func (c *Client) Export(ctx context.Context, format string) (*Download, error) {
	u := c.base + c.userPath("/export") + "?" + url.Values{"format": {format}}.Encode()
	req, err := c.request(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.streaming().Do(req)
	if err != nil {
		return nil, fmt.Errorf("calling backend GET export: %w: %w", ErrUnreachable, err)
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		return nil, errorFrom(resp)
	}
	d := &Download{Body: resp.Body, ContentType: resp.Header.Get("Content-Type")}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		d.Filename = params["filename"]
	}
	return d, nil
}

// Import sends a file in format (api.FormatJSON or api.FormatTodoistCSV)
// as it is read from r, and returns the report. With dryRun nothing is
// written. A file with row errors returns the report and an
// *apierror.Error (422) whose Details is the same report.
func (c *Client) Import(ctx context.Context, format string, dryRun bool, r io.Reader) (api.ImportReport, error) {
	return c.ImportInto(ctx, format, dryRun, "", r)
}

// ImportInto is Import with the name of the project a Todoist file
// becomes ("" : the backend's default).
func (c *Client) ImportInto(ctx context.Context, format string, dryRun bool, projectName string, r io.Reader) (api.ImportReport, error) {
	q := url.Values{"format": {format}, "dry_run": {strconv.FormatBool(dryRun)}}
	if projectName != "" {
		q.Set("project_name", projectName)
	}
	u := c.base + c.userPath("/import") + "?" + q.Encode()
	req, err := c.request(ctx, http.MethodPost, u, nil)
	if err != nil {
		return api.ImportReport{}, err
	}
	req.Body = io.NopCloser(r)
	req.ContentLength = -1
	req.Header.Set("Content-Type", "text/csv")
	if format == api.FormatJSON {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.streaming().Do(req)
	if err != nil {
		return api.ImportReport{}, fmt.Errorf("calling backend POST import: %w: %w", ErrUnreachable, err)
	}
	defer resp.Body.Close()
	var rep api.ImportReport
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		var env struct {
			Error *struct {
				apierror.Error
				Details *api.ImportReport `json:"details"`
			} `json:"error"`
		}
		if json.Unmarshal(b, &env) != nil || env.Error == nil {
			return rep, apierror.New(resp.StatusCode, "http_"+strconv.Itoa(resp.StatusCode), http.StatusText(resp.StatusCode))
		}
		e := env.Error.Error
		e.Status = resp.StatusCode
		if env.Error.Details != nil {
			rep = *env.Error.Details
			e.Details = rep
		}
		return rep, &e
	}
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		return rep, fmt.Errorf("decoding the import report: %w", err)
	}
	return rep, nil
}

// streaming is the HTTP client for transfers: the same connections, no
// overall deadline.
func (c *Client) streaming() *http.Client {
	cp := *c.http
	cp.Timeout = 0
	return &cp
}

// errorFrom reads an error answer's envelope.
func errorFrom(resp *http.Response) error {
	var env apierror.Envelope
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if json.Unmarshal(b, &env) != nil || env.Error == nil {
		env.Error = apierror.New(resp.StatusCode, "http_"+strconv.Itoa(resp.StatusCode), http.StatusText(resp.StatusCode))
	}
	env.Error.Status = resp.StatusCode
	return env.Error
}
