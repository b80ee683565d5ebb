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
	// nodesEnv=3 makes the three-node cluster instead (make e2e-nodes):
	// the control plane in the namespace on a bridge at clusterAddr, each
	// node in a namespace of its own behind a veth on that bridge.
	nodesEnv    = "TODO_E2E_NODES"
	clusterAddr = "172.31.254.1"
)

// multiNode is one node of the three-node cluster.
type multiNode struct {
	name, netns, addr, podCIDR, zone string
}

// threeNodes are the three-node cluster's nodes: two zones, the first
// holding two of them.
func threeNodes() []multiNode {
	var out []multiNode
	for i, zone := range []string{"zone-a", "zone-a", "zone-b"} {
		n := i + 1
		out = append(out, multiNode{name: fmt.Sprintf("node-%d", n), netns: fmt.Sprintf("%s-n%d", netns, n),
			addr: fmt.Sprintf("172.31.254.%d", 10+n), podCIDR: fmt.Sprintf("10.244.%d.0/24", n), zone: zone})
	}
	return out
}

// setupThreeNodes makes the namespaces, the bridge, the veths and the
// routes: each node reaches the others' pod networks through them, and
// the test's namespace reaches the pods and the Services (through the
// first node's kube-proxy).
func setupThreeNodes() [][]string {
	cmds := [][]string{
		{"-n", netns, "link", "add", "todo-br", "type", "bridge"},
		{"-n", netns, "addr", "add", clusterAddr + "/24", "dev", "todo-br"},
		{"-n", netns, "link", "set", "todo-br", "up"},
	}
	nodes := threeNodes()
	for i, n := range nodes {
		veth := fmt.Sprintf("mn%d", i+1)
		cmds = append(cmds,
			[]string{"netns", "add", n.netns},
			[]string{"-n", n.netns, "link", "set", "lo", "up"},
			[]string{"-n", netns, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", n.netns},
			[]string{"-n", netns, "link", "set", veth, "master", "todo-br"},
			[]string{"-n", netns, "link", "set", veth, "up"},
			[]string{"-n", n.netns, "addr", "add", n.addr + "/24", "dev", "eth0"},
			[]string{"-n", n.netns, "link", "set", "eth0", "up"},
			[]string{"-n", n.netns, "route", "add", "default", "via", clusterAddr},
			[]string{"-n", netns, "route", "add", n.podCIDR, "via", n.addr},
		)
		for _, other := range nodes {
			if other.name != n.name {
				cmds = append(cmds, []string{"-n", n.netns, "route", "add", other.podCIDR, "via", other.addr})
			}
		}
	}
	return append(cmds, []string{"-n", netns, "route", "add", "10.96.0.0/16", "via", nodes[0].addr})
}

// deleteNamespaces removes this package's network namespaces.
func deleteNamespaces() {
	_ = exec.Command("ip", "netns", "delete", netns).Run()
	for _, n := range threeNodes() {
		_ = exec.Command("ip", "netns", "delete", n.netns).Run()
	}
}

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
	deleteNamespaces() // a previous run's, if it was killed
	cmds := [][]string{
		{"netns", "add", netns},
		{"-n", netns, "link", "set", "lo", "up"},
	}
	if os.Getenv(nodesEnv) == "3" {
		cmds = append(cmds, setupThreeNodes()...)
	} else {
		cmds = append(cmds,
			[]string{"-n", netns, "link", "add", "todo-node", "type", "bridge"},
			[]string{"-n", netns, "addr", "add", nodeIP + "/24", "dev", "todo-node"},
			[]string{"-n", netns, "link", "set", "todo-node", "up"},
			[]string{"-n", netns, "route", "add", "default", "dev", "todo-node"},
		)
	}
	for _, args := range cmds {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: ip %s: %v\n%s", strings.Join(args, " "), err, out)
			deleteNamespaces()
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
	deleteNamespaces()
	os.Exit(code)
}
