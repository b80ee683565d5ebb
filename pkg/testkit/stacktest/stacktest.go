// Package stacktest runs the product's apps as real processes for the
// integration and browser tests of the other apps (and the benchmarks):
// it builds each binary from the repository and waits for /ready.
package stacktest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/todo-app/todo-app/pkg/gowork"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
)

// Secret is the BETTER_AUTH_SECRET shared by the apps a test starts.
const Secret = "stacktest-secret-stacktest-secret-0123456789"

// RepoRoot finds the directory holding go.work above the working directory.
func RepoRoot() (string, error) { return gowork.Root() }

// Builder compiles app binaries once and reuses them.
type Builder struct {
	mu   sync.Mutex
	dir  string
	bins map[string]string
}

// NewBuilder keeps binaries in dir.
func NewBuilder(dir string) *Builder { return &Builder{dir: dir, bins: map[string]string{}} }

// Build compiles apps/<app> (e.g. "backend") and returns the binary path.
func (b *Builder) Build(app string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p, ok := b.bins[app]; ok {
		return p, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(b.dir, app)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./apps/"+app)
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %w\n%s", app, err, msg)
	}
	b.bins[app] = out
	return out, nil
}

// Process is a running app.
type Process struct {
	URL   string
	Port  int
	Ready time.Duration // from start until /ready answered 200
	cmd   *exec.Cmd
	logs  *syncBuffer
	done  chan error

	stopOnce sync.Once
	stopErr  error
}

// Logs returns what the process printed so far.
func (p *Process) Logs() string { return p.logs.String() }

// Stop sends SIGTERM and waits for the exit; later calls return the same result.
func (p *Process) Stop() error {
	p.stopOnce.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case p.stopErr = <-p.done:
		case <-time.After(30 * time.Second):
			_ = p.cmd.Process.Kill()
			p.stopErr = errors.New("did not stop within 30s of SIGTERM")
		}
	})
	return p.stopErr
}

// Start runs bin with env (plus PORT on a free port) until the test ends,
// and waits until its /ready answers 200.
func Start(t testing.TB, bin string, env map[string]string) *Process {
	t.Helper()
	p, err := Launch(bin, env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("%s: %v\n%s", filepath.Base(bin), err, p.Logs())
		}
	})
	return p
}

// Launch runs bin with env (plus PORT on a free port) and waits until its
// /ready answers 200; Ready tells how long that took. Stop it when done.
func Launch(bin string, env map[string]string) (*Process, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "PORT=" + strconv.Itoa(port), "LOG_LEVEL=warn"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	p := &Process{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Port: port, cmd: cmd, logs: logs, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	if err := waitReady(p); err != nil {
		_ = p.Stop()
		return nil, fmt.Errorf("%s did not become ready: %w\n%s", filepath.Base(bin), err, p.Logs())
	}
	p.Ready = time.Since(start)
	return p, nil
}

// PID is the process id, for resource measurements.
func (p *Process) PID() int { return p.cmd.Process.Pid }

func waitReady(p *Process) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/ready", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-p.done:
			return fmt.Errorf("exited: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// StartBackend builds and runs the backend on a fresh database of pg.
func StartBackend(t testing.TB, b *Builder, pg *pgtest.Server, extra map[string]string) *Process {
	t.Helper()
	bin, err := b.Build("backend")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"DATABASE_URL":       pg.NewDatabase(t, "", nil),
		"BETTER_AUTH_SECRET": Secret,
		"BCRYPT_COST":        "4",
		"AUTH_RATE_LIMIT":    "100000",
	}
	for k, v := range extra {
		env[k] = v
	}
	return Start(t, bin, env)
}

// FreePort returns a TCP port free on loopback right now.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Main runs a test package that starts apps as processes: a PostgreSQL
// for it and a Builder whose binaries are removed afterwards.
//
//	func TestMain(m *testing.M) { stacktest.Main(m, &pg, &builder) }
func Main(m *testing.M, pg **pgtest.Server, b **Builder) {
	dir, err := os.MkdirTemp("", "stacktest-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "stacktest:", err)
		os.Exit(1)
	}
	*b = NewBuilder(dir)
	code := pgtest.Run(m, pg)
	_ = os.RemoveAll(dir)
	os.Exit(code)
}
