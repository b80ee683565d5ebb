package rest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
)

// decoderApp decodes every request body into each request type a handler
// takes, and answers 204 when it decodes.
func decoderApp() *fiber.App {
	app := fiber.New(fiber.Config{ErrorHandler: apierror.FiberHandler(nil)})
	route := func(path string, decode func(c *fiber.Ctx) error) {
		app.Post(path, func(c *fiber.Ctx) error {
			if err := decode(c); err != nil {
				return err
			}
			return c.SendStatus(http.StatusNoContent)
		})
	}
	route("/sign-up", func(c *fiber.Ctx) error { var in api.SignUpRequest; return decodeJSON(c, &in) })
	route("/sign-in", func(c *fiber.Ctx) error { var in api.SignInRequest; return decodeJSON(c, &in) })
	route("/task", func(c *fiber.Ctx) error { var in api.TaskInput; return decodeJSON(c, &in) })
	route("/patch", func(c *fiber.Ctx) error { var in api.TaskPatch; return decodeJSON(c, &in) })
	route("/complete", func(c *fiber.Ctx) error { var in api.CompleteRequest; return decodeJSON(c, &in) })
	route("/conversation", func(c *fiber.Ctx) error { var in api.ConversationInput; return decodeJSON(c, &in) })
	route("/message", func(c *fiber.Ctx) error { var in api.MessageInput; return decodeJSON(c, &in) })
	return app
}

// Whatever the body, every decoder answers 204 or a 4xx envelope: never a
// 500, never a panic (run longer with `make fuzz FUZZTIME=5m`).
func FuzzDecoders(f *testing.F) {
	for _, seed := range []string{
		`{"title":"x"}`, `{"title":"x","due_at":null}`, `{"due_at":"2026-12-01"}`, `{"completed":true}`,
		`{"email":"a@b.c","password":"p"}`, `{"role":"user","content":"hi","tool_calls":{"a":1}}`,
		`{"title":"\u0000"}`, `{"tags":[1,2]}`, `[]`, `null`, `{"a":`, `{"title":"x"}{"title":"y"}`, "",
	} {
		f.Add(seed)
	}
	app := decoderApp()
	paths := []string{"/sign-up", "/sign-in", "/task", "/patch", "/complete", "/conversation", "/message"}
	f.Fuzz(func(t *testing.T, body string) {
		for _, p := range paths {
			req := httptest.NewRequest(http.MethodPost, p, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent && (resp.StatusCode < 400 || resp.StatusCode >= 500) {
				t.Fatalf("%s answered %d for %q", p, resp.StatusCode, body)
			}
		}
	})
}
