// Command dev runs the whole product locally with no configuration: a
// PostgreSQL kept in .dev/postgres, then every app built and started as
// its own process. Ctrl-C stops everything.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
)

// service is one app the dev stack runs, if its directory exists.
type service struct {
	name    string
	dir     string
	port    int
	metrics int // METRICS_PORT
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "dev:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	root, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("finding the repository root: %w", err)
	}
	devDir := filepath.Join(root, ".dev")
	if err := os.MkdirAll(filepath.Join(devDir, "bin"), 0o755); err != nil {
		return fmt.Errorf("creating .dev: %w", err)
	}
	services := []service{
		{"backend", "apps/backend", 8000, 9000},
		{"web", "apps/web", 3000, 9300},
		{"chatbot", "apps/chatbot", 3001, 9301},
	}
	var present []service
	for _, s := range services {
		if _, err := os.Stat(filepath.Join(root, s.dir, "main.go")); err == nil {
			present = append(present, s)
		}
	}
	for _, s := range present {
		fmt.Printf("dev: building %s\n", s.name)
		build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(devDir, "bin", s.name), "./"+s.dir)
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building %s: %w", s.name, err)
		}
	}
	secret, err := devSecret(filepath.Join(devDir, "auth-secret"))
	if err != nil {
		return err
	}
	fmt.Println("dev: starting PostgreSQL (data kept in .dev/postgres)")
	pg, err := pgtest.Start(ctx, pgtest.Options{DataDir: filepath.Join(devDir, "postgres"), Log: func(f string, a ...any) { fmt.Printf("dev: "+f+"\n", a...) }})
	if err != nil {
		return fmt.Errorf("starting PostgreSQL: %w", err)
	}
	defer func() {
		fmt.Println("dev: stopping PostgreSQL")
		if err := pg.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "dev:", err)
		}
	}()
	if _, err := pg.CreateNamedDatabase(ctx, "todo"); err != nil {
		return err
	}
	env := append(os.Environ(),
		"DATABASE_URL="+pg.URL("todo"),
		"BETTER_AUTH_SECRET="+secret,
		"BACKEND_URL=http://localhost:8000",
		"WEB_URL=http://localhost:3000",
		"CHATBOT_URL=http://localhost:3001",
		"FRONTEND_URL=http://localhost:3000,http://localhost:3001",
	)
	var wg sync.WaitGroup
	var procs []*exec.Cmd
	for _, s := range present {
		cmd := exec.Command(filepath.Join(devDir, "bin", s.name))
		cmd.Env = append(env, "PORT="+strconv.Itoa(s.port), "METRICS_PORT="+strconv.Itoa(s.metrics))
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = cmd.Stdout
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("starting %s: %w", s.name, err)
		}
		procs = append(procs, cmd)
		wg.Add(1)
		go func() { defer wg.Done(); prefix(os.Stdout, s.name, out) }()
	}
	fmt.Println()
	for _, s := range present {
		fmt.Printf("  %-8s http://localhost:%d   (metrics: http://localhost:%d/metrics)\n", s.name, s.port, s.metrics)
	}
	fmt.Println("\n  Press Ctrl-C to stop.")

	exited := make(chan error, len(procs))
	for i, p := range procs {
		go func() {
			err := p.Wait()
			exited <- fmt.Errorf("%s exited: %v", present[i].name, err)
		}()
	}
	var result error
	remaining := len(procs)
	select {
	case <-ctx.Done():
	case result = <-exited:
		remaining--
	}
	fmt.Println("\ndev: stopping")
	for _, p := range procs {
		_ = p.Process.Signal(syscall.SIGTERM) // fails harmlessly for one that already exited
	}
	deadline := time.After(25 * time.Second)
	for remaining > 0 {
		select {
		case <-exited:
			remaining--
		case <-deadline:
			for _, p := range procs {
				_ = p.Process.Kill()
			}
		}
	}
	wg.Wait()
	return result
}

// devSecret keeps one random BETTER_AUTH_SECRET so sessions survive restarts.
func devSecret(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("generating a secret: %w", err)
	}
	s := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return s, nil
}

func prefix(w io.Writer, name string, r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		fmt.Fprintf(w, "%-8s| %s\n", name, sc.Text())
	}
}
