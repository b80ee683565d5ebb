package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

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
	resp, err := c.send(ctx, http.MethodGet, c.base+path, nil, "")
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

// ScopeCalendarFeed makes the feed one project's (nil: every project's).
func (c *Client) ScopeCalendarFeed(ctx context.Context, projectID *int64) (api.CalendarFeed, error) {
	in := api.CalendarFeedScope{ProjectID: api.Null[int64]()}
	if projectID != nil {
		in.ProjectID = api.Value(*projectID)
	}
	var out api.CalendarFeed
	return out, c.do(ctx, http.MethodPatch, c.userPath("/calendar-feed"), nil, in, &out)
}
