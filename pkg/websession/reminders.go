package websession

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/client"
)

// Reminders brings fired reminders to the pages of both frontends: a
// server-sent event stream per open page, fed by asking the backend what
// fired (the notifications table every backend replica writes to, so a
// reminder claimed on one replica reaches a page served by any), and the
// actions the notification offers: done, snooze, seen. The browser still
// talks only to the frontend.
type Reminders struct {
	Backend *client.Client
	// Poll is how often a stream asks the backend (REMINDER_POLL's pace);
	// Heartbeat how often an idle stream writes a comment, so a closed
	// tab is noticed and its connection released.
	Poll, Heartbeat time.Duration
	// Draining ends every stream when the server shuts down.
	Draining <-chan struct{}
	Log      *slog.Logger
}

// Register mounts GET /events and the actions on app, behind require.
func (r *Reminders) Register(app fiber.Router, require fiber.Handler) {
	if r.Poll <= 0 {
		r.Poll = 5 * time.Second
	}
	if r.Heartbeat <= 0 {
		r.Heartbeat = 20 * time.Second
	}
	if r.Log == nil {
		r.Log = slog.New(slog.DiscardHandler)
	}
	app.Get("/events", require, r.events)
	app.Post("/notifications/seen", require, r.seen)
	app.Post("/tasks/:id/done", require, r.done)
	app.Post("/tasks/:id/snooze", require, r.snooze)
	app.Get("/sw.js", r.serviceWorker)
}

func (r *Reminders) asUser(c *fiber.Ctx) *client.Client {
	return r.Backend.WithSession(Token(c), UserID(c))
}

// events streams "reminder" events: first what fired while no page was
// open and has not been seen, then what fires from now on.
func (r *Reminders) events(c *fiber.Ctx) error {
	be := r.asUser(c)
	first, err := be.Notifications(c.UserContext(), -1)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no")
	// The server's write timeout is for one answer; a stream lives long:
	// each write gets its own deadline instead.
	conn := c.Context().Conn()
	c.Context().SetBodyStreamWriter(func(bw *bufio.Writer) {
		// Unbuffered on our side: each event is one write, flushed.
		w := deadlineWriter{conn: conn, w: bw}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		last := first.LastID
		send := func(event string, v any) error {
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
			return err
		}
		// Reconnect after 5 s when the stream breaks (another replica
		// answers during a rolling update).
		if _, err := io.WriteString(w, "retry: 5000\n\n"); err != nil {
			return
		}
		for _, n := range first.Notifications {
			if send("reminder", n) != nil {
				return
			}
		}
		poll, beat := time.NewTicker(r.Poll), time.NewTicker(r.Heartbeat)
		defer poll.Stop()
		defer beat.Stop()
		for {
			select {
			case <-r.Draining:
				_ = send("bye", struct{}{})
				return
			case <-beat.C:
				// A comment: a closed tab fails this write and frees the
				// connection.
				if _, err := io.WriteString(w, ": ping\n\n"); err != nil {
					return
				}
			case <-poll.C:
				// Asked from a goroutine of its own: its stack (HTTP, JSON)
				// goes when it ends, and a thousand idle streams keep small
				// ones (make bench -events).
				type answer struct {
					list api.NotificationList
					err  error
				}
				got := make(chan answer, 1)
				go func() {
					l, err := be.Notifications(ctx, last)
					got <- answer{l, err}
				}()
				a := <-got
				list, err := a.list, a.err
				var e *apierror.Error
				switch {
				case errors.As(err, &e) && e.Status == http.StatusUnauthorized:
					_ = send("signedout", struct{}{})
					return
				case err != nil:
					// The backend is away for a moment: ask again next time.
					r.Log.Debug("reminder stream could not ask the backend", slog.String("error", err.Error()))
					continue
				}
				for _, n := range list.Notifications {
					if send("reminder", n) != nil {
						return
					}
					last = max(last, n.ID)
				}
				if len(list.Notifications) == 0 {
					// Nothing to show after last (what there is belongs to
					// deleted tasks): start after the newest. With some
					// shown, the rest of a long burst comes next time.
					last = max(last, list.LastID)
				}
			}
		}
	})
	return nil
}

// deadlineWriter gives each write to the stream half a minute.
type deadlineWriter struct {
	conn net.Conn
	w    *bufio.Writer
}

func (d deadlineWriter) Write(p []byte) (int, error) {
	_ = d.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	n, err := d.w.Write(p)
	if err == nil {
		err = d.w.Flush()
	}
	return n, err
}

func (r *Reminders) seen(c *fiber.Ctx) error {
	var in api.SeenRequest
	if err := json.Unmarshal(c.Body(), &in); err != nil {
		return apierror.New(http.StatusBadRequest, apierror.CodeBadRequest, "the body must be {\"ids\": [ … ]}")
	}
	if err := r.asUser(c).MarkSeen(c.UserContext(), in.IDs); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func taskParam(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, apierror.NotFound("task")
	}
	return id, nil
}

// done completes the task a notification is about.
func (r *Reminders) done(c *fiber.Ctx) error {
	id, err := taskParam(c)
	if err != nil {
		return err
	}
	yes := true
	res, err := r.asUser(c).CompleteTask(c.UserContext(), id, &yes)
	if err != nil {
		return err
	}
	return c.JSON(res.Task)
}

// snooze reminds again in minutes (JSON {"minutes": 10} or a form field).
func (r *Reminders) snooze(c *fiber.Ctx) error {
	id, err := taskParam(c)
	if err != nil {
		return err
	}
	var in api.SnoozeRequest
	if json.Unmarshal(c.Body(), &in) != nil || in.Minutes == 0 {
		in.Minutes, _ = strconv.Atoi(c.FormValue("minutes"))
	}
	t, err := r.asUser(c).Snooze(c.UserContext(), id, in.Minutes)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

// serviceWorker serves the worker that shows notifications with actions
// (it must come from the site's root to act for every page).
func (r *Reminders) serviceWorker(c *fiber.Ctx) error {
	b, err := staticFiles.ReadFile("static/sw.js")
	if err != nil {
		return err
	}
	c.Type("js", "utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Send(b)
}
