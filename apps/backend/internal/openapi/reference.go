package openapi

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed reference.html.tmpl
var referenceTemplate string

type refOp struct {
	Route
	Params   []refParam
	Body     string
	Response string
	Errors   []string
}

type refParam struct{ Name, In, Type, Description string }

type refField struct {
	Name, Type, Notes string
	Required          bool
}

type refSchema struct {
	Name   string
	Fields []refField
}

type refGroup struct {
	Tag string
	Ops []refOp
}

// Reference renders the document as one readable HTML page, without
// scripts or outside resources, for the backend to serve at /api/docs.
func Reference() ([]byte, error) {
	doc, err := Build()
	if err != nil {
		return nil, err
	}
	var groups []refGroup
	for _, r := range Routes {
		if r.Unpublished {
			continue
		}
		op := doc.Paths.Find(r.Path).GetOperation(r.Method)
		o := refOp{Route: r}
		for _, p := range op.Parameters {
			notes := bounds(p.Value.Schema)
			if p.Value.Description != "" {
				notes = append(notes, p.Value.Description)
			}
			o.Params = append(o.Params, refParam{Name: p.Value.Name, In: p.Value.In, Type: typeOf(p.Value.Schema), Description: strings.Join(notes, "; ")})
		}
		if op.RequestBody != nil {
			o.Body = typeOf(op.RequestBody.Value.Content.Get("application/json").Schema)
			if r.BodyOptional {
				o.Body += " (optional)"
			}
		}
		if r.Resp != nil {
			o.Response = typeOf(op.Responses.Status(r.Status).Value.Content.Get("application/json").Schema)
		} else if r.ContentType != "" {
			o.Response = r.ContentType
		}
		for code := range op.Responses.Map() {
			if code != fmt.Sprint(r.Status) {
				o.Errors = append(o.Errors, code)
			}
		}
		slices.Sort(o.Errors)
		if len(groups) == 0 || groups[len(groups)-1].Tag != r.Tag {
			groups = append(groups, refGroup{Tag: r.Tag})
		}
		groups[len(groups)-1].Ops = append(groups[len(groups)-1].Ops, o)
	}
	var schemas []refSchema
	for _, name := range sortedKeys(doc.Components.Schemas) {
		s := doc.Components.Schemas[name].Value
		rs := refSchema{Name: name}
		for _, field := range sortedKeys(s.Properties) {
			p := s.Properties[field]
			var notes []string
			if p.Value.Nullable {
				notes = append(notes, "may be null")
			}
			if len(p.Value.Enum) > 0 {
				var vals []string
				for _, v := range p.Value.Enum {
					vals = append(vals, fmt.Sprint(v))
				}
				notes = append(notes, "one of "+strings.Join(vals, ", "))
			}
			notes = append(notes, bounds(p)...)
			if p.Value.Description != "" {
				notes = append(notes, p.Value.Description)
			}
			rs.Fields = append(rs.Fields, refField{Name: field, Type: typeOf(p), Required: slices.Contains(s.Required, field), Notes: strings.Join(notes, "; ")})
		}
		schemas = append(schemas, rs)
	}
	errs := map[string]string{}
	for code, r := range doc.Components.Responses {
		errs[code] = *r.Value.Description
	}
	t, err := template.New("reference").Parse(referenceTemplate)
	if err != nil {
		return nil, fmt.Errorf("parsing the reference template: %w", err)
	}
	var buf bytes.Buffer
	err = t.Execute(&buf, map[string]any{"Info": doc.Info, "Groups": groups, "Schemas": schemas, "Errors": errs, "ErrorCodes": sortedKeys(errs)})
	if err != nil {
		return nil, fmt.Errorf("rendering the reference: %w", err)
	}
	return buf.Bytes(), nil
}

// typeOf names a schema as a reader thinks of it: Task, Task[], string
// (date-time).
func typeOf(ref *openapi3.SchemaRef) string {
	if ref == nil {
		return ""
	}
	if ref.Ref != "" {
		return strings.TrimPrefix(ref.Ref, "#/components/schemas/")
	}
	s := ref.Value
	if s == nil || s.Type == nil || len(*s.Type) == 0 {
		return "any"
	}
	switch t := (*s.Type)[0]; t {
	case "array":
		return typeOf(s.Items) + "[]"
	case "object":
		if s.AdditionalProperties.Schema != nil {
			return "map of " + typeOf(s.AdditionalProperties.Schema)
		}
		return "object"
	default:
		if s.Format != "" {
			return t + " (" + s.Format + ")"
		}
		return t
	}
}

// bounds says a schema's range, default and pattern as a reader writes
// them: "1 to 100", "at least 0", "default 50", "matches ^…$".
func bounds(ref *openapi3.SchemaRef) []string {
	if ref == nil || ref.Value == nil {
		return nil
	}
	s := ref.Value
	var out []string
	switch {
	case s.Min != nil && s.Max != nil:
		out = append(out, fmt.Sprintf("%v to %v", *s.Min, *s.Max))
	case s.Min != nil:
		out = append(out, fmt.Sprintf("at least %v", *s.Min))
	case s.Max != nil:
		out = append(out, fmt.Sprintf("at most %v", *s.Max))
	}
	if s.Default != nil {
		out = append(out, fmt.Sprintf("default %v", s.Default))
	}
	if s.Pattern != "" {
		out = append(out, "matches "+s.Pattern)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
