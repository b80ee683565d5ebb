package auth

import (
	"context"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/apierror"
)

const principalKey = "principal"

// CodeInsufficientScope is the error code for a read-only token's write.
const CodeInsufficientScope = "insufficient_scope"

// Middleware rejects requests without a good bearer token and stores the
// principal for UserID and PrincipalOf. A token that could not be checked
// (the database is down) is passed on as the error it is, so that the
// client hears 503 and keeps its session.
func Middleware(a Authenticator) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token, ok := BearerToken(c.Get(fiber.HeaderAuthorization))
		if !ok {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="todo-app"`)
			return apierror.Unauthorized("missing bearer token in the Authorization header")
		}
		p, err := a.Authenticate(c.UserContext(), token)
		if errors.Is(err, ErrInvalidToken) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="todo-app", error="invalid_token"`)
			if IsAPIToken(token) {
				return apierror.Unauthorized("unknown or revoked API token; create a new one in Settings → API tokens")
			}
			return apierror.Unauthorized("invalid, expired or revoked token; sign in again")
		}
		if err != nil {
			return err
		}
		c.Locals(principalKey, p)
		return c.Next()
	}
}

// RequireScope is the middleware of a route a credential needs scope for
// (api.ScopeRead or api.ScopeWrite, from the route table): a read-only
// credential is refused, with 403, every route that needs write.
func RequireScope(scope Scope) fiber.Handler {
	if scope == ScopeRead {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	return func(c *fiber.Ctx) error {
		if !PrincipalOf(c).CanWrite() {
			return ReadOnly()
		}
		return c.Next()
	}
}

// ReadOnly is the error a read-only credential gets for a write.
func ReadOnly() *apierror.Error {
	return apierror.New(fiber.StatusForbidden, CodeInsufficientScope,
		"this API token is read-only: it reads tasks, tags, the agenda and reminders; create a read-write token in Settings to change data or read conversations and the export")
}

// RequireSession refuses personal API tokens: managing credentials and
// the password needs a signed-in session.
func RequireSession(c *fiber.Ctx) error {
	if PrincipalOf(c).APIToken {
		return apierror.Forbidden("API tokens cannot manage sessions, tokens or the password; sign in to do that")
	}
	return c.Next()
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

// PrincipalOf is the request's principal (zero before Middleware ran).
func PrincipalOf(c *fiber.Ctx) Principal {
	p, _ := c.Locals(principalKey).(Principal)
	return p
}

// UserID is the authenticated user's id, or "" before Middleware ran.
func UserID(c *fiber.Ctx) string { return PrincipalOf(c).UserID }

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

// FromContext is the principal Middleware stored, read from a request
// context that carries fiber's locals: the net/http adaptor passes
// fasthttp's RequestCtx as the request's context, and it answers Value
// with the locals. The MCP SDK's handler sees the principal this way
// without checking the token a second time.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey).(Principal)
	return p, ok && p.UserID != ""
}
