// Package conversations holds the rules for the assistant's conversations
// — titles, message roles and sizes, naming a conversation after its first
// message — on top of the store, for the REST front door (and the
// import, which checks the same limits).
package conversations

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
)

// Limits on what a conversation holds.
const (
	MaxTitle   = 200
	MaxMessage = 100000
	// AutoTitleRunes is how much of the first message names a conversation.
	AutoTitleRunes = 60
	// Page is how many conversations a listing returns.
	Page = 100
)

// Service applies the conversation rules on top of the store.
type Service struct{ store *store.Store }

// NewService returns a Service.
func NewService(s *store.Store) *Service { return &Service{store: s} }

// List returns the user's conversations, latest activity first.
func (s *Service) List(ctx context.Context, userID string) (api.ConversationList, error) {
	rows, err := s.store.ListConversations(ctx, userID, Page)
	if err != nil {
		return api.ConversationList{}, err
	}
	out := api.ConversationList{Conversations: make([]api.Conversation, len(rows))}
	for i, r := range rows {
		out.Conversations[i] = toAPI(r)
	}
	return out, nil
}

// Create starts a conversation; an empty title is filled in from the
// first user message.
func (s *Service) Create(ctx context.Context, userID string, in api.ConversationInput) (api.Conversation, error) {
	title := strings.TrimSpace(in.Title)
	if utf8.RuneCountInString(title) > MaxTitle {
		return api.Conversation{}, domain.Field("title", fmt.Sprintf("must be at most %d characters", MaxTitle))
	}
	c := store.Conversation{UserID: userID, Title: title}
	if err := s.store.CreateConversation(ctx, &c); err != nil {
		return api.Conversation{}, err
	}
	return toAPI(c), nil
}

// Get returns a conversation with its messages, oldest first.
func (s *Service) Get(ctx context.Context, userID string, id int64) (api.ConversationDetail, error) {
	c, err := s.store.GetConversation(ctx, userID, id)
	if err != nil {
		return api.ConversationDetail{}, notFound(id, err)
	}
	msgs, err := s.store.ListMessages(ctx, userID, id)
	if err != nil {
		return api.ConversationDetail{}, err
	}
	return api.ConversationDetail{Conversation: toAPI(c), Messages: messagesToAPI(msgs)}, nil
}

// Messages returns a conversation's messages, oldest first.
func (s *Service) Messages(ctx context.Context, userID string, id int64) (api.MessageList, error) {
	d, err := s.Get(ctx, userID, id)
	if err != nil {
		return api.MessageList{}, err
	}
	return api.MessageList{Messages: d.Messages}, nil
}

// Delete removes a conversation and its messages.
func (s *Service) Delete(ctx context.Context, userID string, id int64) error {
	return notFound(id, s.store.DeleteConversation(ctx, userID, id))
}

// CheckMessage says what is wrong with a message, by field (empty when
// nothing is).
func CheckMessage(in api.MessageInput) map[string]string {
	fields := map[string]string{}
	switch in.Role {
	case api.RoleUser, api.RoleAssistant, api.RoleTool:
	case "":
		fields["role"] = "is required"
	default:
		fields["role"] = "must be one of user, assistant, tool"
	}
	switch {
	case strings.TrimSpace(in.Content) == "" && !hasToolCalls(in.ToolCalls):
		fields["content"] = "is required"
	case utf8.RuneCountInString(in.Content) > MaxMessage:
		fields["content"] = fmt.Sprintf("must be at most %d characters", MaxMessage)
	}
	return fields
}

func hasToolCalls(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// AddMessage appends a message; the first user message of an untitled
// conversation names it.
func (s *Service) AddMessage(ctx context.Context, userID string, id int64, in api.MessageInput) (api.Message, error) {
	if fields := CheckMessage(in); len(fields) > 0 {
		return api.Message{}, &domain.Invalid{Fields: fields}
	}
	m := store.Message{ConversationID: id, UserID: userID, Role: in.Role, Content: in.Content}
	if hasToolCalls(in.ToolCalls) {
		m.ToolCalls = in.ToolCalls
	}
	title := ""
	if in.Role == api.RoleUser {
		title = AutoTitle(in.Content)
	}
	if err := s.store.AddMessage(ctx, &m, title); err != nil {
		return api.Message{}, notFound(id, err)
	}
	return messageToAPI(m), nil
}

// AutoTitle names a conversation after its first user message.
func AutoTitle(content string) string {
	s := strings.Join(strings.Fields(content), " ")
	if utf8.RuneCountInString(s) <= AutoTitleRunes {
		return s
	}
	r := []rune(s)[:AutoTitleRunes]
	return strings.TrimSpace(string(r)) + "…"
}

func notFound(id int64, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return &domain.NotFound{What: fmt.Sprintf("conversation %d", id)}
	}
	return err
}

func toAPI(c store.Conversation) api.Conversation {
	return api.Conversation{ID: c.ID, Title: c.Title, CreatedAt: dates.Shown(c.CreatedAt), UpdatedAt: dates.Shown(c.UpdatedAt)}
}

func messageToAPI(m store.Message) api.Message {
	return api.Message{ID: m.ID, ConversationID: m.ConversationID, Role: m.Role, Content: m.Content, ToolCalls: m.ToolCalls, CreatedAt: dates.Shown(m.CreatedAt)}
}

func messagesToAPI(ms []store.Message) []api.Message {
	out := make([]api.Message, len(ms))
	for i, m := range ms {
		out[i] = messageToAPI(m)
	}
	return out
}
