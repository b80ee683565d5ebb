// Package kube runs a real Kubernetes control plane (and, for the
// end-to-end test, a real node) from binaries built by tools/build.sh and
// Debian's packages, for tests of the Pulumi program against a real API
// server.
package kube

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const (
	// ServiceCIDR is where ClusterIPs come from; ServiceIP is the API
	// server's own Service address in it.
	ServiceCIDR = "10.96.0.0/16"
	ServiceIP   = "10.96.0.1"
)

// ControlPlane is etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler, all on Address.
type ControlPlane struct {
	Dir        string
	Address    string
	Server     string // https://address:port
	Kubeconfig string
	PKI        *PKI
	Client     *kubernetes.Clientset
	procs      []*Process
}

// StartControlPlane starts the components under dir and waits until the
// API server is ready. Address is where the API server listens (127.0.0.1
// for an API-server-only test, the node address for a whole cluster).
func StartControlPlane(ctx context.Context, dir, address string) (cp *ControlPlane, err error) {
	cp = &ControlPlane{Dir: dir, Address: address}
	defer func() {
		if err != nil {
			cp.Stop()
		}
	}()
	bins := map[string]string{}
	for _, name := range []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"} {
		if bins[name], err = Tool(name); err != nil {
			return nil, err
		}
	}
	if cp.PKI, err = NewPKI(filepath.Join(dir, "pki"), []net.IP{net.ParseIP(address)}); err != nil {
		return nil, err
	}
	ports, err := freePorts(address, 3)
	if err != nil {
		return nil, err
	}
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(ports[0])
	peerURL := "http://127.0.0.1:" + strconv.Itoa(ports[1])
	cp.Server = "https://" + net.JoinHostPort(address, strconv.Itoa(ports[2]))
	cp.Kubeconfig = filepath.Join(dir, "admin.kubeconfig")
	if err := cp.PKI.Kubeconfig(cp.Kubeconfig, cp.Server); err != nil {
		return nil, err
	}

	// kube-apiserver waits for etcd by itself.
	if _, err := cp.start("etcd", bins["etcd"],
		"--name=test", "--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=test="+peerURL, "--log-level=warn"); err != nil {
		return nil, err
	}
	endpointReconciler := "lease"
	if net.ParseIP(address).IsLoopback() {
		// The kubernetes Service cannot point at a loopback address; with
		// no pods to reach it, an API-server-only test needs no endpoint.
		endpointReconciler = "none"
	}
	api, err := cp.start("kube-apiserver", bins["kube-apiserver"],
		"--etcd-servers="+etcdURL,
		"--bind-address="+address, "--advertise-address="+address, "--secure-port="+strconv.Itoa(ports[2]),
		"--tls-cert-file="+cp.PKI.ServerCert, "--tls-private-key-file="+cp.PKI.ServerKey,
		"--client-ca-file="+cp.PKI.CACert,
		"--kubelet-client-certificate="+cp.PKI.AdminCert, "--kubelet-client-key="+cp.PKI.AdminKey,
		// exec, logs and port-forward reach the kubelet at the node's
		// address; its name is not in any DNS the API server asks.
		"--kubelet-preferred-address-types=InternalIP",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+cp.PKI.SAPub, "--service-account-signing-key-file="+cp.PKI.SAKey,
		"--service-cluster-ip-range="+ServiceCIDR,
		"--authorization-mode=Node,RBAC",
		"--enable-admission-plugins=NodeRestriction",
		"--allow-privileged=true",
		"--endpoint-reconciler-type="+endpointReconciler,
		"--profiling=false")
	if err != nil {
		return nil, err
	}
	if cp.Client, err = cp.NewClient(); err != nil {
		return nil, err
	}
	readyCtx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := api.WaitFor(readyCtx, "answering /readyz", func(ctx context.Context) error {
		body, err := cp.Client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err != nil {
			return fmt.Errorf("%w: %s", err, body)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	common := []string{"--kubeconfig=" + cp.Kubeconfig, "--leader-elect=false",
		"--authentication-kubeconfig=" + cp.Kubeconfig, "--authorization-kubeconfig=" + cp.Kubeconfig}
	if _, err := cp.start("kube-controller-manager", bins["kube-controller-manager"], append(common,
		"--service-account-private-key-file="+cp.PKI.SAKey, "--root-ca-file="+cp.PKI.CACert,
		"--use-service-account-credentials=false",
		"--bind-address=127.0.0.1", "--secure-port=0")...); err != nil {
		return nil, err
	}
	if _, err := cp.start("kube-scheduler", bins["kube-scheduler"], append(common,
		"--bind-address=127.0.0.1", "--secure-port=0")...); err != nil {
		return nil, err
	}
	return cp, nil
}

// NewClient returns a client for the admin identity.
func (cp *ControlPlane) NewClient() (*kubernetes.Clientset, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", cp.Kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", cp.Kubeconfig, err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating a Kubernetes client: %w", err)
	}
	return cs, nil
}

// Processes are the running components, for health checks and logs.
func (cp *ControlPlane) Processes() []*Process { return cp.procs }

// Stop ends the components in reverse order of start.
func (cp *ControlPlane) Stop() {
	for i := len(cp.procs) - 1; i >= 0; i-- {
		cp.procs[i].Stop(10 * time.Second)
	}
}

func (cp *ControlPlane) start(name, bin string, args ...string) (*Process, error) {
	p, err := Start(cp.Dir, name, bin, args)
	if err != nil {
		return nil, err
	}
	cp.procs = append(cp.procs, p)
	return p, nil
}

// Healthy reports the first component that has exited.
func Healthy(procs []*Process) error {
	for _, p := range procs {
		if exited, err := p.Exited(); exited {
			return fmt.Errorf("%s exited (%v):\n%s", p.Name, err, p.Tail(40))
		}
	}
	return nil
}

func freePorts(address string, n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", net.JoinHostPort(address, "0"))
		if err != nil {
			return nil, fmt.Errorf("finding a free port on %s: %w", address, err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// writeFile writes a file, creating its folders.
func writeFile(path, body string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
