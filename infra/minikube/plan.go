package minikube

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

const (
	mib = 1 << 20
	gib = 1 << 30

	// SystemMemory is what a minikube node uses besides our pods: the
	// control plane (kube-apiserver alone is 300–400 MiB), etcd, kubelet,
	// the container runtime, CoreDNS, metrics-server, the registry addon
	// and the node's own OS. Measured on the e2e node, rounded up.
	SystemMemory = 1536 * mib
	// SystemCPUMilli is the CPU the kube-system pods request on minikube
	// (apiserver 250m, controller-manager 200m, scheduler 100m, etcd 100m,
	// CoreDNS 100m, metrics-server 100m) plus the registry addon.
	SystemCPUMilli = 950
	// minMemoryMB is minikube's own lower bound for a node (it refuses
	// less than 1800 MB and recommends more).
	minMemoryMB = 2200
	minCPUs     = 2
)

// Needs is what the stack's pods request, from its configuration.
type Needs struct {
	// Min is every Deployment at its minimum replica count plus the
	// database: what must fit for the product to run at all.
	MinCPUMilli, MinMemoryBytes int64
	// Max adds the autoscaler's maximum and one surge pod per Deployment
	// (rolling updates): what must fit for it to run at full size.
	MaxCPUMilli, MaxMemoryBytes int64
}

// Host is the machine `make up` runs on.
type Host struct {
	// OS is runtime.GOOS, except "wsl" for Linux under Windows' WSL2
	// (where, as on macOS and Windows, Docker's containers are not
	// reachable from the shell by their IP).
	OS string
	// MemoryBytes and CPUs are what the Docker engine can give a
	// container (Docker Desktop's VM on macOS/Windows), or the host's.
	MemoryBytes int64
	CPUs        int
	// Daemon is the Docker engine the images are built with.
	Daemon Daemon
}

// nodeReachable is NodeReachable for this host: a Docker-driver node
// also lives in Docker Desktop's VM on Linux.
func (h Host) nodeReachable(driver string) bool {
	if h.Daemon.InVM() && driver == "docker" {
		return false
	}
	return NodeReachable(h.OS, driver)
}

// StartPlan says whether and how to start the cluster.
type StartPlan struct {
	// Args are the arguments after `minikube`, or nil when it is running.
	Args []string
	// Say is one line for the user: what is done and why these figures.
	Say string
}

// PlanStart decides how to bring the profile up. cpus/memoryMB override
// the sizing when non-zero (MINIKUBE_CPUS, MINIKUBE_MEMORY).
func PlanStart(profileName string, p *Profile, host Host, needs Needs, cpus, memoryMB int) (StartPlan, error) {
	if p != nil {
		switch strings.ToLower(p.Status) {
		case "running":
			if int64(p.Config.Memory)*mib < needs.MinMemoryBytes+SystemMemory {
				return StartPlan{}, fmt.Errorf("minikube profile %q has %d MB of memory; todo-app needs at least %d MB: "+
					"`minikube delete -p %s` (this deletes the cluster and its volumes: `make backup` first) and make up again, or lower the replicas in Pulumi.dev.yaml",
					profileName, p.Config.Memory, (needs.MinMemoryBytes+SystemMemory)/mib, profileName)
			}
			return StartPlan{Say: fmt.Sprintf("minikube profile %q is running (%s runtime, %d node(s), %d CPUs, %d MB)",
				profileName, p.Config.KubernetesConfig.ContainerRuntime, max(1, len(p.Config.Nodes)), p.Config.CPUs, p.Config.Memory)}, nil
		case "paused":
			return StartPlan{Args: []string{"unpause", "-p", profileName}, Say: fmt.Sprintf("minikube profile %q is paused: unpausing it", profileName)}, nil
		default:
			// Stopped, Degraded (a node down), Unknown (after a Docker
			// restart): `minikube start` brings back the same cluster
			// with its volumes. Its size was fixed when it was created.
			return StartPlan{Args: []string{"start", "-p", profileName}, Say: fmt.Sprintf("minikube profile %q is %s: starting it again (same size, same volumes)", profileName, strings.ToLower(p.Status))}, nil
		}
	}

	wantMB := roundUp(int((needs.MaxMemoryBytes+SystemMemory)/mib), 512)
	wantMB = max(wantMB, minMemoryMB)
	floorMB := max(int((needs.MinMemoryBytes+SystemMemory)/mib), minMemoryMB)
	// On Linux Docker reports the host's memory: leave the host room for
	// its own OS, browser and editor (a quarter, at least 2 GiB). Docker
	// Desktop reports its VM, which is Docker's already: keep 512 MiB for
	// the VM itself.
	reserve := int64(512 * mib)
	if host.OS == "linux" {
		reserve = max(host.MemoryBytes/4, 2*gib)
	}
	availMB := int((host.MemoryBytes - reserve) / mib)
	memory := memoryMB
	why := "sized from the stack's requests"
	if memory == 0 {
		memory = wantMB
		if host.MemoryBytes > 0 && availMB < wantMB {
			if availMB < floorMB {
				return StartPlan{}, fmt.Errorf("this machine's Docker can give %d MB and keeps %d MB for the host; todo-app needs a %d MB node at least: "+
					"give Docker more memory (Docker Desktop: Settings → Resources) or set MINIKUBE_MEMORY=%d to use less headroom",
					host.MemoryBytes/mib, reserve/mib, floorMB, floorMB)
			}
			memory = availMB
			why = fmt.Sprintf("all this machine can spare; the autoscaler's full %d MB will not fit", wantMB)
		}
	} else {
		why = "MINIKUBE_MEMORY"
	}

	wantCPUs := max(minCPUs, int(math.Ceil(float64(needs.MaxCPUMilli+SystemCPUMilli)/1000)))
	cpu := cpus
	cpuWhy := ""
	if cpu == 0 {
		cpu = wantCPUs
		if host.CPUs > 0 && host.CPUs < cpu {
			cpu = max(minCPUs, host.CPUs)
			cpuWhy = fmt.Sprintf(" (%d would let the autoscaler reach its maximum)", wantCPUs)
		}
	}
	args := []string{"start", "-p", profileName, fmt.Sprintf("--cpus=%d", cpu), fmt.Sprintf("--memory=%dmb", memory)}
	if !host.nodeReachable("docker") {
		// On macOS, Windows and WSL2 the Docker driver's node IP cannot be
		// reached from the host; publishing the node ports on loopback
		// gives stable URLs with nothing left running. VM drivers ignore it.
		args = append(args, "--ports=127.0.0.1:30000:30000,127.0.0.1:30001:30001")
	}
	say := fmt.Sprintf("starting minikube profile %q: %d CPUs%s, %d MB (%s: the pods request %d–%d MB, Kubernetes itself about %d MB)",
		profileName, cpu, cpuWhy, memory, why, needs.MinMemoryBytes/mib, needs.MaxMemoryBytes/mib, SystemMemory/mib)
	return StartPlan{Args: args, Say: say}, nil
}

// NodeReachable says whether the host can open the node's IP directly:
// true for VM drivers everywhere and for the container drivers on Linux;
// false for the Docker and Podman drivers on macOS, Windows and WSL2,
// where the node lives inside Docker Desktop's VM.
func NodeReachable(os, driver string) bool {
	switch driver {
	case "docker", "podman":
		return os == "linux"
	}
	return true
}

// ImagePath is how the images reach the nodes.
type ImagePath string

const (
	// DockerEnv builds straight into the node's Docker daemon: only for
	// the Docker runtime on a single node.
	DockerEnv ImagePath = "docker-env"
	// Load builds with this machine's Docker engine and copies the images
	// into every node's container runtime with `minikube image load`
	// (LoadArgs): any runtime, any number of nodes, and no network path
	// from the engine to the cluster.
	Load ImagePath = "image-load"
	// Registry pushes to the operator's registry (images.registry), which
	// the nodes pull from, and the pods name their images by digest.
	Registry ImagePath = "registry"
)

// AddonRegistry is the image prefix make up set (images.registry) when it
// pushed to minikube's registry addon through a port forward on the
// host's loopback, before images were loaded: a stack that has it is
// moved to the Load path.
const AddonRegistry = "localhost:5000"

// DeployFacts are what `make up` learns once the cluster is running.
type DeployFacts struct {
	ProfileName string
	Profile     *Profile
	Nodes       []Node
	Host        Host
	Needs       Needs
	// SystemCPUMilli/SystemMemoryBytes are what the other pods on the
	// cluster already request (kube-system, other apps).
	SystemCPUMilli, SystemMemoryBytes int64
	// Registry is the stack's images.registry, if the operator set one.
	Registry string
	// NodePorts are the stack's node ports; PortUsers every Service
	// holding a node port; Ours says whether a Service is the stack's own.
	NodePorts []int
	PortUsers []NodePortUser
	Ours      func(namespace, name string) bool
}

// DeployPlan is what `make up` does before `pulumi up`.
type DeployPlan struct {
	Runtime string
	Nodes   int
	Images  ImagePath
	// Registry is where images are pushed: the operator's images.registry.
	Registry string
	// Address is the host part of the URLs: the node's IP, or 127.0.0.1
	// when the node ports are published on loopback or must be forwarded.
	Address string
	// Forward: the node ports are not reachable from the host; the user
	// runs `make tunnel` to forward them to Address.
	Forward bool
	// Say is what was decided, one line each.
	Say []string
	// Warn are things that work but not fully (the autoscaler capped).
	Warn []string
}

// PlanDeploy decides the image path, the address and whether the stack
// fits; an error is one line naming the problem and the fix.
func PlanDeploy(f DeployFacts) (DeployPlan, error) {
	var plan DeployPlan
	if len(f.Nodes) == 0 {
		return plan, fmt.Errorf("the cluster has no nodes: `minikube delete -p %s` and make up again", f.ProfileName)
	}
	for _, n := range f.Nodes {
		if !n.Ready {
			return plan, fmt.Errorf("node %s is not Ready: `minikube start -p %s` repairs it (or `kubectl describe node %s` says why)", n.Name, f.ProfileName, n.Name)
		}
	}
	plan.Nodes = len(f.Nodes)
	plan.Runtime = f.Nodes[0].Runtime
	if plan.Runtime == "" && f.Profile != nil {
		plan.Runtime = f.Profile.Config.KubernetesConfig.ContainerRuntime
	}

	driver := ""
	if f.Profile != nil {
		driver = f.Profile.Config.Driver
	}
	if driver == "podman" {
		return plan, fmt.Errorf("minikube's podman driver is not supported: make up builds the images with Docker and loads them from Docker's engine; "+
			"recreate the cluster with `minikube delete -p %s && minikube start -p %s --driver=docker` (after `make backup`) or use a VM driver", f.ProfileName, f.ProfileName)
	}
	daemon := f.Host.Daemon
	if daemon.Kind == "" {
		daemon.Kind = Engine
	}
	switch {
	case f.Registry != "":
		if isLoopback(f.Registry) && !daemon.SharesHostLoopback() {
			// The engine pushes, from its own network: its localhost is
			// not this machine's, so the push cannot reach the registry.
			return plan, fmt.Errorf("images.registry %s is on this machine's loopback, which the %s engine does not see (its localhost is its own): "+
				"remove it (`pulumi config rm --path images.registry`) and make up loads the images into the nodes itself, or use a registry the engine can reach", f.Registry, daemon.Kind)
		}
		plan.Images, plan.Registry = Registry, f.Registry
		plan.Say = append(plan.Say, fmt.Sprintf("images: pushed to %s (images.registry) and deployed by digest", f.Registry))
	case plan.Runtime == "docker" && plan.Nodes == 1:
		plan.Images = DockerEnv
		plan.Say = append(plan.Say, "images: built straight into the node's Docker (Docker runtime, one node)")
	default:
		plan.Images = Load
		why := fmt.Sprintf("%s runtime", plan.Runtime)
		if plan.Nodes > 1 {
			why += fmt.Sprintf(", %d nodes", plan.Nodes)
		}
		plan.Say = append(plan.Say, fmt.Sprintf("images: built with %s, then copied into every node with `minikube image load` (%s)", daemon.Kind, why))
	}

	switch {
	case f.Host.nodeReachable(driver):
		plan.Address = f.Nodes[0].InternalIP
		if f.Profile != nil && len(f.Profile.Config.Nodes) > 0 && f.Profile.Config.Nodes[0].IP != "" {
			plan.Address = f.Profile.Config.Nodes[0].IP
		}
		plan.Say = append(plan.Say, fmt.Sprintf("URLs: the node's address %s (%s driver on %s)", plan.Address, driver, f.Host.OS))
	case publishes(f.Profile, f.NodePorts):
		plan.Address = "127.0.0.1"
		plan.Say = append(plan.Say, fmt.Sprintf("URLs: 127.0.0.1, where the %s driver publishes the node ports", driver))
	default:
		plan.Address, plan.Forward = "127.0.0.1", true
		plan.Say = append(plan.Say, fmt.Sprintf("URLs: 127.0.0.1 through `make tunnel` (the %s driver's node is not reachable from %s, and this cluster was not started with the node ports published)", driver, f.Host.OS))
	}

	for _, want := range f.NodePorts {
		for _, u := range f.PortUsers {
			if u.Port == want && (f.Ours == nil || !f.Ours(u.Namespace, u.Name)) {
				return plan, fmt.Errorf("node port %d is taken by Service %s/%s: choose others with `pulumi config set --path nodePorts.web <30000-32767>` (and nodePorts.chatbot), or remove that Service",
					want, u.Namespace, u.Name)
			}
		}
	}

	var cpu, mem int64
	for _, n := range f.Nodes {
		cpu += n.CPUMilli
		mem += n.MemoryBytes
	}
	freeCPU, freeMem := cpu-f.SystemCPUMilli, mem-f.SystemMemoryBytes
	if freeCPU < f.Needs.MinCPUMilli || freeMem < f.Needs.MinMemoryBytes {
		return plan, fmt.Errorf("the cluster has %dm CPU and %d MiB free for todo-app (after the %dm/%d MiB other pods request); it needs %dm and %d MiB: "+
			"recreate it bigger (`minikube delete -p %s && make up`, after `make backup`) or lower the replicas and requests in Pulumi.dev.yaml",
			max(freeCPU, 0), max(freeMem, 0)/mib, f.SystemCPUMilli, f.SystemMemoryBytes/mib, f.Needs.MinCPUMilli, f.Needs.MinMemoryBytes/mib, f.ProfileName)
	}
	if freeCPU < f.Needs.MaxCPUMilli || freeMem < f.Needs.MaxMemoryBytes {
		plan.Warn = append(plan.Warn, fmt.Sprintf("the cluster fits todo-app at its minimum size but not the autoscaler's maximum (%dm CPU, %d MiB): under heavy load some backend pods will wait as Pending",
			f.Needs.MaxCPUMilli, f.Needs.MaxMemoryBytes/mib))
	}
	return plan, nil
}

// publishes says whether the profile publishes every node port on the
// host (minikube start --ports=…:PORT:PORT).
func publishes(p *Profile, ports []int) bool {
	if p == nil || len(ports) == 0 {
		return false
	}
	for _, want := range ports {
		found := slices.ContainsFunc(p.Config.ExposedPorts, func(spec string) bool {
			parts := strings.Split(spec, ":")
			return len(parts) >= 2 && parts[len(parts)-1] == fmt.Sprint(want) && parts[len(parts)-2] == fmt.Sprint(want)
		})
		if !found {
			return false
		}
	}
	return true
}

// isLoopback says whether a registry prefix names this machine's
// loopback (localhost:5000, 127.0.0.1:5000/team, [::1]:5000).
func isLoopback(registry string) bool {
	host := registryHost(registry)
	if h, _, ok := strings.Cut(host, ":"); ok && !strings.HasPrefix(host, "[") {
		host = h
	}
	return host == "localhost" || strings.HasPrefix(host, "127.") || strings.HasPrefix(host, "[::1]")
}

// registryHost is the host[:port] of a registry prefix.
func registryHost(registry string) string {
	host, _, _ := strings.Cut(strings.TrimSuffix(registry, "/"), "/")
	return host
}

func roundUp(v, to int) int { return (v + to - 1) / to * to }

// ImageURN is the Pulumi URN of an app's image resource in a stack.
func ImageURN(stackName, project, repo string) string {
	return fmt.Sprintf("urn:pulumi:%s::%s::docker:index/image:Image::%s", stackName, project, repo)
}

// StaleImages lists the image resources that `pulumi up` must build again
// because the images they recorded are gone from where the pods pull them
// (after `minikube delete`, a new node, a pruned registry): Pulumi's state
// still lists them and would not rebuild them by itself. images are the
// stack's `images` output (repository → reference); exists says whether a
// reference is present where the nodes pull it.
func StaleImages(stackName, project string, images map[string]string, exists func(ref string) bool) []string {
	var urns []string
	for _, repo := range slices.Sorted(maps.Keys(images)) {
		if !exists(images[repo]) {
			urns = append(urns, ImageURN(stackName, project, repo))
		}
	}
	return urns
}
