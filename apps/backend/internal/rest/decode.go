// Package rest is the backend's REST front door: routing, request decoding
// and one file of handlers per resource.
package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/apierror"
)

// decodeJSON strictly decodes the request body into v: JSON content type,
// one object, no unknown fields, right types. Every failure is a 4xx with
// the envelope, so bad input never reaches the database.
func decodeJSON(c *fiber.Ctx, v any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return apierror.BadRequest("request body is empty; send a JSON object")
	}
	if !c.Is("json") {
		return apierror.New(http.StatusUnsupportedMediaType, apierror.CodeUnsupported, "send the body as JSON with Content-Type: application/json")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apierror.New(http.StatusBadRequest, apierror.CodeMalformedJSON, "request body must hold a single JSON object")
	}
	// PostgreSQL text cannot hold NUL: refuse it here, naming the field,
	// rather than fail in the database with a 500.
	if bytes.Contains(body, []byte(`\u0000`)) {
		var generic any
		_ = json.Unmarshal(body, &generic)
		if field := nulField(generic, ""); field != "" {
			return apierror.Field(field, "must not contain NUL characters")
		}
	}
	return nil
}

// nulField returns the path of the first string holding NUL ("" if none).
func nulField(v any, path string) string {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch t := v.(type) {
	case string:
		if strings.ContainsRune(t, 0) {
			if path == "" {
				return "body"
			}
			return path
		}
	case map[string]any:
		for k, x := range t {
			if strings.ContainsRune(k, 0) {
				return join("(a key)")
			}
			if f := nulField(x, join(k)); f != "" {
				return f
			}
		}
	case []any:
		for i, x := range t {
			if f := nulField(x, fmt.Sprintf("%s[%d]", path, i)); f != "" {
				return f
			}
		}
	}
	return ""
}

// noNULInQuery refuses query parameters holding NUL with 422.
func noNULInQuery(c *fiber.Ctx) error {
	var bad string
	for k, v := range c.Request().URI().QueryArgs().All() {
		if bytes.IndexByte(v, 0) >= 0 || bytes.IndexByte(k, 0) >= 0 {
			bad = string(bytes.ReplaceAll(k, []byte{0}, nil))
			break
		}
	}
	if bad != "" {
		return apierror.Field(bad, "must not contain NUL characters")
	}
	return c.Next()
}

func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return apierror.New(http.StatusBadRequest, apierror.CodeMalformedJSON, "request body is not valid JSON")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return apierror.New(http.StatusBadRequest, apierror.CodeMalformedJSON, "request body must be a JSON object")
		}
		return apierror.Field(field, "must be "+jsonKind(typ.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apierror.Field(name, "is not a known field")
	}
	return apierror.New(http.StatusBadRequest, apierror.CodeMalformedJSON, "request body is not valid JSON")
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "struct", "map":
		return "an object"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "a number"
	case "ptr":
		return "a value of the right type"
	}
	return "of the right type"
}

// pathID parses a positive integer path parameter.
func pathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id < 1 {
		return 0, apierror.BadRequest(fmt.Sprintf("%s must be a positive whole number", name))
	}
	return id, nil
}

// queryInt parses an optional integer query parameter of at least min;
// problems go into fields. Absent gives 0 (the caller's default).
func queryInt(c *fiber.Ctx, name string, min int, fields map[string]string) int {
	raw := c.Query(name)
	if raw == "" {
		return 0
	}
	n, err := strconv.Atoi(raw)
	switch {
	case err != nil:
		fields[name] = "must be a whole number"
	case n < min:
		fields[name] = fmt.Sprintf("must be at least %d", min)
	}
	return n
}

// queryInt64 parses an optional id query parameter (a positive whole
// number); absent gives 0.
func queryInt64(c *fiber.Ctx, name string, fields map[string]string) int64 {
	raw := c.Query(name)
	if raw == "" {
		return 0
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 1 {
		fields[name] = "must be a positive whole number (an id)"
	}
	return n
}

// queryBool parses an optional boolean query parameter.
func queryBool(c *fiber.Ctx, name string, fields map[string]string) bool {
	raw := c.Query(name)
	if raw == "" {
		return false
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		fields[name] = "must be true or false"
	}
	return b
}
