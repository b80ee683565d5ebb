package websession

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
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
	// Server ends every stream when it begins to shut down, and waits
	// for the streams to be told.
	Server Lifecycle
	Log    *slog.Logger
	// PerPerson is the most streams one person may hold open in this
	// process (0: DefaultStreamsPerPerson); past it GET /events is
	// answered 429. Each replica counts its own.
	PerPerson int

	hub *hub
}

// DefaultStreamsPerPerson is Reminders.PerPerson's default: a page per
// tab, and more tabs than people keep open (make bench -events holds 10
// per person).
const DefaultStreamsPerPerson = 20

// Lifecycle is what the streams need of the HTTP server: to know when it
// drains, and to hold its shutdown until they have said goodbye (a
// connection taken over from the server is no longer its to wait for).
type Lifecycle interface {
	Draining() <-chan struct{}
	Hold() (release func())
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
	if r.PerPerson <= 0 {
		r.PerPerson = DefaultStreamsPerPerson
	}
	r.hub = newHub(r.Poll, r.Heartbeat, r.PerPerson, r.Log)
	go r.hub.run(r.Server.Draining(), r.Server.Hold())
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
// open and has not been seen, then what fires from now on. The handler
// writes the head and the first events on the connection, which it takes
// over from the server (hijack), and hands it to the hub.
func (r *Reminders) events(c *fiber.Ctx) error {
	// Fiber's strings alias the request's buffer, which the next request
	// reuses.
	user := strings.Clone(UserID(c))
	seat := r.hub.reserve(user, time.Now())
	if seat == nil {
		// In the envelope whatever the Accept: EventSource reads only the
		// status, and the page script tries again later (15 s, doubling).
		c.Set(fiber.HeaderRetryAfter, "60")
		return c.Status(fiber.StatusTooManyRequests).JSON(apierror.Envelope{Error: apierror.New(fiber.StatusTooManyRequests, apierror.CodeRateLimited,
			fmt.Sprintf("you have %d reminder streams open here, the most one person may; close a tab or two", r.PerPerson))})
	}
	handedOver := false
	defer func() {
		if !handedOver {
			r.hub.release(user, seat)
		}
	}()
	be := r.asUser(c)
	// A page whose stream is refused is not asked again by the browser
	// (EventSource gives up on an error status), so only a signed-out
	// session is refused. When the backend cannot answer now (busy: 503,
	// or away), the stream opens anyway and its first poll asks for what
	// the page has not seen.
	first, err := be.Notifications(c.UserContext(), -1)
	var e *apierror.Error
	switch {
	case errors.As(err, &e) && e.Status == http.StatusUnauthorized:
		return err
	case err != nil:
		r.Log.Warn("reminder stream opened without what fired before; its first poll asks", slog.String("error", err.Error()))
		first = api.NotificationList{LastID: unknown}
	}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no")
	c.Response().Header.SetContentLength(-1) // chunked
	head := append([]byte(nil), c.Response().Header.Header()...)
	token := strings.Clone(Token(c))
	c.Context().HijackSetNoResponse(true)
	handedOver = true
	c.Context().Hijack(func(conn net.Conn) {
		st := &stream{conn: conn, last: first.LastID, user: user, place: seat}
		fail := func() {
			_ = conn.Close()
			r.hub.release(user, seat)
		}
		_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := conn.Write(head); err != nil {
			fail()
			return
		}
		// Reconnect after 5 s when the stream breaks (another replica
		// answers during a rolling update).
		if st.write([]byte("retry: 5000\n\n")) != nil {
			fail()
			return
		}
		for _, n := range first.Notifications {
			if st.write(event("reminder", n)) != nil {
				fail()
				return
			}
		}
		if !r.hub.add(token, be, st) {
			_ = st.write(event("bye", struct{}{}))
			st.end()
			r.hub.release(user, seat)
		}
	})
	return nil
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
