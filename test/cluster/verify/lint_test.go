package verify

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/test/cluster/deploy"
	"github.com/todo-app/todo-app/test/cluster/kube"
)

// kubeScoreExceptions are kube-score's checks we deliberately do not meet;
// docs/decisions.md says why for each.
var kubeScoreExceptions = []string{
	// The images live in the node's image store (minikube's Docker, or an
	// import), with content-hash tags: Always would make the kubelet ask a
	// registry that does not have them.
	"container-image-pull-policy",
	// Two NodePorts are the product's entry points on minikube.
	"service-type",
}

// renderManifests runs the program with the provider's renderYamlToDirectory:
// the same objects `up` creates, as YAML files, with no cluster.
func renderManifests(t *testing.T, ctx context.Context) string {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "manifests")
	// The provider reads KUBECONFIG even when rendering; there must be none.
	t.Setenv("KUBECONFIG", "")
	os.Unsetenv("KUBECONFIG")
	cfg := baseConfig()
	cfg["kubernetes:renderYamlToDirectory"] = auto.ConfigValue{Value: out}
	s, err := deploy.NewStack(ctx, deploy.Options{Dir: filepath.Join(dir, "pulumi"), ToolsDir: toolsDir(t), Stack: "render", Config: cfg})
	require.NoError(t, err)
	log := deploy.ProgressLog(t)
	_, err = s.Up(ctx, optup.ProgressStreams(log), optup.ErrorProgressStreams(log))
	require.NoError(t, err, "pulumi up with renderYamlToDirectory")
	return out
}

func manifestFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return err
	}))
	require.NotEmpty(t, files, "renderYamlToDirectory wrote no manifests into %s", dir)
	return files
}

func TestRenderedManifestsPassKubeScoreAndKubeLinter(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir := renderManifests(t, ctx)
	files := manifestFiles(t, dir)
	deployments := 0
	for _, f := range files {
		if strings.Contains(filepath.Base(f), "-deployment-") {
			deployments++
		}
	}
	require.Equal(t, 3, deployments, "three Deployments rendered: %v", files)

	t.Run("kube-score", func(t *testing.T) {
		bin, err := kube.Tool("kube-score")
		require.NoError(t, err)
		args := []string{"score", "--output-format", "ci", "--exit-one-on-warning"}
		for _, e := range kubeScoreExceptions {
			args = append(args, "--ignore-test", e)
		}
		out, err := exec.CommandContext(ctx, bin, append(args, files...)...).CombinedOutput()
		var findings []string
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "[CRITICAL]") || strings.HasPrefix(line, "[WARNING]") {
				findings = append(findings, line)
			}
		}
		require.Empty(t, findings, "kube-score findings (fix them, or add a documented exception):\n%s", strings.Join(findings, "\n"))
		require.NoError(t, err, "kube-score:\n%s", out)
	})

	t.Run("kube-linter", func(t *testing.T) {
		bin, err := kube.Tool("kube-linter")
		require.NoError(t, err)
		out, err := exec.CommandContext(ctx, bin, "lint", "--config", "kube-linter.yaml", dir).CombinedOutput()
		require.NoError(t, err, "kube-linter findings (fix them, or add a documented exception to kube-linter.yaml):\n%s", out)
	})
}
