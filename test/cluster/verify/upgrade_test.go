package verify

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/pkg/gowork"
	"github.com/todo-app/todo-app/test/cluster/deploy"
	"github.com/todo-app/todo-app/test/cluster/kube"
)

// previousProgram is the commit whose infra program stacks run today: the
// last program released before the current one. Move it forward when a
// release lands, after this test has passed against it.
//
//go:embed testdata/previous-program
var previousProgram string

// runnerSource is main.go of a small runner built inside a checkout of the
// previous program: it deploys that program with that checkout's own
// test/cluster/deploy package. (If the pinned commit's deploy API differs,
// this file follows it.)
const runnerSource = `package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/todo-app/todo-app/test/cluster/deploy"
)

func main() {
	var cfg auto.ConfigMap
	if err := json.Unmarshal([]byte(os.Getenv("UPGRADE_CONFIG")), &cfg); err != nil {
		panic(err)
	}
	ctx := context.Background()
	s, err := deploy.NewStack(ctx, deploy.Options{Dir: os.Getenv("UPGRADE_DIR"), ToolsDir: os.Getenv("UPGRADE_TOOLS"), Stack: "upgrade", Config: cfg, SkipAwait: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := s.Up(ctx, optup.ProgressStreams(os.Stdout)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`

// TestUpgradeFromThePreviousProgram deploys the previous program (built
// from git), then previews and runs up with this one on the same stack:
// the plan may update, never replace or delete (resources moved under a
// new component keep their identity through aliases), and the database's
// StatefulSet and the namespace in the cluster are the same objects
// afterwards.
func TestUpgradeFromThePreviousProgram(t *testing.T) {
	tools := toolsDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	dir := t.TempDir()
	root, err := gowork.Root()
	require.NoError(t, err)
	commit := strings.TrimSpace(previousProgram)

	// The previous program, from git, with a runner beside it.
	checkout := filepath.Join(dir, "previous")
	if out, err := exec.CommandContext(ctx, "git", "-C", root, "worktree", "add", "--detach", checkout, commit).CombinedOutput(); err != nil {
		t.Fatalf("checking out the previous program %s (a full clone is needed, not a shallow one): %v\n%s", commit, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("git", "-C", root, "worktree", "remove", "--force", checkout).Run() })
	runnerDir := filepath.Join(checkout, "test", "cluster", "upgraderunner")
	require.NoError(t, os.MkdirAll(runnerDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(runnerDir, "main.go"), []byte(runnerSource), 0o644))
	runner := filepath.Join(dir, "previous-runner")
	build := exec.CommandContext(ctx, "go", "build", "-o", runner, "./test/cluster/upgraderunner")
	build.Dir = checkout
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the previous program %s:\n%s", commit, out)

	cp, err := kube.StartControlPlane(ctx, filepath.Join(dir, "cluster"), "127.0.0.1")
	require.NoError(t, err)
	t.Cleanup(cp.Stop)

	cfg := baseConfig()
	cfg["kubernetes:kubeconfig"] = auto.ConfigValue{Value: cp.Kubeconfig}
	state := filepath.Join(dir, "pulumi")
	cfgJSON, err := json.Marshal(cfg)
	require.NoError(t, err)
	run := exec.CommandContext(ctx, runner)
	run.Env = append(os.Environ(), "UPGRADE_CONFIG="+string(cfgJSON), "UPGRADE_DIR="+state, "UPGRADE_TOOLS="+tools)
	out, err = run.CombinedOutput()
	require.NoError(t, err, "pulumi up with the previous program %s:\n%s", commit, out)
	t.Logf("previous program %s deployed", commit[:12])
	sts, err := cp.Client.AppsV1().StatefulSets(namespace).Get(ctx, stack.PostgresName, metav1.GetOptions{})
	require.NoError(t, err)
	ns, err := cp.Client.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
	require.NoError(t, err)

	// This program on the same stack.
	s, err := deploy.NewStack(ctx, deploy.Options{Dir: state, ToolsDir: tools, Stack: "upgrade", Config: cfg, SkipAwait: true})
	require.NoError(t, err)
	steps, err := previewSteps(ctx, s)
	var ops []string
	for _, m := range steps {
		ops = append(ops, fmt.Sprintf("%s %s", m.Op, m.URN[strings.Index(m.URN, "::")+2:]))
	}
	require.NoError(t, err, "preview of the upgrade")
	t.Logf("the upgrade's plan:\n%s", strings.Join(ops, "\n"))
	// An upgrade adds and updates, never replaces or deletes — the
	// database least of all. A resource moved under a new component
	// without an alias would show here as a delete and a create.
	for _, op := range ops {
		verb, urn, _ := strings.Cut(op, " ")
		switch verb {
		case "same", "update", "create", "read", "refresh":
		default:
			assert.Fail(t, "the upgrade must not "+verb+" anything", urn)
		}
	}
	log := deploy.ProgressLog(t)
	_, err = s.Up(ctx, optup.ProgressStreams(log))
	require.NoError(t, err, "pulumi up with this program")
	after, err := cp.Client.AppsV1().StatefulSets(namespace).Get(ctx, stack.PostgresName, metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, sts.UID, after.UID, "the database's StatefulSet is the same object")
	nsAfter, err := cp.Client.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, ns.UID, nsAfter.UID, "the namespace is the same object")
	res, err := s.Up(ctx, optup.ProgressStreams(log))
	require.NoError(t, err)
	assert.Equal(t, []string{"same"}, keys(changes(res)), "after the upgrade, up changes nothing")
}
