// Package chat is the chatbot's web side: the chat page, the streamed
// answers (server-sent events) and the conversation history, all kept in
// the backend so any replica can answer the next message.
package chat

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/apps/chatbot/internal/mcpclient"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/websession"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// MaxMessage bounds one chat message.
const MaxMessage = 4000

// Handler serves the chat.
type Handler struct {
	backend *client.Client
	tools   *mcpclient.Dialer
	engine  assistant.Engine
	sess    *websession.Manager
	pages   *websession.Pages
	webURL  string
	log     *slog.Logger
	now     func() time.Time
	answers *prometheus.CounterVec
}

// Options are the handler's dependencies.
type Options struct {
	Backend *client.Client
	Tools   *mcpclient.Dialer
	Engine  assistant.Engine
	Session *websession.Manager
	WebURL  string
	Log     *slog.Logger
	Now     func() time.Time
	// Metrics, when set, receives the answers counter.
	Metrics prometheus.Registerer
}

// NewHandler parses the templates once.
func NewHandler(o Options) (*Handler, error) {
	h := &Handler{backend: o.Backend, tools: o.Tools, engine: o.Engine, sess: o.Session, webURL: o.WebURL, log: o.Log, now: o.Now,
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "assistant_answers_total",
			Help: "Assistant answers, by engine, what the message was taken for, and outcome (ok, error)."},
			[]string{"engine", "intent", "outcome"})}
	if o.Metrics != nil {
		o.Metrics.MustRegister(h.answers)
	}
	pages, err := websession.ParsePages(templateFiles, template.FuncMap{
		"when": func(t time.Time, loc *time.Location) string { return t.In(loc).Format("2 Jan 15:04") },
	})
	if err != nil {
		return nil, err
	}
	h.pages = pages
	return h, nil
}

// Register mounts the chat on app.
func (h *Handler) Register(app *fiber.App) {
	static, _ := fs.Sub(staticFiles, "static")
	app.Use(websession.SecurityHeaders)
	websession.RegisterAssets(app)
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 86400}))
	app.Use(h.sess.Load, h.sess.CSRF)
	auth := &websession.AuthPages{Backend: h.backend, Session: h.sess,
		Render: func(c *fiber.Ctx, status int, name string, f websession.AuthForm) error {
			title := map[string]string{"signin": "Sign in", "signup": "Create your account"}[name]
			return h.render(c, status, name, h.page(c, title, f))
		}}
	auth.Register(app)
	// Every page after this reads dates in the person's zone.
	app.Use(auth.FollowZone)
	app.Get("/", h.sess.Require, h.chatPage)
	app.Post("/chat", h.sess.Require, h.postMessage)
	app.Post("/chat/stream", h.sess.Require, h.streamMessage)
	app.Post("/conversations/:id/delete", h.sess.Require, h.deleteConversation)
}

type page struct {
	Title    string
	SignedIn bool
	UserName string
	CSRF     string
	WebURL   string
	Loc      *time.Location
	Data     any
}

func (h *Handler) page(c *fiber.Ctx, title string, data any) page {
	return page{Title: title, SignedIn: websession.UserID(c) != "", UserName: websession.DisplayName(c),
		CSRF: websession.CSRFToken(c), WebURL: h.webURL, Loc: websession.Location(c), Data: data}
}

func (h *Handler) render(c *fiber.Ctx, status int, name string, p page) error {
	return h.pages.Render(c, status, name, p)
}

// shownMessage is a message as the page shows it.
type shownMessage struct {
	Role    string
	Content string
	Cards   []assistant.Card
	At      time.Time
	// Undo offers to reverse this message's changes: the last message
	// that made any, when one of them can be undone.
	Undo bool
}

type chatView struct {
	Conversations []api.Conversation
	Current       *api.Conversation
	Messages      []shownMessage
	Engine        string
}

func (h *Handler) chatPage(c *fiber.Ctx) error {
	be := h.asUser(c)
	list, err := be.ListConversations(c.UserContext())
	if err != nil {
		return err
	}
	v := chatView{Conversations: list.Conversations, Engine: h.engine.Name()}
	if raw := c.Query("c"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return apierror.NotFound("conversation")
		}
		conv, err := be.GetConversation(c.UserContext(), id)
		if err != nil {
			return err
		}
		v.Current = &conv.Conversation
		for _, m := range conv.Messages {
			st := assistant.DecodeStored(m.ToolCalls)
			v.Messages = append(v.Messages, shownMessage{Role: m.Role, Content: m.Content, Cards: st.Cards, At: m.CreatedAt})
		}
		for i := len(v.Messages) - 1; i >= 0; i-- {
			if changed(v.Messages[i].Cards) {
				v.Messages[i].Undo = assistant.CanUndo(v.Messages[i].Cards)
				break
			}
		}
	}
	title := "Assistant"
	if v.Current != nil && v.Current.Title != "" {
		title = v.Current.Title
	}
	return h.render(c, fiber.StatusOK, "chat", h.page(c, title, v))
}

// changed says whether cards record a change (not only a failure).
func changed(cards []assistant.Card) bool {
	for _, c := range cards {
		if !c.Error && c.TaskID > 0 {
			return true
		}
	}
	return false
}

// message reads and checks the posted message and conversation id.
func message(c *fiber.Ctx) (string, int64, error) {
	text := strings.TrimSpace(c.FormValue("message"))
	switch {
	case text == "":
		return "", 0, apierror.Field("message", "type a message first")
	case utf8.RuneCountInString(text) > MaxMessage:
		return "", 0, apierror.Field("message", fmt.Sprintf("must be at most %d characters", MaxMessage))
	case strings.ContainsRune(text, 0):
		return "", 0, apierror.Field("message", "must not contain NUL characters")
	}
	var id int64
	if raw := c.FormValue("conversation"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 1 {
			return "", 0, apierror.Field("conversation", "is not a conversation id")
		}
		id = n
	}
	return text, id, nil
}

// postMessage is the no-JavaScript path: answer, then show the page.
func (h *Handler) postMessage(c *fiber.Ctx) error {
	text, id, err := message(c)
	if err != nil {
		return err
	}
	ex := h.exchange(c)
	id, _, err = ex.run(c.UserContext(), id, text, func(int64) {}, func(assistant.Event) {})
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/?c=%d#end", id), fiber.StatusSeeOther)
}

// streamMessage answers as server-sent events: "conversation" first, then
// "text" chunks and "card"s as they are produced, then "done" (or "error").
func (h *Handler) streamMessage(c *fiber.Ctx) error {
	text, id, err := message(c)
	if err != nil {
		return err
	}
	ex := h.exchange(c)
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	c.Context().SetBodyStreamWriter(func(w *bufioWriter) {
		send := func(event string, v any) bool {
			b, _ := json.Marshal(v)
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
			return w.Flush() == nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		started := func(convID int64) { send("conversation", map[string]any{"id": strconv.FormatInt(convID, 10)}) }
		convID, reply, err := ex.run(ctx, id, text, started, func(e assistant.Event) {
			if !send(e.Type, e) {
				cancel() // the browser went away
			}
		})
		if err != nil {
			h.log.Error("chat failed", slog.String("error", err.Error()))
			send("error", map[string]string{"message": friendly(err)})
			return
		}
		send("done", map[string]any{"conversation": convID, "text": reply.Text})
	})
	return nil
}

// friendly says what happened in words a person can act on, and whether
// their message was saved (it is, once the exchange got that far).
func friendly(err error) string {
	var e *apierror.Error
	if errors.As(err, &e) && e.Status < 500 {
		return e.Message
	}
	if errors.As(err, new(notSaved)) {
		return "Something went wrong and your message was not saved; please send it again in a moment."
	}
	return "Something went wrong while answering. Your message was saved; please try again."
}

func (h *Handler) deleteConversation(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return apierror.NotFound("conversation")
	}
	if err := h.asUser(c).DeleteConversation(c.UserContext(), id); err != nil {
		return err
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (h *Handler) asUser(c *fiber.Ctx) *client.Client {
	return h.backend.WithSession(websession.Token(c), websession.UserID(c))
}

// ErrorHandler renders errors as pages (JSON for the page script and the
// event stream) and sends expired sessions to sign-in.
func (h *Handler) ErrorHandler(c *fiber.Ctx, err error) error {
	return websession.ErrorPages{Session: h.sess, Log: h.log,
		JSON: func(c *fiber.Ctx) bool { return c.Path() == "/chat/stream" },
		Render: func(c *fiber.Ctx, status int, title string, e *apierror.Error) error {
			return h.render(c, status, "error", h.page(c, title, e))
		}}.Handle(c, err)
}
