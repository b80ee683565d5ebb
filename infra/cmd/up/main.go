// Command up is `make up`: it brings todo-app up on minikube with Pulumi,
// from nothing or from whatever state the cluster is in, and ends with two
// URLs it has opened itself. `up urls` prints them again; `up tunnel`
// forwards the node ports to 127.0.0.1 where the node cannot be reached;
// `up backup`, `up restore` and `up destroy` are make backup, make restore
// and make destroy (data.go).
//
// What to do is decided by package infra/minikube from what minikube,
// kubectl and docker print; this file only runs the programs, in order,
// and stops at the first step that fails with one line naming the fix.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/todo-app/todo-app/infra/minikube"
	"github.com/todo-app/todo-app/infra/stack"
)

const project = "todo-app"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	u := &upper{
		stack:   env("STACK", "dev"),
		profile: env("MINIKUBE_PROFILE", "minikube"),
	}
	places, err := userPlaces()
	if err == nil {
		u.places = places
		err = moveFromClone(".", places, say)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "\033[1;31mmake up: %v\033[0m\n", err)
		os.Exit(1)
	}
	switch arg := first(os.Args[1:]); arg {
	case "", "up":
		err = u.up(ctx)
	case "urls":
		if err = usePassphrase(u.places, false); err == nil {
			err = u.urls(ctx)
		}
	case "tunnel":
		if err = usePassphrase(u.places, false); err == nil {
			err = u.tunnel(ctx)
		}
	case "backup", "restore", "destroy", "rotate-db-password":
		if err = usePassphrase(u.places, false); err != nil {
			break
		}
		switch arg {
		case "backup":
			err = u.backup(ctx, os.Getenv("FILE"))
		case "restore":
			err = u.restore(ctx, os.Getenv("FILE"), os.Getenv("FROM"))
		case "rotate-db-password":
			err = u.rotatePassword(ctx)
		default:
			err = u.destroy(ctx)
		}
	default:
		err = fmt.Errorf("unknown command %q: use up, urls, tunnel, backup, restore, rotate-db-password or destroy", arg)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "\033[1;31mmake up: %v\033[0m\n", err)
		os.Exit(1)
	}
}

type upper struct {
	stack, profile string
	// places is where the stack passphrase and the backups are kept.
	places places
	// extraEnv is added to pulumi's environment (docker-env's DOCKER_HOST…).
	extraEnv []string
}

func say(format string, args ...any) { fmt.Printf("\033[1m==> "+format+"\033[0m\n", args...) }
func warn(format string, args ...any) {
	fmt.Printf("\033[1;33m==> "+format+"\033[0m\n", args...)
}

func (u *upper) up(ctx context.Context) error {
	if err := prerequisites(); err != nil {
		return err
	}
	host, engineEnv, err := hostFacts(ctx)
	if err != nil {
		return err
	}
	// Pulumi and minikube use the engine the docker CLI uses.
	u.extraEnv = engineEnv
	if err := u.pulumiSetup(ctx); err != nil {
		return err
	}
	values, err := u.configValues(ctx)
	if err != nil {
		return err
	}
	sizing, err := stack.SizingFromConfig(values)
	if err != nil {
		return err
	}
	var needs minikube.Needs
	needs.MinCPUMilli, needs.MinMemoryBytes, needs.MaxCPUMilli, needs.MaxMemoryBytes = sizing.Requests(values["databaseUrl"] != "")

	// The cluster.
	out, _ := output(ctx, nil, "minikube", "profile", "list", "-o", "json")
	profile, err := minikube.ParseProfiles(out, u.profile)
	if err != nil {
		return err
	}
	start, err := minikube.PlanStart(u.profile, profile, host, needs, envInt("MINIKUBE_CPUS"), envInt("MINIKUBE_MEMORY"))
	if err != nil {
		return err
	}
	say("%s", start.Say)
	if start.Args != nil {
		if err := stream(ctx, nil, "minikube", start.Args...); err != nil {
			return fmt.Errorf("step `minikube %s` failed (its message is above); `minikube logs -p %s` says more", strings.Join(start.Args, " "), u.profile)
		}
		if out, _ = output(ctx, nil, "minikube", "profile", "list", "-o", "json"); len(out) > 0 {
			if profile, err = minikube.ParseProfiles(out, u.profile); err != nil {
				return err
			}
		}
	}
	say("enabling metrics-server (the backend's autoscaler needs it)")
	if _, err := output(ctx, nil, "minikube", "addons", "enable", "metrics-server", "-p", u.profile); err != nil {
		return fmt.Errorf("step `minikube addons enable metrics-server` failed: %w", err)
	}

	facts := minikube.DeployFacts{ProfileName: u.profile, Profile: profile, Host: host, Needs: needs, Registry: registryOf(values)}
	namespace := values["namespace"]
	if namespace == "" {
		namespace = "default"
	}
	facts.NodePorts = nodePorts(values)
	facts.Ours = func(ns, name string) bool {
		return ns == namespace && (name == stack.WebName || name == stack.ChatbotName)
	}
	if out, err = u.kubectl(ctx, "get", "nodes", "-o", "json"); err != nil {
		return fmt.Errorf("step `kubectl get nodes` failed: is the cluster up? (`minikube status -p %s`): %w", u.profile, err)
	}
	if facts.Nodes, err = minikube.ParseNodes(out); err != nil {
		return err
	}
	if out, err = u.kubectl(ctx, "get", "pods", "-A", "-o", "json"); err != nil {
		return fmt.Errorf("step `kubectl get pods -A` failed: %w", err)
	}
	facts.SystemCPUMilli, facts.SystemMemoryBytes, err = minikube.ParsePodRequests(out, func(ns string, labels map[string]string) bool {
		return ns == namespace && labels["app.kubernetes.io/part-of"] == project
	})
	if err != nil {
		return err
	}
	if out, err = u.kubectl(ctx, "get", "services", "-A", "-o", "json"); err != nil {
		return fmt.Errorf("step `kubectl get services -A` failed: %w", err)
	}
	if facts.PortUsers, err = minikube.ParseNodePorts(out); err != nil {
		return err
	}
	plan, err := minikube.PlanDeploy(facts)
	if err != nil {
		return err
	}
	for _, s := range plan.Say {
		say("%s", s)
	}
	for _, w := range plan.Warn {
		warn("%s", w)
	}

	// The images' way to the nodes.
	exists := func(string) bool { return true }
	inEngine := func(ref string) bool {
		_, err := output(ctx, u.extraEnv, "docker", "image", "inspect", ref)
		return err == nil
	}
	var load []string
	switch plan.Images {
	case minikube.DockerEnv:
		denv, err := u.dockerEnv(ctx)
		if err != nil {
			return err
		}
		// Later keys win in a process's environment: the node's Docker.
		u.extraEnv = append(u.extraEnv, denv...)
		if err := u.setConfig(ctx, values, "images.registry", ""); err != nil {
			return err
		}
		exists = inEngine
	case minikube.Load:
		// A stack that pushed to the registry addon before (images.
		// registry = localhost:5000) moves to loading: the Deployments
		// roll once to the new names; nothing that holds data changes.
		if err := u.setConfig(ctx, values, "images.registry", ""); err != nil {
			return err
		}
		if load, err = localRefs(values); err != nil {
			return err
		}
		// minikube image load reads the images from this machine's engine:
		// one gone from it (a prune) is built again.
		exists = inEngine
	case minikube.Registry:
		if err := checkRegistry(ctx, plan.Registry); err != nil {
			return err
		}
		exists = func(ref string) bool { return manifestExists(ctx, ref) }
	}

	// Settings the apps bake into their URLs: set only when they change,
	// so that a second make up changes nothing and rolls nothing.
	if err := u.setConfig(ctx, values, "nodeAddress", plan.Address); err != nil {
		return err
	}
	_, hadAuthSecret := values["authSecret"]
	if !hadAuthSecret {
		say("generating authSecret")
		if _, err := u.pulumi(ctx, "config", "set", "--secret", "authSecret", randomHex(32)); err != nil {
			return fmt.Errorf("step `pulumi config set --secret authSecret` failed: %w", err)
		}
	}
	if _, ok := values["databasePassword"]; !ok {
		// The in-cluster database's password becomes a secret of its own. A
		// stack deployed before keeps the password derived from authSecret
		// (its PostgreSQL was initialised with it); a new one gets a random
		// one. Either way, rotating authSecret later leaves it alone.
		password := randomHex(24)
		if hadAuthSecret {
			out, err := u.pulumi(ctx, "config", "get", "authSecret")
			if err != nil {
				return fmt.Errorf("step `pulumi config get authSecret` failed (is %s the passphrase this stack was made with?): %w", u.places.passphrase(), err)
			}
			password = stack.DerivedDatabasePassword(strings.TrimSpace(string(out)))
			say("pinning the database password as its own secret (databasePassword), unchanged")
		}
		if _, err := u.pulumi(ctx, "config", "set", "--secret", "databasePassword", password); err != nil {
			return fmt.Errorf("step `pulumi config set --secret databasePassword` failed: %w", err)
		}
	}

	var replace []string
	if out, err := u.pulumi(ctx, "stack", "output", "images", "--json"); err == nil {
		var images map[string]string
		if json.Unmarshal(out, &images) == nil {
			for _, urn := range minikube.StaleImages(u.stack, project, images, exists) {
				say("image %s is gone from where the pods pull it (a new cluster?): building it again", urn[strings.LastIndex(urn, "::")+2:])
				replace = append(replace, "--replace", urn)
			}
		}
	}
	if plan.Images == minikube.Load {
		if err := u.buildAndLoad(ctx, load, replace, facts.Nodes); err != nil {
			return err
		}
		replace = nil
	}
	args := append([]string{"up", "--yes", "--skip-preview", "--refresh", "--stack", u.stack}, replace...)
	// --refresh reads the cluster first, so a deleted cluster or an object
	// removed by hand is seen as gone and created again.
	say("pulumi up --refresh")
	cmd := exec.CommandContext(ctx, "pulumi", args...)
	cmd.Env = append(os.Environ(), u.extraEnv...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return errors.New("step `pulumi up` failed (its message is above)")
	}
	if plan.Forward {
		say("the node cannot be reached from this %s machine: run `make tunnel` in another terminal (Ctrl-C stops it), then open the URLs below", host.OS)
		return u.printURLs(ctx, false)
	}
	return u.printURLs(ctx, true)
}

func (u *upper) urls(ctx context.Context) error { return u.printURLs(ctx, true) }

// printURLs prints the stack's two URLs, after opening each when check is
// set (the apps answer /health once a pod is ready behind the port).
func (u *upper) printURLs(ctx context.Context, check bool) error {
	var urls [2]string
	for i, key := range []string{"webUrl", "chatbotUrl"} {
		out, err := u.pulumi(ctx, "stack", "output", key)
		if err != nil {
			return fmt.Errorf("the stack has no %s yet: run make up", key)
		}
		urls[i] = strings.TrimSpace(string(out))
	}
	if check {
		for _, url := range urls {
			if err := waitHTTP(ctx, url+"/health", 90*time.Second); err != nil {
				return fmt.Errorf("%s does not answer (%v): `kubectl get pods` shows why; where the node cannot be reached, `make tunnel` forwards it", url, err)
			}
		}
	}
	fmt.Printf("\n  Web app:   %s\n  Assistant: %s\n\n", urls[0], urls[1])
	return nil
}

// tunnel forwards the two node ports to 127.0.0.1 until Ctrl-C, starting
// each forward again when it drops (a pod rolled).
func (u *upper) tunnel(ctx context.Context) error {
	values, err := u.configValues(ctx)
	if err != nil {
		return err
	}
	ns := values["namespace"]
	if ns == "" {
		ns = "default"
	}
	ports := nodePorts(values)
	say("forwarding 127.0.0.1:%d and 127.0.0.1:%d to the web app and the assistant (Ctrl-C stops)", ports[0], ports[1])
	for i, svc := range []string{stack.WebName, stack.ChatbotName} {
		go func() {
			for ctx.Err() == nil {
				cmd := exec.CommandContext(ctx, "kubectl", "--context", u.profile, "port-forward", "-n", ns, "--address", "127.0.0.1",
					"service/"+svc, fmt.Sprintf("%d:80", ports[i]))
				_ = cmd.Run()
				time.Sleep(time.Second)
			}
		}()
	}
	<-ctx.Done()
	return nil
}

func prerequisites() error {
	var missing []string
	for _, p := range []struct{ bin, why string }{
		{"minikube", "minikube (https://minikube.sigs.k8s.io/docs/start/)"},
		{"docker", "docker (Docker Desktop or Docker Engine: https://docs.docker.com/get-docker/)"},
		{"pulumi", "pulumi (https://www.pulumi.com/docs/install/)"},
		{"kubectl", "kubectl (https://kubernetes.io/docs/tasks/tools/, or `minikube kubectl` linked as kubectl)"},
		{"go", "go 1.26 or newer (https://go.dev/dl/)"},
	} {
		if _, err := exec.LookPath(p.bin); err != nil {
			missing = append(missing, p.why)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("install these first, they are not on your PATH: %s", strings.Join(missing, "; "))
	}
	return nil
}

// hostFacts asks Docker what it can give (its VM on macOS/Windows) and
// which engine it is (Docker Desktop, rootless, or Engine on this host).
func hostFacts(ctx context.Context) (h minikube.Host, engineEnv []string, err error) {
	h = minikube.Host{OS: runtime.GOOS}
	if h.OS == "linux" {
		if b, err := os.ReadFile("/proc/version"); err == nil && strings.Contains(strings.ToLower(string(b)), "microsoft") {
			h.OS = "wsl"
		}
	}
	out, err := output(ctx, nil, "docker", "info", "--format", "{{json .}}")
	if err != nil {
		return h, nil, errors.New("the Docker engine is not running: start Docker Desktop (or `sudo systemctl start docker` on Linux), then make up again")
	}
	if h.MemoryBytes, h.CPUs, err = minikube.ParseDockerInfo(out); err != nil {
		return h, nil, err
	}
	if h.Daemon, err = minikube.ParseDaemon(out); err != nil {
		return h, nil, err
	}
	out, err = output(ctx, nil, "docker", "context", "inspect")
	if err != nil {
		return h, nil, fmt.Errorf("step `docker context inspect` failed: %w", err)
	}
	endpoint, err := minikube.ParseDockerContext(out)
	if err != nil {
		return h, nil, err
	}
	h.Daemon.Remote = minikube.RemoteEndpoint(endpoint)
	return h, minikube.EngineEnv(os.Getenv("DOCKER_HOST") != "", endpoint), nil
}

func (u *upper) pulumiSetup(ctx context.Context) error {
	if _, err := output(ctx, nil, "pulumi", "whoami"); err != nil {
		say("logging Pulumi into a local state backend (~/.pulumi)")
		if err := stream(ctx, nil, "pulumi", "login", "--local"); err != nil {
			return errors.New("step `pulumi login --local` failed (its message is above)")
		}
	}
	if err := usePassphrase(u.places, true); err != nil {
		return err
	}
	if _, err := output(ctx, nil, "pulumi", "stack", "select", u.stack); err != nil {
		if _, err := output(ctx, nil, "pulumi", "stack", "init", u.stack); err != nil {
			return fmt.Errorf("step `pulumi stack init %s` failed: %w", u.stack, err)
		}
	}
	return nil
}

// usePassphrase points Pulumi at the passphrase the local backend
// encrypts this stack's secrets with (places.passphrase, outside the
// clone), creating it when create is set and it does not exist.
func usePassphrase(p places, create bool) error {
	if os.Getenv("PULUMI_CONFIG_PASSPHRASE") != "" || os.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE") != "" {
		return nil
	}
	path := p.passphrase()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if !create {
			return nil
		}
		if err := writeFile(path, []byte(randomHex(24))); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		say("created %s (keep it: it decrypts this stack's secrets)", path)
	}
	return os.Setenv("PULUMI_CONFIG_PASSPHRASE_FILE", path)
}

// configValues are the stack's settings without the project prefix;
// secrets are present as keys with their values hidden.
func (u *upper) configValues(ctx context.Context) (map[string]string, error) {
	out, err := u.pulumi(ctx, "config", "--json")
	if err != nil {
		return nil, fmt.Errorf("step `pulumi config` failed: %w", err)
	}
	var raw map[string]struct {
		Value  string `json:"value"`
		Secret bool   `json:"secret"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		return nil, fmt.Errorf("reading `pulumi config --json`: %w", err)
	}
	values := map[string]string{}
	for k, v := range raw {
		if name, ok := strings.CutPrefix(k, project+":"); ok {
			values[name] = v.Value
		}
	}
	return values, nil
}

// setConfig sets a (path) key only when its value changes; "" removes it.
func (u *upper) setConfig(ctx context.Context, values map[string]string, key, value string) error {
	current := values[key]
	if top, sub, ok := strings.Cut(key, "."); ok {
		var obj map[string]any
		_ = json.Unmarshal([]byte(values[top]), &obj)
		current, _ = obj[sub].(string)
	}
	if current == value {
		return nil
	}
	args := []string{"config", "set", "--path", key, value}
	if value == "" {
		args = []string{"config", "rm", "--path", key}
	}
	if _, err := u.pulumi(ctx, args...); err != nil {
		return fmt.Errorf("step `pulumi %s` failed: %w", strings.Join(args, " "), err)
	}
	return nil
}

// dockerEnv reads `minikube docker-env` instead of eval'ing it, so that a
// failure stops here with its message.
func (u *upper) dockerEnv(ctx context.Context) ([]string, error) {
	out, err := output(ctx, nil, "minikube", "docker-env", "-p", u.profile, "--shell", "bash")
	if err != nil {
		return nil, fmt.Errorf("step `minikube docker-env` failed (%v): set images.registry to use a registry instead", err)
	}
	var vars []string
	for _, line := range strings.Split(string(out), "\n") {
		if kv, ok := strings.CutPrefix(strings.TrimSpace(line), "export "); ok {
			k, v, _ := strings.Cut(kv, "=")
			vars = append(vars, k+"="+strings.Trim(v, `"`))
		}
	}
	if len(vars) == 0 {
		return nil, errors.New("step `minikube docker-env` printed no settings: set images.registry to use a registry instead")
	}
	return vars, nil
}

// buildAndLoad builds the images alone first (pulumi up --target on the
// image resources, which runs the whole program and so its refusals of
// data-losing changes too), copies them into every node with `minikube
// image load`, and checks each node has them: minikube reports success
// when a node failed to import. The Deployments come after, in the
// full pulumi up, and find their images in place.
func (u *upper) buildAndLoad(ctx context.Context, refs, replace []string, nodes []minikube.Node) error {
	args := []string{"up", "--yes", "--skip-preview", "--stack", u.stack}
	for _, svc := range stack.Services() {
		args = append(args, "--target", minikube.ImageURN(u.stack, project, svc.Repo))
	}
	args = append(args, replace...)
	say("building the images with this machine's Docker (pulumi up --target the images)")
	if err := stream(ctx, u.extraEnv, "pulumi", args...); err != nil {
		return errors.New("step `pulumi up --target` (the images) failed (its message is above)")
	}
	load := minikube.LoadArgs(u.profile, refs)
	say("copying them into the cluster's nodes: minikube %s", strings.Join(load, " "))
	if err := stream(ctx, u.extraEnv, "minikube", load...); err != nil {
		return fmt.Errorf("step `minikube %s` failed (its message is above)", strings.Join(load, " "))
	}
	for _, n := range nodes {
		out, err := output(ctx, nil, "minikube", minikube.NodeImagesArgs(u.profile, n.Name)...)
		if err != nil {
			return fmt.Errorf("step `minikube %s` failed: %w", strings.Join(minikube.NodeImagesArgs(u.profile, n.Name), " "), err)
		}
		have, err := minikube.ParseCrictlImages(out)
		if err != nil {
			return err
		}
		if missing := minikube.MissingImages(have, refs); len(missing) > 0 {
			return fmt.Errorf("node %s does not have %s after `minikube image load`: `minikube logs -p %s` says why (often a full disk: `minikube ssh -n %s -- df -h`)",
				n.Name, strings.Join(missing, ", "), u.profile, n.Name)
		}
	}
	return nil
}

// localRefs are the image references the pods will run when the images
// are loaded into the nodes: the stack's images settings without a
// registry (make up has just removed the addon's).
func localRefs(values map[string]string) ([]string, error) {
	im := stack.Images{Build: true}
	if v := values["images"]; v != "" {
		if err := json.Unmarshal([]byte(v), &im); err != nil {
			return nil, fmt.Errorf("reading the images setting: %w", err)
		}
	}
	im.Registry = ""
	root, err := os.Getwd() // infra/scripts/up.sh runs from the repository's root
	if err != nil {
		return nil, fmt.Errorf("finding the repository: %w", err)
	}
	byRepo, err := im.LocalRefs(root)
	if err != nil {
		return nil, err
	}
	refs := make([]string, 0, len(byRepo))
	for _, ref := range byRepo {
		refs = append(refs, ref)
	}
	return refs, nil
}

func (u *upper) kubectl(ctx context.Context, args ...string) ([]byte, error) {
	return output(ctx, nil, "kubectl", append([]string{"--context", u.profile}, args...)...)
}

func (u *upper) pulumi(ctx context.Context, args ...string) ([]byte, error) {
	return output(ctx, nil, "pulumi", append(args, "--stack", u.stack)...)
}

// output runs a program and returns its standard output; the error carries
// the first line of what it printed on standard error.
func output(ctx context.Context, extraEnv []string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), extraEnv...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		if msg == "" {
			msg = err.Error()
		}
		return out, errors.New(msg)
	}
	return out, nil
}

func stream(ctx context.Context, extraEnv []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), extraEnv...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// checkRegistry stops early, in one line, when an operator's registry
// cannot be reached or Docker is not logged in to it.
func checkRegistry(ctx context.Context, registry string) error {
	host, _, _ := strings.Cut(registry, "/")
	if err := registryReachable(ctx, host); err != nil {
		return fmt.Errorf("registry %s cannot be reached (%v): check images.registry and your network", host, err)
	}
	home, _ := os.UserHomeDir()
	b, _ := os.ReadFile(filepath.Join(home, ".docker", "config.json"))
	var cfg struct {
		Auths       map[string]any    `json:"auths"`
		CredHelpers map[string]string `json:"credHelpers"`
		CredsStore  string            `json:"credsStore"`
	}
	_ = json.Unmarshal(b, &cfg)
	_, auth := cfg.Auths[host]
	_, helper := cfg.CredHelpers[host]
	if !auth && !helper && !isLocal(host) {
		return fmt.Errorf("docker is not logged in to %s: run `docker login %s`, then make up again", host, host)
	}
	return nil
}

func isLocal(host string) bool {
	return strings.HasPrefix(host, "localhost") || strings.HasPrefix(host, "127.")
}

// registryReachable asks a registry's API root: 200 or 401 means it is
// there (401: it wants a login, which docker has or checkRegistry says).
func registryReachable(ctx context.Context, host string) error {
	scheme := "https"
	if isLocal(host) {
		scheme = "http"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+host+"/v2/", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusUnauthorized {
		return fmt.Errorf("GET /v2/ answered %s", resp.Status)
	}
	return nil
}

// manifestExists says whether repo@digest is in its registry.
func manifestExists(ctx context.Context, ref string) bool {
	name, digest, ok := strings.Cut(ref, "@")
	if !ok {
		return true // by tag: nothing to check cheaply
	}
	host, repo, _ := strings.Cut(name, "/")
	scheme := "https"
	if isLocal(host) {
		scheme = "http"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodHead, fmt.Sprintf("%s://%s/v2/%s/manifests/%s", scheme, host, repo, digest), nil)
	req.Header.Set("Accept", "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode != http.StatusNotFound
}

func waitHTTP(ctx context.Context, url string, within time.Duration) error {
	deadline := time.Now().Add(within)
	var last error
	for time.Now().Before(deadline) {
		rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		req, _ := http.NewRequestWithContext(rctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
			err = fmt.Errorf("answered %s", resp.Status)
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
	return last
}

func registryOf(values map[string]string) string {
	var images struct {
		Registry string `json:"registry"`
	}
	_ = json.Unmarshal([]byte(values["images"]), &images)
	if images.Registry == minikube.AddonRegistry {
		return "" // ours from an earlier run: decided afresh each time
	}
	return images.Registry
}

func nodePorts(values map[string]string) []int {
	ports := struct {
		Web     int `json:"web"`
		Chatbot int `json:"chatbot"`
	}{30000, 30001}
	_ = json.Unmarshal([]byte(values["nodePorts"]), &ports)
	return []int{ports.Web, ports.Chatbot}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envInt(key string) int {
	var n int
	fmt.Sscan(os.Getenv(key), &n)
	return n
}

func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}
