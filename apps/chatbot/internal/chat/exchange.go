package chat

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/websession"
)

type bufioWriter = bufio.Writer

// exchange is one question and answer, with everything copied out of the
// request so it can run after the handler returns (streaming).
type exchange struct {
	h     *Handler
	be    *client.Client
	token string
	loc   *time.Location
}

func (h *Handler) exchange(c *fiber.Ctx) *exchange {
	return &exchange{h: h, be: h.asUser(c), token: websession.Token(c), loc: websession.Location(c)}
}

// run stores the user's message, lets the engine answer through the MCP
// tools, and stores the answer with its tool cards. It returns the
// conversation id (new when convID is 0), and says it to started as soon
// as it is known, before the answer's events reach emit.
func (ex *exchange) run(ctx context.Context, convID int64, text string, started func(convID int64), emit func(assistant.Event)) (int64, assistant.Reply, error) {
	var history []api.Message
	if convID == 0 {
		conv, err := ex.be.CreateConversation(ctx, api.ConversationInput{})
		if err != nil {
			return 0, assistant.Reply{}, notSaved{err}
		}
		convID = conv.ID
	} else {
		msgs, err := ex.be.ListMessages(ctx, convID)
		if err != nil {
			return 0, assistant.Reply{}, notSaved{err}
		}
		history = msgs.Messages
	}
	started(convID)
	if _, err := ex.be.AddMessage(ctx, convID, api.MessageInput{Role: api.RoleUser, Content: text}); err != nil {
		return convID, assistant.Reply{}, notSaved{err}
	}
	reply, err := ex.answer(ctx, history, text, emit)
	intent, outcome := reply.Intent, "ok"
	if intent == "" {
		intent = ex.h.engine.Name()
	}
	if err != nil {
		outcome = "error"
	}
	ex.h.answers.WithLabelValues(ex.h.engine.Name(), intent, outcome).Inc()
	if err != nil {
		ex.h.log.Error("assistant failed", slog.String("error", err.Error()))
		reply = assistant.Reply{Text: "Sorry — I can't reach your tasks right now. Please try again in a moment."}
		emit(assistant.Event{Type: "text", Text: reply.Text})
	}
	stored, _ := json.Marshal(assistant.Stored{Engine: ex.h.engine.Name(), Cards: reply.Cards, Pending: reply.Pending})
	if _, err := ex.be.AddMessage(ctx, convID, api.MessageInput{Role: api.RoleAssistant, Content: reply.Text, ToolCalls: stored}); err != nil {
		return convID, reply, fmt.Errorf("saving the answer: %w", err)
	}
	return convID, reply, nil
}

// notSaved marks a failure before the person's message was stored, so the
// error says so instead of promising it was kept.
type notSaved struct{ err error }

func (e notSaved) Error() string { return e.err.Error() }
func (e notSaved) Unwrap() error { return e.err }

func (ex *exchange) answer(ctx context.Context, history []api.Message, text string, emit func(assistant.Event)) (assistant.Reply, error) {
	tools, err := ex.h.tools.Dial(ctx, ex.token)
	if err != nil {
		return assistant.Reply{}, err
	}
	defer tools.Close()
	return ex.h.engine.Respond(ctx, assistant.Turn{Message: text, History: history, Now: ex.h.now(), Loc: ex.loc, Tools: tools}, emit)
}
