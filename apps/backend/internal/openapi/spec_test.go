package openapi

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// generated are the files this package writes into the rest package, which
// serves them.
var generated = map[string]func() ([]byte, error){
	"../rest/openapi.json":   JSON,
	"../rest/reference.html": Reference,
}

// The served document and page are what the route table and the Go types
// say today (UPDATE_OPENAPI=1 rewrites them), and the document passes
// kin-openapi's validator (Build refuses an invalid one).
func TestGeneratedFilesAreCurrent(t *testing.T) {
	for path, gen := range generated {
		want, err := gen()
		require.NoError(t, err)
		if os.Getenv("UPDATE_OPENAPI") != "" {
			require.NoError(t, os.WriteFile(path, want, 0o644))
			continue
		}
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, got), "%s is stale: run UPDATE_OPENAPI=1 go test ./apps/backend/internal/openapi/", filepath.Base(path))
	}
}
