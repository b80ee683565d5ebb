package stack_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/pkg/pgtest"
)

// Nothing can be pulled here, so the test makes the two base images the
// Dockerfiles take as arguments: a Go toolchain with a static busybox
// shell, and an empty runtime with CA certificates and the nonroot user.
const (
	goImage      = "todo-test/go:local"
	runtimeImage = "todo-test/static-nonroot:local"
)

func docker(t *testing.T, stdin io.Reader, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stdin = stdin
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "docker %s\n%s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

func requireDocker(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("docker"); err != nil {
		t.Fatal("the image tests need Docker: install it (Debian: apt-get install docker.io) and start dockerd")
	}
	if out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		t.Fatalf("the image tests need a running Docker engine (start dockerd): %v\n%s", err, out)
	}
}

// tarOf writes files (path → content, or a host path to copy when the
// content starts with "@") and whole host directories into a tar stream.
func tarOf(t *testing.T, files map[string]string, dirs map[string]string) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(name string, mode int64, data []byte) {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(data)), Typeflag: tar.TypeReg}))
		_, err := tw.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "tmp/", Mode: 01777, Typeflag: tar.TypeDir}))
	for name, content := range files {
		if strings.HasPrefix(content, "@") {
			b, err := os.ReadFile(content[1:])
			require.NoError(t, err)
			add(name, 0o755, b)
			continue
		}
		add(name, 0o644, []byte(content))
	}
	for into, from := range dirs {
		require.NoError(t, filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(from, p)
			name := filepath.ToSlash(filepath.Join(into, rel))
			info, err := d.Info()
			if err != nil {
				return err
			}
			switch {
			case d.IsDir():
				return tw.WriteHeader(&tar.Header{Name: name + "/", Mode: int64(info.Mode().Perm()), Typeflag: tar.TypeDir})
			case info.Mode()&fs.ModeSymlink != 0:
				target, err := os.Readlink(p)
				if err != nil {
					return err
				}
				return tw.WriteHeader(&tar.Header{Name: name, Linkname: target, Typeflag: tar.TypeSymlink})
			case info.Mode().IsRegular():
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				add(name, int64(info.Mode().Perm()), b)
			}
			return nil
		}))
	}
	require.NoError(t, tw.Close())
	return &buf
}

func ensureBaseImages(t *testing.T) {
	t.Helper()
	if exec.Command("docker", "image", "inspect", goImage, runtimeImage).Run() == nil {
		return
	}
	busybox, err := exec.LookPath("busybox")
	require.NoError(t, err, "the test's build image needs a static busybox (Debian: apt-get install busybox-static)")
	certs := "/etc/ssl/certs/ca-certificates.crt"
	rt := tarOf(t, map[string]string{
		"etc/passwd":                        "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
		"etc/group":                         "root:x:0:\nnonroot:x:65532:\n",
		"etc/ssl/certs/ca-certificates.crt": "@" + certs,
	}, nil)
	docker(t, rt, "import", "-", runtimeImage)
	gt := tarOf(t, map[string]string{"bin/sh": "@" + busybox, "etc/ssl/certs/ca-certificates.crt": "@" + certs, "root/.keep": ""},
		map[string]string{"usr/local/go": runtime.GOROOT()})
	docker(t, gt, "import", "--change", "ENV PATH=/usr/local/go/bin:/bin", "--change", "ENV HOME=/root", "-", goImage)
}

// TestImagesBuildAndRun builds each app's image from its Dockerfile, and
// checks it is small, runs as non-root and answers its healthcheck.
func TestImagesBuildAndRun(t *testing.T) {
	requireDocker(t)
	ensureBaseImages(t)
	root, err := filepath.Abs("../..")
	require.NoError(t, err)

	ctx := context.Background()
	pg, err := pgtest.Start(ctx, pgtest.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = pg.Stop() })
	dsn, err := pg.CreateNamedDatabase(ctx, "image_test")
	require.NoError(t, err)

	// Build stages are labelled so their images can go once the test ends
	// (the legacy builder keeps them; they are hundreds of MB each).
	t.Cleanup(func() {
		_ = exec.Command("docker", "image", "prune", "-f", "--filter", "label=todo-app.stage=build").Run()
	})
	for app, repo := range map[string]string{"backend": "todo-backend", "web": "todo-frontend-web", "chatbot": "todo-frontend-chatbot"} {
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
			docker(t, nil, "build", "-q", "--network", "host",
				"--build-arg", "GO_IMAGE="+goImage, "--build-arg", "RUNTIME_IMAGE="+runtimeImage,
				"-f", filepath.Join(root, "apps", app, "Dockerfile"), "-t", ref, root)

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
