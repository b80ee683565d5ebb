package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/auth"
)

// MaxAPITokens bounds one person's API tokens: enough for every client
// they use, few enough to list on one page.
const MaxAPITokens = 50

// Authenticate implements auth.Authenticator: a personal API token is
// looked up by its hash; a sign-in JWT must name a session that is still
// open. Both are one indexed query, on every request, so that a revoked
// credential is refused at once by every replica.
func (s *Service) Authenticate(ctx context.Context, bearer string) (auth.Principal, error) {
	if auth.IsAPIToken(bearer) {
		c, err := s.store.APITokenByHash(ctx, auth.HashAPIToken(bearer))
		if errors.Is(err, store.ErrNotFound) {
			return auth.Principal{}, auth.ErrInvalidToken
		}
		if err != nil {
			return auth.Principal{}, err
		}
		// "Last used" to the minute, so a busy token costs no write per
		// request; best effort: a failed write must not fail the request
		// (it fails when the disk is full, and reads still work then).
		if c.LastUsedAt == nil || time.Since(*c.LastUsedAt) > time.Minute {
			_ = s.store.TouchCredential(ctx, c.ID)
		}
		return auth.Principal{UserID: c.UserID, CredentialID: c.ID, Scope: auth.Scope(c.Scope), APIToken: true}, nil
	}
	claims, err := s.tokens.Verify(bearer)
	if err != nil {
		return auth.Principal{}, auth.ErrInvalidToken
	}
	if uuid.Validate(claims.SessionID) != nil || uuid.Validate(claims.UserID) != nil {
		// Tokens from before sessions existed, or for no account here.
		return auth.Principal{}, auth.ErrInvalidToken
	}
	open, err := s.store.SessionOpen(ctx, claims.SessionID, claims.UserID)
	if err != nil {
		return auth.Principal{}, err
	}
	if !open {
		return auth.Principal{}, auth.ErrInvalidToken
	}
	return auth.Principal{UserID: claims.UserID, CredentialID: claims.SessionID, Scope: auth.ScopeWrite}, nil
}

// session opens a session for u and returns its token.
func (s *Service) session(ctx context.Context, u store.User) (api.AuthResponse, error) {
	exp := time.Now().Add(s.tokens.TTL())
	c := store.Credential{UserID: u.ID, Kind: store.KindSession, Scope: string(auth.ScopeWrite), ExpiresAt: &exp}
	if err := s.store.CreateCredential(ctx, &c); err != nil {
		return api.AuthResponse{}, err
	}
	tok, exp, err := s.tokens.Issue(auth.Claims{UserID: u.ID, SessionID: c.ID})
	if err != nil {
		return api.AuthResponse{}, err
	}
	return api.AuthResponse{User: ToAPI(u), Token: tok, ExpiresAt: exp.UTC()}, nil
}

// SignOut closes the session p signed in with.
func (s *Service) SignOut(ctx context.Context, p auth.Principal) error {
	if _, err := s.store.DeleteCredential(ctx, p.UserID, store.KindSession, p.CredentialID); err != nil {
		return err
	}
	return nil
}

// SignOutEverywhere closes every session of the user, this one included,
// and unless in keeps them revokes their API tokens and gives the
// calendar feed a new address (api.EndAccess), in one transaction.
func (s *Service) SignOutEverywhere(ctx context.Context, userID string, in api.EndAccess) (api.SignOutResult, error) {
	r, err := revocation(in)
	if err != nil {
		return api.SignOutResult{}, err
	}
	done, err := s.store.EndAccess(ctx, userID, "", r)
	if err != nil {
		return api.SignOutResult{}, err
	}
	return api.SignOutResult{Revoked: done.Sessions, Ended: ended(done)}, nil
}

// revocation is what else ends, as the person chose (api.EndAccess).
func revocation(in api.EndAccess) (store.Revocation, error) {
	r := store.Revocation{APITokens: !in.KeepAPITokens}
	if !in.KeepCalendarFeed {
		token, err := api.NewCalendarToken()
		if err != nil {
			return r, err
		}
		r.FeedToken = token
	}
	return r, nil
}

func ended(r store.Revoked) api.Ended {
	return api.Ended{APITokensRevoked: r.APITokens, CalendarFeedRotated: r.FeedRotated}
}

// ChangePassword checks the current password, sets the new one, signs out
// every session (and, unless kept, revokes the API tokens and moves the
// feed: api.EndAccess), and opens a fresh session for the caller.
func (s *Service) ChangePassword(ctx context.Context, userID string, in api.ChangePasswordRequest) (api.PasswordChanged, error) {
	u, err := s.store.UserByID(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return api.PasswordChanged{}, &domain.Unauthenticated{Reason: "this account no longer exists"}
	}
	if err != nil {
		return api.PasswordChanged{}, err
	}
	fields := map[string]string{}
	if in.CurrentPassword == "" {
		fields["current_password"] = "is required"
	} else if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), passwordKey(in.CurrentPassword)) != nil {
		fields["current_password"] = "is not your current password"
	}
	if problem := checkPassword(in.NewPassword, u.Email, u.Name); problem != "" {
		fields["new_password"] = problem
	} else if in.NewPassword == in.CurrentPassword {
		fields["new_password"] = "must differ from the current password"
	}
	if len(fields) > 0 {
		return api.PasswordChanged{}, &domain.Invalid{Fields: fields}
	}
	hash, err := bcrypt.GenerateFromPassword(passwordKey(in.NewPassword), s.cost)
	if err != nil {
		return api.PasswordChanged{}, fmt.Errorf("hashing password: %w", err)
	}
	r, err := revocation(in.EndAccess)
	if err != nil {
		return api.PasswordChanged{}, err
	}
	done, err := s.store.SetPasswordHash(ctx, u.ID, string(hash), r)
	if err != nil {
		return api.PasswordChanged{}, err
	}
	fresh, err := s.session(ctx, u)
	return api.PasswordChanged{AuthResponse: fresh, Ended: ended(done)}, err
}

// CreateAPIToken makes a personal API token; its text is returned once.
func (s *Service) CreateAPIToken(ctx context.Context, userID string, in api.APITokenInput) (api.CreatedAPIToken, error) {
	fields := map[string]string{}
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		fields["name"] = "is required: say where the token is used, such as \"laptop MCP client\""
	case utf8.RuneCountInString(name) > MaxName:
		fields["name"] = fmt.Sprintf("must be at most %d characters", MaxName)
	case strings.ContainsFunc(name, unicode.IsControl):
		fields["name"] = "must not contain line breaks or other control characters"
	}
	if in.Scope != api.ScopeRead && in.Scope != api.ScopeWrite {
		fields["scope"] = `must be "read" or "write"`
	}
	if len(fields) > 0 {
		return api.CreatedAPIToken{}, &domain.Invalid{Fields: fields}
	}
	existing, err := s.store.Credentials(ctx, userID, store.KindAPIToken)
	if err != nil {
		return api.CreatedAPIToken{}, err
	}
	if len(existing) >= MaxAPITokens {
		return api.CreatedAPIToken{}, &domain.Conflict{Reason: fmt.Sprintf("you have %d API tokens, the most there can be; revoke one you no longer use", MaxAPITokens)}
	}
	token, hash := auth.NewAPIToken()
	c := store.Credential{UserID: userID, Kind: store.KindAPIToken, Name: name, Scope: in.Scope, TokenHash: hash}
	if err := s.store.CreateCredential(ctx, &c); err != nil {
		return api.CreatedAPIToken{}, err
	}
	return api.CreatedAPIToken{APIToken: tokenToAPI(c), Token: token}, nil
}

// APITokens lists the user's API tokens, newest first.
func (s *Service) APITokens(ctx context.Context, userID string) (api.APITokenList, error) {
	cs, err := s.store.Credentials(ctx, userID, store.KindAPIToken)
	if err != nil {
		return api.APITokenList{}, err
	}
	out := api.APITokenList{Tokens: make([]api.APIToken, len(cs))}
	for i, c := range cs {
		out.Tokens[i] = tokenToAPI(c)
	}
	return out, nil
}

// RevokeAPIToken deletes one of the user's API tokens.
func (s *Service) RevokeAPIToken(ctx context.Context, userID, id string) error {
	if uuid.Validate(id) != nil {
		return &domain.NotFound{What: "API token"}
	}
	ok, err := s.store.DeleteCredential(ctx, userID, store.KindAPIToken, id)
	if err != nil {
		return err
	}
	if !ok {
		return &domain.NotFound{What: "API token"}
	}
	return nil
}

func tokenToAPI(c store.Credential) api.APIToken {
	t := api.APIToken{ID: c.ID, Name: c.Name, Scope: c.Scope, CreatedAt: c.CreatedAt.UTC()}
	if c.LastUsedAt != nil {
		used := c.LastUsedAt.UTC()
		t.LastUsedAt = &used
	}
	return t
}
