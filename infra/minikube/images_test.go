package minikube_test

// The recordings these tests read are listed, each with what it is a
// recording of and where it comes from, in testdata/README.md.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/infra/minikube"
)

// setup is one machine people run make up on: what its docker prints.
type setup struct {
	name, os, info, context string
	kind                    minikube.DaemonKind
	wsl, remote             bool
}

var setups = []setup{
	{name: "Linux, Docker Engine", os: "linux", info: "docker-info-linux-engine.json", context: "docker-context-default.json", kind: minikube.Engine},
	{name: "macOS, Docker Desktop", os: "darwin", info: "docker-info-desktop-macos.json", context: "docker-context-desktop-macos.json", kind: minikube.Desktop},
	{name: "Windows, Docker Desktop (WSL2 backend)", os: "windows", info: "docker-info-desktop-windows.json", context: "docker-context-desktop-windows.json", kind: minikube.Desktop, wsl: true},
	{name: "WSL2 with Docker Desktop's integration", os: "wsl", info: "docker-info-desktop-windows.json", context: "docker-context-default.json", kind: minikube.Desktop, wsl: true},
	{name: "WSL2 with Docker Engine inside", os: "wsl", info: "docker-info-wsl2-engine.json", context: "docker-context-default.json", kind: minikube.Engine, wsl: true},
	{name: "Linux, Docker Desktop", os: "linux", info: "docker-info-desktop-linux.json", context: "docker-context-desktop-macos.json", kind: minikube.Desktop},
	{name: "Linux, rootless Docker", os: "linux", info: "docker-info-rootless.json", context: "docker-context-rootless.json", kind: minikube.Rootless},
	{name: "Linux, an engine on another machine (ssh)", os: "linux", info: "docker-info-linux-engine.json", context: "docker-context-remote-ssh.json", kind: minikube.Engine, remote: true},
}

// host is what make up's hostFacts makes of a setup's recordings.
func host(t *testing.T, s setup) minikube.Host {
	t.Helper()
	d, err := minikube.ParseDaemon(fixture(t, s.info))
	require.NoError(t, err)
	endpoint, err := minikube.ParseDockerContext(fixture(t, s.context))
	require.NoError(t, err)
	d.Remote = minikube.RemoteEndpoint(endpoint)
	return minikube.Host{OS: s.os, MemoryBytes: 16 * gib, CPUs: 8, Daemon: d}
}

func TestParseDaemonOnEverySetup(t *testing.T) {
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			h := host(t, s)
			assert.Equal(t, s.kind, h.Daemon.Kind)
			assert.Equal(t, s.wsl, h.Daemon.WSL)
			assert.Equal(t, s.remote, h.Daemon.Remote)
			// Only a rootful engine on this machine sees its loopback,
			// where a `kubectl port-forward` listens.
			assert.Equal(t, s.kind == minikube.Engine && !s.remote, h.Daemon.SharesHostLoopback())
		})
	}
	_, err := minikube.ParseDaemon([]byte("Cannot connect to the Docker daemon"))
	assert.ErrorContains(t, err, "reading `docker info`")
}

// TestImagesReachTheNodesOnEverySetup: whatever the engine, the runtime
// or the number of nodes, the images reach the nodes without a network
// path from the engine to the cluster: docker-env (the node's own
// Docker) for the Docker runtime on one node, `minikube image load`
// otherwise. The old path (a push to the registry addon through a port
// forward on the host's loopback) is never chosen.
func TestImagesReachTheNodesOnEverySetup(t *testing.T) {
	clusters := []struct {
		name, profile, nodes string
		want                 minikube.ImagePath
	}{
		{"containerd, one node", "profiles-containerd.json", "nodes-containerd.json", minikube.Load},
		{"containerd, two nodes", "profiles-multinode.json", "nodes-multinode-containerd.json", minikube.Load},
		{"docker runtime, one node", "profiles-docker-runtime.json", "nodes-docker.json", minikube.DockerEnv},
		{"docker runtime, two nodes", "profiles-multinode.json", "nodes-multinode.json", minikube.Load},
	}
	for _, s := range setups {
		for _, c := range clusters {
			t.Run(s.name+"/"+c.name, func(t *testing.T) {
				f := minikube.DeployFacts{ProfileName: "minikube", Profile: profile(t, c.profile), Nodes: nodes(t, c.nodes), Host: host(t, s),
					Needs: needs(t), NodePorts: []int{30000, 30001}}
				for i := range f.Nodes {
					f.Nodes[i].CPUMilli = 4000
				}
				plan, err := minikube.PlanDeploy(f)
				require.NoError(t, err)
				assert.Equal(t, c.want, plan.Images)
				assert.Empty(t, plan.Registry, "nothing is pushed through the host's loopback")
				// A Docker-driver node is reachable only where the engine
				// shares this machine's network: Engine on Linux.
				reachable := s.os == "linux" && s.kind != minikube.Desktop
				assert.Equal(t, !reachable, plan.Address == "127.0.0.1", "the URLs' address: %s", plan.Address)
			})
		}
	}
}

func TestRegistryOnTheHostsLoopbackNeedsAnEngineThatSeesIt(t *testing.T) {
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			f := minikube.DeployFacts{ProfileName: "minikube", Profile: profile(t, "profiles-containerd.json"), Nodes: nodes(t, "nodes-containerd.json"),
				Host: host(t, s), Needs: needs(t), Registry: "localhost:5000/team"}
			f.Nodes[0].CPUMilli = 4000
			plan, err := minikube.PlanDeploy(f)
			if s.kind == minikube.Engine && !s.remote {
				require.NoError(t, err)
				assert.Equal(t, minikube.Registry, plan.Images)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "images.registry localhost:5000/team is on this machine's loopback")
			assert.Contains(t, err.Error(), "pulumi config rm --path images.registry")
			assert.NotContains(t, err.Error(), "\n")

			f.Registry = "ghcr.io/acme" // a registry every engine reaches
			plan, err = minikube.PlanDeploy(f)
			require.NoError(t, err)
			assert.Equal(t, minikube.Registry, plan.Images)
		})
	}
}

func TestPodmanDriverIsRefusedInOneLine(t *testing.T) {
	f := minikube.DeployFacts{ProfileName: "minikube", Profile: profile(t, "profiles-podman.json"), Nodes: nodes(t, "nodes-containerd.json"),
		Host: host(t, setups[0]), Needs: needs(t)}
	_, err := minikube.PlanDeploy(f)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "podman driver is not supported")
	assert.Contains(t, err.Error(), "--driver=docker")
	assert.NotContains(t, err.Error(), "\n")
}

func TestEngineEnvFollowsTheDockerContext(t *testing.T) {
	endpoint, err := minikube.ParseDockerContext(fixture(t, "docker-context-rootless.json"))
	require.NoError(t, err)
	assert.Equal(t, []string{"DOCKER_HOST=unix:///run/user/1000/docker.sock"}, minikube.EngineEnv(false, endpoint),
		"Pulumi builds on the engine `docker context use rootless` chose, where minikube image load reads")
	assert.Nil(t, minikube.EngineEnv(true, endpoint), "an explicit DOCKER_HOST wins")
	endpoint, err = minikube.ParseDockerContext(fixture(t, "docker-context-desktop-windows.json"))
	require.NoError(t, err)
	assert.Equal(t, "npipe:////./pipe/dockerDesktopLinuxEngine", endpoint)
	_, err = minikube.ParseDockerContext([]byte("[]"))
	assert.ErrorContains(t, err, "docker context use default")

	for endpoint, remote := range map[string]bool{
		"unix:///var/run/docker.sock": false, "npipe:////./pipe/docker_engine": false, "tcp://127.0.0.1:2375": false,
		"tcp://[::1]:2376": false, "ssh://alice@buildbox.example.com": true, "tcp://10.0.0.5:2376": true, "ssh://localhost": false,
	} {
		assert.Equal(t, remote, minikube.RemoteEndpoint(endpoint), endpoint)
	}
}

func TestLoadArgs(t *testing.T) {
	assert.Equal(t, []string{"image", "load", "--daemon", "-p", "dev", "todo-backend:c-1", "todo-frontend-web:c-2"},
		minikube.LoadArgs("dev", []string{"todo-frontend-web:c-2", "todo-backend:c-1"}),
		"from the engine only (--daemon), never a remote registry; sorted, so the command is the same each run")
	assert.Equal(t, []string{"ssh", "-p", "dev", "-n", "dev-m02", "--", "sudo", "crictl", "images", "-o", "json"}, minikube.NodeImagesArgs("dev", "dev-m02"))
}

// TestEachNodeIsCheckedAfterTheLoad reads what each node's CRI lists, as
// the kubelet will look the pods' images up, after `minikube image load`
// (which exits 0 when a node failed to import).
func TestEachNodeIsCheckedAfterTheLoad(t *testing.T) {
	refs := []string{"todo-backend:c-1a2b3c4d5e6f7081", "todo-frontend-web:c-2b3c4d5e6f708192", "todo-frontend-chatbot:c-3c4d5e6f708192a3"}
	names := func(file string) []string {
		n, err := minikube.ParseCrictlImages(fixture(t, file))
		require.NoError(t, err)
		return n
	}
	assert.Empty(t, minikube.MissingImages(names("crictl-images-containerd-loaded.json"), refs),
		"containerd names an imported image docker.io/library/<repo>:<tag>, which is the pods' <repo>:<tag>")
	assert.Empty(t, minikube.MissingImages(names("crictl-images-docker-loaded.json"), refs), "cri-dockerd lists Docker's short names")
	assert.Equal(t, refs, minikube.MissingImages(names("crictl-images-containerd-before.json"), refs))
	assert.Equal(t, refs[2:], minikube.MissingImages(names("crictl-images-containerd-partial.json"), refs), "one image failed on this node")
	assert.Contains(t, names("crictl-images-containerd-before.json"), "registry.k8s.io/pause@sha256:278fb9dbcca9518083ad1e11276933a2e96f23de604a3a08cc3c80002767d24c", "digests count as names")
	_, err := minikube.ParseCrictlImages([]byte("FATA[0000] validate service connection"))
	assert.ErrorContains(t, err, "crictl images -o json")
}

func TestNormalizeRef(t *testing.T) {
	for in, want := range map[string]string{
		"todo-backend:c-1":                      "docker.io/library/todo-backend:c-1",
		"todo-backend":                          "docker.io/library/todo-backend:latest",
		"acme/todo-backend:v1":                  "docker.io/acme/todo-backend:v1",
		"docker.io/library/postgres:16":         "docker.io/library/postgres:16",
		"localhost:5000/todo-backend@sha256:aa": "localhost:5000/todo-backend@sha256:aa",
		"localhost/todo-backend:v1":             "localhost/todo-backend:v1",
		"ghcr.io/acme/todo-backend:v1":          "ghcr.io/acme/todo-backend:v1",
		"registry.k8s.io/pause:3.10.1":          "registry.k8s.io/pause:3.10.1",
	} {
		assert.Equal(t, want, minikube.NormalizeRef(in), in)
	}
}
