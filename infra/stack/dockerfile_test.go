package stack_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDockerfiles checks what every image promises without a Docker
// engine: multi-stage, static binary, distroless non-root runtime, a
// healthcheck through the binary, no floating tags, nothing but the binary.
func TestDockerfiles(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	for app, port := range map[string]string{"backend": "8000", "web": "3000", "chatbot": "3001"} {
		t.Run(app, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(root, "apps", app, "Dockerfile"))
			require.NoError(t, err)
			df := string(b)
			froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(df, -1)
			require.Len(t, froms, 2, "multi-stage: build and runtime")
			assert.Contains(t, df, "ARG GO_IMAGE=golang:1.26")
			assert.Contains(t, df, "ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot")
			assert.NotContains(t, df, ":latest")
			assert.Contains(t, df, "CGO_ENABLED=0")
			assert.Contains(t, df, "LABEL todo-app.stage=build", "build stages can be pruned")
			assert.Regexp(t, `(?m)^USER 65532:65532$`, df, "runs as the distroless nonroot user, matching the pod's runAsUser")
			assert.Contains(t, df, "EXPOSE "+port)
			assert.Contains(t, df, `HEALTHCHECK`)
			assert.Contains(t, df, `"/`+app+`", "healthcheck"`)
			// The runtime stage copies the binary and nothing else.
			runtime := df[strings.LastIndex(df, "FROM "):]
			copies := regexp.MustCompile(`(?m)^COPY .*$`).FindAllString(runtime, -1)
			assert.Equal(t, []string{"COPY --from=build /out/" + app + " /" + app}, copies)
			// The build copies only pkg and its own app (what the image tag hashes).
			for _, c := range regexp.MustCompile(`(?m)^COPY (\S+)`).FindAllStringSubmatch(df[:strings.LastIndex(df, "FROM ")], -1) {
				assert.True(t, strings.HasPrefix(c[1], "pkg/") || strings.HasPrefix(c[1], "apps/"+app+"/"), c[1])
			}
		})
	}
	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	require.NoError(t, err)
	for _, want := range []string{"**/*_test.go", "**/testdata/", "**/node_modules/"} {
		assert.Contains(t, string(ignore), want)
	}
}
