// Package api is the backend's REST front door: routing, request decoding
// and one file of handlers per resource.
package api

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
	return nil
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
