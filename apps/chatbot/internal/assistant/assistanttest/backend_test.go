package assistanttest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant/assistanttest"
	"github.com/todo-app/todo-app/apps/chatbot/internal/mcpclient"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

var (
	pg      *pgtest.Server
	builder *stacktest.Builder
)

// The suite needs a compiled backend and PostgreSQL here, so this package
// is not one of make check's unit packages; make test runs it.
func TestMain(m *testing.M) { stacktest.Main(m, &pg, &builder) }

// backend is a real backend: people sign up and import over REST, and
// the tools are its MCP endpoint, as the chatbot reaches them.
type backend struct {
	rest   *client.Client
	dialer *mcpclient.Dialer
	people atomic.Int64

	mu       sync.Mutex
	accounts map[mcpclient.Tools]*client.Client // each person's REST client, by their tools
}

func startBackend(t *testing.T) *backend {
	be := stacktest.StartBackend(t, builder, pg, nil)
	d := mcpclient.NewDialer(be.URL, 10*time.Second)
	t.Cleanup(func() { _ = d.Close() })
	return &backend{rest: client.New(be.URL, nil), dialer: d, accounts: map[mcpclient.Tools]*client.Client{}}
}

func (b *backend) Account(ctx context.Context, zone string, seed assistanttest.Seed) (mcpclient.Tools, error) {
	res, err := b.rest.SignUp(ctx, api.SignUpRequest{Email: fmt.Sprintf("chat%d@example.com", b.people.Add(1)),
		Password: "correct horse battery", TimeZone: zone})
	if err != nil {
		return nil, err
	}
	if len(seed.Tasks) > 0 || len(seed.Projects) > 0 {
		body, err := json.Marshal(api.Export{Kind: api.ExportKind, Version: api.ExportVersion, Tags: []string{},
			Projects: seed.Projects, Sections: []api.ExportSection{}, Tasks: seed.Tasks, Conversations: []api.ExportConversation{}})
		if err != nil {
			return nil, err
		}
		if _, err := b.rest.WithAuth(res).Import(ctx, api.FormatJSON, false, bytes.NewReader(body)); err != nil {
			return nil, fmt.Errorf("seeding: %w", err)
		}
	}
	tools, err := b.dialer.Dial(ctx, res.Token)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.accounts[tools] = b.rest.WithAuth(res)
	return tools, nil
}

// SetZone chooses the person's zone in their settings (PATCH
// /api/auth/me), as Settings → time zone does.
func (b *backend) SetZone(ctx context.Context, tools mcpclient.Tools, zone string) error {
	b.mu.Lock()
	c, ok := b.accounts[tools]
	b.mu.Unlock()
	if !ok {
		return fmt.Errorf("SetZone: no account for %T", tools)
	}
	_, err := c.SetPreferences(ctx, api.Preferences{TimeZone: &zone})
	return err
}

// TestDecisionsOnBackend runs the decision cases the assistant package
// runs on Memory against the real backend.
func TestDecisionsOnBackend(t *testing.T) {
	assistanttest.RunDecisions(t, startBackend(t))
}

// TestScoreOnBackendMatchesMemory scores the phrase tables on the real
// backend, holds the phrase table to its bar there too, and requires
// every phrase to get the same answer on Memory: the check that keeps the
// fast tier's fake true to the backend.
func TestScoreOnBackendMatchesMemory(t *testing.T) {
	table, holdout, fresh, fresh2, fresh3 := assistanttest.RunScore(t, startBackend(t), "../testdata")
	m, err := assistanttest.NewMemory(nil)
	require.NoError(t, err)
	memTable := assistanttest.Score(t, m, "phrase table", "../testdata/phrases.txt")
	memHoldout := assistanttest.Score(t, m, "hold-out set", "../testdata/holdout.txt")
	assistanttest.SameAnswers(t, table, memTable)
	assistanttest.SameAnswers(t, holdout, memHoldout)
	assistanttest.SameAnswers(t, fresh, assistanttest.ScoreDialogues(t, m, "fresh hold-out (dialogues)", "../testdata/fresh.txt"))
	assistanttest.SameAnswers(t, fresh2, assistanttest.ScoreDialogues(t, m, "second fresh hold-out (dialogues)", "../testdata/fresh2.txt"))
	assistanttest.SameAnswers(t, fresh3, assistanttest.ScoreDialogues(t, m, "third fresh hold-out (dialogues, summary only)", "../testdata/fresh3.txt"))
}
