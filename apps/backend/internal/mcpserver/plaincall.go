package mcpserver

import (
	"encoding/json"
	"mime"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	mcpauth "github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/todo-app/todo-app/pkg/auth"
)

// plainCalls answers the request every assistant message makes — one
// stateless tools/call of one of our tools, in JSON, from a client past
// initialize — by calling the tool's handler directly, as the SDK would
// after building a session for it. The SDK's stateless path reads the
// body twice into 32 kB decoders, builds a session with its goroutines
// and converts the request to net/http on the way (most of the cost of
// an MCP call next to its REST twin, make bench). Anything else —
// initialize, tools/list, batches, _meta, sessions, other protocol
// versions, malformed requests — goes on to the SDK unchanged, so the
// protocol's rules and errors stay the SDK's (the official conformance
// suite runs against both paths).
func plainCalls(tools map[string]mcp.ToolHandler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodPost || c.Get("Mcp-Session-Id") != "" || !plainVersion(c.Get("Mcp-Protocol-Version")) ||
			!isJSON(c.Get(fiber.HeaderContentType)) || !acceptsJSONAndStream(c.Get(fiber.HeaderAccept)) {
			return c.Next()
		}
		var msg struct {
			JSONRPC string          `json:"jsonrpc"`
			ID      json.RawMessage `json:"id"`
			Method  string          `json:"method"`
			Params  *struct {
				Name      string          `json:"name"`
				Arguments json.RawMessage `json:"arguments"`
				Meta      json.RawMessage `json:"_meta"`
			} `json:"params"`
		}
		if json.Unmarshal(c.Body(), &msg) != nil || msg.JSONRPC != "2.0" || msg.Method != "tools/call" || !plainID(msg.ID) ||
			msg.Params == nil || msg.Params.Meta != nil {
			return c.Next()
		}
		handler, ok := tools[msg.Params.Name]
		p := auth.PrincipalOf(c)
		if !ok || p.UserID == "" {
			return c.Next()
		}
		req := &mcp.CallToolRequest{
			Params: &mcp.CallToolParamsRaw{Name: msg.Params.Name, Arguments: msg.Params.Arguments},
			Extra: &mcp.RequestExtra{TokenInfo: &mcpauth.TokenInfo{UserID: p.UserID, Scopes: []string{string(p.Scope)},
				Expiration: time.Now().Add(time.Minute)}},
		}
		res, err := handler(c.UserContext(), req)
		var body []byte
		switch e, wire := err.(*jsonrpc.Error); {
		case wire:
			body, err = envelope(msg.ID, "error", e)
		case err != nil:
			body, err = envelope(msg.ID, "error", &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: err.Error()})
		default:
			body, err = resultEnvelope(msg.ID, res)
		}
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(body)
	}
}

// plainVersion: a protocol version whose stateless tools/call this path
// answers as the SDK does; newer ones (and none) go to the SDK.
func plainVersion(v string) bool {
	switch v {
	case "2025-03-26", "2025-06-18", "2025-11-25":
		return true
	}
	return false
}

func isJSON(contentType string) bool {
	t, _, err := mime.ParseMediaType(contentType)
	return err == nil && t == "application/json"
}

func acceptsJSONAndStream(accept string) bool {
	var js, sse bool
	for _, part := range strings.Split(accept, ",") {
		t, _, _ := mime.ParseMediaType(strings.TrimSpace(part))
		switch t {
		case "application/json", "application/*", "*/*":
			js = true
		}
		switch t {
		case "text/event-stream", "text/*", "*/*":
			sse = true
		}
	}
	return js && sse
}

// plainID: a request id, a string or a number (not null, not absent: a
// notification is the SDK's to answer).
func plainID(id json.RawMessage) bool {
	s := strings.TrimSpace(string(id))
	return s != "" && s != "null" && (s[0] == '"' || s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
}

// envelope is the JSON-RPC response with id and v as its result or error.
func envelope(id json.RawMessage, key string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return envelopeRaw(id, key, b), nil
}

func envelopeRaw(id json.RawMessage, key string, v []byte) []byte {
	out := make([]byte, 0, len(v)+len(id)+40)
	out = append(out, `{"jsonrpc":"2.0","id":`...)
	out = append(out, id...)
	out = append(out, `,"`...)
	out = append(out, key...)
	out = append(out, `":`...)
	out = append(out, v...)
	return append(out, '}')
}

// resultEnvelope writes a tool result as the SDK does, with the
// structured content — our own encoding of the output, most of the
// bytes — copied as it is instead of parsed and compacted again by
// encoding/json. Results in any other shape are encoded whole.
func resultEnvelope(id json.RawMessage, res *mcp.CallToolResult) ([]byte, error) {
	raw, ok := res.StructuredContent.(json.RawMessage)
	if !ok || res.Meta != nil {
		return envelope(id, "result", res)
	}
	content, err := json.Marshal(res.Content)
	if err != nil {
		return nil, err
	}
	r := make([]byte, 0, len(content)+len(raw)+48)
	r = append(r, `{"content":`...)
	r = append(r, content...)
	if raw != nil {
		r = append(r, `,"structuredContent":`...)
		r = append(r, raw...)
	}
	if res.IsError {
		r = append(r, `,"isError":true`...)
	}
	return envelopeRaw(id, "result", append(r, '}')), nil
}
