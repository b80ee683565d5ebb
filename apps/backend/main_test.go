package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
)

var pg *pgtest.Server

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "backend")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestBinary(t *testing.T) {
	bin := buildBinary(t)

	t.Run("missing configuration is one clear line", func(t *testing.T) {
		cmd := exec.Command(bin)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		out, err := cmd.CombinedOutput()
		require.Error(t, err)
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		require.Len(t, lines, 1, string(out))
		assert.Contains(t, lines[0], "DATABASE_URL is required")
		assert.Contains(t, lines[0], "BETTER_AUTH_SECRET is required")
	})

	t.Run("unknown command", func(t *testing.T) {
		out, err := exec.Command(bin, "frobnicate").CombinedOutput()
		require.Error(t, err)
		assert.Contains(t, string(out), "unknown command")
	})

	dsn := pg.NewDatabase(t, "", nil)
	env := []string{"PATH=" + os.Getenv("PATH"), "DATABASE_URL=" + dsn, "BETTER_AUTH_SECRET=" + testenv.Secret}

	t.Run("migrate applies then is a no-op", func(t *testing.T) {
		cmd := exec.Command(bin, "migrate")
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		assert.Contains(t, string(out), "20261125000001")
		cmd = exec.Command(bin, "migrate")
		cmd.Env = env
		out, err = cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		assert.Contains(t, string(out), `"applied":[]`)
	})

	t.Run("serve, healthcheck, SIGTERM", func(t *testing.T) {
		port := freePort(t)
		penv := append(env, fmt.Sprintf("PORT=%d", port))
		cmd := exec.Command(bin)
		cmd.Env = penv
		var logs strings.Builder
		cmd.Stdout, cmd.Stderr = &logs, &logs
		require.NoError(t, cmd.Start())
		url := fmt.Sprintf("http://127.0.0.1:%d/ready", port)
		require.Eventually(t, func() bool {
			resp, err := http.Get(url)
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == 200
		}, 20*time.Second, 50*time.Millisecond)

		hc := exec.Command(bin, "healthcheck")
		hc.Env = penv
		out, err := hc.CombinedOutput()
		require.NoError(t, err, string(out))

		require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			assert.NoError(t, err, "clean exit on SIGTERM")
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			t.Fatal("backend did not exit after SIGTERM")
		}
		assert.Contains(t, logs.String(), `"msg":"stopped"`)

		hc = exec.Command(bin, "healthcheck")
		hc.Env = penv
		_, err = hc.CombinedOutput()
		assert.Error(t, err, "healthcheck fails when nothing is serving")
	})
}
