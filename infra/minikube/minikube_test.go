package minikube_test

// The fixtures in testdata are what minikube and kubectl print, in their
// real JSON shapes (minikube's config.Profile/ClusterConfig as `profile
// list -o json` marshals them, kubectl's v1 List). minikube cannot run on
// the machine these tests run on, so they were written from those types
// and the outputs quoted in minikube's issues, not captured live.
// testdata/README.md says what each file is a recording of.

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/infra/minikube"
	"github.com/todo-app/todo-app/infra/stack"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func profile(t *testing.T, name string) *minikube.Profile {
	t.Helper()
	p, err := minikube.ParseProfiles(fixture(t, name), "minikube")
	require.NoError(t, err)
	return p
}

func nodes(t *testing.T, name string) []minikube.Node {
	t.Helper()
	n, err := minikube.ParseNodes(fixture(t, name))
	require.NoError(t, err)
	return n
}

// needs are the stack's defaults, as make up computes them.
func needs(t *testing.T) minikube.Needs {
	s, err := stack.SizingFromConfig(nil)
	require.NoError(t, err)
	var n minikube.Needs
	n.MinCPUMilli, n.MinMemoryBytes, n.MaxCPUMilli, n.MaxMemoryBytes = s.Requests(false)
	return n
}

const gib = 1 << 30

func TestParseProfiles(t *testing.T) {
	p := profile(t, "profiles-containerd.json")
	require.NotNil(t, p)
	assert.Equal(t, "Running", p.Status)
	assert.Equal(t, "docker", p.Config.Driver)
	assert.Equal(t, "containerd", p.Config.KubernetesConfig.ContainerRuntime)
	assert.Len(t, p.Config.Nodes, 1)
	assert.Equal(t, "192.168.49.2", p.Config.Nodes[0].IP)

	assert.Nil(t, profile(t, "profiles-none.json"), "no profiles: nothing to start from")
	assert.Nil(t, profile(t, "profiles-other.json"), "another profile is not ours")
	none, err := minikube.ParseProfiles(nil, "minikube")
	require.NoError(t, err)
	assert.Nil(t, none, "minikube prints nothing when it has never run")

	_, err = minikube.ParseProfiles(fixture(t, "profiles-invalid.json"), "minikube")
	assert.ErrorContains(t, err, "minikube delete -p minikube")
	_, err = minikube.ParseProfiles(fixture(t, "profiles-error.json"), "minikube")
	assert.ErrorContains(t, err, "cannot list its profiles")
	_, err = minikube.ParseProfiles([]byte("😄  minikube v1.39.0 on Darwin"), "minikube")
	assert.ErrorContains(t, err, "reading `minikube profile list -o json`")
}

func TestParseNodes(t *testing.T) {
	n := nodes(t, "nodes-multinode.json")
	require.Len(t, n, 2)
	assert.Equal(t, "docker", n[0].Runtime)
	assert.Equal(t, "192.168.49.3", n[1].InternalIP)
	assert.EqualValues(t, 2000, n[0].CPUMilli)
	assert.EqualValues(t, 3911572*1024, n[0].MemoryBytes)
	assert.True(t, n[0].Ready)
	assert.False(t, nodes(t, "nodes-notready.json")[0].Ready)
	assert.Equal(t, "containerd", nodes(t, "nodes-containerd.json")[0].Runtime)
}

func TestPodRequestsLeaveOutOursAndFinishedPods(t *testing.T) {
	ours := func(ns string, labels map[string]string) bool {
		return ns == "default" && labels["app.kubernetes.io/part-of"] == "todo-app"
	}
	cpu, mem, err := minikube.ParsePodRequests(fixture(t, "pods.json"), ours)
	require.NoError(t, err)
	assert.EqualValues(t, 250+100+200+100+100+100, cpu)
	assert.EqualValues(t, (100+70+200)<<20, mem)
}

func TestPlanStart(t *testing.T) {
	laptop8 := minikube.Host{OS: "linux", MemoryBytes: 8 * gib, CPUs: 4}
	cases := []struct {
		name     string
		profile  string // fixture, "" for none
		host     minikube.Host
		cpus     int
		memoryMB int
		args     []string
		err      string
		say      string
	}{
		{name: "fresh on an 8 GB Linux laptop", host: laptop8,
			args: []string{"start", "-p", "minikube", "--cpus=4", "--memory=3072mb"}, say: "the pods request 576–1184 MB"},
		{name: "fresh on a 2-core laptop", host: minikube.Host{OS: "linux", MemoryBytes: 8 * gib, CPUs: 2},
			args: []string{"start", "-p", "minikube", "--cpus=2", "--memory=3072mb"}, say: "(4 would let the autoscaler reach its maximum)"},
		{name: "fresh on macOS: node ports published on loopback", host: minikube.Host{OS: "darwin", MemoryBytes: 8 * gib, CPUs: 8},
			args: []string{"start", "-p", "minikube", "--cpus=4", "--memory=3072mb", "--ports=127.0.0.1:30000:30000,127.0.0.1:30001:30001"}},
		{name: "fresh on WSL2", host: minikube.Host{OS: "wsl", MemoryBytes: 16 * gib, CPUs: 8},
			args: []string{"start", "-p", "minikube", "--cpus=4", "--memory=3072mb", "--ports=127.0.0.1:30000:30000,127.0.0.1:30001:30001"}},
		{name: "a stock Docker Desktop (4 GB) fits", host: minikube.Host{OS: "darwin", MemoryBytes: 4 * gib, CPUs: 4},
			args: []string{"start", "-p", "minikube", "--cpus=4", "--memory=3072mb", "--ports=127.0.0.1:30000:30000,127.0.0.1:30001:30001"}},
		{name: "a small Docker Desktop gets what it can spare", host: minikube.Host{OS: "darwin", MemoryBytes: 3 * gib, CPUs: 4},
			args: []string{"start", "-p", "minikube", "--cpus=4", "--memory=2560mb", "--ports=127.0.0.1:30000:30000,127.0.0.1:30001:30001"}, say: "the autoscaler's full 3072 MB will not fit"},
		{name: "too small to run at all", host: minikube.Host{OS: "darwin", MemoryBytes: 2 * gib, CPUs: 4},
			err: "give Docker more memory (Docker Desktop: Settings → Resources)"},
		{name: "overrides", host: laptop8, cpus: 6, memoryMB: 6000,
			args: []string{"start", "-p", "minikube", "--cpus=6", "--memory=6000mb"}, say: "MINIKUBE_MEMORY"},
		{name: "running", profile: "profiles-containerd.json", host: laptop8, say: "is running (containerd runtime, 1 node(s)"},
		{name: "stopped: started as it was", profile: "profiles-stopped.json", host: laptop8, args: []string{"start", "-p", "minikube"}, say: "same size, same volumes"},
		{name: "paused", profile: "profiles-paused.json", host: laptop8, args: []string{"unpause", "-p", "minikube"}},
		{name: "running but too small", profile: "profiles-small.json", host: laptop8, err: "has 1800 MB of memory; todo-app needs at least 2112 MB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p *minikube.Profile
			if c.profile != "" {
				p = profile(t, c.profile)
			}
			plan, err := minikube.PlanStart("minikube", p, c.host, needs(t), c.cpus, c.memoryMB)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				assert.NotContains(t, err.Error(), "\n", "one line")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.args, plan.Args)
			assert.Contains(t, plan.Say, c.say)
		})
	}
}

func TestPlanDeploy(t *testing.T) {
	ours := func(ns, name string) bool { return ns == "default" && name == "todo-app-frontend-web" }
	linux := minikube.Host{OS: "linux", MemoryBytes: 16 * gib, CPUs: 8}
	mac := minikube.Host{OS: "darwin", MemoryBytes: 16 * gib, CPUs: 8}
	base := func(t *testing.T, prof, nodesFile string, host minikube.Host) minikube.DeployFacts {
		return minikube.DeployFacts{ProfileName: "minikube", Profile: profile(t, prof), Nodes: nodes(t, nodesFile), Host: host,
			Needs: needs(t), SystemCPUMilli: 850, SystemMemoryBytes: 370 << 20, NodePorts: []int{30000, 30001}, Ours: ours}
	}
	t.Run("docker runtime, one node: build into the node's Docker", func(t *testing.T) {
		f := base(t, "profiles-docker-runtime.json", "nodes-docker.json", linux)
		f.Nodes[0].CPUMilli = 4000 // a 4-CPU node
		plan, err := minikube.PlanDeploy(f)
		require.NoError(t, err)
		assert.Equal(t, minikube.DockerEnv, plan.Images)
		assert.Empty(t, plan.Registry)
		assert.Equal(t, "192.168.49.2", plan.Address)
		assert.False(t, plan.Forward)
		assert.Empty(t, plan.Warn)
	})
	t.Run("containerd (minikube v1.39's default): loaded into the node, no registry", func(t *testing.T) {
		plan, err := minikube.PlanDeploy(base(t, "profiles-containerd.json", "nodes-containerd.json", linux))
		require.NoError(t, err)
		assert.Equal(t, minikube.Load, plan.Images)
		assert.Empty(t, plan.Registry, "nothing is pushed")
		assert.Contains(t, plan.Say[0], "containerd runtime")
		assert.Contains(t, plan.Say[0], "minikube image load")
		assert.Len(t, plan.Warn, 1, "2 CPUs fit the minimum, not the autoscaler's maximum")
	})
	t.Run("docker runtime on two nodes: docker-env refuses multi-node, so loaded into each", func(t *testing.T) {
		plan, err := minikube.PlanDeploy(base(t, "profiles-multinode.json", "nodes-multinode.json", linux))
		require.NoError(t, err)
		assert.Equal(t, minikube.Load, plan.Images)
		assert.Contains(t, plan.Say[0], "docker runtime, 2 nodes")
		assert.Equal(t, 2, plan.Nodes)
	})
	t.Run("an operator's registry wins", func(t *testing.T) {
		f := base(t, "profiles-docker-runtime.json", "nodes-docker.json", linux)
		f.Registry = "ghcr.io/acme"
		plan, err := minikube.PlanDeploy(f)
		require.NoError(t, err)
		assert.Equal(t, minikube.Registry, plan.Images)
		assert.Equal(t, "ghcr.io/acme", plan.Registry)
	})
	t.Run("macOS with the Docker driver, ports published: loopback", func(t *testing.T) {
		plan, err := minikube.PlanDeploy(base(t, "profiles-published-ports.json", "nodes-containerd.json", mac))
		require.NoError(t, err)
		assert.Equal(t, "127.0.0.1", plan.Address)
		assert.False(t, plan.Forward)
	})
	t.Run("macOS with the Docker driver, an older cluster: make tunnel", func(t *testing.T) {
		plan, err := minikube.PlanDeploy(base(t, "profiles-containerd.json", "nodes-containerd.json", mac))
		require.NoError(t, err)
		assert.Equal(t, "127.0.0.1", plan.Address)
		assert.True(t, plan.Forward)
	})
	t.Run("macOS with a VM driver: the node's IP", func(t *testing.T) {
		f := base(t, "profiles-containerd.json", "nodes-containerd.json", mac)
		f.Profile.Config.Driver = "vfkit"
		plan, err := minikube.PlanDeploy(f)
		require.NoError(t, err)
		assert.Equal(t, "192.168.49.2", plan.Address)
	})
	t.Run("a node port held by another Service", func(t *testing.T) {
		f := base(t, "profiles-containerd.json", "nodes-containerd.json", linux)
		var err error
		f.PortUsers, err = minikube.ParseNodePorts(fixture(t, "services.json"))
		require.NoError(t, err)
		_, err = minikube.PlanDeploy(f)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "node port 30001 is taken by Service grafana/grafana")
		assert.Contains(t, err.Error(), "pulumi config set --path nodePorts.web")
		f.NodePorts = []int{30000, 30002}
		_, err = minikube.PlanDeploy(f)
		assert.NoError(t, err, "our own Service on 30000 is not a conflict")
	})
	t.Run("a node too small for the stack", func(t *testing.T) {
		_, err := minikube.PlanDeploy(base(t, "profiles-containerd.json", "nodes-small.json", linux))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "it needs 1000m and 576 MiB")
		assert.NotContains(t, err.Error(), "\n")
	})
	t.Run("a node that is not ready", func(t *testing.T) {
		_, err := minikube.PlanDeploy(base(t, "profiles-containerd.json", "nodes-notready.json", linux))
		assert.ErrorContains(t, err, "node minikube is not Ready")
	})
}

func TestNodeReachable(t *testing.T) {
	for _, c := range []struct {
		os, driver string
		want       bool
	}{
		{"linux", "docker", true}, {"linux", "kvm2", true}, {"linux", "podman", true},
		{"darwin", "docker", false}, {"darwin", "podman", false}, {"darwin", "vfkit", true}, {"darwin", "qemu2", true},
		{"windows", "docker", false}, {"windows", "hyperv", true}, {"wsl", "docker", false},
	} {
		assert.Equal(t, c.want, minikube.NodeReachable(c.os, c.driver), "%s/%s", c.os, c.driver)
	}
}

func TestStaleImagesAfterTheClusterWasDeleted(t *testing.T) {
	images := map[string]string{
		"todo-backend":          "localhost:5000/todo-backend@sha256:aa",
		"todo-frontend-web":     "localhost:5000/todo-frontend-web@sha256:bb",
		"todo-frontend-chatbot": "localhost:5000/todo-frontend-chatbot@sha256:cc",
	}
	present := map[string]bool{}
	for _, ref := range images {
		present[ref] = true
	}
	exists := func(ref string) bool { return present[ref] }
	assert.Empty(t, minikube.StaleImages("dev", "todo-app", images, exists), "a second make up in a row rebuilds nothing")

	clear(present) // minikube delete: a new node, an empty registry
	assert.Equal(t, []string{
		"urn:pulumi:dev::todo-app::docker:index/image:Image::todo-backend",
		"urn:pulumi:dev::todo-app::docker:index/image:Image::todo-frontend-chatbot",
		"urn:pulumi:dev::todo-app::docker:index/image:Image::todo-frontend-web",
	}, minikube.StaleImages("dev", "todo-app", images, exists))

	present[images["todo-backend"]] = true
	assert.Len(t, minikube.StaleImages("dev", "todo-app", images, exists), 2)
	assert.Empty(t, minikube.StaleImages("dev", "todo-app", nil, exists), "a stack never deployed has nothing to rebuild")
}
