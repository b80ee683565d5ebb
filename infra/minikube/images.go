package minikube

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// DaemonKind is which Docker engine `make up` builds the images with,
// from `docker info`. It matters for one thing above all: whether the
// engine sees this machine's loopback. A push to localhost:5000 (the old
// registry-addon path, or an operator's local registry) is made by the
// engine, not by the docker CLI, so it only reaches a port forward on the
// host's 127.0.0.1 when the engine shares the host's network.
type DaemonKind string

const (
	// Engine is Docker Engine running as root on this Linux machine (also
	// inside WSL2): it shares the host's network, loopback included.
	Engine DaemonKind = "Docker Engine"
	// Desktop is Docker Desktop (macOS, Windows, and Linux too): the
	// engine runs in a VM of its own, whose localhost is the VM's.
	Desktop DaemonKind = "Docker Desktop"
	// Rootless is Docker Engine in rootless mode: RootlessKit gives the
	// engine a network namespace of its own, and its default port driver
	// disables the host's loopback there.
	Rootless DaemonKind = "rootless Docker"
)

// Daemon is what `docker info` says about the engine.
type Daemon struct {
	Kind DaemonKind
	// WSL: the engine's kernel is WSL2's (Docker Desktop's WSL2 backend,
	// or Docker Engine installed inside a WSL2 distribution).
	WSL bool
	// OperatingSystem is docker info's own words, for messages.
	OperatingSystem string
	// Remote: the Docker CLI's endpoint is another machine (ssh:// or
	// tcp:// to a non-loopback address), whose localhost is not ours.
	Remote bool
}

// ParseDockerContext reads `docker context inspect` (of the current
// context) and returns its Docker endpoint: unix:///var/run/docker.sock
// for the default context, Docker Desktop's or rootless Docker's own
// socket, npipe:// on Windows, ssh:// or tcp:// for a remote engine.
func ParseDockerContext(out []byte) (string, error) {
	var list []struct {
		Endpoints struct {
			Docker struct {
				Host string `json:"Host"`
			} `json:"docker"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		return "", fmt.Errorf("reading `docker context inspect`: %w", err)
	}
	if len(list) == 0 || list[0].Endpoints.Docker.Host == "" {
		return "", errors.New("`docker context inspect` named no Docker endpoint: `docker context use default` (or the context of your engine) and make up again")
	}
	return list[0].Endpoints.Docker.Host, nil
}

// EngineEnv is the environment that makes Pulumi's Docker provider and
// minikube use the engine the docker CLI uses. The CLI follows its
// current context (`docker context use rootless`, as minikube's rootless
// guide says, or Docker Desktop's desktop-linux); a program that only
// reads DOCKER_HOST would otherwise talk to /var/run/docker.sock, another
// engine or none, and build or look for the images there. minikube
// copies the context into DOCKER_HOST itself (cmd/minikube/main.go,
// propagateDockerContextToEnv); this does the same for Pulumi. An
// explicit DOCKER_HOST wins, as it does for the CLI.
func EngineEnv(dockerHostSet bool, endpoint string) []string {
	if dockerHostSet || endpoint == "" {
		return nil
	}
	return []string{"DOCKER_HOST=" + endpoint}
}

// RemoteEndpoint says whether a Docker endpoint is another machine.
func RemoteEndpoint(endpoint string) bool {
	scheme, rest, ok := strings.Cut(endpoint, "://")
	if !ok || (scheme != "tcp" && scheme != "ssh") {
		return false
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	host := rest
	if strings.HasPrefix(host, "[") {
		host, _, _ = strings.Cut(host[1:], "]")
	} else {
		host, _, _ = strings.Cut(host, ":")
	}
	host, _, _ = strings.Cut(host, "/")
	return host != "localhost" && !strings.HasPrefix(host, "127.") && host != "::1"
}

// ParseDaemon reads `docker info --format '{{json .}}'`. Docker Desktop
// names itself in OperatingSystem on every platform; rootless mode is a
// security option ("name=rootless"); WSL2's kernel carries
// "microsoft-standard-WSL2" in its version.
func ParseDaemon(out []byte) (Daemon, error) {
	var info struct {
		OperatingSystem string   `json:"OperatingSystem"`
		KernelVersion   string   `json:"KernelVersion"`
		SecurityOptions []string `json:"SecurityOptions"`
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return Daemon{}, fmt.Errorf("reading `docker info`: %w", err)
	}
	d := Daemon{Kind: Engine, OperatingSystem: info.OperatingSystem,
		WSL: strings.Contains(strings.ToLower(info.KernelVersion), "microsoft-standard-wsl2")}
	switch {
	case strings.HasPrefix(info.OperatingSystem, "Docker Desktop"):
		d.Kind = Desktop
	case slices.Contains(info.SecurityOptions, "name=rootless"):
		d.Kind = Rootless
	}
	return d, nil
}

// SharesHostLoopback says whether a push the engine makes to
// localhost:PORT reaches a listener on this machine's 127.0.0.1 (a
// `kubectl port-forward`): only for a rootful Docker Engine on the host.
func (d Daemon) SharesHostLoopback() bool { return d.Kind == Engine && !d.Remote }

// InVM says whether the engine's containers live in a VM of their own,
// so that a Docker-driver node's IP cannot be opened from this machine
// (Docker Desktop on Linux too, not only on macOS and Windows).
func (d Daemon) InVM() bool { return d.Kind == Desktop }

// LoadArgs are the arguments after `minikube` that copy the images from
// the Docker engine into the container runtime of every node of the
// profile. --daemon takes them from the engine only: without it minikube
// also tries a remote registry, and Docker Hub may hold an image of the
// same name that is not ours.
//
// What minikube does (v1.38, cmd/minikube/cmd/image.go → machine.
// CacheAndLoadImages): it saves each image from the engine through the
// Docker API (pkg/minikube/image/image.go, go-containerregistry's
// daemon.Image, i.e. `docker save`) into a tarball on this machine, copies
// it to /var/lib/minikube/images on each running node over the node's SSH
// (pkg/minikube/machine/cache_images.go, transferAndLoadImage), and
// imports it there: `sudo ctr -n=k8s.io images import <tarball>` on
// containerd (pkg/minikube/cruntime/containerd.go, LoadImage), `docker
// load` on the Docker runtime. No network path from the engine to the
// node is needed, which is why it works where the engine is in a VM.
func LoadArgs(profile string, refs []string) []string {
	return append([]string{"image", "load", "--daemon", "-p", profile}, slices.Sorted(slices.Values(refs))...)
}

// NodeImagesArgs are the arguments after `minikube` that list one node's
// images as its container runtime's CRI answers them (the names the
// kubelet looks up). node is the Kubernetes node's name, which minikube
// also accepts as a machine name ("minikube", "minikube-m02").
func NodeImagesArgs(profile, node string) []string {
	return []string{"ssh", "-p", profile, "-n", node, "--", "sudo", "crictl", "images", "-o", "json"}
}

// ParseCrictlImages reads `crictl images -o json` (the CRI's
// ListImagesResponse as protobuf JSON) and returns every name an image
// has: its tags and its digests.
func ParseCrictlImages(out []byte) ([]string, error) {
	var list struct {
		Images []struct {
			RepoTags    []string `json:"repoTags"`
			RepoDigests []string `json:"repoDigests"`
		} `json:"images"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		return nil, fmt.Errorf("reading `crictl images -o json`: %w", err)
	}
	var names []string
	for _, im := range list.Images {
		names = append(names, im.RepoTags...)
		names = append(names, im.RepoDigests...)
	}
	return names, nil
}

// MissingImages returns the references of want that are not among have,
// comparing them as the kubelet and containerd do: `todo-backend:c-1`
// is `docker.io/library/todo-backend:c-1` (ctr import names an image so,
// and the CRI resolves a pod's image so). `minikube image load` reports
// success even when a node failed to import (DoLoadImages logs it and
// returns nil), so make up checks each node with this.
func MissingImages(have, want []string) []string {
	present := map[string]bool{}
	for _, h := range have {
		present[NormalizeRef(h)] = true
	}
	var missing []string
	for _, w := range want {
		if !present[NormalizeRef(w)] {
			missing = append(missing, w)
		}
	}
	return missing
}

// NormalizeRef is Docker's normalisation of an image reference (the
// rules of github.com/distribution/reference's ParseNormalizedNamed): a
// name without a registry is on docker.io, a single-part name is under
// library/, and no tag or digest means :latest.
func NormalizeRef(ref string) string {
	name, rest := ref, ""
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		name, rest = ref[:i], ref[i:]
	} else if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		name, rest = ref[:i], ref[i:]
	}
	if rest == "" {
		rest = ":latest"
	}
	first, _, hasSlash := strings.Cut(name, "/")
	if !hasSlash || (!strings.ContainsAny(first, ".:") && first != "localhost") {
		if !hasSlash {
			name = "library/" + name
		}
		name = "docker.io/" + name
	}
	return name + rest
}
