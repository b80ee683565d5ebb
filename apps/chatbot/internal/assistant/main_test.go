package assistant_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant/assistanttest"
)

// The assistant's decisions on the backend's tools in memory: make check
// runs them in seconds. assistanttest's own test runs the same cases on
// the real backend and compares the phrase-table scores (make test).

func memory(t *testing.T) *assistanttest.Memory {
	t.Helper()
	m, err := assistanttest.NewMemory(nil)
	require.NoError(t, err)
	return m
}

func TestDecisionsOnMemory(t *testing.T) {
	assistanttest.RunDecisions(t, memory(t))
}

// TestAssistantScore is make assistant-score: the phrase tables on Memory.
func TestAssistantScore(t *testing.T) {
	assistanttest.RunScore(t, memory(t), "testdata")
}

func TestScoringRules(t *testing.T) {
	assistanttest.ScoringRules(t)
	assistanttest.DialogueScoringRules(t)
}

// TestNothingInTheChatbotImportsAssistanttest keeps the fake tools out of
// the running chatbot: only test files may import it. Being internal to
// apps/chatbot, it can be imported from nowhere else.
func TestNothingInTheChatbotImportsAssistanttest(t *testing.T) {
	const fake = "github.com/todo-app/todo-app/apps/chatbot/internal/assistant/assistanttest"
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == "assistanttest":
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == fake {
				t.Errorf("%s imports %s, which is for tests only", path, fake)
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.GreaterOrEqual(t, checked, 10, "read too few files of the chatbot from %s: is the walk in the wrong place?", root)
}
