// Package e2e deploys todo-app with the real Pulumi engine onto a real
// single-node cluster (etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler, kubelet on containerd, kube-proxy, CoreDNS) inside its
// own network namespace, then uses it in headless Chromium at the
// NodePorts, rolls out a new image tag under load, and destroys it.
//
// Run with `make e2e` (as root, with dockerd running; it builds the tools).
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const (
	netns = "todo-e2e"
	// nodeIP is the node's address on a bridge with no ports: nothing in
	// the namespace can reach beyond the machine.
	nodeIP = "172.31.255.2"
	// insideEnv marks the test process re-executed inside the namespace.
	insideEnv = "TODO_E2E_INSIDE"
)

// TestMain runs the tests inside a fresh network namespace: it makes the
// namespace, re-executes this test binary in it with nsenter (not `ip
// netns exec`, which remounts /sys and hides the cgroup mounts the kubelet
// needs), and removes the namespace afterwards.
func TestMain(m *testing.M) {
	if os.Getenv(insideEnv) == "1" {
		os.Exit(m.Run())
	}
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "e2e: needs root (it makes a network namespace and runs containerd and the kubelet); run `sudo make e2e`")
		os.Exit(1)
	}
	_ = exec.Command("ip", "netns", "delete", netns).Run() // a previous run's, if it was killed
	for _, args := range [][]string{
		{"netns", "add", netns},
		{"-n", netns, "link", "set", "lo", "up"},
		{"-n", netns, "link", "add", "todo-node", "type", "bridge"},
		{"-n", netns, "addr", "add", nodeIP + "/24", "dev", "todo-node"},
		{"-n", netns, "link", "set", "todo-node", "up"},
		{"-n", netns, "route", "add", "default", "dev", "todo-node"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: ip %s: %v\n%s", strings.Join(args, " "), err, out)
			_ = exec.Command("ip", "netns", "delete", netns).Run()
			os.Exit(1)
		}
	}
	cmd := exec.Command("nsenter", append([]string{"--net=/var/run/netns/" + netns, "--", os.Args[0]}, os.Args[1:]...)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), insideEnv+"=1")
	code := 0
	if err := cmd.Run(); err != nil {
		code = 1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			fmt.Fprintln(os.Stderr, "e2e:", err)
		}
	}
	_ = exec.Command("ip", "netns", "delete", netns).Run()
	os.Exit(code)
}
