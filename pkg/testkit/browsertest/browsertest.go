// Package browsertest drives Debian's headless Chromium from Go tests
// (chromedp): start a browser, check accessibility with axe-core, save
// screenshots. A missing Chromium fails the test loudly.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

// Chromium finds the browser: $CHROMIUM, /usr/bin/chromium or chromium-browser.
func Chromium(t testing.TB) string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	t.Fatal("Chromium not found: install it (Debian: apt-get install chromium) or set CHROMIUM")
	return ""
}

// New starts a headless Chromium with a fresh profile for the test.
func New(t testing.TB) context.Context {
	t.Helper()
	// Not t.TempDir: Chromium may still be flushing its profile when the
	// test's own cleanup runs, which would fail the test.
	profile, err := os.MkdirTemp("", "chromium-profile-")
	require.NoError(t, err)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx)
		cancelTimeout()
		cancel()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	require.NoError(t, chromedp.Run(ctx), "starting Chromium")
	return ctx
}

// a11yScript checks what axe leaves to us: one h1 per page.
const a11yScript = `(() => {
  const h1 = document.querySelectorAll("h1").length;
  return h1 === 1 ? [] : ["page has " + h1 + " h1 elements"];
})()`

// axeRun runs axe-core (injected first) and returns the serious and
// critical violations, one line each with where they are.
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => v.impact + " " + v.id + ": " + v.help + " — " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")))`

// axeSource is axe-core's script, pinned in testdata/axe (npm ci there:
// make deps).
func axeSource(t testing.TB) string {
	t.Helper()
	root, err := stacktest.RepoRoot()
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(root, "pkg", "testkit", "browsertest", "testdata", "axe", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `make deps` (npm ci in pkg/testkit/browsertest/testdata/axe)", err)
	}
	return string(b)
}

// CheckA11y runs axe-core on the current page and fails the test on any
// serious or critical violation (and on a page without exactly one h1).
func CheckA11y(t testing.TB, ctx context.Context, where string) {
	t.Helper()
	var problems, found []string
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(a11yScript, &problems)))
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Evaluate(axeSource(t), nil),
		chromedp.Evaluate(axeRun, &found, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	))
	assert.Empty(t, append(problems, found...), "accessibility (axe-core) on %s", where)
}

// Screenshot saves the whole page as test-output/screenshots/NAME.png.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	root, err := stacktest.RepoRoot()
	require.NoError(t, err)
	dir := filepath.Join(root, "test-output", "screenshots")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	var png []byte
	require.NoError(t, chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)))
	require.Greater(t, len(png), 1000)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// BodyText is the visible text of the page.
func BodyText(t testing.TB, ctx context.Context) string {
	t.Helper()
	var s string
	require.NoError(t, chromedp.Run(ctx, chromedp.Text("body", &s, chromedp.ByQuery)))
	return s
}
