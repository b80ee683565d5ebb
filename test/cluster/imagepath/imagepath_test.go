package imagepath

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"github.com/todo-app/todo-app/infra/localimages"
	"github.com/todo-app/todo-app/infra/minikube"
	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/pkg/gowork"
	"github.com/todo-app/todo-app/test/cluster/kube"
)

// engine is the Docker engine in its own network namespace.
type engine struct{ sock string }

// docker runs the docker CLI against the engine from this (the host's)
// namespace, as the CLI on macOS talks to Desktop's VM through a socket.
func (e engine) docker(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "docker", append([]string{"-H", "unix://" + e.sock}, args...)...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// node is one minikube node's container runtime.
type node struct {
	name, netns, dir, sock string
}

// ctr runs ctr inside the node's namespace, as minikube runs it over SSH.
func (n node) ctr(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "nsenter", append([]string{"--net=/var/run/netns/" + n.netns, "--", "ctr", "--address", n.sock}, args...)...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func TestImagesReachNodesTheEngineCannotSee(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	root, err := gowork.Root()
	require.NoError(t, err)
	// Short: containerd's socket path must fit in 108 bytes.
	dir, err := os.MkdirTemp("", "img-")
	require.NoError(t, err)
	// Registered first, so it runs last: after the engine and the nodes
	// have stopped and unmounted what they mounted under it.
	t.Cleanup(func() { _ = os.RemoveAll(dir) })

	// What the pods run when make up loads the images: the Pulumi
	// program's own names (stack.Images.LocalRefs, checked against the
	// Deployments in infra/stack's tests).
	byRepo, err := stack.Images{Build: true}.LocalRefs(root)
	require.NoError(t, err)
	var refs []string
	for _, svc := range stack.Services() {
		refs = append(refs, byRepo[svc.Repo])
	}
	t.Logf("the images the program deploys: %s", strings.Join(refs, ", "))

	nodes := []node{startNode(t, ctx, dir, 1), startNode(t, ctx, dir, 2)}
	e := startEngine(t, ctx, dir)

	// The image, in the engine: made from the machine's busybox (nothing
	// can be pulled), under each of the program's names.
	busybox, err := exec.LookPath("busybox")
	require.NoError(t, err)
	rootfs, err := localimages.TarOf(map[string]string{"bin/busybox": "@" + busybox}, nil)
	require.NoError(t, err)
	imp := exec.CommandContext(ctx, "docker", "-H", "unix://"+e.sock, "import", "--change", `ENTRYPOINT ["/bin/busybox"]`, "-", refs[0])
	imp.Stdin = rootfs
	out, err := imp.CombinedOutput()
	require.NoError(t, err, "docker import: %s", out)
	for _, ref := range refs[1:] {
		_, err := e.docker(ctx, "tag", refs[0], ref)
		require.NoError(t, err)
	}
	id, err := e.docker(ctx, "image", "inspect", "--format", "{{.Id}}", refs[0])
	require.NoError(t, err)

	t.Run("today's path: a push to the registry addon through a port-forward on the host's loopback fails", func(t *testing.T) {
		startRegistry(t, dir)
		// kubectl port-forward -n kube-system service/registry 5000:80,
		// as make up ran it: a listener on this machine's 127.0.0.1:5000.
		startRelay(t, dir, "port-forward", hostNS, "127.0.0.1:5000", nodeFromHost+":5000")
		require.NoError(t, waitHTTP(ctx, "http://127.0.0.1:5000/v2/"), "the forward works from where make up and kubectl run")

		pushed := "localhost:5000/" + stack.Services()[0].Repo + ":" + tagOf(refs[0])
		_, err := e.docker(ctx, "tag", refs[0], pushed)
		require.NoError(t, err)
		out, err := e.docker(ctx, "push", pushed)
		require.Error(t, err, "the engine pushed to its own localhost: this machine's port-forward was reachable from it\n%s", out)
		assert.Contains(t, out, "connection refused", "the engine's localhost:5000 has nothing behind it")
		assert.Equal(t, http.StatusNotFound, status(ctx, "http://127.0.0.1:5000/v2/"+stack.Services()[0].Repo+"/tags/list"), "nothing reached the registry")

		// Control: with minikube's handbook relay inside the engine's own
		// network (what make up cannot set up on every machine: the
		// engine's host network, port 5000, macOS's AirPlay on it), the
		// same push reaches the same registry. The failure above was the
		// engine's loopback, nothing else.
		startRelay(t, dir, "handbook-relay", desktopNS, "127.0.0.1:5000", nodeFromDesktop+":5000")
		require.Eventually(t, func() bool {
			out, err = e.docker(ctx, "push", pushed)
			return err == nil
		}, 30*time.Second, time.Second, "the push through a relay in the engine's network: %s", out)
		assert.Equal(t, http.StatusOK, status(ctx, "http://127.0.0.1:5000/v2/"+stack.Services()[0].Repo+"/tags/list"))
	})

	t.Run("the new path: minikube image load puts the images in every node", func(t *testing.T) {
		for _, n := range nodes {
			names := criNames(t, ctx, n)
			require.Equal(t, refs, minikube.MissingImages(names, refs), "%s starts without them (make up's check would stop)", n.name)
		}
		// minikube image load --daemon (v1.38): machine.CacheAndLoadImages
		// saves each image from the engine's API into a tarball of its
		// own on this machine (image.SaveToDir, daemon.Image = docker
		// save), then for every running node copies it to
		// /var/lib/minikube/images over SSH and runs `sudo ctr -n=k8s.io
		// images import <tarball>` there (machine.transferAndLoadImage,
		// cruntime.Containerd.LoadImage).
		cache := filepath.Join(dir, "minikube-cache")
		require.NoError(t, os.MkdirAll(cache, 0o755))
		for _, ref := range refs {
			tarball := filepath.Join(cache, strings.ReplaceAll(ref, ":", "_"))
			_, err := e.docker(ctx, "save", "-o", tarball, ref)
			require.NoError(t, err, "docker save %s", ref)
			for _, n := range nodes {
				dst := filepath.Join(n.dir, "var/lib/minikube/images", filepath.Base(tarball))
				require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
				b, err := os.ReadFile(tarball)
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(dst, b, 0o644), "the copy minikube makes over the node's SSH")
				out, err := n.ctr(ctx, "-n=k8s.io", "images", "import", dst)
				require.NoError(t, err, "ctr -n=k8s.io images import on %s: %s", n.name, out)
			}
		}
		for _, n := range nodes {
			// make up's check after the load, on the names the node's CRI
			// lists.
			// (The CRI learns of an import from containerd's events: a
			// moment later.)
			var names, missing []string
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(500 * time.Millisecond) {
				names = criNames(t, ctx, n)
				if missing = minikube.MissingImages(names, refs); len(missing) == 0 || time.Now().After(deadline) {
					break
				}
			}
			require.Empty(t, missing, "%s lacks them after the load; its CRI lists %v", n.name, names)
			// And the kubelet's own question for a pod's image with
			// imagePullPolicy IfNotPresent: present, so nothing is pulled.
			for _, ref := range refs {
				st := imageStatus(t, ctx, n, ref)
				require.NotNil(t, st, "%s: CRI ImageStatus(%q) finds nothing: the kubelet would try to pull it", n.name, ref)
				assert.Equal(t, id, st.Id, "%s: the engine's image, byte for byte (same config digest)", n.name)
				assert.Contains(t, st.RepoTags, minikube.NormalizeRef(ref))
			}
			// It runs: the runtime unpacked it into its snapshotter. (ctr,
			// unlike the CRI, takes only the full name.)
			out, err := n.ctr(ctx, "-n=k8s.io", "run", "--rm", minikube.NormalizeRef(refs[0]), "img-check-"+n.name, "/bin/busybox", "echo", "ran on "+n.name)
			require.NoError(t, err, "ctr run on %s: %s", n.name, out)
			assert.Contains(t, out, "ran on "+n.name)
		}
	})
}

func tagOf(ref string) string { return ref[strings.LastIndex(ref, ":")+1:] }

// startNode runs containerd in node i's namespace with its CRI plugin,
// which answers the kubelet's image questions.
func startNode(t *testing.T, ctx context.Context, dir string, i int) node {
	t.Helper()
	n := node{name: fmt.Sprintf("node%d", i), netns: nodeNS(i), dir: filepath.Join(dir, fmt.Sprintf("n%d", i))}
	n.sock = filepath.Join(n.dir, "c.sock")
	require.NoError(t, os.MkdirAll(n.dir, 0o755))
	config := filepath.Join(n.dir, "containerd.toml")
	require.NoError(t, os.WriteFile(config, fmt.Appendf(nil, `version = 2
root = "%[1]s/root"
state = "%[1]s/state"
[grpc]
  address = "%[2]s"
[plugins."io.containerd.internal.v1.opt"]
  path = "%[1]s/opt"
[plugins."io.containerd.grpc.v1.cri"]
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    conf_dir = "%[1]s/cni"
`, n.dir, n.sock), 0o644))
	p, err := kube.Start(dir, "containerd-"+n.name, "nsenter", []string{"--net=/var/run/netns/" + n.netns, "--", "containerd", "--config", config})
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- containerd on %s:\n%s", n.name, p.Tail(30))
		}
		p.Stop(10 * time.Second)
	})
	require.NoError(t, p.WaitFor(ctx, "containerd serving its socket", func(ctx context.Context) error {
		_, err := n.ctr(ctx, "version")
		return err
	}))
	return n
}

// startEngine runs dockerd in the engine's namespace with its own folders
// and socket, no bridge and no iptables rules: it touches nothing of the
// machine's own Docker.
func startEngine(t *testing.T, ctx context.Context, dir string) engine {
	t.Helper()
	d := filepath.Join(dir, "engine")
	require.NoError(t, os.MkdirAll(d, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(d, "daemon.json"), []byte("{}\n"), 0o644))
	e := engine{sock: filepath.Join(d, "docker.sock")}
	p, err := kube.Start(dir, "dockerd", "nsenter", []string{"--net=/var/run/netns/" + desktopNS, "--", "dockerd",
		"--config-file", filepath.Join(d, "daemon.json"), "--data-root", filepath.Join(d, "data"), "--exec-root", filepath.Join(d, "exec"),
		"--pidfile", filepath.Join(d, "docker.pid"), "-H", "unix://" + e.sock, "--bridge=none", "--iptables=false", "--ip-masq=false"})
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- dockerd:\n%s", p.Tail(30))
		}
		p.Stop(30 * time.Second)
	})
	require.NoError(t, p.WaitFor(ctx, "dockerd answering", func(ctx context.Context) error {
		_, err := e.docker(ctx, "version")
		return err
	}))
	// Its own view of its network: only its loopback and the link to the
	// node (Desktop's VM); 127.0.0.1 is its own.
	info, err := e.docker(ctx, "info", "--format", "{{json .}}")
	require.NoError(t, err)
	if out := os.Getenv("TODO_IMG_DOCKER_INFO"); out != "" {
		require.NoError(t, os.WriteFile(out, []byte(info+"\n"), 0o644))
	}
	return e
}

// startRegistry runs the distribution registry in node 1's namespace on
// port 5000, as the registry addon's registry-proxy serves it on each
// node.
func startRegistry(t *testing.T, dir string) {
	t.Helper()
	bin, err := kube.Tool("registry")
	require.NoError(t, err)
	config := filepath.Join(dir, "registry.yml")
	require.NoError(t, os.WriteFile(config, fmt.Appendf(nil, "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 0.0.0.0:5000\n",
		filepath.Join(dir, "registry")), 0o644))
	p, err := kube.Start(dir, "registry", "nsenter", []string{"--net=/var/run/netns/" + nodeNS(1), "--", bin, "serve", config})
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- registry:\n%s", p.Tail(20))
		}
		p.Stop(5 * time.Second)
	})
}

// startRelay runs this test binary as a TCP relay in a namespace.
func startRelay(t *testing.T, dir, name, netns, listen, target string) {
	t.Helper()
	p, err := kube.Start(dir, name, "nsenter", []string{"--net=/var/run/netns/" + netns, "--", os.Args[0]}, relayEnv+"="+listen+"="+target)
	require.NoError(t, err)
	t.Cleanup(func() { p.Stop(5 * time.Second) })
	require.Eventually(t, func() bool { return strings.Contains(p.Tail(5), "relaying") }, 10*time.Second, 100*time.Millisecond, "%s started: %s", name, p.Tail(5))
}

func status(ctx context.Context, url string) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

func waitHTTP(ctx context.Context, url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		if s := status(ctx, url); s == http.StatusOK {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("GET %s: %d after 30 s", url, s)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// cri connects to a node's CRI image service, as the kubelet does.
func cri(t *testing.T, n node) runtimeapi.ImageServiceClient {
	t.Helper()
	conn, err := grpc.NewClient("unix://"+n.sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return runtimeapi.NewImageServiceClient(conn)
}

// criNames are every name the node's CRI lists (what `crictl images`
// prints, which make up reads through minikube ssh).
func criNames(t *testing.T, ctx context.Context, n node) []string {
	t.Helper()
	res, err := cri(t, n).ListImages(ctx, &runtimeapi.ListImagesRequest{})
	require.NoError(t, err, "CRI ListImages on %s", n.name)
	var names []string
	for _, im := range res.Images {
		names = append(names, im.RepoTags...)
		names = append(names, im.RepoDigests...)
	}
	slices.Sort(names)
	return names
}

// imageStatus is the kubelet's lookup of a pod's image, nil when absent.
func imageStatus(t *testing.T, ctx context.Context, n node, ref string) *runtimeapi.Image {
	t.Helper()
	res, err := cri(t, n).ImageStatus(ctx, &runtimeapi.ImageStatusRequest{Image: &runtimeapi.ImageSpec{Image: ref}})
	require.NoError(t, err, "CRI ImageStatus(%s) on %s", ref, n.name)
	return res.Image
}
