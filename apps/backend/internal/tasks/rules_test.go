package tasks_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/todo-app/todo-app/apps/backend/internal/tasks/taskstest"
)

// TestRulesInMemory runs the rule suite on the in-memory store: the task
// rules in about a second, without PostgreSQL. make test runs the same
// suite on PostgreSQL (package taskstest), so the two cannot drift.
func TestRulesInMemory(t *testing.T) {
	taskstest.RunRules(t, func(t *testing.T, now func() time.Time) taskstest.Store {
		return taskstest.NewMemory(now)
	})
}

// TestNothingInTheBackendImportsTaskstest keeps the in-memory store out of
// the running backend: only test files may import it. Being internal to
// apps/backend, it can be imported from nowhere else.
func TestNothingInTheBackendImportsTaskstest(t *testing.T) {
	const fake = "github.com/todo-app/todo-app/apps/backend/internal/tasks/taskstest"
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == "taskstest":
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
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("read only %d files of the backend from %s: is the walk in the wrong place?", checked, root)
	}
}
