package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/todo-app/todo-app/apps/chatbot/internal/completions"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Model is the language-model engine: any OpenAI-compatible
// chat-completions API, with the MCP tools offered as functions.
type Model struct {
	client   *completions.Client
	model    string
	webURL   string
	maxSteps int
	timeout  time.Duration
	log      *slog.Logger
}

// ModelOptions configure the model engine.
type ModelOptions struct {
	APIKey   string
	BaseURL  string // empty: OpenAI's own
	Model    string
	WebURL   string
	MaxSteps int           // tool-calling rounds per message
	Timeout  time.Duration // per model request
	Log      *slog.Logger
}

// NewModel returns the model engine.
func NewModel(o ModelOptions) *Model {
	if o.MaxSteps <= 0 {
		o.MaxSteps = 6
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return &Model{client: completions.New(o.BaseURL, o.APIKey, o.Timeout), model: o.Model, webURL: o.WebURL, maxSteps: o.MaxSteps, timeout: o.Timeout, log: o.Log}
}

// Name identifies the engine in stored messages.
func (m *Model) Name() string { return "model:" + m.model }

// Respond runs the tool-calling loop: the model proposes calls, they run
// against MCP, results go back, until it answers in words or the step
// budget runs out. Failures of the model become a friendly sentence.
func (m *Model) Respond(ctx context.Context, t Turn, emit func(Event)) (Reply, error) {
	tools, err := t.Tools.List(ctx)
	if err != nil {
		return Reply{}, err
	}
	var fns []completions.Tool
	for _, tool := range tools {
		var params map[string]any
		if b, err := json.Marshal(tool.InputSchema); err == nil {
			_ = json.Unmarshal(b, &params)
		}
		// user_id is for clients of the original spec; the token decides.
		if props, ok := params["properties"].(map[string]any); ok {
			delete(props, "user_id")
		}
		schema, err := json.Marshal(params)
		if err != nil {
			return Reply{}, fmt.Errorf("encoding the schema of %s: %w", tool.Name, err)
		}
		fns = append(fns, completions.Tool{Type: "function", Function: completions.Function{
			Name: tool.Name, Description: tool.Description, Parameters: schema,
		}})
	}
	now := t.Now.In(t.Loc)
	system := fmt.Sprintf("You are the assistant of a to-do app. You manage the user's tasks only through the tools. "+
		"Now is %s (%s, time zone %s). Resolve relative dates (today, tomorrow, Friday, next week) in that zone. A due is a date alone (2026-12-24) for a task with no time of day — it stays on that day wherever the user is — or RFC 3339 with the offset for a time; never invent a time for a date. "+
		"Before completing, updating or deleting, find the task id with list_tasks; if several tasks match, ask which one. "+
		"Never delete or complete more than one task in one answer without asking first: list the tasks it would change and ask the user to confirm; only after they say yes, do it. "+
		"Answer in one to three short, friendly sentences.", now.Format(time.RFC3339), now.Format("Monday"), t.Loc.String())
	msgs := []completions.Message{completions.Text(completions.RoleSystem, system)}
	for _, h := range t.History {
		switch h.Role {
		case api.RoleUser:
			msgs = append(msgs, completions.Text(completions.RoleUser, h.Content))
		case api.RoleAssistant:
			if h.Content != "" {
				msgs = append(msgs, completions.Text(completions.RoleAssistant, h.Content))
			}
		}
	}
	msgs = append(msgs, completions.Text(completions.RoleUser, t.Message))

	var reply Reply
	guard := bulkGuard{confirmed: confirmsQuestion(t)}
	for step := 0; step < m.maxSteps; step++ {
		msg, err := m.client.Stream(ctx, completions.Request{Model: m.model, Messages: msgs, Tools: fns}, func(s string) {
			// The person reads the answer while it is being written.
			reply.Text += s
			emit(Event{Type: "text", Text: s})
		})
		if err != nil {
			return m.fallback(reply, emit, err), nil
		}
		if len(msg.ToolCalls) == 0 {
			if strings.TrimSpace(reply.Text) == "" {
				reply.Text = "Done."
				emit(Event{Type: "text", Text: reply.Text})
			}
			reply.Text = strings.TrimSpace(reply.Text)
			return reply, nil
		}
		msgs = append(msgs, msg)
		refuse := guard.check(msg.ToolCalls)
		for _, call := range msg.ToolCalls {
			out := refuse
			if out == "" {
				out = m.runTool(ctx, t, call.Function.Name, call.Function.Arguments, &reply, emit)
			}
			msgs = append(msgs, completions.ToolResult(call.ID, out))
		}
	}
	return m.fallback(reply, emit, errors.New("step budget used up")), nil
}

// bulkGuard refuses what the system prompt forbids, in code: a second
// delete or completion in one answer the person has not confirmed. The
// model gets the refusal as the tool's result and asks instead.
type bulkGuard struct {
	confirmed bool
	done      int
}

const bulkRefusal = "error: refused — changing more than one task by delete_task or complete_task needs the user's confirmation. " +
	"Nothing was changed by this call. List the tasks you would change and ask the user to confirm; do it after they say yes."

// check returns the refusal for this round's calls, or "" to run them.
func (g *bulkGuard) check(calls []completions.ToolCall) string {
	n := 0
	for _, c := range calls {
		if c.Function.Name == todomcp.DeleteTask.Name || c.Function.Name == todomcp.CompleteTask.Name {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	if !g.confirmed && g.done+n > 1 {
		return bulkRefusal
	}
	g.done += n
	return ""
}

// confirmsQuestion says whether the person's message says yes to a
// question the assistant's last message asked.
func confirmsQuestion(t Turn) bool {
	words := strings.ToLower(strings.Trim(strings.TrimSpace(t.Message), ".!"))
	if !reYes.MatchString(words) {
		return false
	}
	for i := len(t.History) - 1; i >= 0; i-- {
		if t.History[i].Role == api.RoleAssistant {
			return strings.Contains(t.History[i].Content, "?")
		}
	}
	return false
}

// runTool executes one proposed call and returns what the model sees.
func (m *Model) runTool(ctx context.Context, t Turn, name, rawArgs string, reply *Reply, emit func(Event)) string {
	var args map[string]any
	if err := json.Unmarshal([]byte(rawArgs), &args); err != nil {
		return "error: the arguments were not valid JSON; call the tool again with a JSON object"
	}
	delete(args, "user_id")
	res, err := t.Tools.Call(ctx, name, args)
	if err != nil {
		return "error: the tool could not be reached: " + err.Error()
	}
	if res.IsError {
		return "error: " + res.Text
	}
	if c, ok := m.cardFromResult(name, res.Structured, t); ok {
		reply.Cards = append(reply.Cards, c)
		emit(Event{Type: "card", Card: &c})
	}
	if len(res.Structured) > 0 {
		return string(res.Structured)
	}
	return res.Text
}

func (m *Model) cardFromResult(name string, structured json.RawMessage, t Turn) (Card, bool) {
	var out struct {
		Task      *todomcp.Task `json:"task"`
		DeletedID int64         `json:"deleted_id"`
		Title     string        `json:"title"`
	}
	if json.Unmarshal(structured, &out) != nil {
		return Card{}, false
	}
	switch name {
	case "add_task":
		if out.Task != nil {
			return cardFor(name, "Added", *out.Task, t.Now, t.Loc, m.webURL), true
		}
	case "complete_task":
		if out.Task != nil {
			verb := "Completed"
			if !out.Task.Completed {
				verb = "Reopened"
			}
			return cardFor(name, verb, *out.Task, t.Now, t.Loc, m.webURL), true
		}
	case "update_task":
		if out.Task != nil {
			return cardFor(name, "Updated", *out.Task, t.Now, t.Loc, m.webURL), true
		}
	case "delete_task":
		return cardFor(name, "Deleted", todomcp.Task{ID: out.DeletedID, Title: out.Title}, t.Now, t.Loc, m.webURL), true
	case "restore_task":
		if out.Task != nil {
			return cardFor(name, "Restored", *out.Task, t.Now, t.Loc, m.webURL), true
		}
	}
	return Card{}, false
}

// fallback answers when the model fails part-way: say what was done.
func (m *Model) fallback(reply Reply, emit func(Event), cause error) Reply {
	text := "Sorry — the AI model isn't answering right now, so I couldn't finish that. Please try again in a moment."
	if len(reply.Cards) > 0 {
		var done []string
		for _, c := range reply.Cards {
			done = append(done, c.Action+" “"+c.Title+"”")
		}
		text = "I did this before the AI model stopped answering: " + strings.Join(done, "; ") + ". Ask again if anything is missing."
	}
	m.log.Warn("model engine gave up", slog.String("model", m.model), slog.String("error", cause.Error()))
	reply.Text = text
	emit(Event{Type: "text", Text: text})
	return reply
}
