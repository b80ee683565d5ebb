package stack_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/infra/localimages"
	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
)

func docker(t *testing.T, stdin io.Reader, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := localimages.Docker(ctx, stdin, args...)
	require.NoError(t, err)
	return out
}

// TestImagesBuildAndRun builds each app's image from its Dockerfile, and
// checks it is small, runs as non-root and answers its healthcheck.
func TestImagesBuildAndRun(t *testing.T) {
	ctx := context.Background()
	require.NoError(t, localimages.RequireEngine(ctx))
	require.NoError(t, localimages.EnsureBase(ctx))
	root, err := filepath.Abs("../..")
	require.NoError(t, err)

	pg, err := pgtest.Start(ctx, pgtest.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = pg.Stop() })
	dsn, err := pg.CreateNamedDatabase(ctx, "image_test")
	require.NoError(t, err)

	// Build stages are labelled so their images can go once the test ends
	// (the legacy builder keeps them; they are hundreds of MB each).
	t.Cleanup(func() { localimages.PruneBuildStages(context.Background()) })
	for _, svc := range stack.Services() {
		app, repo := svc.App, svc.Repo
		t.Run(app, func(t *testing.T) {
			tag, err := stack.ContentTag(root, app)
			require.NoError(t, err)
			ref := repo + ":" + tag
			// Images of earlier sources are of no more use.
			for _, old := range strings.Fields(docker(t, nil, "images", repo, "--format", "{{.Repository}}:{{.Tag}}")) {
				if old != ref {
					_ = exec.Command("docker", "rmi", old).Run()
				}
			}
			require.NoError(t, localimages.Build(ctx, root, app, ref))

			info := docker(t, nil, "image", "inspect", ref, "--format", "{{.Config.User}}|{{json .Config.Healthcheck.Test}}|{{.Size}}")
			parts := strings.Split(info, "|")
			require.Len(t, parts, 3)
			assert.Equal(t, "65532:65532", parts[0], "runs as non-root")
			assert.Equal(t, fmt.Sprintf(`["CMD","/%s","healthcheck"]`, app), parts[1])
			var size int64
			_, _ = fmt.Sscan(parts[2], &size)
			assert.Less(t, size, int64(80<<20), "small: %d bytes", size)
			// The runtime stage adds exactly one non-empty layer: the binary.
			var layers []string
			for _, l := range strings.Split(docker(t, nil, "history", "--format", "{{.Size}}", ref), "\n") {
				if l != "0B" {
					layers = append(layers, l)
				}
			}
			assert.Len(t, layers, 2, "base + the binary, nothing else: %v", layers)

			l, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			port := l.Addr().(*net.TCPAddr).Port
			l.Close()
			env := []string{"-e", fmt.Sprintf("PORT=%d", port), "-e", "BETTER_AUTH_SECRET=0123456789abcdef0123456789abcdef-image-test"}
			if app == "backend" {
				env = append(env, "-e", "DATABASE_URL="+dsn)
			}
			args := append([]string{"run", "-d", "--network", "host", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"}, env...)
			id := docker(t, nil, append(args, ref)...)
			t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", id).Run() })
			require.Eventually(t, func() bool {
				return exec.Command("docker", "exec", id, "/"+app, "healthcheck").Run() == nil
			}, 30*time.Second, 200*time.Millisecond, "healthcheck subcommand: %s", docker(t, nil, "logs", id))
			top := strings.Split(docker(t, nil, "top", id, "-o", "pid,uid"), "\n")
			require.Greater(t, len(top), 1)
			for _, line := range top[1:] {
				f := strings.Fields(line)
				require.Len(t, f, 2, line)
				assert.Equal(t, "65532", f[1], "no process runs as root")
			}
		})
	}
}
