package kube

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	// NodeName is the single node's name.
	NodeName = "node"
	// PodCIDR is the node's pod network (the CNI bridge's subnet).
	PodCIDR = "10.244.0.0/24"
	// PauseImage is every pod's sandbox image, built locally.
	PauseImage = "todo-test/pause:local"
)

// Node is containerd, the kubelet, kube-proxy and CoreDNS on the node
// address; CoreDNS is the pods' name server there, so no DNS Service is
// needed.
type Node struct {
	Dir     string
	Address string
	Socket  string // containerd's CRI endpoint
	Name    string
	opts    NodeOptions
	procs   []*Process
}

// NodeOptions make one node of several: each in its own network namespace
// with its own pod network, cgroup root and labels.
type NodeOptions struct {
	// Name is the node's name (default NodeName).
	Name string
	// Address is the node's IP (default: the control plane's).
	Address string
	// PodCIDR is the node's pod network (default PodCIDR).
	PodCIDR string
	// Netns is the network namespace (a path such as /var/run/netns/x)
	// the node's processes run in; empty: the caller's.
	Netns string
	// CgroupRoot is the kubelet's cgroup root (default: the machine's
	// root): kubelets on one machine each need their own, or each removes
	// the others' pods. It must exist in every cgroup hierarchy.
	CgroupRoot string
	// Labels are the node's labels (e.g. topology.kubernetes.io/zone).
	Labels map[string]string
	// NoPolicyController leaves NetworkPolicies unenforced (kube-router
	// is not started).
	NoPolicyController bool
}

// StartNode starts the node's components against cp and waits until the
// node is Ready. It expects to run inside the cluster's network namespace.
func StartNode(ctx context.Context, cp *ControlPlane, dir string) (*Node, error) {
	return StartNodeWith(ctx, cp, dir, NodeOptions{})
}

// StartNodeWith is StartNode with options.
func StartNodeWith(ctx context.Context, cp *ControlPlane, dir string, o NodeOptions) (n *Node, err error) {
	if o.Name == "" {
		o.Name = NodeName
	}
	if o.Address == "" {
		o.Address = cp.Address
	}
	if o.PodCIDR == "" {
		o.PodCIDR = PodCIDR
	}
	n = &Node{Dir: dir, Address: o.Address, Name: o.Name, opts: o, Socket: filepath.Join(dir, "containerd", "containerd.sock")}
	// The error returns set n to nil: stop what was started through a
	// copy of the pointer.
	started := n
	defer func() {
		if err != nil {
			started.Stop()
		}
	}()
	bins := map[string]string{}
	for _, name := range []string{"kubelet", "kube-proxy", "coredns", "containerd", "runc", "iptables", "conntrack", "kube-router", "ipset"} {
		if bins[name], err = Tool(name); err != nil {
			return nil, err
		}
	}
	// Packets between pods on the bridge must pass iptables for Service
	// addresses to work, and the node routes pod traffic. Both settings
	// belong to this network namespace.
	for _, setting := range []string{"net/ipv4/ip_forward", "net/bridge/bridge-nf-call-iptables"} {
		// The files under /proc/sys/net are the namespace's of whoever
		// opens them: a node in another namespace sets its own.
		cmd := n.command(ctx, "sh", "-c", "echo 1 > /proc/sys/"+setting)
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("setting %s: %w: %s", setting, err, out)
		}
	}

	if err := n.writeConfigs(cp); err != nil {
		return nil, err
	}
	ctrd, err := n.start("containerd", bins["containerd"], "--config", filepath.Join(dir, "containerd.toml"))
	if err != nil {
		return nil, err
	}
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := ctrd.WaitFor(waitCtx, "serving its socket", func(ctx context.Context) error {
		return exec.CommandContext(ctx, "ctr", "--address", n.Socket, "version").Run()
	}); err != nil {
		return nil, err
	}
	if _, err := n.start("coredns", bins["coredns"], "-conf", filepath.Join(dir, "Corefile")); err != nil {
		return nil, err
	}
	kubeletArgs := []string{"--config=" + filepath.Join(dir, "kubelet.yaml"), "--kubeconfig=" + cp.Kubeconfig,
		"--hostname-override=" + n.Name, "--node-ip=" + n.Address,
		"--root-dir=" + filepath.Join(dir, "kubelet"), "--cert-dir=" + filepath.Join(dir, "kubelet-pki")}
	if len(o.Labels) > 0 {
		kubeletArgs = append(kubeletArgs, "--node-labels="+labelList(o.Labels))
	}
	kubelet, err := n.start("kubelet", bins["kubelet"], kubeletArgs...)
	if err != nil {
		return nil, err
	}
	if _, err := n.start("kube-proxy", bins["kube-proxy"], "--config="+filepath.Join(dir, "kube-proxy.yaml")); err != nil {
		return nil, err
	}
	readyCtx, cancel2 := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel2()
	if err := kubelet.WaitFor(readyCtx, "the node becoming Ready", func(ctx context.Context) error { return n.ready(ctx, cp) }); err != nil {
		return nil, err
	}
	if o.NoPolicyController {
		if err := Healthy(n.procs); err != nil {
			return nil, err
		}
		return n, nil
	}
	// NetworkPolicies are enforced, as on a cluster whose CNI does: kube-
	// router's policy controller alone (iptables and ipset; no routing, no
	// service proxy, no CNI), once the node is registered. A test-only
	// tool inside the node's namespace.
	if err := probeKernelForPolicies(ctx); err != nil {
		return nil, err
	}
	router, err := n.start("kube-router", bins["kube-router"],
		"--run-firewall=true", "--run-router=false", "--run-service-proxy=false", "--enable-cni=false",
		"--kubeconfig="+cp.Kubeconfig, "--hostname-override="+n.Name,
		"--service-cluster-ip-range="+ServiceCIDR, "--health-port=20244", "--metrics-port=0")
	if err != nil {
		return nil, err
	}
	routerCtx, cancelRouter := context.WithTimeout(ctx, time.Minute)
	defer cancelRouter()
	if err := router.WaitFor(routerCtx, "its network policy controller answering healthy", func(ctx context.Context) error {
		return httpOK(ctx, "http://127.0.0.1:20244/healthz")
	}); err != nil {
		return nil, err
	}
	// kube-proxy has had as long as the kubelet to fail on its config.
	if err := Healthy(n.procs); err != nil {
		return nil, err
	}
	return n, nil
}

func (n *Node) writeConfigs(cp *ControlPlane) error {
	d := n.Dir
	files := map[string]string{
		"containerd.toml": fmt.Sprintf(`version = 2
root = "%[1]s/containerd/root"
state = "%[1]s/containerd/state"
[grpc]
  address = "%[2]s"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/%[3]s"
  # These machines lack CAP_SYS_RESOURCE: a sandbox's negative OOM score
  # would make runc fail.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "%[1]s/cni"
`, d, n.Socket, PauseImage),
		"cni/10-todo.conflist": fmt.Sprintf(`{
  "cniVersion": "1.0.0",
  "name": "todo",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s"}]], "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s/cni-ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
`, n.opts.PodCIDR, d),
		"Corefile": fmt.Sprintf(`.:53 {
    bind %s
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig %s todo-test
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
}
`, n.Address, cp.Kubeconfig),
		"resolv.conf": "nameserver " + n.Address + "\n",
		"kubelet.yaml": fmt.Sprintf(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: %[1]s
readOnlyPort: 0
containerRuntimeEndpoint: unix://%[2]s
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: %[3]s}
authorization: {mode: AlwaysAllow}
clusterDomain: cluster.local
clusterDNS: [%[1]s]
resolvConf: %[4]s/resolv.conf
podCIDR: %[5]s
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%%", imagefs.available: "1%%", nodefs.inodesFree: "1%%"}
`, n.Address, n.Socket, cp.PKI.CACert, d, n.opts.PodCIDR),
		"kube-proxy.yaml": fmt.Sprintf(`apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: %s}
mode: iptables
hostnameOverride: %s
clusterCIDR: %s
bindAddress: %s
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: [%s/32]
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {masqueradeAll: true}
`, cp.Kubeconfig, n.Name, "10.244.0.0/16", n.Address, n.Address),
	}
	if n.opts.CgroupRoot != "" {
		files["kubelet.yaml"] += "cgroupRoot: " + n.opts.CgroupRoot + "\n"
	}
	for name, body := range files {
		if err := writeFile(filepath.Join(d, name), body); err != nil {
			return err
		}
	}
	return nil
}

// Import loads a `docker save` stream into the node's image store.
func (n *Node) Import(ctx context.Context, images io.Reader) error {
	cmd := exec.CommandContext(ctx, "ctr", "--address", n.Socket, "-n", "k8s.io", "images", "import", "-")
	cmd.Stdin = images
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("importing images into the node: %w\n%s", err, out)
	}
	return nil
}

// Images lists the node's image references.
func (n *Node) Images(ctx context.Context) ([]string, error) {
	out, err := exec.CommandContext(ctx, "ctr", "--address", n.Socket, "-n", "k8s.io", "images", "ls", "-q").Output()
	if err != nil {
		return nil, fmt.Errorf("listing the node's images: %w", err)
	}
	return strings.Fields(string(out)), nil
}

// probeKernelForPolicies checks, in this network namespace, what kube-
// router's policy controller needs from the kernel (ip_set with hash:ip
// and hash:net, the iptables set, physdev and NFLOG matches), and names
// the missing feature.
func probeKernelForPolicies(ctx context.Context) error {
	run := func(what string, name string, args ...string) error {
		if out, err := exec.CommandContext(ctx, name, args...).CombinedOutput(); err != nil {
			return fmt.Errorf("NetworkPolicy enforcement needs %s, which this kernel refused (`%s %s`): %v: %s",
				what, name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	const set = "todo-kernel-probe"
	_ = exec.CommandContext(ctx, "ipset", "destroy", set).Run()
	if err := run("ip_set with hash:ip (CONFIG_IP_SET_HASH_IP)", "ipset", "create", set, "hash:ip", "timeout", "0"); err != nil {
		return err
	}
	defer func() { _ = exec.CommandContext(ctx, "ipset", "destroy", set).Run() }()
	if err := run("ip_set with hash:net (CONFIG_IP_SET_HASH_NET)", "ipset", "create", set+"-net", "hash:net"); err != nil {
		return err
	}
	_ = exec.CommandContext(ctx, "ipset", "destroy", set+"-net").Run()
	for _, probe := range []struct{ what, match string }{
		{"the iptables set match (CONFIG_NETFILTER_XT_SET)", "-m set --match-set " + set + " src"},
		{"the iptables physdev match (CONFIG_NETFILTER_XT_MATCH_PHYSDEV)", "-m physdev --physdev-is-bridged"},
		{"the iptables comment match", "-m comment --comment todo-probe"},
	} {
		rule := append([]string{"-I", "INPUT"}, append(strings.Fields(probe.match), "-j", "RETURN")...)
		if err := run(probe.what, "iptables", rule...); err != nil {
			return err
		}
		_ = exec.CommandContext(ctx, "iptables", append([]string{"-D", "INPUT"}, append(strings.Fields(probe.match), "-j", "RETURN")...)...).Run()
	}
	return nil
}

func httpOK(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d", url, res.StatusCode)
	}
	return nil
}

// Restart ends one of the node's components with sig and starts it again
// (the kubelet after SIGKILL, containerd after SIGTERM), then waits until
// it answers ready.
func (n *Node) Restart(ctx context.Context, cp *ControlPlane, name string, sig syscall.Signal) error {
	for i, p := range n.procs {
		if p.Name != name {
			continue
		}
		np, err := p.Restart(sig)
		if err != nil {
			return err
		}
		n.procs[i] = np
		waitCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		switch name {
		case "containerd":
			return np.WaitFor(waitCtx, "serving its socket again", func(ctx context.Context) error {
				return exec.CommandContext(ctx, "ctr", "--address", n.Socket, "version").Run()
			})
		case "kubelet":
			return np.WaitFor(waitCtx, "healthy and the node Ready again", func(ctx context.Context) error {
				if err := httpOK(ctx, "http://127.0.0.1:10248/healthz"); err != nil {
					return err
				}
				return n.ready(ctx, cp)
			})
		}
		return nil
	}
	return fmt.Errorf("the node runs no %s", name)
}

// ready is nil when the node reports Ready with a heartbeat from now on.
func (n *Node) ready(ctx context.Context, cp *ControlPlane) error {
	node, err := cp.Client.CoreV1().Nodes().Get(ctx, n.Name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			if c.Status == corev1.ConditionTrue {
				return nil
			}
			return fmt.Errorf("not ready: %s", c.Message)
		}
	}
	return fmt.Errorf("no Ready condition yet")
}

// Processes are the node's components.
func (n *Node) Processes() []*Process { return n.procs }

// Stop ends the components in reverse order, removes every pod's
// containers (containerd's shims outlive containerd otherwise) and
// unmounts what the kubelet and containerd mounted under the node's
// folder, so it can be removed.
func (n *Node) Stop() {
	for i := len(n.procs) - 1; i >= 0; i-- {
		if n.procs[i].Name == "containerd" {
			n.removeContainers()
		}
		n.procs[i].Stop(15 * time.Second)
	}
	unmountUnder(n.Dir)
}

// unmountUnder detaches every mount point below dir, deepest first.
func unmountUnder(dir string) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	var points []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && (f[4] == dir || strings.HasPrefix(f[4], dir+"/")) {
			points = append(points, f[4])
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(points)))
	for _, p := range points {
		_ = syscall.Unmount(p, syscall.MNT_DETACH)
	}
}

func (n *Node) removeContainers() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The pods' network namespaces (/var/run/netns/cni-…), which the
	// kubelet would remove with each pod: removed here after them.
	netnsOf := map[string]bool{}
	ids, _ := exec.CommandContext(ctx, "ctr", "--address", n.Socket, "-n", "k8s.io", "containers", "ls", "-q").Output()
	for _, id := range strings.Fields(string(ids)) {
		info, _ := exec.CommandContext(ctx, "ctr", "--address", n.Socket, "-n", "k8s.io", "containers", "info", id).Output()
		for _, m := range reNetnsPath.FindAllString(string(info), -1) {
			netnsOf[filepath.Base(m)] = true
		}
	}
	defer func() {
		for name := range netnsOf {
			_ = exec.Command("ip", "netns", "delete", name).Run()
		}
	}()
	out, _ := exec.CommandContext(ctx, "ctr", "--address", n.Socket, "-n", "k8s.io", "tasks", "ls", "-q").Output()
	for _, id := range strings.Fields(string(out)) {
		_ = exec.CommandContext(ctx, "ctr", "--address", n.Socket, "-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL", id).Run()
	}
	time.Sleep(time.Second)
	for _, id := range strings.Fields(string(out)) {
		_ = exec.CommandContext(ctx, "ctr", "--address", n.Socket, "-n", "k8s.io", "tasks", "delete", "-f", id).Run()
	}
}

// sbinPath: the node's tools (iptables, conntrack, runc, CNI plugins,
// sysctl) come from Debian's sbin folders, which a non-login PATH may lack.
func sbinPath() string { return "PATH=/usr/local/sbin:/usr/sbin:/sbin:" + os.Getenv("PATH") }

// command is a command run in the node's network namespace.
func (n *Node) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	if n.opts.Netns != "" {
		args = append([]string{"--net=" + n.opts.Netns, "--", name}, args...)
		name = "nsenter"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), sbinPath())
	return cmd
}

// labelList is labels as the kubelet's --node-labels takes them.
func labelList(labels map[string]string) string {
	var out []string
	for k, v := range labels {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// reNetnsPath finds a pod's network namespace in a container's spec.
var reNetnsPath = regexp.MustCompile(`/var/run/netns/cni-[0-9a-f-]+`)

func (n *Node) start(name, bin string, args ...string) (*Process, error) {
	if n.opts.Netns != "" {
		args = append([]string{"--net=" + n.opts.Netns, "--", bin}, args...)
		bin = "nsenter"
	}
	p, err := Start(n.Dir, name, bin, args, sbinPath())
	if err != nil {
		return nil, err
	}
	n.procs = append(n.procs, p)
	return p, nil
}

// Command is a command run in the node's network namespace (ip, iptables).
func (n *Node) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return n.command(ctx, name, args...)
}

// PowerOff ends the node as a power cut would: the kubelet first (so it
// restarts nothing), then every container, then the node's other
// components, each with SIGKILL and no goodbye to the API server. Stop
// still cleans up after it.
func (n *Node) PowerOff() {
	kill := func(name string) {
		for _, p := range n.procs {
			if p.Name == name {
				p.Kill()
			}
		}
	}
	kill("kubelet")
	n.removeContainers()
	for _, p := range n.procs {
		p.Kill()
	}
}
