package rest_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/openapi"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/client"
)

// authzFixture is what the matrix's calls name: an owner with shared
// resources, which only the calls that must be refused touch (so that the
// end of the test can prove them untouched), and fresh ones made for each
// call that must succeed and may change or consume what it names.
type authzFixture struct {
	b     *testenv.Backend
	owner *client.Client
	auth  api.AuthResponse
	// The owner's shared resources.
	task, deletedTask, conv, tag int64
	project, deletedProject      int64
	section, deletedSection      int64
	tokenID                      string
	n                            int
}

// authzTarget is whose path a call names, the {id} in it and the owner's
// session to send.
type authzTarget struct {
	userID, session, id string
}

// authzSample is how the matrix calls one route, keyed by its ID in
// openapi.Routes.
type authzSample struct {
	// body is a valid request body ("": none), sent as contentType
	// (default JSON).
	body, contentType string
	// id fills {id} for the calls that must be refused: one of the owner's
	// shared resources.
	id func(f *authzFixture) string
	// fresh makes the target of a call that must succeed where the call
	// changes or consumes what it names (a new task to delete, a new
	// session to sign out, a new account whose password changes); nil: the
	// shared target.
	fresh func(t *testing.T, f *authzFixture) authzTarget
	// public checks a route that needs no token; every public route has
	// one, and the matrix is for the others.
	public func(t *testing.T, f *authzFixture, r openapi.Route, peer api.AuthResponse)
}

func (f *authzFixture) name(prefix string) string {
	f.n++
	return fmt.Sprintf("%s-%d", prefix, f.n)
}

func (f *authzFixture) shared(id string) authzTarget {
	return authzTarget{userID: f.auth.User.ID, session: f.auth.Token, id: id}
}

func (f *authzFixture) freshTask(t *testing.T) int64 {
	t.Helper()
	task, err := f.owner.CreateTask(context.Background(), api.TaskInput{Title: f.name("fresh task")})
	require.NoError(t, err)
	return task.ID
}

func (f *authzFixture) freshConversation(t *testing.T) int64 {
	t.Helper()
	conv, err := f.owner.CreateConversation(context.Background(), api.ConversationInput{Title: f.name("fresh chat")})
	require.NoError(t, err)
	return conv.ID
}

// freshAccount is a new person, for the calls that close every session of
// theirs or change their password.
func freshAccount(t *testing.T, f *authzFixture) authzTarget {
	t.Helper()
	_, res := f.b.SignUp(t, f.name("fresh")+"@example.com")
	return authzTarget{userID: res.User.ID, session: res.Token}
}

func id64(id int64) string { return fmt.Sprint(id) }

// taskSample is a route on one task that changes it: a fresh task each time
// it must succeed.
func taskSample(body string) authzSample {
	return authzSample{body: body,
		id: func(f *authzFixture) string { return id64(f.task) },
		fresh: func(t *testing.T, f *authzFixture) authzTarget {
			return f.shared(id64(f.freshTask(t)))
		}}
}

func (f *authzFixture) freshProject(t *testing.T) int64 {
	t.Helper()
	p, err := f.owner.CreateProject(context.Background(), api.ProjectInput{Name: f.name("fresh project")})
	require.NoError(t, err)
	return p.ID
}

func (f *authzFixture) freshSection(t *testing.T) int64 {
	t.Helper()
	s, err := f.owner.CreateSection(context.Background(), f.project, api.SectionInput{Name: f.name("fresh section")})
	require.NoError(t, err)
	return s.ID
}

// projectSample and sectionSample are routes on one project or section
// that change it: a fresh one each time they must succeed.
func projectSample(body string) authzSample {
	return authzSample{body: body,
		id: func(f *authzFixture) string { return id64(f.project) },
		fresh: func(t *testing.T, f *authzFixture) authzTarget {
			return f.shared(id64(f.freshProject(t)))
		}}
}

func sectionSample(body string) authzSample {
	return authzSample{body: body,
		id: func(f *authzFixture) string { return id64(f.section) },
		fresh: func(t *testing.T, f *authzFixture) authzTarget {
			return f.shared(id64(f.freshSection(t)))
		}}
}

func convSample(body string, fresh bool) authzSample {
	s := authzSample{body: body, id: func(f *authzFixture) string { return id64(f.conv) }}
	if fresh {
		s.fresh = func(t *testing.T, f *authzFixture) authzTarget {
			return f.shared(id64(f.freshConversation(t)))
		}
	}
	return s
}

// authzSamples are the matrix's expectations, one per route of
// openapi.Routes: a route added to the table without one fails the test.
var authzSamples = map[string]authzSample{
	"signUp":         {public: checkSignUp},
	"signIn":         {public: checkSignIn},
	"calendarICS":    {public: checkCalendarFeed},
	"openAPI":        {public: checkServedWithoutCredential},
	"reference":      {public: checkServedWithoutCredential},
	"me":             {},
	"setPreferences": {body: `{"time_zone":"Europe/Berlin"}`},
	"signOut": {fresh: func(t *testing.T, f *authzFixture) authzTarget {
		// Another session of the owner's: the shared one must stay open.
		res, err := f.b.Client.SignIn(context.Background(), api.SignInRequest{Email: f.auth.User.Email, Password: password})
		require.NoError(t, err)
		return authzTarget{userID: res.User.ID, session: res.Token}
	}},
	"signOutEverywhere": {fresh: freshAccount},
	"changePassword": {body: `{"current_password":"` + password + `","new_password":"a brand new passphrase"}`,
		fresh: freshAccount},
	"listAPITokens":  {},
	"createAPIToken": {body: `{"name":"matrix","scope":"read"}`},
	"revokeAPIToken": {
		id: func(f *authzFixture) string { return f.tokenID },
		fresh: func(t *testing.T, f *authzFixture) authzTarget {
			tok, err := f.owner.CreateAPIToken(context.Background(), api.APITokenInput{Name: f.name("to revoke"), Scope: api.ScopeRead})
			require.NoError(t, err)
			return f.shared(tok.ID)
		}},
	"getCalendarFeed":     {},
	"enableCalendarFeed":  {},
	"disableCalendarFeed": {},
	"scopeCalendarFeed": {body: `{"project_id":null}`,
		fresh: func(t *testing.T, f *authzFixture) authzTarget {
			// Someone whose feed is on: a scope needs one.
			tgt := freshAccount(t, f)
			_, err := f.b.Client.WithSession(tgt.session, tgt.userID).EnableCalendarFeed(context.Background())
			require.NoError(t, err)
			return tgt
		}},
	"listTasks":    {},
	"createTask":   {body: `{"title":"matrix"}`},
	"getTask":      {id: func(f *authzFixture) string { return id64(f.task) }},
	"replaceTask":  taskSample(`{"title":"replaced"}`),
	"patchTask":    taskSample(`{"title":"patched"}`),
	"deleteTask":   taskSample(""),
	"completeTask": taskSample(""),
	"snoozeTask":   taskSample(`{"minutes":10}`),
	"restoreTask": {
		// A deleted task: refused calls must fail for being someone else's,
		// not for finding nothing to restore.
		id: func(f *authzFixture) string { return id64(f.deletedTask) },
		fresh: func(t *testing.T, f *authzFixture) authzTarget {
			id := f.freshTask(t)
			require.NoError(t, f.owner.DeleteTask(context.Background(), id))
			return f.shared(id64(id))
		}},
	"listNotifications":     {},
	"markNotificationsSeen": {body: `{"ids":[]}`},
	"agenda":                {},
	"summary":               {},
	"listTags":              {},
	"deleteTag": {
		id: func(f *authzFixture) string { return id64(f.tag) },
		fresh: func(t *testing.T, f *authzFixture) authzTarget {
			ctx := context.Background()
			name := f.name("fresh-tag")
			_, err := f.owner.CreateTask(ctx, api.TaskInput{Title: name, Tags: []string{name}})
			require.NoError(t, err)
			tags, err := f.owner.ListTags(ctx)
			require.NoError(t, err)
			for _, tag := range tags.Tags {
				if tag.Name == name {
					return f.shared(id64(tag.ID))
				}
			}
			t.Fatalf("tag %s was not created", name)
			return authzTarget{}
		}},
	"exportData":         {},
	"importData":         {body: `{"kind":"` + api.ExportKind + `","version":1}`},
	"listConversations":  {},
	"createConversation": {body: `{"title":"matrix"}`},
	"getConversation":    convSample("", false),
	"listMessages":       convSample("", false),
	"deleteConversation": convSample("", true),
	"addMessage":         convSample(`{"role":"user","content":"hi"}`, true),
	"moveTask":           taskSample(`{"parent_id":null}`),
	"listProjects":       {},
	"createProject":      {body: `{"name":"matrix"}`},
	"getProject":         {id: func(f *authzFixture) string { return id64(f.project) }},
	"projectTree":        {id: func(f *authzFixture) string { return id64(f.project) }},
	"patchProject":       projectSample(`{"name":"patched"}`),
	"deleteProject":      projectSample(""),
	"moveProject":        projectSample(`{}`),
	"restoreProject": {
		id: func(f *authzFixture) string { return id64(f.deletedProject) },
		fresh: func(t *testing.T, f *authzFixture) authzTarget {
			id := f.freshProject(t)
			require.NoError(t, f.owner.DeleteProject(context.Background(), id))
			return f.shared(id64(id))
		}},
	"createSection": {body: `{"name":"matrix"}`, id: func(f *authzFixture) string { return id64(f.project) }},
	"renameSection": sectionSample(`{"name":"renamed"}`),
	"deleteSection": sectionSample(""),
	"moveSection":   sectionSample(`{}`),
	"restoreSection": {
		id: func(f *authzFixture) string { return id64(f.deletedSection) },
		fresh: func(t *testing.T, f *authzFixture) authzTarget {
			id := f.freshSection(t)
			require.NoError(t, f.owner.DeleteSection(context.Background(), id))
			return f.shared(id64(id))
		}},
}

var pathParam = regexp.MustCompile(`\{[a-z_]+\}`)

// fill puts a target into a route's path; a parameter the matrix does not
// know is an error, not a literal "{name}" sent to the server.
func fill(t *testing.T, r openapi.Route, tgt authzTarget) string {
	t.Helper()
	path := strings.NewReplacer("{user_id}", tgt.userID, "{id}", tgt.id).Replace(r.Path)
	if p := pathParam.FindString(path); p != "" {
		t.Fatalf("%s (%s %s): the matrix cannot fill %s: teach fill and the route's sample in authz_test.go", r.ID, r.Method, r.Path, p)
	}
	if strings.Contains(r.Path, "{id}") && tgt.id == "" {
		t.Fatalf("%s (%s %s): its sample in authzSamples needs id (the owner's shared resource for {id})", r.ID, r.Method, r.Path)
	}
	return path
}

// TestAuthorizationMatrix calls every route of openapi.Routes, published
// or not, as its owner, as another person, without a credential, with a
// read-only and a read-write API token, with a signed-out session, a
// revoked API token and every kind of bad token, and expects what the
// route's row says (Public, Session, the method, Status). Public routes
// get their own checks. A route without its sample in authzSamples fails
// here, so a new route cannot ship without its authorization checked.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()

	// The expectations first: before the backend starts, so that a missing
	// one is the first thing the test says.
	ids := map[string]bool{}
	for _, r := range openapi.Routes {
		ids[r.ID] = true
		s, ok := authzSamples[r.ID]
		switch {
		case !ok:
			t.Errorf("route %s (%s %s) has no sample in authzSamples (authz_test.go): add one saying how to fill its path (id, fresh) and a valid body", r.ID, r.Method, r.Path)
		case r.Public && s.public == nil:
			t.Errorf("public route %s (%s %s) has no check in authzSamples: add public, proving it leaks nobody's data", r.ID, r.Method, r.Path)
		case !r.Public && s.public != nil:
			t.Errorf("route %s (%s %s) needs a token but its sample has a public check: it belongs in the matrix", r.ID, r.Method, r.Path)
		}
	}
	for id := range authzSamples {
		if !ids[id] {
			t.Errorf("authzSamples has %s, which is not in openapi.Routes: remove it", id)
		}
	}
	if t.Failed() {
		return
	}

	b := testenv.Start(t, pg)
	ctx := context.Background()
	alice, aliceAuth := b.SignUp(t, "alice@example.com")
	bob, bobAuth := b.SignUp(t, "bob@example.com")
	f := &authzFixture{b: b, owner: alice, auth: aliceAuth}
	aliceTask, err := alice.CreateTask(ctx, api.TaskInput{Title: "alice's", Tags: []string{"private"}})
	require.NoError(t, err)
	f.task = aliceTask.ID
	f.deletedTask = f.freshTask(t)
	require.NoError(t, alice.DeleteTask(ctx, f.deletedTask))
	aliceConv, err := alice.CreateConversation(ctx, api.ConversationInput{Title: "alice chat"})
	require.NoError(t, err)
	f.conv = aliceConv.ID
	aliceTags, err := alice.ListTags(ctx)
	require.NoError(t, err)
	f.tag = aliceTags.Tags[0].ID
	f.project = f.freshProject(t)
	f.section = f.freshSection(t)
	f.deletedProject = f.freshProject(t)
	require.NoError(t, alice.DeleteProject(ctx, f.deletedProject))
	f.deletedSection = f.freshSection(t)
	require.NoError(t, alice.DeleteSection(ctx, f.deletedSection))
	kept, err := alice.CreateAPIToken(ctx, api.APITokenInput{Name: "kept", Scope: api.ScopeRead})
	require.NoError(t, err)
	f.tokenID = kept.ID

	newToken := func(scope string) api.CreatedAPIToken {
		tok, err := alice.CreateAPIToken(ctx, api.APITokenInput{Name: scope, Scope: scope})
		require.NoError(t, err)
		return tok
	}
	readToken, writeToken := newToken(api.ScopeRead), newToken(api.ScopeWrite)
	revokedToken := newToken(api.ScopeWrite)
	require.NoError(t, alice.RevokeAPIToken(ctx, revokedToken.ID))
	signedOutSession, err := b.Client.SignIn(ctx, api.SignInRequest{Email: aliceAuth.User.Email, Password: password})
	require.NoError(t, err)
	require.NoError(t, b.Client.WithAuth(signedOutSession).SignOut(ctx))

	badTokens := badTokens(t, b, aliceAuth.User.ID)

	for _, r := range openapi.Routes {
		s := authzSamples[r.ID]
		if r.Public {
			t.Run(r.ID, func(t *testing.T) { s.public(t, f, r, bobAuth) })
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			where := r.Method + " " + r.Path
			var sharedID string
			if s.id != nil {
				sharedID = s.id(f)
			}
			shared := fill(t, r, f.shared(sharedID))
			send := func(t *testing.T, path, token string) response {
				t.Helper()
				ct := s.contentType
				if ct == "" {
					ct = "application/json"
				}
				return call(t, r.Method, b.URL+path, token, ct, s.body)
			}
			// succeed calls as the owner, with the owner's session or one
			// of their API tokens, on a fresh target where the route
			// consumes it; it must answer the route's success status.
			succeed := func(t *testing.T, token string) {
				t.Helper()
				tgt := f.shared(sharedID)
				if s.fresh != nil {
					tgt = s.fresh(t, f)
				}
				if token == "" {
					token = tgt.session
				}
				got := send(t, fill(t, r, tgt), token)
				assert.Equal(t, r.Status, got.Status, "%s: %s", where, got.Raw)
			}
			refused := func(t *testing.T, token string, status int, codes ...string) {
				t.Helper()
				got := send(t, shared, token)
				assert.Equal(t, status, got.Status, "%s: %s", where, got.Raw)
				assert.Contains(t, codes, got.errCode(), "%s: the error envelope's code", where)
			}

			t.Run("owner", func(t *testing.T) { succeed(t, "") })
			if strings.Contains(r.Path, "{user_id}") {
				t.Run("another person", func(t *testing.T) {
					refused(t, bobAuth.Token, http.StatusForbidden, "forbidden")
				})
				if strings.Contains(r.Path, "{id}") {
					// Bob on his own path with Alice's ids: not found, never
					// Alice's data.
					t.Run("another person, own path", func(t *testing.T) {
						got := send(t, fill(t, r, authzTarget{userID: bobAuth.User.ID, id: sharedID}), bobAuth.Token)
						assert.Equal(t, http.StatusNotFound, got.Status, "%s: %s", where, got.Raw)
						assert.Equal(t, "not_found", got.errCode())
					})
				}
			}
			t.Run("no credential", func(t *testing.T) {
				got := send(t, shared, "")
				assert.Equal(t, http.StatusUnauthorized, got.Status, "%s: %s", where, got.Raw)
				assert.Equal(t, "unauthorized", got.errCode())
				assert.Contains(t, got.Header.Get("WWW-Authenticate"), "Bearer")
			})
			t.Run("read token", func(t *testing.T) {
				switch {
				case r.Session:
					// A read-only token that writes may be refused for its
					// scope before it is refused for being a token.
					refused(t, readToken.Token, http.StatusForbidden, "forbidden", auth.CodeInsufficientScope)
				case r.Scope == api.ScopeRead:
					succeed(t, readToken.Token)
				default:
					// Every change, and the reads a read-only token does
					// not get (conversations, the export).
					refused(t, readToken.Token, http.StatusForbidden, auth.CodeInsufficientScope)
				}
			})
			t.Run("write token", func(t *testing.T) {
				if r.Session {
					refused(t, writeToken.Token, http.StatusForbidden, "forbidden")
					return
				}
				succeed(t, writeToken.Token)
			})
			t.Run("signed-out session", func(t *testing.T) {
				refused(t, signedOutSession.Token, http.StatusUnauthorized, "unauthorized")
			})
			t.Run("revoked token", func(t *testing.T) {
				refused(t, revokedToken.Token, http.StatusUnauthorized, "unauthorized")
			})
			for name, tok := range badTokens {
				t.Run(name, func(t *testing.T) { refused(t, tok, http.StatusUnauthorized, "unauthorized") })
			}
		})
	}

	// After all that, Alice's shared data is untouched and Bob has nothing
	// of hers.
	got, err := alice.GetTask(ctx, aliceTask.ID)
	require.NoError(t, err)
	assert.Equal(t, "alice's", got.Title)
	assert.Equal(t, []string{"private"}, got.Tags)
	assert.Nil(t, got.CompletedAt, "nobody completed it")
	_, err = alice.GetTask(ctx, f.deletedTask)
	assert.Equal(t, http.StatusNotFound, status(err), "nobody restored the deleted task")
	conv, err := alice.GetConversation(ctx, aliceConv.ID)
	require.NoError(t, err)
	assert.Equal(t, "alice chat", conv.Title)
	assert.Empty(t, conv.Messages)
	tokens, err := alice.APITokens(ctx)
	require.NoError(t, err)
	assert.True(t, hasToken(tokens, kept.ID), "nobody revoked the kept token")
	assert.Equal(t, http.StatusOK, canList(t, alice), "the owner's session is still open")
	bobTasks, err := bob.ListTasks(ctx, api.TaskQuery{})
	require.NoError(t, err)
	assert.Zero(t, bobTasks.Total)
	bobTags, err := bob.ListTags(ctx)
	require.NoError(t, err)
	assert.Empty(t, bobTags.Tags)
	bobConvs, err := bob.ListConversations(ctx)
	require.NoError(t, err)
	assert.Empty(t, bobConvs.Conversations)
}

func hasToken(list api.APITokenList, id string) bool {
	for _, tok := range list.Tokens {
		if tok.ID == id {
			return true
		}
	}
	return false
}

// badTokens are sign-in tokens for userID that must never be accepted.
func badTokens(t *testing.T, b *testenv.Backend, userID string) map[string]string {
	t.Helper()
	secret := []byte(testenv.Secret)
	claims := func(exp time.Time) jwt.MapClaims {
		return jwt.MapClaims{"sub": userID, "iss": auth.Issuer, "aud": auth.Audience, "exp": exp.Unix(), "iat": time.Now().Unix()}
	}
	signed := func(m jwt.SigningMethod, key any, c jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		require.NoError(t, err)
		return s
	}
	expiredIssuer, err := auth.NewTokens(testenv.Secret, time.Hour)
	require.NoError(t, err)
	expired, _, err := expiredIssuer.WithClock(func() time.Time { return time.Now().Add(-3 * time.Hour) }).Issue(auth.Claims{UserID: userID, SessionID: uuid.NewString()})
	require.NoError(t, err)
	unknownSession, _, err := b.App.Tokens.Issue(auth.Claims{UserID: userID, SessionID: uuid.NewString()})
	require.NoError(t, err)
	return map[string]string{
		"bad signature": signed(jwt.SigningMethodHS256, []byte("some-other-secret-some-other-secret!"), claims(time.Now().Add(time.Hour))),
		"expired":       expired,
		"HS512":         signed(jwt.SigningMethodHS512, secret, claims(time.Now().Add(time.Hour))),
		"alg none":      signed(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(time.Now().Add(time.Hour))),
		"garbage":       "garbage.token.here",
		// Well signed and in date, but naming no open session: from before
		// sessions existed, or made up by someone who has the secret.
		"no session":      signed(jwt.SigningMethodHS256, secret, claims(time.Now().Add(time.Hour))),
		"unknown session": unknownSession,
		"wrong audience":  signed(jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": userID, "iss": auth.Issuer, "aud": "other", "exp": time.Now().Add(time.Hour).Unix()}),
	}
}

// checkSignUp: a new account is its own, and an email already taken says
// so without showing whose it is.
func checkSignUp(t *testing.T, f *authzFixture, _ openapi.Route, _ api.AuthResponse) {
	u := f.b.URL + "/api/auth/sign-up"
	got := jsonCall(t, http.MethodPost, u, "", `{"email":"newcomer@example.com","password":"`+password+`","name":"New"}`)
	require.Equal(t, http.StatusCreated, got.Status, got.Raw)
	assert.NotContains(t, got.Raw, f.auth.User.ID)
	// A stale token in the header changes nothing: the route reads none.
	got = jsonCall(t, http.MethodPost, u, f.auth.Token, `{"email":"`+f.auth.User.Email+`","password":"`+password+`","name":"Mallory"}`)
	assert.Equal(t, http.StatusConflict, got.Status, got.Raw)
	assert.NotContains(t, got.Raw, f.auth.User.ID)
	assert.NotContains(t, got.Raw, f.auth.Token)
}

// checkSignIn: a wrong password and an unknown email answer the same,
// with nothing of the account; the right password signs in as its owner.
func checkSignIn(t *testing.T, f *authzFixture, _ openapi.Route, _ api.AuthResponse) {
	u := f.b.URL + "/api/auth/sign-in"
	wrong := jsonCall(t, http.MethodPost, u, "", `{"email":"`+f.auth.User.Email+`","password":"not it at all"}`)
	unknown := jsonCall(t, http.MethodPost, u, "", `{"email":"nobody@example.com","password":"not it at all"}`)
	assert.Equal(t, http.StatusUnauthorized, wrong.Status, wrong.Raw)
	assert.Equal(t, unknown.Raw, wrong.Raw, "an existing account is not told apart")
	assert.NotContains(t, wrong.Raw, f.auth.User.ID)
	right := jsonCall(t, http.MethodPost, u, "", `{"email":"`+f.auth.User.Email+`","password":"`+password+`"}`)
	assert.Equal(t, http.StatusOK, right.Status, right.Raw)
	assert.Contains(t, right.Raw, f.auth.User.ID)
}

// checkCalendarFeed: a feed shows its owner's tasks only, and a token
// that is no feed's shows nothing.
func checkCalendarFeed(t *testing.T, f *authzFixture, _ openapi.Route, peer api.AuthResponse) {
	ctx := context.Background()
	due := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	_, err := f.owner.CreateTask(ctx, api.TaskInput{Title: "alice's dated secret", DueAt: &due})
	require.NoError(t, err)
	mine, err := f.owner.EnableCalendarFeed(ctx)
	require.NoError(t, err)
	theirs, err := f.b.Client.WithAuth(peer).EnableCalendarFeed(ctx)
	require.NoError(t, err)
	feed := func(token string) response {
		return call(t, http.MethodGet, f.b.URL+"/api/calendar/"+token+".ics", "", "", "")
	}
	got := feed(mine.Token)
	require.Equal(t, http.StatusOK, got.Status, got.Raw)
	assert.Contains(t, got.Raw, "alice's dated secret", "the owner's feed has the task: the check below can fail")
	got = feed(theirs.Token)
	require.Equal(t, http.StatusOK, got.Status, got.Raw)
	assert.NotContains(t, got.Raw, "alice's dated secret")
	for _, tok := range []string{uuid.NewString(), f.auth.Token, f.auth.User.ID} {
		got = feed(tok)
		assert.Equal(t, http.StatusNotFound, got.Status, "a token that is no feed's: %s", got.Raw)
	}
}

// checkServedWithoutCredential: the document and its page are for anyone,
// and a stale token in the header does not stop them.
func checkServedWithoutCredential(t *testing.T, f *authzFixture, r openapi.Route, _ api.AuthResponse) {
	for _, token := range []string{"", "garbage.token.here"} {
		got := call(t, r.Method, f.b.URL+r.Path, token, "", "")
		assert.Equal(t, r.Status, got.Status, "%s with token %q", r.Path, token)
		assert.Contains(t, got.Header.Get("Content-Type"), r.ContentType, r.Path)
	}
}
