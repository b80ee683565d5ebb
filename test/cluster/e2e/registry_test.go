package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/infra/localimages"
	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/test/cluster/kube"
)

// registryAddr is where both registries listen, each in its own network
// namespace: the image names the pods use (localhost:5000/…) are exactly
// those minikube's registry addon gives, where each node reaches the
// registry on its own localhost:5000 through the addon's registry-proxy.
const registryAddr = "127.0.0.1:5000"

// startRegistry runs the distribution registry twice over one storage
// folder: in the host's network namespace, where the Docker engine pushes,
// and in the node's, where containerd pulls (containerd speaks plain HTTP
// to localhost, as it does on minikube). The filesystem storage driver
// keeps no state in memory, so what one receives the other serves.
//
// Each of nodeNetns (the three-node cluster's nodes' namespaces) gets one
// more over the same storage, so every node pulls from its own localhost.
func startRegistry(t *testing.T, ctx context.Context, dir string, nodeNetns ...string) {
	t.Helper()
	bin, err := kube.Tool("registry")
	require.NoError(t, err)
	config := filepath.Join(dir, "registry.yml")
	require.NoError(t, os.WriteFile(config, fmt.Appendf(nil, `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: %s
http:
  addr: %s
`, filepath.Join(dir, "registry"), registryAddr), 0o644))
	// This process runs inside the node's namespace (TestMain); its parent
	// is the test binary in the host's.
	hostNetns := fmt.Sprintf("/proc/%d/ns/net", os.Getppid())
	host, err := kube.Start(dir, "registry-host", "nsenter", []string{"--net=" + hostNetns, "--", bin, "serve", config})
	require.NoError(t, err)
	node, err := kube.Start(dir, "registry-node", bin, []string{"serve", config})
	require.NoError(t, err)
	others := make([]*kube.Process, len(nodeNetns))
	for i, ns := range nodeNetns {
		others[i], err = kube.Start(dir, fmt.Sprintf("registry-node%d", i+1), "nsenter", []string{"--net=/var/run/netns/" + ns, "--", bin, "serve", config})
		require.NoError(t, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- registry (host side):\n%s\n--- registry (node side):\n%s", host.Tail(20), node.Tail(20))
		}
		host.Stop(5 * time.Second)
		node.Stop(5 * time.Second)
		for _, p := range others {
			p.Stop(5 * time.Second)
		}
	})
	require.NoError(t, node.WaitFor(ctx, "the registry", func(ctx context.Context) error {
		_, err := registryGet(ctx, http.MethodGet, "/v2/")
		return err
	}))
}

// pushApps tags each app's image for the registry, pushes it with docker
// push, and returns each app's digest as the registry reports it.
func pushApps(t *testing.T, ctx context.Context, tag string) map[string]string {
	t.Helper()
	digests := map[string]string{}
	for _, svc := range stack.Services() {
		app, repo := svc.App, svc.Repo
		ref := fmt.Sprintf("%s/%s:%s", registryAddr, repo, tag)
		_, err := localimages.Docker(ctx, nil, "tag", repo+":"+tag, ref)
		require.NoError(t, err)
		_, err = localimages.Docker(ctx, nil, "push", ref)
		require.NoError(t, err, "docker push %s", ref)
		res, err := registryGet(ctx, http.MethodHead, fmt.Sprintf("/v2/%s/manifests/%s", repo, tag))
		require.NoError(t, err)
		digests[app] = res.Header.Get("Docker-Content-Digest")
		require.Regexp(t, `^sha256:[0-9a-f]{64}$`, digests[app], "the registry's digest of %s", ref)
	}
	return digests
}

// registryGet asks the node-side registry.
func registryGet(ctx context.Context, method, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, "http://"+registryAddr+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", strings.Join([]string{
		"application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.manifest.v1+json",
		"application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.index.v1+json",
	}, ", "))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %s", method, path, res.Status)
	}
	return res, nil
}
