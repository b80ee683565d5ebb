package kube

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Process is one running component, its output in a log file.
type Process struct {
	Name string
	Log  string
	cmd  *exec.Cmd
	done chan error
	// what Start was given, for Restart
	dir, bin string
	args     []string
	env      []string
}

// Start runs bin with args, its output going to dir/<name>.log. The
// process gets its own process group, so Stop also ends its children.
func Start(dir, name, bin string, args []string, env ...string) (*Process, error) {
	logPath := filepath.Join(dir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("creating the log of %s: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting %s (%s): %w", name, bin, err)
	}
	p := &Process{Name: name, Log: logPath, cmd: cmd, done: make(chan error, 1), dir: dir, bin: bin, args: args, env: env}
	go func() {
		p.done <- cmd.Wait()
		f.Close()
	}()
	return p, nil
}

// Exited reports whether the process has ended, with its error.
func (p *Process) Exited() (bool, error) {
	select {
	case err := <-p.done:
		p.done <- err
		return true, err
	default:
		return false, nil
	}
}

// Tail is the end of the process's log, for failure messages.
func (p *Process) Tail(n int) string {
	b, _ := os.ReadFile(p.Log)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Stop sends SIGTERM to the process group and SIGKILL after grace.
func (p *Process) Stop(grace time.Duration) {
	if exited, _ := p.Exited(); exited {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
	case <-time.After(grace):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		err := <-p.done
		p.done <- err
	}
}

// Restart sends sig to the process alone (not its group: containerd's
// shims and the containers they run must outlive it), waits for it to
// end, and starts it again with the same arguments; the old log is kept
// as <name>.<n>.log.
func (p *Process) Restart(sig syscall.Signal) (*Process, error) {
	if exited, _ := p.Exited(); !exited {
		if err := p.cmd.Process.Signal(sig); err != nil {
			return nil, fmt.Errorf("signalling %s: %w", p.Name, err)
		}
		select {
		case err := <-p.done:
			p.done <- err
		case <-time.After(30 * time.Second):
			return nil, fmt.Errorf("%s did not end within 30 s of %v", p.Name, sig)
		}
	}
	for i := 1; ; i++ {
		old := filepath.Join(p.dir, fmt.Sprintf("%s.%d.log", p.Name, i))
		if _, err := os.Stat(old); errors.Is(err, os.ErrNotExist) {
			if err := os.Rename(p.Log, old); err != nil {
				return nil, err
			}
			break
		}
	}
	return Start(p.dir, p.Name, p.bin, p.args, p.env...)
}

// WaitFor polls check until it succeeds, the process exits, or ctx ends;
// the error carries the last check error and the log's tail.
func (p *Process) WaitFor(ctx context.Context, what string, check func(context.Context) error) error {
	var last error
	for {
		if last = check(ctx); last == nil {
			return nil
		}
		if exited, err := p.Exited(); exited {
			return fmt.Errorf("%s exited (%v) before %s:\n%s", p.Name, err, what, p.Tail(30))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %s: %w (last: %v)\n%s", p.Name, what, ctx.Err(), last, p.Tail(30))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ToolsDir is the folder test/cluster/tools/build.sh filled (its bin/
// holds the tools), from TODO_TOOLS_DIR, which `make verify` and `make e2e`
// set.
func ToolsDir() (string, error) {
	dir := os.Getenv("TODO_TOOLS_DIR")
	if dir == "" {
		return "", errors.New("TODO_TOOLS_DIR is not set: run `make verify` or `make e2e`, which build the tools with test/cluster/tools/build.sh and set it")
	}
	return dir, nil
}

// Tool finds a built tool in the tools folder, or a Debian one on PATH.
func Tool(name string) (string, error) {
	if dir, err := ToolsDir(); err == nil {
		p := filepath.Join(dir, "bin", name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", errors.New(name + " not found: run `make tools` (test/cluster/tools/build.sh) for the built tools, or install the Debian package that ships it (README: make verify and make e2e)")
}

// Kill ends the process group with SIGKILL and waits for it.
func (p *Process) Kill() {
	if exited, _ := p.Exited(); exited {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	err := <-p.done
	p.done <- err
}
