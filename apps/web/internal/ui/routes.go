package ui

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"github.com/todo-app/todo-app/pkg/websession"
)

// Register mounts every page on app.
func (h *Handler) Register(app *fiber.App) {
	app.Use(websession.SecurityHeaders)
	websession.RegisterAssets(app)
	app.Use("/static", filesystem.New(filesystem.Config{Root: httpFS(), MaxAge: int((24 * time.Hour).Seconds())}))
	app.Use(h.sess.Load, h.sess.CSRF)

	auth := &websession.AuthPages{
		Backend: h.backend,
		Session: h.sess,
		Render: func(c *fiber.Ctx, status int, name string, f websession.AuthForm) error {
			title := map[string]string{"signin": "Sign in", "signup": "Create your account"}[name]
			return h.render(c, status, name, h.page(c, title, name, f))
		},
		Welcome: func(c *fiber.Ctx, name string) { setFlash(c, "Welcome, "+name+"! Add your first task below.") },
		SignedOut: func(c *fiber.Ctx, closed bool) {
			if !closed {
				setFlash(c, "You are signed out in this browser, but the server could not be reached to end the session. Sign in and use Settings → Sign out everywhere to be sure.")
				return
			}
			setFlash(c, "You are signed out. See you soon!")
		},
	}
	auth.Register(app)
	// Every page after this reads dates in the person's zone.
	app.Use(auth.FollowZone)

	app.Get("/", h.sess.Require, h.dashboard)
	app.Get("/today", h.sess.Require, h.today)
	app.Get("/upcoming", h.sess.Require, h.upcoming)
	app.Get("/tasks", h.sess.Require, h.listTasks)
	app.Get("/tasks/new", h.sess.Require, h.newTask)
	app.Post("/tasks", h.sess.Require, h.createTask)
	app.Get("/tasks/:id/edit", h.sess.Require, h.editTask)
	app.Post("/tasks/:id", h.sess.Require, h.updateTask)
	app.Post("/tasks/:id/toggle", h.sess.Require, h.toggleTask)
	app.Post("/tasks/:id/inline", h.sess.Require, h.inlineEdit)
	app.Get("/tasks/:id/delete", h.sess.Require, h.confirmDelete)
	app.Post("/tasks/:id/delete", h.sess.Require, h.deleteTask)
	app.Post("/undo", h.sess.Require, h.undoDelete)
	app.Post("/tasks/:id/move", h.sess.Require, h.moveTask)
	app.Get("/inbox", h.sess.Require, h.inbox)
	app.Post("/projects", h.sess.Require, h.createProject)
	app.Post("/projects/undo", h.sess.Require, h.undoProject)
	app.Get("/projects/:id", h.sess.Require, h.projectPage)
	app.Post("/projects/:id", h.sess.Require, h.editProject)
	app.Post("/projects/:id/archive", h.sess.Require, h.archiveProject)
	app.Post("/projects/:id/delete", h.sess.Require, h.deleteProject)
	app.Post("/projects/:id/move", h.sess.Require, h.moveProject)
	app.Post("/projects/:id/sections", h.sess.Require, h.createSection)
	app.Post("/sections/:id", h.sess.Require, h.renameSection)
	app.Post("/sections/:id/delete", h.sess.Require, h.deleteSection)
	app.Post("/projects/:id/tasks", h.sess.Require, h.addProjectTask)
	app.Get("/calendar", h.sess.Require, h.calendar)
	app.Get("/quick/preview", h.sess.Require, h.quickPreviewJSON)
	app.Post("/quick", h.sess.Require, h.quickAdd)
	app.Get("/settings", h.sess.Require, h.settings)
	app.Post("/settings/password", h.sess.Require, h.changePassword)
	app.Post("/settings/sign-out-everywhere", h.sess.Require, h.signOutEverywhere)
	app.Post("/settings/tokens", h.sess.Require, h.createAPIToken)
	app.Post("/settings/tokens/:id/revoke", h.sess.Require, h.revokeAPIToken)
	app.Post("/settings/preferences", h.sess.Require, h.savePreferences)
	app.Post("/settings/calendar", h.sess.Require, h.enableCalendar)
	app.Post("/settings/calendar/off", h.sess.Require, h.disableCalendar)
	app.Post("/settings/calendar/scope", h.sess.Require, h.scopeCalendar)
	app.Get("/calendar/:token", h.calendarFeed)
	app.Get("/settings/export", h.sess.Require, h.export)
	app.Post("/settings/import", h.sess.Require, h.importFile)
}
