package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/todo-app/todo-app/pkg/api"
)

// Notifications lists reminders that fired after notification id after;
// with after < 0, those not seen yet.
func (c *Client) Notifications(ctx context.Context, after int64) (api.NotificationList, error) {
	var q url.Values
	if after >= 0 {
		q = url.Values{"after": {strconv.FormatInt(after, 10)}}
	}
	var out api.NotificationList
	return out, c.do(ctx, http.MethodGet, c.userPath("/notifications"), q, nil, &out)
}

// MarkSeen marks notifications seen: they are not shown again.
func (c *Client) MarkSeen(ctx context.Context, ids []int64) error {
	return c.do(ctx, http.MethodPost, c.userPath("/notifications/seen"), nil, api.SeenRequest{IDs: ids}, nil)
}

// Snooze reminds about a task again in minutes.
func (c *Client) Snooze(ctx context.Context, id int64, minutes int) (api.Task, error) {
	var out api.Task
	return out, c.do(ctx, http.MethodPost, c.userPath("/tasks/%d/snooze", id), nil, api.SnoozeRequest{Minutes: minutes}, &out)
}
