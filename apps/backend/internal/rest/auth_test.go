package rest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/config"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
)

func TestSignUpSignInMe(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	ctx := context.Background()

	up, err := b.Client.SignUp(ctx, api.SignUpRequest{Email: "Ada@Example.com", Password: "difference engine", Name: "Ada"})
	require.NoError(t, err)
	assert.NotEmpty(t, up.Token)
	assert.Equal(t, "Ada@Example.com", up.User.Email)
	assert.Equal(t, "Ada", up.User.Name)
	assert.Equal(t, "UTC", up.User.CreatedAt.Location().String())

	in, err := b.Client.SignIn(ctx, api.SignInRequest{Email: "ada@example.com", Password: "difference engine"})
	require.NoError(t, err, "email is case-insensitive")
	assert.Equal(t, up.User.ID, in.User.ID)

	me, err := b.Client.WithAuth(in).Me(ctx)
	require.NoError(t, err)
	assert.Equal(t, up.User.ID, me.ID)

	// Name defaults to the email's local part.
	other, err := b.Client.SignUp(ctx, api.SignUpRequest{Email: "grace@example.com", Password: "compiler compiler"})
	require.NoError(t, err)
	assert.Equal(t, "grace", other.User.Name)

	// The password hash never appears in responses.
	r := jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-in", "", `{"email":"ada@example.com","password":"difference engine"}`)
	assert.Equal(t, http.StatusOK, r.Status)
	assert.NotContains(t, strings.ToLower(r.Raw), "hash")
}

func TestSignUpRejects(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	b.SignUp(t, "taken@example.com")
	cases := []struct {
		name, body string
		status     int
		field      string
	}{
		{"duplicate email any case", `{"email":"TAKEN@example.com","password":"long enough pw"}`, http.StatusConflict, ""},
		{"missing email", `{"password":"long enough pw"}`, http.StatusUnprocessableEntity, "email"},
		{"bad email", `{"email":"not-an-email","password":"long enough pw"}`, http.StatusUnprocessableEntity, "email"},
		{"email without domain dot", `{"email":"a@localhost","password":"long enough pw"}`, http.StatusUnprocessableEntity, "email"},
		{"short password", `{"email":"a@example.com","password":"short"}`, http.StatusUnprocessableEntity, "password"},
		{"too long password", `{"email":"a@example.com","password":"` + strings.Repeat("a few words ", 90) + `"}`, http.StatusUnprocessableEntity, "password"},
		// The probe's weak passwords, and guessable ones.
		{"common password", `{"email":"a@example.com","password":"password"}`, http.StatusUnprocessableEntity, "password"},
		{"digits", `{"email":"a@example.com","password":"12345678"}`, http.StatusUnprocessableEntity, "password"},
		{"eight spaces", `{"email":"a@example.com","password":"        "}`, http.StatusUnprocessableEntity, "password"},
		{"keyboard run", `{"email":"a@example.com","password":"qwertyuiop"}`, http.StatusUnprocessableEntity, "password"},
		{"own email", `{"email":"margaret.hamilton@example.com","password":"margaret.hamilton"}`, http.StatusUnprocessableEntity, "password"},
		{"seven characters of four bytes each", `{"email":"a@example.com","password":"🐢🐢🐢🐢🐢🐢🐢"}`, http.StatusUnprocessableEntity, "password"},
		{"unknown field", `{"email":"a@example.com","password":"long enough pw","admin":true}`, http.StatusUnprocessableEntity, "admin"},
		{"wrong type", `{"email":42,"password":"long enough pw"}`, http.StatusUnprocessableEntity, "email"},
		{"malformed", `{"email":`, http.StatusBadRequest, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-up", "", tc.body)
			assert.Equal(t, tc.status, r.Status, r.Raw)
			assert.NotEmpty(t, r.errCode())
			if tc.field != "" {
				assert.Contains(t, r.errFields(), tc.field)
			}
		})
	}
	// Nothing was written by the failures: only the first user exists.
	var n int
	require.NoError(t, b.App.Store.DB.NewRaw("SELECT count(*) FROM users").Scan(context.Background(), &n))
	assert.Equal(t, 1, n)
}

func TestSignInWrongPasswordAndUnknownEmailLookTheSame(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	b.SignUp(t, "known@example.com")
	wrong := jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-in", "", `{"email":"known@example.com","password":"wrong password"}`)
	unknown := jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-in", "", `{"email":"nobody@example.com","password":"wrong password"}`)
	assert.Equal(t, http.StatusUnauthorized, wrong.Status)
	assert.Equal(t, wrong.Status, unknown.Status)
	assert.Equal(t, wrong.Raw, unknown.Raw)

	missing := jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-in", "", `{"email":""}`)
	assert.Equal(t, http.StatusUnprocessableEntity, missing.Status)
}

func TestAuthIsRateLimitedPerClient(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg, func(c *config.Config) { c.AuthRateLimit = 3 })
	var last response
	for i := 0; i < 4; i++ {
		last = jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-in", "", `{"email":"x@example.com","password":"whatever pw"}`)
	}
	assert.Equal(t, http.StatusTooManyRequests, last.Status)
	assert.Equal(t, apierror.CodeRateLimited, last.errCode())
}

// Sign-in limits count the browser behind a frontend only when the
// frontend signed its address: an X-Forwarded-For from any peer (a pod, a
// host on a private network) is never believed, and neither is a forged,
// re-addressed or stale signature.
func TestRateLimitCountsOnlySignedClientAddresses(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg, func(c *config.Config) { c.AuthRateLimit = 2 })
	clients := auth.NewClientAddresses(testenv.Secret)
	signIn := func(header, value string) int {
		req, _ := http.NewRequest(http.MethodPost, b.URL+"/api/auth/sign-in", strings.NewReader(`{"email":"x@example.com","password":"whatever pw"}`))
		req.Header.Set("Content-Type", "application/json")
		if header != "" {
			req.Header.Set(header, value)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	now := time.Now()
	assert.Equal(t, http.StatusUnauthorized, signIn(auth.ClientHeader, clients.Sign("203.0.113.1", now)))
	assert.Equal(t, http.StatusUnauthorized, signIn(auth.ClientHeader, clients.Sign("203.0.113.1", now)))
	assert.Equal(t, http.StatusTooManyRequests, signIn(auth.ClientHeader, clients.Sign("203.0.113.1", now)))
	assert.Equal(t, http.StatusUnauthorized, signIn(auth.ClientHeader, clients.Sign("203.0.113.2", now)), "another person behind the same frontend")

	// The peer itself (127.0.0.1) has its own two attempts; forged headers
	// all count against it.
	assert.Equal(t, http.StatusUnauthorized, signIn("X-Forwarded-For", "198.51.100.1"))
	assert.Equal(t, http.StatusUnauthorized, signIn("X-Forwarded-For", "198.51.100.2"))
	assert.Equal(t, http.StatusTooManyRequests, signIn("X-Forwarded-For", "198.51.100.3"), "a rotated X-Forwarded-For changes nothing")
	forged := strings.Replace(clients.Sign("203.0.113.9", now), "203.0.113.9", "203.0.113.10", 1)
	assert.Equal(t, http.StatusTooManyRequests, signIn(auth.ClientHeader, forged), "a re-addressed signature counts as the peer")
	stale := clients.Sign("203.0.113.11", now.Add(-5*time.Minute))
	assert.Equal(t, http.StatusTooManyRequests, signIn(auth.ClientHeader, stale), "a replayed old signature counts as the peer")
}

func TestHealthAndReady(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	assert.Equal(t, http.StatusOK, call(t, http.MethodGet, b.URL+"/health", "", "", "").Status)
	assert.Equal(t, http.StatusOK, call(t, http.MethodGet, b.URL+"/ready", "", "", "").Status)
	require.NoError(t, b.Client.Ready(context.Background()))

	// With the database gone, readiness fails but liveness does not.
	require.NoError(t, b.App.Store.DB.Close())
	assert.Equal(t, http.StatusServiceUnavailable, call(t, http.MethodGet, b.URL+"/ready", "", "", "").Status)
	assert.Equal(t, http.StatusOK, call(t, http.MethodGet, b.URL+"/health", "", "", "").Status)
}

func TestUnknownRouteAndCORS(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	r := call(t, http.MethodGet, b.URL+"/nope", "", "", "")
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, apierror.CodeNotFound, r.errCode())

	req, _ := http.NewRequest(http.MethodOptions, b.URL+"/api/auth/sign-in", nil)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "http://localhost:3000", resp.Header.Get("Access-Control-Allow-Origin"))

	req.Header.Set("Origin", "http://evil.example")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
}

// Long passphrases count in full: bcrypt alone would ignore everything past
// 72 bytes, so two passphrases sharing their first 72 bytes would both
// open the account.
func TestLongPassphrasesCountInFull(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	long := strings.Repeat("the quick brown fox jumps over the lazy dog ", 3) + "ends here"
	require.Greater(t, len(long), 72)
	r := jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-up", "", `{"email":"long@example.com","password":"`+long+`"}`)
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	r = jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-in", "", `{"email":"long@example.com","password":"`+long+`"}`)
	assert.Equal(t, http.StatusOK, r.Status, r.Raw)
	other := long[:72] + " but not this ending"
	r = jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-in", "", `{"email":"long@example.com","password":"`+other+`"}`)
	assert.Equal(t, http.StatusUnauthorized, r.Status, "the part past 72 bytes matters")
}

// Back-off per account and address, kept in PostgreSQL: after five
// failures in a row from one address, its sign-ins to the account wait
// (even with the right password), on every replica, and for unknown
// emails alike; a success starts afresh. (Other addresses are not held
// back: TestWrongSignInsCannotLockTheOwnerOut.)
func TestFailedSignInsBackOffPerAccountAcrossReplicas(t *testing.T) {
	t.Parallel()
	one := testenv.Start(t, pg)
	two := testenv.StartWith(t, testenv.Config(one.DSN)) // a second replica on the same database
	one.SignUp(t, "ada@example.com")
	signIn := func(b *testenv.Backend, email, pw string) response {
		return jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-in", "", `{"email":"`+email+`","password":"`+pw+`"}`)
	}
	for i := 0; i < 5; i++ {
		b := []*testenv.Backend{one, two}[i%2]
		require.Equal(t, http.StatusUnauthorized, signIn(b, "ada@example.com", "wrong guess").Status)
		require.Equal(t, http.StatusUnauthorized, signIn(b, "nobody@example.com", "wrong guess").Status)
	}
	r := signIn(one, "ADA@example.com", "wrong guess")
	assert.Equal(t, http.StatusUnauthorized, r.Status, "the sixth failure is still answered: the wait starts after it")
	for _, b := range []*testenv.Backend{one, two} {
		r := signIn(b, "ada@example.com", "correct horse battery")
		assert.Equal(t, http.StatusTooManyRequests, r.Status, "locked on every replica for this address, even with the right password: %s", r.Raw)
		assert.Equal(t, "rate_limited", r.errCode())
		assert.NotEmpty(t, r.Header.Get("Retry-After"))
	}
	unknown := signIn(two, "nobody@example.com", "wrong guess")
	assert.Equal(t, http.StatusUnauthorized, unknown.Status, "five failures: the free ones")
	unknown = signIn(two, "nobody@example.com", "wrong guess")
	assert.Equal(t, http.StatusTooManyRequests, unknown.Status, "unknown emails back off the same way, so the lock says nothing about who has an account")

	// The wait passes (moved into the past here rather than slept through).
	_, err := one.App.Store.DB.ExecContext(context.Background(), `UPDATE sign_in_failures SET locked_until = now() - interval '1 second'`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, signIn(two, "ada@example.com", "correct horse battery").Status)
	until, err := one.App.Store.SignInLockedUntil(context.Background(), "ada@example.com", "127.0.0.1", time.Now())
	require.NoError(t, err)
	assert.True(t, until.IsZero(), "a success starts afresh")
}
