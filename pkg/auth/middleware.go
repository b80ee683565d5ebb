package auth

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/apierror"
)

const userKey = "user_id"

// Middleware rejects requests without a valid bearer token and stores the
// token's subject for UserID.
func Middleware(t *Tokens) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token, ok := BearerToken(c.Get(fiber.HeaderAuthorization))
		if !ok {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="todo-app"`)
			return apierror.Unauthorized("missing bearer token in the Authorization header")
		}
		sub, err := t.Verify(token)
		if err != nil {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="todo-app", error="invalid_token"`)
			return apierror.Unauthorized("invalid or expired token; sign in again")
		}
		c.Locals(userKey, sub)
		return c.Next()
	}
}

// BearerToken extracts the token from an Authorization header value.
func BearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// UserID is the authenticated user's id, or "" before Middleware ran.
func UserID(c *fiber.Ctx) string {
	s, _ := c.Locals(userKey).(string)
	return s
}

// SameUser rejects requests whose :user_id path parameter is not the
// token's subject, whatever the resource.
func SameUser(param string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Params(param) != UserID(c) {
			return apierror.Forbidden("you can only access your own data")
		}
		return c.Next()
	}
}
