package rest

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
)

const (
	maxConversationTitle = 200
	maxMessage           = 100000
	autoTitleRunes       = 60
	conversationPage     = 100
)

func (h handlers) listConversations(c *fiber.Ctx) error {
	rows, err := h.Store.ListConversations(c.UserContext(), auth.UserID(c), conversationPage)
	if err != nil {
		return err
	}
	out := api.ConversationList{Conversations: make([]api.Conversation, len(rows))}
	for i, r := range rows {
		out.Conversations[i] = conversationToAPI(r)
	}
	return c.JSON(out)
}

func (h handlers) createConversation(c *fiber.Ctx) error {
	var in api.ConversationInput
	if len(strings.TrimSpace(string(c.Body()))) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	title := strings.TrimSpace(in.Title)
	if utf8.RuneCountInString(title) > maxConversationTitle {
		return apierror.Field("title", fmt.Sprintf("must be at most %d characters", maxConversationTitle))
	}
	conv := store.Conversation{UserID: auth.UserID(c), Title: title}
	if err := h.Store.CreateConversation(c.UserContext(), &conv); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(conversationToAPI(conv))
}

func (h handlers) getConversation(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	conv, err := h.Store.GetConversation(c.UserContext(), auth.UserID(c), id)
	if err != nil {
		return conversationErr(id, err)
	}
	msgs, err := h.Store.ListMessages(c.UserContext(), auth.UserID(c), id)
	if err != nil {
		return err
	}
	return c.JSON(api.ConversationDetail{Conversation: conversationToAPI(conv), Messages: messagesToAPI(msgs)})
}

func (h handlers) deleteConversation(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Store.DeleteConversation(c.UserContext(), auth.UserID(c), id); err != nil {
		return conversationErr(id, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h handlers) listMessages(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.Store.GetConversation(c.UserContext(), auth.UserID(c), id); err != nil {
		return conversationErr(id, err)
	}
	msgs, err := h.Store.ListMessages(c.UserContext(), auth.UserID(c), id)
	if err != nil {
		return err
	}
	return c.JSON(api.MessageList{Messages: messagesToAPI(msgs)})
}

func (h handlers) addMessage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in api.MessageInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	fields := map[string]string{}
	switch in.Role {
	case api.RoleUser, api.RoleAssistant, api.RoleTool:
	case "":
		fields["role"] = "is required"
	default:
		fields["role"] = "must be one of user, assistant, tool"
	}
	hasTools := len(in.ToolCalls) > 0 && string(in.ToolCalls) != "null"
	switch {
	case strings.TrimSpace(in.Content) == "" && !hasTools:
		fields["content"] = "is required"
	case utf8.RuneCountInString(in.Content) > maxMessage:
		fields["content"] = fmt.Sprintf("must be at most %d characters", maxMessage)
	}
	if len(fields) > 0 {
		return apierror.Validation(fields)
	}
	m := store.Message{ConversationID: id, UserID: auth.UserID(c), Role: in.Role, Content: in.Content}
	if hasTools {
		m.ToolCalls = in.ToolCalls
	}
	title := ""
	if in.Role == api.RoleUser {
		title = autoTitle(in.Content)
	}
	if err := h.Store.AddMessage(c.UserContext(), &m, title); err != nil {
		return conversationErr(id, err)
	}
	return c.Status(fiber.StatusCreated).JSON(messageToAPI(m))
}

// autoTitle names a conversation after its first user message.
func autoTitle(content string) string {
	s := strings.Join(strings.Fields(content), " ")
	if utf8.RuneCountInString(s) <= autoTitleRunes {
		return s
	}
	r := []rune(s)[:autoTitleRunes]
	return strings.TrimSpace(string(r)) + "…"
}

func conversationErr(id int64, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return apierror.NotFound(fmt.Sprintf("conversation %d", id))
	}
	return err
}

func conversationToAPI(c store.Conversation) api.Conversation {
	return api.Conversation{ID: c.ID, Title: c.Title, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
}

func messageToAPI(m store.Message) api.Message {
	return api.Message{ID: m.ID, ConversationID: m.ConversationID, Role: m.Role, Content: m.Content, ToolCalls: m.ToolCalls, CreatedAt: m.CreatedAt.UTC()}
}

func messagesToAPI(ms []store.Message) []api.Message {
	out := make([]api.Message, len(ms))
	for i, m := range ms {
		out[i] = messageToAPI(m)
	}
	return out
}
