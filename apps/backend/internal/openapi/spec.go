package openapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/dates"
)

// Version is the API's version in the document: bumped when the contract
// changes in a way clients notice.
const Version = "1.9.0"

var (
	rawMessage   = reflect.TypeFor[json.RawMessage]()
	nullableName = regexp.MustCompile(`^Nullable\[`)
)

// Build returns the document.
func Build() (*openapi3.T, error) {
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{
			Title:   "todo-app REST API",
			Version: Version,
			Description: "Tasks, projects, tags and conversations of the signed-in user. Send `Authorization: Bearer <token>`: " +
				"a sign-in token (from sign-in or sign-up) or a personal API token (`todo_pat_…`, made in Settings). " +
				"Errors are `{\"error\": {\"code\", \"message\", \"fields\"?}}`. " +
				"A date alone (`YYYY-MM-DD`) is the end of that day in the user's time zone.",
		},
		// Relative: the backend that serves this document at
		// /api/openapi.json is the server (OpenAPI 3.0.3, 4.6).
		Servers: openapi3.Servers{{URL: "/", Description: "the backend serving this document; the web app also passes " +
			"the calendar feed through at /calendar/{token}.ics"}},
		Paths: openapi3.NewPaths(),
		Components: &openapi3.Components{
			Schemas: openapi3.Schemas{},
			SecuritySchemes: openapi3.SecuritySchemes{
				"bearer": &openapi3.SecuritySchemeRef{Value: openapi3.NewJWTSecurityScheme().
					WithDescription("a sign-in token (JWT) or a personal API token (todo_pat_…)")},
			},
			Responses: openapi3.ResponseBodies{},
		},
	}
	schema := func(v any) (*openapi3.SchemaRef, error) {
		// A generator per type: one reused across calls forgets the
		// nested schemas it exported in an earlier call.
		gen := openapi3gen.NewGenerator(
			openapi3gen.CreateComponentSchemas(openapi3gen.ExportComponentSchemasOptions{ExportComponentSchemas: true, ExportTopLevelSchema: true}),
			openapi3gen.CreateTypeNameGenerator(func(t reflect.Type) string { return t.Name() }),
			openapi3gen.SchemaCustomizer(customize),
		)
		ref, err := gen.NewSchemaRefForValue(v, doc.Components.Schemas)
		if err != nil {
			return nil, fmt.Errorf("schema of %T: %w", v, err)
		}
		return ref, nil
	}
	envelope, err := schema(apierror.Envelope{})
	if err != nil {
		return nil, err
	}
	for _, r := range Routes {
		if r.Unpublished {
			continue
		}
		op := &openapi3.Operation{OperationID: r.ID, Summary: r.Summary, Tags: []string{r.Tag}, Responses: openapi3.NewResponses()}
		op.Responses.Delete("default")
		if !r.Public {
			op.Security = &openapi3.SecurityRequirements{{"bearer": {}}}
			switch {
			case r.Session:
				op.Description = "A signed-in session only: API tokens are refused (403)."
			case r.Scope == api.ScopeRead:
				op.Description = "A read-only API token may call this."
			default:
				op.Description = "A read-only API token is refused (403 `insufficient_scope`): it needs a read-write token or a session."
			}
		}
		for _, name := range pathParams(r.Path) {
			p := openapi3.NewPathParameter(name)
			s, err := pathParamSchema(r.Path, name)
			if err != nil {
				return nil, err
			}
			p.Description, s.Description = s.Description, ""
			p.Schema = s.NewRef()
			op.AddParameter(p)
		}
		if under, ok := strings.CutPrefix(r.Path, "/api/{user_id}"); ok && api.TakesIdempotencyKey(r.Method, under) {
			p := openapi3.NewHeaderParameter(api.IdempotencyKeyHeader).WithDescription(
				"Any 1 to 255 visible ASCII characters, new for each change. Sent again with the same request within 24 hours, " +
					"the first answer is returned (with `" + api.IdempotentReplayedHeader + ": true`) and the change is not made twice; " +
					"the same key with a different request is refused (422).")
			p.Schema = openapi3.NewStringSchema().WithMinLength(1).WithMaxLength(255).NewRef()
			op.AddParameter(p)
		}
		for _, q := range r.Query {
			p := openapi3.NewQueryParameter(q.Name).WithDescription(q.Description)
			s := &openapi3.Schema{Type: &openapi3.Types{q.Type}, Format: q.Format, Min: q.Min, Max: q.Max, Default: q.Default}
			for _, e := range q.Enum {
				s.Enum = append(s.Enum, e)
			}
			if q.Repeat {
				s = openapi3.NewArraySchema().WithItems(s)
				p.Explode = openapi3.Ptr(true)
			}
			p.Schema = s.NewRef()
			op.AddParameter(p)
		}
		if r.Body != nil {
			ref, err := schema(r.Body)
			if err != nil {
				return nil, err
			}
			body := openapi3.NewRequestBody().WithJSONSchemaRef(ref)
			body.Required = !r.BodyOptional
			op.RequestBody = &openapi3.RequestBodyRef{Value: body}
		}
		files := func(types map[string]any) (openapi3.Content, error) {
			content := openapi3.Content{}
			for mt, v := range types {
				ref := openapi3.NewStringSchema().NewRef()
				if v != nil {
					var err error
					if ref, err = schema(v); err != nil {
						return nil, err
					}
				}
				content[mt] = openapi3.NewMediaType().WithSchemaRef(ref)
			}
			return content, nil
		}
		if r.Files != nil {
			content, err := files(r.Files)
			if err != nil {
				return nil, err
			}
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithContent(content).WithRequired(true)}
		}
		ok := openapi3.NewResponse().WithDescription(http.StatusText(r.Status))
		switch {
		case r.Downloads != nil:
			content, err := files(r.Downloads)
			if err != nil {
				return nil, err
			}
			ok.WithContent(content)
		case r.Resp != nil:
			ref, err := schema(r.Resp)
			if err != nil {
				return nil, err
			}
			ok.WithJSONSchemaRef(ref)
		case r.ContentType == "application/json":
			ok.WithJSONSchema(openapi3.NewObjectSchema())
		case r.ContentType != "":
			ok.WithContent(openapi3.NewContentWithSchema(openapi3.NewStringSchema(), []string{r.ContentType}))
		}
		op.AddResponse(r.Status, ok)
		errs := slices.Clone(r.Errors)
		if !r.Public {
			errs = append(errs, http.StatusUnauthorized)
		}
		errs = append(errs, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable)
		slices.Sort(errs)
		for _, status := range slices.Compact(errs) {
			name := strconv.Itoa(status)
			if _, ok := doc.Components.Responses[name]; !ok {
				doc.Components.Responses[name] = &openapi3.ResponseRef{Value: openapi3.NewResponse().
					WithDescription(errorText(status)).WithJSONSchemaRef(envelope)}
			}
			op.Responses.Set(name, &openapi3.ResponseRef{Ref: "#/components/responses/" + name})
		}
		doc.AddOperation(r.Path, r.Method, op)
	}
	// The generator refers to dates.Date by name but exports only
	// schemas with properties: declare the day here.
	doc.Components.Schemas["Date"] = &openapi3.SchemaRef{Value: &openapi3.Schema{
		Type: &openapi3.Types{openapi3.TypeString}, Format: "date", Example: "2026-12-08",
		Description: "a calendar day without a time zone (YYYY-MM-DD): an all-day date is the same day wherever the person is"}}
	requireResponseFields(doc)
	if err := requireInputFields(doc); err != nil {
		return nil, err
	}
	// Round trip through the loader, as any client reads it: the refs
	// get resolved, and the validator checks the document as served.
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the document: %w", err)
	}
	loaded, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("reading the generated document back: %w", err)
	}
	if err := loaded.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the generated document is not valid OpenAPI: %w", err)
	}
	return loaded, nil
}

// JSON is the document as served: indented, keys sorted (stable diffs).
func JSON() ([]byte, error) {
	doc, err := Build()
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the document: %w", err)
	}
	return append(b, '\n'), nil
}

var paramRe = regexp.MustCompile(`\{([a-z_]+)\}`)

// pathParamSchema is a path parameter's schema, as its handler reads it:
// the user's id a UUID, a task's, tag's or conversation's id a positive
// integer (rest.pathID), an API token's id a UUID, and a calendar feed's
// token its own format (rest.calendarICS). A new name fails the build of
// the document until it is described here.
func pathParamSchema(path, name string) (*openapi3.Schema, error) {
	switch {
	case name == "user_id", name == "id" && strings.Contains(path, "/tokens/"):
		return openapi3.NewUUIDSchema(), nil
	case name == "id":
		return openapi3.NewInt64Schema().WithMin(1), nil
	case name == "token" && strings.HasPrefix(path, "/api/calendar/"):
		s := openapi3.NewStringSchema().WithPattern("^" + api.CalendarTokenPattern + `(\.ics)?$`)
		s.Description = "the feed's token: " + fmt.Sprint(api.CalendarTokenLength) + " base64url characters (256 random bits), with or without `.ics`"
		return s, nil
	}
	return nil, fmt.Errorf("%s: path parameter {%s} has no schema: describe it in pathParamSchema", path, name)
}

// ranges are the bounds of numeric request fields, by JSON name, as the
// rules check them (a value outside is refused with 422): snooze minutes
// (tasks.Service.Snooze), a reminder's before_minutes
// (tasks.MaxBeforeMinutes) and the default reminder
// (accounts.SetPreferences). Written out because the tasks package's own
// tests import this one; TestRangesAreTheRules holds them to the rules.
var ranges = map[string][2]float64{
	"minutes":                  {1, 24 * 60},
	"before_minutes":           {0, 30 * 24 * 60},
	"recurrence_month_day":     {-1, 31},
	"default_reminder_minutes": {0, 30 * 24 * 60},
}

func pathParams(path string) []string {
	var out []string
	for _, m := range paramRe.FindAllStringSubmatch(path, -1) {
		out = append(out, m[1])
	}
	return out
}

func errorText(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "malformed JSON or a bad path id (`malformed_json`, `bad_request`)"
	case http.StatusUnauthorized:
		return "missing, invalid, expired or revoked token; wrong credentials (`unauthorized`)"
	case http.StatusForbidden:
		return "another user's path; an API token where a session is needed (`forbidden`); a read-only token that writes (`insufficient_scope`); a write past one of the person's quotas (`quota_exceeded`)"
	case http.StatusNotFound:
		return "no such resource for this user (`not_found`)"
	case http.StatusConflict:
		return "email already registered; too many API tokens (`conflict`)"
	case http.StatusRequestEntityTooLarge:
		return "body over 1 MiB, or an import file over IMPORT_MAX_MB; refused before it is read (`payload_too_large`)"
	case http.StatusRequestTimeout:
		return "the import file went UPLOAD_IDLE_TIMEOUT without a byte or took over UPLOAD_TIMEOUT in all; nothing imported, the connection closed (`timeout`)"
	case http.StatusUnsupportedMediaType:
		return "body not sent as application/json (`unsupported_media_type`)"
	case http.StatusUnprocessableEntity:
		return "invalid values; `fields` names each (`validation_failed`)"
	case http.StatusTooManyRequests:
		return "too many sign-in attempts, or over the per-user budget; see Retry-After (`rate_limited`)"
	case http.StatusServiceUnavailable:
		return "busy, shutting down, or the database is unavailable; nothing was written; see Retry-After (`unavailable`)"
	}
	return "a bug; details are in the server log (`internal_error`)"
}

// customize adds what Go types cannot say: closed value sets, any-JSON
// fields, and PATCH's absent-or-null fields.
func customize(name string, t reflect.Type, tag reflect.StructTag, s *openapi3.Schema) error {
	jsonName, _, _ := strings.Cut(tag.Get("json"), ",")
	for _, v := range api.Enum(jsonName) {
		s.Enum = append(s.Enum, v)
	}
	switch {
	case t == rawMessage:
		*s = openapi3.Schema{Nullable: true, Description: "any JSON value"}
	case t.Kind() == reflect.Struct && nullableName.MatchString(t.Name()):
		value, ok := t.FieldByName("Value")
		if !ok {
			return fmt.Errorf("%s has no Value field", t)
		}
		inner, err := openapi3gen.NewSchemaRefForValue(reflect.Zero(value.Type).Interface(), nil)
		if err != nil {
			return err
		}
		*s = *inner.Value
		s.Nullable = true
		s.Description = "absent: unchanged; null: cleared"
	}
	if jsonName == "recurrence_weekdays" {
		// A set of days of the week: a list of their names, in week order
		// in answers (dates.Weekdays, stored as bits).
		days := openapi3.NewStringSchema()
		for _, d := range dates.WeekdayNames() {
			days.Enum = append(days.Enum, d)
		}
		*s = openapi3.Schema{Type: &openapi3.Types{openapi3.TypeArray}, Items: days.NewRef(), Nullable: s.Nullable,
			Description: "days of the week a daily or weekly series falls on", MaxItems: openapi3.Ptr(uint64(7))}
	}
	if jsonName == "due_date" && s.Type.Is(openapi3.TypeString) {
		s.Format = "date" // the inputs' text, as the answers' Date
	}
	if r, ok := ranges[jsonName]; ok {
		s.Min, s.Max = &r[0], &r[1]
	}
	return nil
}

// requireResponseFields marks every field of the types the API answers
// with as required unless its tag omits it when empty: clients can rely
// on them (and generated clients get plain fields, not pointers).
func requireResponseFields(doc *openapi3.T) {
	seen := map[string]bool{}
	var visit func(t reflect.Type)
	visit = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t.PkgPath() == "time" || seen[t.Name()] {
			return
		}
		seen[t.Name()] = true
		ref, ok := doc.Components.Schemas[t.Name()]
		if !ok {
			return
		}
		var required []string
		var walk func(t reflect.Type)
		walk = func(t reflect.Type) {
			for i := range t.NumField() {
				f := t.Field(i)
				if f.Anonymous && f.Type.Kind() == reflect.Struct {
					walk(f.Type)
					continue
				}
				name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == "" || name == "-" {
					continue
				}
				if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
					required = append(required, name)
				}
				// A pointer to an object may be null, but OpenAPI 3.0
				// ignores "nullable" beside a $ref: wrap the ref.
				if prop := ref.Value.Properties[name]; prop != nil && prop.Ref != "" && f.Type.Kind() == reflect.Pointer {
					ref.Value.Properties[name] = &openapi3.SchemaRef{Value: &openapi3.Schema{
						AllOf: openapi3.SchemaRefs{{Ref: prop.Ref}}, Nullable: true}}
				}
				visit(f.Type)
			}
		}
		walk(t)
		ref.Value.Required = required
	}
	for _, r := range Routes {
		if r.Unpublished {
			continue
		}
		if r.Resp != nil {
			visit(reflect.TypeOf(r.Resp))
		}
		// The export file is an answer too, and the import reads it back:
		// its null dates are nullable (found when an export with an
		// undated task failed the document's own validation).
		for _, m := range []map[string]any{r.Downloads, r.Files} {
			for _, v := range m {
				if v != nil {
					visit(reflect.TypeOf(v))
				}
			}
		}
	}
	visit(reflect.TypeFor[apierror.Envelope]())
}

// requiredInputs are the request fields the backend refuses to do
// without (422 when missing); the others have defaults.
var requiredInputs = map[string][]string{
	"SignUpRequest":         {"email", "password"},
	"SignInRequest":         {"email", "password"},
	"ChangePasswordRequest": {"current_password", "new_password"},
	"APITokenInput":         {"name", "scope"},
	"TaskInput":             {"title"},
	"MessageInput":          {"role", "content"},
}

func requireInputFields(doc *openapi3.T) error {
	for name, fields := range requiredInputs {
		ref, ok := doc.Components.Schemas[name]
		if !ok {
			return fmt.Errorf("requiredInputs names %s, which no route takes", name)
		}
		for _, f := range fields {
			if _, ok := ref.Value.Properties[f]; !ok {
				return fmt.Errorf("requiredInputs names %s.%s, which %s does not have", name, f, name)
			}
		}
		ref.Value.Required = fields
	}
	return nil
}
