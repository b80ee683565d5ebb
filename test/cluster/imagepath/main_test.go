// Package imagepath proves, on the topology of Docker Desktop, how the
// images `make up` builds reach minikube's nodes: a Docker engine in a
// network namespace of its own (Desktop's VM, whose localhost is the
// VM's), this machine's namespace where make up, kubectl and minikube run,
// and two nodes, each a containerd in a namespace of its own.
//
// It shows that the old path — a push by the engine to localhost:5000,
// where `kubectl port-forward` listens on this machine's loopback — fails
// there, and that what `minikube image load` does on containerd (the image
// saved from the engine through its API, then `ctr -n=k8s.io images
// import` on each node) puts it in every node under the name the Pulumi
// program deploys, as the kubelet looks it up (CRI ImageStatus).
//
// Run with `make e2e-images` (root; minutes). Nothing is pulled: the image
// is made from the machine's busybox.
package imagepath

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const (
	hostNS    = "todo-img-host"
	desktopNS = "todo-img-desktop"
	// insideEnv marks the test process re-executed inside hostNS.
	insideEnv = "TODO_IMG_INSIDE"
	// relayEnv ("listen=target") runs this binary as a TCP relay instead
	// of the tests: the stand-in for `kubectl port-forward` and for the
	// socat relay of minikube's registry handbook.
	relayEnv = "TODO_IMG_RELAY"

	// The host reaches node 1 (the registry addon, through what stands in
	// for the API server's port-forward tunnel); the engine's VM reaches
	// node 1 as Desktop's VM reaches the node containers it runs. Node 2
	// has no network at all: loading needs none.
	hostAddr, nodeFromHost       = "10.250.1.1", "10.250.1.2"
	desktopAddr, nodeFromDesktop = "10.250.2.1", "10.250.2.2"
)

func nodeNS(i int) string { return fmt.Sprintf("todo-img-node%d", i) }

func namespaces() []string { return []string{hostNS, desktopNS, nodeNS(1), nodeNS(2)} }

func deleteNamespaces() {
	for _, ns := range namespaces() {
		_ = exec.Command("ip", "netns", "delete", ns).Run()
	}
}

// tools are the programs the test runs, with the Debian package of each.
var tools = map[string]string{
	"ip": "iproute2", "nsenter": "util-linux", "dockerd": "docker.io", "docker": "docker.io",
	"containerd": "containerd", "ctr": "containerd", "busybox": "busybox-static",
}

// TestMain makes the namespaces and the links, re-executes this test
// binary in the host's stand-in namespace with nsenter, and removes them.
func TestMain(m *testing.M) {
	if spec := os.Getenv(relayEnv); spec != "" {
		listen, target, _ := strings.Cut(spec, "=")
		if err := relay(listen, target); err != nil {
			fmt.Fprintln(os.Stderr, "relay:", err)
			os.Exit(1)
		}
		return
	}
	if os.Getenv(insideEnv) == "1" {
		os.Exit(m.Run())
	}
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "imagepath: needs root (it makes network namespaces and runs dockerd and containerd): run `sudo make e2e-images`")
		os.Exit(1)
	}
	var missing []string
	for bin, pkg := range tools {
		if _, err := exec.LookPath(bin); err != nil {
			missing = append(missing, fmt.Sprintf("%s (apt-get install %s)", bin, pkg))
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		fmt.Fprintf(os.Stderr, "imagepath: FAILED: missing %s — or run `make setup`\n", strings.Join(missing, ", "))
		os.Exit(1)
	}
	deleteNamespaces() // a killed run's
	cmds := [][]string{}
	for _, ns := range namespaces() {
		cmds = append(cmds, []string{"netns", "add", ns}, []string{"-n", ns, "link", "set", "lo", "up"})
	}
	link := func(a, aDev, aAddr, b, bDev, bAddr string) {
		cmds = append(cmds,
			[]string{"-n", a, "link", "add", aDev, "type", "veth", "peer", "name", bDev, "netns", b},
			[]string{"-n", a, "addr", "add", aAddr + "/30", "dev", aDev},
			[]string{"-n", b, "addr", "add", bAddr + "/30", "dev", bDev},
			[]string{"-n", a, "link", "set", aDev, "up"},
			[]string{"-n", b, "link", "set", bDev, "up"})
	}
	link(hostNS, "to-node", hostAddr, nodeNS(1), "from-host", nodeFromHost)
	link(desktopNS, "to-node", desktopAddr, nodeNS(1), "from-desktop", nodeFromDesktop)
	for _, args := range cmds {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "imagepath: ip %s: %v\n%s", strings.Join(args, " "), err, out)
			deleteNamespaces()
			os.Exit(1)
		}
	}
	cmd := exec.Command("nsenter", append([]string{"--net=/var/run/netns/" + hostNS, "--", os.Args[0]}, os.Args[1:]...)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), insideEnv+"=1")
	code := 0
	if err := cmd.Run(); err != nil {
		code = 1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			fmt.Fprintln(os.Stderr, "imagepath:", err)
		}
	}
	deleteNamespaces()
	os.Exit(code)
}

// relay forwards every connection to listen on to target, until killed.
func relay(listen, target string) error {
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", listen, err)
	}
	fmt.Printf("relaying %s to %s\n", listen, target)
	for {
		c, err := l.Accept()
		if err != nil {
			return fmt.Errorf("accepting on %s: %w", listen, err)
		}
		go func() {
			defer c.Close()
			t, err := net.Dial("tcp", target)
			if err != nil {
				fmt.Fprintf(os.Stderr, "relay: dialing %s: %v\n", target, err)
				return
			}
			defer t.Close()
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(t, c); done <- struct{}{} }()
			go func() { _, _ = io.Copy(c, t); done <- struct{}{} }()
			<-done
		}()
	}
}
