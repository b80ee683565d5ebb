package rest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
)

var pg *pgtest.Server

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

type response struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// errCode returns the envelope's error code, or "" without one.
func (r response) errCode() string {
	e, _ := r.Body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func (r response) errFields() map[string]any {
	e, _ := r.Body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

// call sends a raw request, for the cases the typed client cannot express.
func call(t *testing.T, method, url, token, contentType, body string) response {
	t.Helper()
	return callWith(t, method, url, token, http.Header{"Content-Type": {contentType}}, body)
}

// callWith sends a raw request with headers.
func callWith(t *testing.T, method, url, token string, header http.Header, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	for k, v := range header {
		if len(v) > 0 && v[0] != "" {
			req.Header[k] = v
		}
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := response{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &out.Body)
	}
	return out
}

func jsonCall(t *testing.T, method, url, token, body string) response {
	return call(t, method, url, token, "application/json", body)
}
