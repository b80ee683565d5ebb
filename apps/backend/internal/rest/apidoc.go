package rest

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// The OpenAPI document and its reference page, generated from the route
// table and the pkg/api types by internal/openapi (UPDATE_OPENAPI=1 go
// test ./apps/backend/internal/openapi/ rewrites them; its tests fail
// when they are stale).
var (
	//go:embed openapi.json
	openAPIDocument []byte
	//go:embed reference.html
	referencePage []byte
)

func serveOpenAPI(c *fiber.Ctx) error {
	c.Type("json")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(openAPIDocument)
}

func serveReference(c *fiber.Ctx) error {
	c.Type("html", "utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	// The page is static: no scripts, its one style sheet inline.
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(referencePage)
}
