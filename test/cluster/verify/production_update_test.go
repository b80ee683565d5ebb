package verify

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/test/cluster/deploy"
	"github.com/todo-app/todo-app/test/cluster/kube"
)

// rotations are the routine changes of a production stack, each with the
// plan it must have: updates of the object that holds the value and of the
// Deployments that read it (their pod template's checksum), nothing else.
var rotations = []settingChange{
	{key: "authSecret", value: strings.Repeat("ef", 32), secret: true,
		want: []string{"update Deployment/todo-app-backend", "update Deployment/todo-app-frontend-chatbot", "update Deployment/todo-app-frontend-web", "update Secret/app-secrets"}},
	{key: "openaiApiKey", value: "sk-rotated", secret: true,
		want: []string{"update Deployment/todo-app-frontend-chatbot", "update Secret/app-secrets"}},
	{key: "production.trustedProxies[0]", value: "10.8.0.0/16",
		want: []string{"update ConfigMap/todo-app-config", "update Deployment/todo-app-frontend-chatbot", "update Deployment/todo-app-frontend-web"}},
}

// withoutMutableFlags declares the explicit provider as the program did
// before it set enableSecretMutable and enableConfigMapMutable.
func withoutMutableFlags(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
	if a.Type != "pulumi:providers:kubernetes" {
		return nil
	}
	delete(a.Props, "enableSecretMutable")
	delete(a.Props, "enableConfigMapMutable")
	return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
}

// destructive are the operations of a plan that would remove an object,
// even for a moment: a Secret deleted before its replacement exists keeps
// the pods that read it from starting.
func destructive(ops []string) []string {
	var out []string
	for _, op := range ops {
		if strings.HasPrefix(op, "replace") || strings.HasPrefix(op, "delete") || strings.HasPrefix(op, "create-replacement") {
			out = append(out, op)
		}
	}
	return out
}

// A production stack's routine rotations — a new authSecret, model key or
// trustedProxies — on the real engine and Kubernetes provider against the
// real API server: the explicit provider of a stack deployed before it had
// the mutable flags gains them by an update (nothing else changes); each
// rotation then plans updates only, of the Secret or ConfigMap and of the
// Deployments that read the value; and applied, the Secret, ConfigMap and
// Deployments are the same objects, with the new values and a new
// ReplicaSet per Deployment (the pods roll onto the new value).
func TestProductionRotationsUpdateInPlace(t *testing.T) {
	tools := toolsDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	dir := t.TempDir()
	cp, _ := startProductionAPIServer(t, ctx, dir)
	cfg := productionConfig(cp.Kubeconfig)
	state := filepath.Join(dir, "pulumi")
	log := deploy.ProgressLog(t)
	ns := productionNamespace

	// 1. The stack as the program before the flags deployed it. There a
	// rotation deletes and recreates the Secret: what this test exists to
	// catch, and proof that its previews see a replacement.
	start := time.Now()
	old, err := deploy.NewStack(ctx, deploy.Options{Dir: state, ToolsDir: tools, Stack: "prod", Config: cfg, SkipAwait: true,
		Transforms: []pulumi.ResourceTransform{withoutMutableFlags}})
	require.NoError(t, err)
	_, err = old.Up(ctx, optup.ProgressStreams(log), optup.ErrorProgressStreams(log))
	require.NoError(t, err, "pulumi up with the provider as before")
	t.Logf("up of the production shape: %s", time.Since(start).Round(time.Second))
	start = time.Now()
	oldPlan := previewChange(t, ctx, old, rotations[0])
	t.Logf("without the flags, a new authSecret plans (%s): %v", time.Since(start).Round(time.Second), oldPlan)
	assert.Contains(t, destructive(oldPlan), "replace Secret/app-secrets", "the provider without the flags replaces the Secret")

	// 2. This program on that stack: the provider gains the flags by an
	// update, which touches no object (a replaced provider would replace
	// every object it manages, the database cluster with them).
	s, err := deploy.NewStack(ctx, deploy.Options{Dir: state, ToolsDir: tools, Stack: "prod", Config: cfg, SkipAwait: true})
	require.NoError(t, err)
	steps, err := previewSteps(ctx, s)
	require.NoError(t, err, "preview of the upgrade")
	var upgrade []string
	for _, m := range steps {
		if m.Op == "read" {
			continue
		}
		upgrade = append(upgrade, fmt.Sprintf("%s %s::%s", m.Op, m.Type, m.URN[strings.LastIndex(m.URN, "::")+2:]))
		t.Logf("upgrade: %s %s, changed %v", m.Op, m.URN, m.Diffs)
	}
	assert.Equal(t, []string{"update pulumi:providers:kubernetes::cluster"}, upgrade, "the upgrade updates the provider and nothing else")
	res, err := s.Up(ctx, optup.ProgressStreams(log))
	require.NoError(t, err, "pulumi up with this program")
	assert.Equal(t, []string{"same", "update"}, keys(changes(res)), "the upgrade: %v", changes(res))

	// 3. Each rotation on its own: updates, nothing replaced or deleted.
	for _, c := range rotations {
		start := time.Now()
		got := previewChange(t, ctx, s, c)
		t.Logf("%s plans (%s): %v", c.key, time.Since(start).Round(time.Second), got)
		assert.Empty(t, destructive(got), "a new %s must not replace or delete anything", c.key)
		assert.Equal(t, c.want, got, "the plan of a new %s", c.key)
	}

	// 4. All three applied: the same objects with the new values, and the
	// Deployments' controller rolls each app onto a new ReplicaSet.
	secret, err := cp.Client.CoreV1().Secrets(ns).Get(ctx, stack.SecretName, metav1.GetOptions{})
	require.NoError(t, err)
	configMap, err := cp.Client.CoreV1().ConfigMaps(ns).Get(ctx, stack.ConfigMapName, metav1.GetOptions{})
	require.NoError(t, err)
	apps := []string{stack.BackendName, stack.WebName, stack.ChatbotName}
	deployments := map[string]metav1.Object{}
	checksums := map[string]string{}
	for _, name := range apps {
		d, err := cp.Client.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		require.NoError(t, err)
		deployments[name], checksums[name] = d, d.Spec.Template.Annotations[stack.ConfigChecksumAnnotation]
	}
	// previewChange put the production object back as its JSON text, which
	// a path below would overwrite: set it again by its paths first.
	require.NoError(t, s.RemoveConfig(ctx, "todo-app:production"))
	set := auto.ConfigMap{}
	for k, v := range cfg {
		if strings.HasPrefix(k, "todo-app:production.") {
			set[k] = v
		}
	}
	for _, c := range rotations {
		set["todo-app:"+c.key] = auto.ConfigValue{Value: c.value, Secret: c.secret}
	}
	require.NoError(t, s.SetAllConfigWithOptions(ctx, set, &auto.ConfigOptions{Path: true}))
	start = time.Now()
	res, err = s.Up(ctx, optup.ProgressStreams(log))
	require.NoError(t, err, "pulumi up with the three rotations")
	t.Logf("up of the three rotations: %s", time.Since(start).Round(time.Second))
	assert.Equal(t, map[string]int{"same": changes(res)["same"], "update": 5}, changes(res), "the Secret, the ConfigMap and three Deployments updated")

	after, err := cp.Client.CoreV1().Secrets(ns).Get(ctx, stack.SecretName, metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, secret.UID, after.UID, "the Secret is the same object")
	assert.Equal(t, rotations[0].value, string(after.Data["BETTER_AUTH_SECRET"]))
	assert.Equal(t, rotations[1].value, string(after.Data["OPENAI_API_KEY"]))
	cmAfter, err := cp.Client.CoreV1().ConfigMaps(ns).Get(ctx, stack.ConfigMapName, metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, configMap.UID, cmAfter.UID, "the ConfigMap is the same object")
	assert.Equal(t, rotations[2].value, cmAfter.Data["TRUSTED_PROXIES"])
	for _, name := range apps {
		d, err := cp.Client.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		require.NoError(t, err)
		assert.Equal(t, deployments[name].GetUID(), d.UID, "%s is the same Deployment", name)
		sum := d.Spec.Template.Annotations[stack.ConfigChecksumAnnotation]
		assert.NotEqual(t, checksums[name], sum, "%s's pod template changes, so its pods roll", name)
		assert.Eventually(t, func() bool {
			sets, err := cp.Client.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				return false
			}
			return slices.ContainsFunc(sets.Items, func(rs appsv1.ReplicaSet) bool {
				return metav1.IsControlledBy(&rs, d) && rs.Spec.Template.Annotations[stack.ConfigChecksumAnnotation] == sum
			})
		}, time.Minute, 250*time.Millisecond, "%s rolls onto a ReplicaSet of the new pod template", name)
	}
	require.NoError(t, kube.Healthy(cp.Processes()))
}
