// Package verify runs the infra program with the real Pulumi engine and
// Kubernetes provider against a real kube-apiserver (no node): every
// object must be accepted by server-side validation, defaulting and
// admission; a second up must change nothing; a config change must touch
// only what it should; destroy must leave nothing. It also renders the
// manifests and lints them with kube-score and kube-linter.
//
// Run with `make verify` (it builds the tools first).
package verify

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/test/cluster/deploy"
	"github.com/todo-app/todo-app/test/cluster/kube"
)

const namespace = "todo"

func toolsDir(t *testing.T) string {
	dir, err := kube.ToolsDir()
	require.NoError(t, err)
	return dir
}

func baseConfig() auto.ConfigMap {
	return auto.ConfigMap{
		"todo-app:namespace":    {Value: namespace},
		"todo-app:nodeAddress":  {Value: "127.0.0.1"},
		"todo-app:authSecret":   {Value: strings.Repeat("ab", 32), Secret: true},
		"todo-app:images.build": {Value: "false"},
		"todo-app:images.tag":   {Value: "verify-1"},
	}
}

// object is a Kubernetes object the stack manages, read from its state.
type object struct {
	URN, APIVersion, Kind, Namespace, Name string
}

func managedObjects(t *testing.T, ctx context.Context, s auto.Stack) []object {
	t.Helper()
	state, err := s.Export(ctx)
	require.NoError(t, err)
	var dep struct {
		Resources []struct {
			URN     string         `json:"urn"`
			Type    string         `json:"type"`
			Custom  bool           `json:"custom"`
			Outputs map[string]any `json:"outputs"`
		} `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(state.Deployment, &dep))
	var objs []object
	for _, r := range dep.Resources {
		if !r.Custom || !strings.HasPrefix(r.Type, "kubernetes:") || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		md, _ := r.Outputs["metadata"].(map[string]any)
		o := object{URN: r.URN, Kind: str(r.Outputs["kind"]), APIVersion: str(r.Outputs["apiVersion"]), Name: str(md["name"]), Namespace: str(md["namespace"])}
		require.NotEmpty(t, o.Name, "no name in the state of %s", r.URN)
		objs = append(objs, o)
	}
	return objs
}

func str(v any) string { s, _ := v.(string); return s }

// resourceFor maps a kind to its API resource through discovery.
func resourceFor(t *testing.T, cp *kube.ControlPlane, o object) schema.GroupVersionResource {
	gv, err := schema.ParseGroupVersion(o.APIVersion)
	require.NoError(t, err)
	list, err := cp.Client.Discovery().ServerResourcesForGroupVersion(o.APIVersion)
	require.NoError(t, err, "the API server does not serve %s", o.APIVersion)
	for _, r := range list.APIResources {
		if r.Kind == o.Kind && !strings.Contains(r.Name, "/") {
			return gv.WithResource(r.Name)
		}
	}
	t.Fatalf("the API server has no resource for %s %s", o.APIVersion, o.Kind)
	return schema.GroupVersionResource{}
}

// changes counts the operations of an up. "read" is the program reading
// its own stack's last deployment (infra/stack/safety.go), every time; it
// changes nothing.
func changes(res auto.UpResult) map[string]int {
	out := map[string]int{}
	if res.Summary.ResourceChanges != nil {
		for k, v := range *res.Summary.ResourceChanges {
			if k != "read" {
				out[k] = v
			}
		}
	}
	return out
}

func TestPulumiUpAgainstARealAPIServer(t *testing.T) {
	tools := toolsDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	dir := t.TempDir()

	cp, restCfg, dyn := startAPIServer(t, ctx, dir)

	// The Prometheus Operator's PodMonitor CRD, from its Go module, so the
	// API server validates the PodMonitor the plan matrix asks for.
	crd, err := kube.ModuleFile(ctx, kube.PrometheusOperator, "example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml")
	require.NoError(t, err)
	require.NoError(t, kube.InstallCRD(ctx, restCfg, crd))

	cfg := baseConfig()
	cfg["kubernetes:kubeconfig"] = auto.ConfigValue{Value: cp.Kubeconfig}
	s, err := deploy.NewStack(ctx, deploy.Options{Dir: filepath.Join(dir, "pulumi"), ToolsDir: tools, Stack: "verify", Config: cfg, SkipAwait: true})
	require.NoError(t, err)

	log := deploy.ProgressLog(t)
	// 1. up creates every object and the API server accepts each one.
	res, objs, kinds, gvrs := upAndFind(t, ctx, cp, dyn, s, log)
	for _, o := range objs {
		if o.Kind != "Namespace" {
			assert.Equal(t, namespace, o.Namespace, "%s %s", o.Kind, o.Name)
		}
	}
	for kind, n := range map[string]int{"Namespace": 1, "Deployment": 3, "Service": 4, "StatefulSet": 1, "Secret": 1, "ConfigMap": 1,
		"ServiceAccount": 1, "Role": 1, "RoleBinding": 1, "HorizontalPodAutoscaler": 1, "PodDisruptionBudget": 3, "NetworkPolicy": 2} {
		assert.GreaterOrEqual(t, kinds[kind], n, "expected at least %d %s", n, kind)
	}
	assert.Equal(t, map[string]int{"create": changes(res)["create"]}, changes(res), "a first up only creates")

	// 2. A second up changes nothing.
	res, err = s.Up(ctx, optup.ProgressStreams(log))
	require.NoError(t, err, "second pulumi up")
	assert.Equal(t, []string{"same"}, keys(changes(res)), "a second up must change nothing: %v", changes(res))

	// Every setting changed in turn: what up would do (previews).
	t.Run("plan matrix", func(t *testing.T) { checkPlanMatrix(t, ctx, s) })

	// 3. A replica change updates exactly the web Deployment.
	require.NoError(t, s.SetConfigWithOptions(ctx, "todo-app:web.replicas", auto.ConfigValue{Value: "3"}, &auto.ConfigOptions{Path: true}))
	res, err = s.Up(ctx, optup.ProgressStreams(log))
	require.NoError(t, err, "pulumi up with web.replicas 3")
	assert.Equal(t, 1, changes(res)["update"], "one update: %v", changes(res))
	assert.Equal(t, []string{"same", "update"}, keys(changes(res)), "only updates: %v", changes(res))
	web, err := cp.Client.AppsV1().Deployments(namespace).Get(ctx, stack.WebName, metav1.GetOptions{})
	require.NoError(t, err)
	require.NotNil(t, web.Spec.Replicas)
	assert.EqualValues(t, 3, *web.Spec.Replicas)

	// 4. destroy leaves nothing behind. With awaits skipped, destroy
	// returns once each delete is accepted; the namespace controller then
	// finishes the namespace's deletion, so give it a minute.
	_, err = s.Destroy(ctx)
	require.NoError(t, err, "pulumi destroy")
	for _, o := range objs {
		gvr := gvrs[o]
		assert.Eventually(t, func() bool {
			_, err := dyn.Resource(gvr).Namespace(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
			return apierrors.IsNotFound(err)
		}, time.Minute, 250*time.Millisecond, "%s %s/%s is still there a minute after destroy", o.Kind, o.Namespace, o.Name)
	}
	pods, err := cp.Client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, pods.Items, "pods left after destroy")
	require.NoError(t, kube.Healthy(cp.Processes()))
}

// upAndFind runs the first up and finds each object of the stack's state
// in the cluster, of the kind the state says; it returns the up's result,
// the objects, their count by kind and their API resources.
func upAndFind(t *testing.T, ctx context.Context, cp *kube.ControlPlane, dyn dynamic.Interface, s auto.Stack, log io.Writer) (auto.UpResult, []object, map[string]int, map[object]schema.GroupVersionResource) {
	t.Helper()
	res, err := s.Up(ctx, optup.ProgressStreams(log), optup.ErrorProgressStreams(log))
	require.NoError(t, err, "pulumi up")
	require.NoError(t, kube.Healthy(cp.Processes()))
	objs := managedObjects(t, ctx, s)
	kinds := map[string]int{}
	gvrs := map[object]schema.GroupVersionResource{}
	for _, o := range objs {
		kinds[o.Kind]++
		gvrs[o] = resourceFor(t, cp, o)
		got, err := dyn.Resource(gvrs[o]).Namespace(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
		require.NoError(t, err, "%s %s/%s is in the state but not in the cluster", o.Kind, o.Namespace, o.Name)
		assert.Equal(t, o.Kind, got.GetKind())
	}
	t.Logf("created %d objects: %v", len(objs), kinds)
	return res, objs, kinds, gvrs
}

// startAPIServer starts etcd, kube-apiserver and the controller manager
// on loopback until the test ends, and returns clients of it.
func startAPIServer(t *testing.T, ctx context.Context, dir string) (*kube.ControlPlane, *rest.Config, dynamic.Interface) {
	t.Helper()
	cp, err := kube.StartControlPlane(ctx, filepath.Join(dir, "cluster"), "127.0.0.1")
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() {
			for _, p := range cp.Processes() {
				t.Logf("--- %s log (end):\n%s", p.Name, p.Tail(20))
			}
		}
		cp.Stop()
	})
	restCfg, err := clientcmd.BuildConfigFromFlags("", cp.Kubeconfig)
	require.NoError(t, err)
	dyn, err := dynamic.NewForConfig(restCfg)
	require.NoError(t, err)
	return cp, restCfg, dyn
}

func keys(m map[string]int) []string {
	var out []string
	for k, v := range m {
		if v > 0 {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
