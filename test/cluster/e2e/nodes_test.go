package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
	"github.com/todo-app/todo-app/test/cluster/deploy"
	"github.com/todo-app/todo-app/test/cluster/kube"
)

// The production stack on three nodes in two zones: its pods spread over
// all of them, a drained node fails no request, and a node stopped hard
// loses no acknowledged write while the apps come back on the others.
//
// The nodes run no NetworkPolicy controller (the single-node e2e proves
// the policies); the database is a PostgreSQL outside the cluster, as
// databaseUrl names a managed one; no Gateway controller runs, so the
// test reaches the web app through its Service (the first node's
// kube-proxy), as the Gateway would.
func TestThreeNodes(t *testing.T) {
	require.Equal(t, "3", os.Getenv(nodesEnv), "the three-node cluster needs %s=3: run make e2e-nodes", nodesEnv)
	ctx, tools, root, dir := begin(t, "e2e3-")

	// The kubelets' cgroup roots, removed after the nodes have stopped
	// (cleanups run last first).
	cgroups := map[string]string{}
	for _, m := range threeNodes() {
		cgroups[m.name] = cgroupRoot(t, m.netns)
	}
	cp, err := kube.StartControlPlane(ctx, filepath.Join(dir, "cp"), clusterAddr)
	require.NoError(t, err)
	why := &failureNotes{}
	var nodes []*kube.Node
	t.Cleanup(func() {
		if t.Failed() {
			logs := filepath.Join(root, "test-output", "e2e-nodes-logs")
			_ = os.MkdirAll(logs, 0o755)
			procs := cp.Processes()
			for _, n := range nodes {
				for _, p := range n.Processes() {
					_ = os.WriteFile(filepath.Join(logs, n.Name+"-"+p.Name+".log"), []byte(p.Tail(400)), 0o644)
				}
			}
			for _, p := range procs {
				_ = os.WriteFile(filepath.Join(logs, p.Name+".log"), []byte(p.Tail(400)), 0o644)
			}
			t.Logf("the cluster components' logs are in %s", logs)
			why.print(t)
		}
		for _, n := range nodes {
			n.Stop()
		}
		cp.Stop()
	})
	zoneOf := map[string]string{}
	var netnsNames []string
	for _, m := range threeNodes() {
		n, err := kube.StartNodeWith(ctx, cp, filepath.Join(dir, m.name), kube.NodeOptions{
			Name: m.name, Address: m.addr, PodCIDR: m.podCIDR, Netns: "/var/run/netns/" + m.netns,
			CgroupRoot: cgroups[m.name], Labels: map[string]string{"topology.kubernetes.io/zone": m.zone}, NoPolicyController: true,
		})
		require.NoError(t, err, "starting %s", m.name)
		nodes = append(nodes, n)
		zoneOf[m.name] = m.zone
		netnsNames = append(netnsNames, m.netns)
	}
	images(t, ctx, nodes, root, "n-1")
	startRegistry(t, ctx, dir, netnsNames...)
	digests := pushApps(t, ctx, "n-1")

	// No Gateway controller runs, but the API server validates the
	// stack's Gateway and HTTPRoutes against the real CRDs.
	restCfg, err := clientcmd.BuildConfigFromFlags("", cp.Kubeconfig)
	require.NoError(t, err)
	for _, f := range []string{"gateway.networking.k8s.io_gateways.yaml", "gateway.networking.k8s.io_httproutes.yaml"} {
		file, err := kube.ModuleFile(ctx, kube.GatewayAPI, "config/crd/standard/"+f)
		require.NoError(t, err)
		require.NoError(t, kube.InstallCRD(ctx, restCfg, file))
	}
	pg, err := pgtest.Start(ctx, pgtest.Options{Listen: clusterAddr, AllowFrom: []string{"172.31.254.0/24", "10.244.0.0/16"}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = pg.Stop() })
	dsn, err := pg.CreateNamedDatabase(ctx, "todo")
	require.NoError(t, err)

	s, err := deploy.NewStack(ctx, deploy.Options{Dir: filepath.Join(dir, "pulumi"), ToolsDir: tools, Stack: "prod", Config: auto.ConfigMap{
		"kubernetes:kubeconfig":                 {Value: cp.Kubeconfig},
		"todo-app:namespace":                    {Value: namespace},
		"todo-app:authSecret":                   {Value: strings.Repeat("ef", 32), Secret: true},
		"todo-app:databaseUrl":                  {Value: dsn, Secret: true},
		"todo-app:images.build":                 {Value: "false"},
		"todo-app:images.registry":              {Value: "localhost:5000"},
		"todo-app:images.digests.backend":       {Value: digests["backend"]},
		"todo-app:images.digests.web":           {Value: digests["web"]},
		"todo-app:images.digests.chatbot":       {Value: digests["chatbot"]},
		"todo-app:production.hosts.web":         {Value: "todo.example.test"},
		"todo-app:production.hosts.chatbot":     {Value: "chat.example.test"},
		"todo-app:production.gatewayClass":      {Value: "none"},
		"todo-app:production.tls.secretName":    {Value: "todo-tls"},
		"todo-app:production.tolerationSeconds": {Value: "10"},
	}})
	require.NoError(t, err)
	log := deploy.ProgressLog(t)
	_, err = s.Up(ctx, optup.ProgressStreams(log), optup.ErrorProgressStreams(log))
	require.NoError(t, err, "pulumi up of the production stack")
	allAvailable := func(avoid string) func() bool {
		return func() bool {
			for _, svc := range stack.Services() {
				d, err := cp.Client.AppsV1().Deployments(namespace).Get(ctx, svc.Name, metav1.GetOptions{})
				if err != nil || d.Spec.Replicas == nil || *d.Spec.Replicas < stack.ProductionMinReplicas || d.Status.AvailableReplicas < *d.Spec.Replicas {
					return false
				}
				if avoid != "" && len(podsOn(t, ctx, cp, svc.Label, avoid, true)) > 0 {
					return false
				}
			}
			return true
		}
	}
	require.Eventually(t, allAvailable(""), 3*time.Minute, time.Second, "every Deployment has its three replicas available")

	t.Run("spread over nodes and zones", func(t *testing.T) {
		for _, svc := range stack.Services() {
			nodesOf, zones := map[string]int{}, map[string]bool{}
			for _, p := range podsOn(t, ctx, cp, svc.Label, "", true) {
				nodesOf[p.Spec.NodeName]++
				zones[zoneOf[p.Spec.NodeName]] = true
			}
			t.Logf("%s: %v", svc.Name, nodesOf)
			assert.Len(t, nodesOf, 3, "%s runs on all three nodes", svc.Name)
			assert.Len(t, zones, 2, "%s runs in both zones", svc.Name)
		}
	})

	web, err := cp.Client.CoreV1().Services(namespace).Get(ctx, stack.WebName, metav1.GetOptions{})
	require.NoError(t, err)
	base := fmt.Sprintf("http://%s:3000", web.Spec.ClusterIP)
	// The browser asks for the web app's host name (its cookies are the
	// production domain's), which the Gateway would route to the Service.
	toService := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, web.Spec.ClusterIP+":3000")
	}}
	u := newWebUserAt(t, "http://todo.example.test", toService, "nodes@example.com")

	// load runs writes and reads against the web app until stop closes.
	load := func(prefix string) (stop func() (*loadResult, int64, int64)) {
		done, stopc := make(chan *loadResult), make(chan struct{})
		go func() { done <- createLoop(u, prefix, stopc) }()
		reads := readLoop(base+"/signin", stopc)
		return func() (*loadResult, int64, int64) {
			close(stopc)
			res := <-done
			<-reads.done
			return res, reads.total.Load(), reads.failed.Load()
		}
	}
	lostOf := func(t *testing.T, res *loadResult, prefix string) int {
		seen := u.count(t, prefix)
		lost := 0
		for _, title := range res.acked {
			if !seen[title] {
				lost++
			}
		}
		return lost
	}

	t.Run("drain a node under load", func(t *testing.T) {
		const victim = "node-2"
		stop := load("drain-")
		time.Sleep(2 * time.Second)
		start := time.Now()
		drain(t, ctx, cp, victim)
		require.Eventually(t, allAvailable(victim), 3*time.Minute, time.Second, "every app is back to three replicas, none on %s", victim)
		drained := time.Since(start)
		time.Sleep(2 * time.Second)
		res, reads, readFails := stop()
		lost := lostOf(t, res, "drain-")
		figures := fmt.Sprintf("drain of %s: %d writes (%d failed, %d 503), %d reads (%d failed), %d acknowledged writes lost; drained and replaced in %.1fs",
			victim, res.ok+res.failed+res.unavailable, res.failed, res.unavailable, reads, readFails, lost, drained.Seconds())
		t.Log(figures)
		why.onFailure(t, func() string { return figures + "\n" + strings.Join(res.failures, "\n") })
		assert.Greater(t, res.ok, int64(20), "the loop wrote throughout")
		assert.Zero(t, res.failed+res.unavailable, "failed writes:\n%s", strings.Join(res.failures, "\n"))
		assert.Zero(t, readFails, "failed reads")
		assert.Zero(t, lost, "acknowledged writes lost")
		uncordon(t, ctx, cp, victim)
	})

	t.Run("a node stopped hard", func(t *testing.T) {
		const victim = "node-3"
		stop := load("down-")
		time.Sleep(2 * time.Second)
		// A power cut: its processes and containers gone, its link down.
		nodes[2].PowerOff()
		out, err := exec.CommandContext(ctx, "ip", "link", "set", "mn3", "down").CombinedOutput()
		require.NoError(t, err, "%s", out)
		start := time.Now()
		require.Eventually(t, allAvailable(victim), 4*time.Minute, time.Second, "every app is back to three replicas on the other nodes")
		back := time.Since(start)
		time.Sleep(2 * time.Second)
		res, reads, readFails := stop()
		lost := lostOf(t, res, "down-")
		figures := fmt.Sprintf("%s stopped hard: %d writes (%d failed, %d 503), %d reads (%d failed), %d acknowledged writes lost; three replicas of every app on the others %.1fs after",
			victim, res.ok+res.failed+res.unavailable, res.failed, res.unavailable, reads, readFails, lost, back.Seconds())
		t.Log(figures)
		why.onFailure(t, func() string { return figures + "\n" + strings.Join(res.failures, "\n") })
		assert.Zero(t, lost, "acknowledged writes lost")
		// The node is declared lost after the controller manager's grace
		// (40 s by default), its pods evicted after tolerationSeconds (10 s
		// here), their replacements started: well within two minutes.
		assert.Less(t, back, 2*time.Minute, "the apps come back on the other nodes")
		status, err := u.create(fmt.Sprintf("after-%d", time.Now().UnixNano()))
		require.NoError(t, err)
		assert.Equal(t, http.StatusSeeOther, status, "writes work after the node is gone")
	})
}

// podsOn lists an app's pods, on node only when node is set; live leaves
// out the ones being deleted.
func podsOn(t *testing.T, ctx context.Context, cp *kube.ControlPlane, label, node string, live bool) []corev1.Pod {
	t.Helper()
	opts := metav1.ListOptions{LabelSelector: "app=" + label}
	if node != "" {
		opts.FieldSelector = "spec.nodeName=" + node
	}
	list, err := cp.Client.CoreV1().Pods(namespace).List(ctx, opts)
	require.NoError(t, err)
	var out []corev1.Pod
	for _, p := range list.Items {
		if live && p.DeletionTimestamp != nil {
			continue
		}
		out = append(out, p)
	}
	return out
}

// drain is `kubectl drain`: cordon the node, then evict each of its pods
// through the Eviction API, which the disruption budgets may refuse for a
// while (429) until a replacement elsewhere is ready.
func drain(t *testing.T, ctx context.Context, cp *kube.ControlPlane, node string) {
	t.Helper()
	_, err := cp.Client.CoreV1().Nodes().Patch(ctx, node, types.StrategicMergePatchType, []byte(`{"spec":{"unschedulable":true}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	list, err := cp.Client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=" + node})
	require.NoError(t, err)
	deadline := time.Now().Add(3 * time.Minute)
	pending := list.Items
	for len(pending) > 0 {
		require.True(t, time.Now().Before(deadline), "pods still not evicted from %s after 3 minutes", node)
		var next []corev1.Pod
		for _, p := range pending {
			err := cp.Client.PolicyV1().Evictions(namespace).Evict(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: namespace}})
			switch {
			case err == nil, apierrors.IsNotFound(err):
			case apierrors.IsTooManyRequests(err):
				next = append(next, p) // the budget says wait
			default:
				require.NoError(t, err, "evicting %s", p.Name)
			}
		}
		pending = next
		if len(pending) > 0 {
			time.Sleep(time.Second)
		}
	}
}

func uncordon(t *testing.T, ctx context.Context, cp *kube.ControlPlane, node string) {
	t.Helper()
	_, err := cp.Client.CoreV1().Nodes().Patch(ctx, node, types.StrategicMergePatchType, []byte(`{"spec":{"unschedulable":false}}`), metav1.PatchOptions{})
	require.NoError(t, err)
}

// cgroupRoot makes a cgroup of the given name in every cgroup hierarchy
// for one node's kubelet (it must exist before the kubelet starts) and
// removes it, with what the kubelet made under it, when the test ends.
func cgroupRoot(t *testing.T, name string) string {
	t.Helper()
	hierarchies, err := filepath.Glob("/sys/fs/cgroup/*")
	require.NoError(t, err)
	var made []string
	for _, h := range hierarchies {
		if fi, err := os.Stat(h); err != nil || !fi.IsDir() {
			continue
		}
		d := filepath.Join(h, name)
		if err := os.Mkdir(d, 0o755); err != nil && !os.IsExist(err) {
			continue // a hierarchy that takes no new groups
		}
		made = append(made, d)
		// A new cpuset has no CPUs and no memory nodes: give it its parent's.
		for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
			if v, err := os.ReadFile(filepath.Join(h, f)); err == nil {
				require.NoError(t, os.WriteFile(filepath.Join(d, f), v, 0o644), "%s/%s", d, f)
			}
		}
	}
	require.NotEmpty(t, made, "no cgroup hierarchy under /sys/fs/cgroup")
	t.Cleanup(func() {
		for _, d := range made {
			removeCgroups(d)
		}
	})
	return "/" + name
}

// removeCgroups removes a cgroup and the ones below it, deepest first.
func removeCgroups(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() {
			removeCgroups(filepath.Join(dir, e.Name()))
		}
	}
	_ = os.Remove(dir)
}
