package rest

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
)

func (h handlers) calendarFeed(c *fiber.Ctx) error {
	out, err := h.Calendar.Feed(c.UserContext(), auth.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// enableCalendarFeed turns the feed on, or gives it a new address.
func (h handlers) enableCalendarFeed(c *fiber.Ctx) error {
	out, err := h.Calendar.Enable(c.UserContext(), auth.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// scopeCalendarFeed makes the feed one project's, or every project's.
func (h handlers) scopeCalendarFeed(c *fiber.Ctx) error {
	var in api.CalendarFeedScope
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.Calendar.Scope(c.UserContext(), auth.UserID(c), in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) disableCalendarFeed(c *fiber.Ctx) error {
	if err := h.Calendar.Disable(c.UserContext(), auth.UserID(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

var reFeedToken = regexp.MustCompile("^" + api.CalendarTokenPattern + "$")

// calendarICS serves a feed by its token, the feed's only credential:
// no session, and the same 404 for a token that is malformed, unknown or
// revoked.
func (h handlers) calendarICS(c *fiber.Ctx) error {
	token := strings.TrimSuffix(c.Params("token"), ".ics")
	if !reFeedToken.MatchString(token) {
		return apierror.NotFound("calendar feed")
	}
	var buf bytes.Buffer
	if err := h.Calendar.Write(c.UserContext(), token, &buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	return c.Send(buf.Bytes())
}
