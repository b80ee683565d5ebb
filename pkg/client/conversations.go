package client

import (
	"context"
	"net/http"

	"github.com/todo-app/todo-app/pkg/api"
)

// ListConversations returns the user's conversations, newest activity first.
func (c *Client) ListConversations(ctx context.Context) (api.ConversationList, error) {
	var out api.ConversationList
	return out, c.do(ctx, http.MethodGet, c.userPath("/conversations"), nil, nil, &out)
}

// CreateConversation starts a conversation.
func (c *Client) CreateConversation(ctx context.Context, in api.ConversationInput) (api.Conversation, error) {
	var out api.Conversation
	return out, c.do(ctx, http.MethodPost, c.userPath("/conversations"), nil, in, &out)
}

// GetConversation returns a conversation with all its messages.
func (c *Client) GetConversation(ctx context.Context, id int64) (api.ConversationDetail, error) {
	var out api.ConversationDetail
	return out, c.do(ctx, http.MethodGet, c.userPath("/conversations/%d", id), nil, nil, &out)
}

// DeleteConversation removes a conversation and its messages.
func (c *Client) DeleteConversation(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, c.userPath("/conversations/%d", id), nil, nil, nil)
}

// ListMessages returns a conversation's messages, oldest first.
func (c *Client) ListMessages(ctx context.Context, id int64) (api.MessageList, error) {
	var out api.MessageList
	return out, c.do(ctx, http.MethodGet, c.userPath("/conversations/%d/messages", id), nil, nil, &out)
}

// AddMessage appends a message to a conversation.
func (c *Client) AddMessage(ctx context.Context, id int64, in api.MessageInput) (api.Message, error) {
	var out api.Message
	return out, c.do(ctx, http.MethodPost, c.userPath("/conversations/%d/messages", id), nil, in, &out)
}
