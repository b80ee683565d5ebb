package ui

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/websession"
)

// settingsData is what the settings page shows.
type settingsData struct {
	User   api.User
	Tokens []api.APIToken
	// NewToken is a token just created: its text is shown this once.
	NewToken *api.CreatedAPIToken
	// TokenName and TokenScope keep what was typed when creation failed.
	TokenName  string
	TokenScope string
	Errors     map[string]string
	// Import is what the last upload did (nil: none).
	Import *importView
	// Feed is the calendar feed; FeedURL and WebcalURL its address as
	// this browser reaches the web app.
	Feed    api.CalendarFeed
	FeedURL string
	// Projects are the choices of what the feed shows; FeedProject the
	// chosen one (0: every project).
	Projects    []api.Project
	FeedProject int64
	// WebcalURL is trusted for an href: built here from the scheme the
	// calendar apps know, the host and the token (base64url).
	WebcalURL template.URL
}

func (h *Handler) settings(c *fiber.Ctx) error {
	return h.renderSettings(c, fiber.StatusOK, settingsData{TokenScope: api.ScopeRead})
}

// renderSettings loads the account and its tokens around d.
func (h *Handler) renderSettings(c *fiber.Ctx, status int, d settingsData) error {
	ctx := c.UserContext()
	me, err := h.asUser(c).Me(ctx)
	if err != nil {
		return err
	}
	tokens, err := h.asUser(c).APITokens(ctx)
	if err != nil {
		return err
	}
	feed, err := h.asUser(c).CalendarFeed(ctx)
	if err != nil {
		return err
	}
	d.User, d.Tokens, d.Feed = me, tokens.Tokens, feed
	if feed.Enabled {
		projects, err := h.asUser(c).ListProjects(ctx, false)
		if err != nil {
			return err
		}
		d.Projects = projects.Projects
		if feed.ProjectID != nil {
			d.FeedProject = *feed.ProjectID
		}
		d.FeedURL = c.BaseURL() + "/calendar/" + feed.Token + ".ics"
		if u, err := url.Parse(d.FeedURL); err == nil && u.Host != "" {
			u.Scheme = "webcal"
			d.WebcalURL = template.URL(u.String())
		}
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	return h.render(c, status, "settings", h.page(c, "Settings", "settings", d))
}

// settingsFormErrors is websession.FormErrors except that a 401 (the
// session was closed meanwhile) goes to sign-in, not beside a field.
func settingsFormErrors(err error) (map[string]string, bool) {
	if e, ok := apierror.As(err); ok && e.Status == http.StatusUnauthorized {
		return nil, false
	}
	return websession.FormErrors(err)
}

func (h *Handler) changePassword(c *fiber.Ctx) error {
	res, err := h.asUser(c).ChangePassword(c.UserContext(), api.ChangePasswordRequest{
		CurrentPassword: c.FormValue("current_password"), NewPassword: c.FormValue("new_password"), EndAccess: endAccessOf(c)})
	if err != nil {
		fields, ok := settingsFormErrors(err)
		if !ok {
			return err
		}
		return h.renderSettings(c, fiber.StatusUnprocessableEntity, settingsData{TokenScope: api.ScopeRead, Errors: fields})
	}
	// Every session was closed, this one too: carry on in the fresh one.
	h.sess.SetSession(c, res.Token, res.ExpiresAt)
	h.sess.RotateCSRF(c)
	setFlash(c, "Your password is changed. Every other browser and device was signed out"+endedText(res.Ended)+".")
	return c.Redirect("/settings", fiber.StatusSeeOther)
}

// defaultReminders are the choices for the default reminder: minutes
// before the due time.
var defaultReminders = []reminderChoice{
	{Value: "0", Label: "At the due time"}, {Value: "10", Label: "10 minutes before"}, {Value: "30", Label: "30 minutes before"},
	{Value: "60", Label: "1 hour before"}, {Value: "1440", Label: "1 day before"},
}

// zoneChoices are the zones the settings list offers (any IANA zone can
// be set over the API): one or two per region, by name.
var zoneChoices = []string{
	"Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
	"America/Anchorage", "America/Argentina/Buenos_Aires", "America/Bogota", "America/Chicago",
	"America/Denver", "America/Halifax", "America/Los_Angeles", "America/Mexico_City",
	"America/New_York", "America/Phoenix", "America/Santiago", "America/Sao_Paulo",
	"America/St_Johns", "America/Toronto", "America/Vancouver",
	"Asia/Bangkok", "Asia/Dhaka", "Asia/Dubai", "Asia/Hong_Kong", "Asia/Jakarta",
	"Asia/Jerusalem", "Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata", "Asia/Manila",
	"Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Taipei", "Asia/Tehran", "Asia/Tokyo",
	"Atlantic/Azores", "Atlantic/Reykjavik",
	"Australia/Adelaide", "Australia/Brisbane", "Australia/Perth", "Australia/Sydney",
	"Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Dublin", "Europe/Helsinki",
	"Europe/Istanbul", "Europe/Lisbon", "Europe/London", "Europe/Madrid", "Europe/Moscow",
	"Europe/Paris", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw", "Europe/Zurich",
	"Pacific/Auckland", "Pacific/Honolulu", "UTC",
}

// zoneOptions are the zone list with the person's own zone in it.
func zoneOptions(current string) []string {
	if current == "" || slices.Contains(zoneChoices, current) {
		return zoneChoices
	}
	out := append([]string{current}, zoneChoices...)
	slices.Sort(out)
	return out
}

// savePreferences stores the time zone and the default reminder.
func (h *Handler) savePreferences(c *fiber.Ctx) error {
	in := api.Preferences{DefaultReminderMinutes: api.Null[int]()}
	if zone := c.FormValue("time_zone"); zone != "" {
		in.TimeZone = &zone
	} else {
		// Automatic: this browser's zone now, the most recent page
		// load's later (websession.FollowZone).
		yes := true
		in.TimeZoneAutomatic = &yes
		if z := websession.BrowserZone(c); z != "" {
			in.BrowserTimeZone = &z
		}
	}
	if v := c.FormValue("default_reminder"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return h.renderSettings(c, fiber.StatusUnprocessableEntity, settingsData{TokenScope: api.ScopeRead,
				Errors: map[string]string{"default_reminder_minutes": "pick one of the choices"}})
		}
		in.DefaultReminderMinutes = api.Value(n)
	}
	me, err := h.asUser(c).SetPreferences(c.UserContext(), in)
	if err != nil {
		fields, ok := settingsFormErrors(err)
		if !ok {
			return err
		}
		return h.renderSettings(c, fiber.StatusUnprocessableEntity, settingsData{TokenScope: api.ScopeRead, Errors: fields})
	}
	websession.KeepZone(c, me)
	setFlash(c, "Saved. Dates are read and shown in "+me.TimeZone+"; new tasks due at a time get your default reminder.")
	return c.Redirect("/settings#prefs-h", fiber.StatusSeeOther)
}

func (h *Handler) signOutEverywhere(c *fiber.Ctx) error {
	res, err := h.asUser(c).SignOutEverywhere(c.UserContext(), api.SignOutEverywhereRequest{EndAccess: endAccessOf(c)})
	if err != nil {
		return err
	}
	h.sess.ClearSession(c)
	setFlash(c, "You are signed out everywhere: on every browser and device"+endedText(res.Ended)+".")
	return c.Redirect("/signin", fiber.StatusSeeOther)
}

func (h *Handler) createAPIToken(c *fiber.Ctx) error {
	in := api.APITokenInput{Name: strings.TrimSpace(c.FormValue("name")), Scope: c.FormValue("scope")}
	created, err := h.asUser(c).CreateAPIToken(c.UserContext(), in)
	if err != nil {
		fields, ok := settingsFormErrors(err)
		if !ok {
			return err
		}
		return h.renderSettings(c, fiber.StatusUnprocessableEntity, settingsData{TokenName: in.Name, TokenScope: in.Scope, Errors: fields})
	}
	// Rendered, not redirected: the token must not travel in a cookie or
	// a URL, and this page is the only time it is shown.
	return h.renderSettings(c, fiber.StatusCreated, settingsData{NewToken: &created, TokenScope: api.ScopeRead})
}

func (h *Handler) revokeAPIToken(c *fiber.Ctx) error {
	if err := h.asUser(c).RevokeAPIToken(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	name := c.FormValue("name")
	if name == "" {
		name = "The token"
	}
	setFlash(c, "“"+name+"” is revoked: anything using it is refused from now on.")
	return c.Redirect("/settings", fiber.StatusSeeOther)
}

// enableCalendar turns the feed on, or gives it a new address.
func (h *Handler) enableCalendar(c *fiber.Ctx) error {
	before, err := h.asUser(c).CalendarFeed(c.UserContext())
	if err != nil {
		return err
	}
	if _, err := h.asUser(c).EnableCalendarFeed(c.UserContext()); err != nil {
		return err
	}
	if before.Enabled {
		setFlash(c, "Your calendar has a new address: the old one no longer works. Subscribe again with the new one.")
	} else {
		setFlash(c, "The calendar feed is on. Copy its address into your calendar app.")
	}
	return c.Redirect("/settings#calendar-h", fiber.StatusSeeOther)
}

// scopeCalendar chooses what the feed shows: one project, or all.
func (h *Handler) scopeCalendar(c *fiber.Ctx) error {
	var project *int64
	if raw := c.FormValue("project_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 1 {
			return fiber.NewError(fiber.StatusBadRequest, "project_id must be a project's id")
		}
		project = &id
	}
	feed, err := h.asUser(c).ScopeCalendarFeed(c.UserContext(), project)
	if err != nil {
		if e, ok := apierror.As(err); ok && e.Status < 500 {
			setFlash(c, "The calendar feed was not changed: "+e.Message)
			return c.Redirect("/settings#calendar-h", fiber.StatusSeeOther)
		}
		return err
	}
	if feed.ProjectID == nil {
		setFlash(c, "Your calendar shows the tasks of every project. Its address stays the same.")
	} else {
		setFlash(c, "Your calendar shows one project's tasks now. Its address stays the same.")
	}
	return c.Redirect("/settings#calendar-h", fiber.StatusSeeOther)
}

func (h *Handler) disableCalendar(c *fiber.Ctx) error {
	if err := h.asUser(c).DisableCalendarFeed(c.UserContext()); err != nil {
		return err
	}
	setFlash(c, "The calendar feed is off: its address no longer works.")
	return c.Redirect("/settings#calendar-h", fiber.StatusSeeOther)
}

// calendarFeed passes a calendar feed through from the backend: calendar
// apps have no session, the token in the address is the credential, and
// the browser (or calendar app) still never talks to the backend.
func (h *Handler) calendarFeed(c *fiber.Ctx) error {
	token := strings.TrimSuffix(c.Params("token"), ".ics")
	body, err := h.backend.CalendarICS(c.UserContext(), token)
	if err != nil {
		if e, ok := apierror.As(err); ok && e.Status == http.StatusNotFound {
			return c.Status(http.StatusNotFound).SendString("No calendar at this address: it was turned off or replaced in Settings.\n")
		}
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="todo-app.ics"`)
	return c.Send(body)
}

// endAccessOf reads the two choices the password and sign-out-everywhere
// forms offer, both ticked by default: revoke the API tokens, give the
// calendar feed a new address (api.EndAccess).
func endAccessOf(c *fiber.Ctx) api.EndAccess {
	return api.EndAccess{KeepAPITokens: c.FormValue("revoke_api_tokens") != "on",
		KeepCalendarFeed: c.FormValue("rotate_calendar_feed") != "on"}
}

// endedText says what else ended, for the flash after it.
func endedText(e api.Ended) string {
	var parts []string
	switch e.APITokensRevoked {
	case 0:
	case 1:
		parts = append(parts, "your API token was revoked")
	default:
		parts = append(parts, fmt.Sprintf("your %d API tokens were revoked", e.APITokensRevoked))
	}
	if e.CalendarFeedRotated {
		parts = append(parts, "your calendar feed has a new address (subscribe to it again in your calendar apps)")
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}
