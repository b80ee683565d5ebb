package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/todo-app/todo-app/pkg/api"
)

// CalendarFeed says whether the person's calendar feed is on, and its token.
func (c *Client) CalendarFeed(ctx context.Context) (api.CalendarFeed, error) {
	var out api.CalendarFeed
	return out, c.do(ctx, http.MethodGet, c.userPath("/calendar-feed"), nil, nil, &out)
}

// EnableCalendarFeed turns the feed on, or gives it a new address (the
// old one stops working).
func (c *Client) EnableCalendarFeed(ctx context.Context) (api.CalendarFeed, error) {
	var out api.CalendarFeed
	return out, c.do(ctx, http.MethodPost, c.userPath("/calendar-feed"), nil, nil, &out)
}

// DisableCalendarFeed turns the feed off.
func (c *Client) DisableCalendarFeed(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, c.userPath("/calendar-feed"), nil, nil, nil)
}

// MaxCalendarBytes bounds a feed read through the client.
const MaxCalendarBytes = 8 << 20

// CalendarICS reads the calendar feed whose token is token (no session:
// the token is the credential).
func (c *Client) CalendarICS(ctx context.Context, token string) ([]byte, error) {
	path := "/api/calendar/" + url.PathEscape(token) + ".ics"
	resp, err := c.send(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, fmt.Errorf("calling backend GET calendar feed: %w: %w", ErrUnreachable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return nil, errorFrom(resp)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxCalendarBytes))
	if err != nil {
		return nil, fmt.Errorf("reading the calendar feed: %w", err)
	}
	return b, nil
}

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
