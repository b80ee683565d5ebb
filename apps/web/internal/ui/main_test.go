package ui_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

var (
	pg      *pgtest.Server
	builder *stacktest.Builder
)

func TestMain(m *testing.M) { stacktest.Main(m, &pg, &builder) }

// browserless is a cookie-keeping HTTP client that does not follow
// redirects, so tests can see where each answer points.
type browserless struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newClient(t *testing.T, base string) *browserless {
	jar, _ := cookiejar.New(nil)
	return &browserless{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	Status   int
	Location string
	Body     string
}

func (b *browserless) get(path string) page {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	require.NoError(b.t, err)
	return read(b.t, resp)
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// post submits a form the way a browser would: with the CSRF token from
// the page it came from.
func (b *browserless) post(from, path string, form url.Values) page {
	b.t.Helper()
	src := b.get(from)
	m := csrfRe.FindStringSubmatch(src.Body)
	require.NotNil(b.t, m, "no CSRF token on %s (status %d)", from, src.Status)
	form.Set("_csrf", m[1])
	return b.postRaw(path, form)
}

func (b *browserless) postRaw(path string, form url.Values) page {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	require.NoError(b.t, err)
	return read(b.t, resp)
}

func read(t *testing.T, resp *http.Response) page {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return page{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(body)}
}

func (b *browserless) signUp(email string) {
	b.t.Helper()
	p := b.post("/signup", "/signup", url.Values{"email": {email}, "password": {"correct horse"}, "name": {"Tess"}})
	require.Equal(b.t, http.StatusSeeOther, p.Status, p.Body)
}

func text(body string) string {
	return html.UnescapeString(strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(body, " ")), " "))
}
