package verify

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"

	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/test/cluster/deploy"
	"github.com/todo-app/todo-app/test/cluster/kube"
)

// productionCRDs are the upstream CRDs the production stack's objects
// need, each from its project's Go module.
var productionCRDs = []struct{ module, file string }{
	{kube.GatewayAPI, "config/crd/standard/gateway.networking.k8s.io_gateways.yaml"},
	{kube.GatewayAPI, "config/crd/standard/gateway.networking.k8s.io_httproutes.yaml"},
	{kube.CertManager, "deploy/crds/cert-manager.io_certificates.yaml"},
	{kube.CloudNativePG, "config/crd/bases/postgresql.cnpg.io_clusters.yaml"},
	{kube.CloudNativePG, "config/crd/bases/postgresql.cnpg.io_scheduledbackups.yaml"},
	{kube.PrometheusOperator, "example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml"},
}

// The production shape (Gateway API, cert-manager, CloudNativePG,
// ServiceMonitors, an explicit provider) against the real API server with
// the real CRDs: every object is accepted, the pods are admitted in the
// restricted namespace, a second up is empty, and destroy completes and
// keeps the database.
func TestProductionStackAgainstARealAPIServer(t *testing.T) {
	tools := toolsDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	dir := t.TempDir()
	cp, dyn := startProductionAPIServer(t, ctx, dir)
	const ns = productionNamespace
	cfg := productionConfig(cp.Kubeconfig)
	s, err := deploy.NewStack(ctx, deploy.Options{Dir: filepath.Join(dir, "pulumi"), ToolsDir: tools, Stack: "prod", Config: cfg, SkipAwait: true})
	require.NoError(t, err)
	log := deploy.ProgressLog(t)

	res, objs, kinds, gvrs := upAndFind(t, ctx, cp, dyn, s, log)
	for kind, n := range map[string]int{"Gateway": 1, "HTTPRoute": 3, "Certificate": 1, "Cluster": 1, "ScheduledBackup": 1,
		"ServiceMonitor": 3, "PriorityClass": 1, "Deployment": 3, "PodDisruptionBudget": 3} {
		assert.Equal(t, n, kinds[kind], "%s objects", kind)
	}
	assert.Zero(t, kinds["StatefulSet"], "no in-cluster StatefulSet database")
	assert.Equal(t, map[string]int{"create": changes(res)["create"]}, changes(res), "a first up only creates")

	// The restricted Pod Security Standard admits every pod of ours: the
	// controller manager creates them (they stay pending: no node).
	for _, name := range []string{stack.BackendName, stack.WebName, stack.ChatbotName} {
		assert.Eventually(t, func() bool {
			pods, err := cp.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=" + name})
			return err == nil && len(pods.Items) >= stack.ProductionMinReplicas
		}, time.Minute, 500*time.Millisecond, "%s's pods are admitted in the restricted namespace", name)
	}
	nsObj, err := cp.Client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "restricted", nsObj.Labels["pod-security.kubernetes.io/enforce"])

	res, err = s.Up(ctx, optup.ProgressStreams(log))
	require.NoError(t, err, "second pulumi up")
	assert.Equal(t, []string{"same"}, keys(changes(res)), "a second up must change nothing: %v", changes(res))

	// destroy completes; the database cluster, its backup schedule and
	// the namespace they are in stay; everything else goes.
	out, err := s.Outputs(ctx)
	require.NoError(t, err)
	t.Logf("keptOnDestroy: %v", out["keptOnDestroy"].Value)
	_, err = s.Destroy(ctx, optdestroy.ProgressStreams(log))
	require.NoError(t, err, "pulumi destroy")
	kept := map[string]bool{"Namespace/" + ns: true, "Cluster/" + stack.CNPGClusterName: true, "ScheduledBackup/" + stack.CNPGClusterName + "-daily": true}
	for _, o := range objs {
		gvr := gvrs[o]
		key := fmt.Sprintf("%s/%s", o.Kind, o.Name)
		if kept[key] {
			_, err := dyn.Resource(gvr).Namespace(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
			assert.NoError(t, err, "%s is kept by destroy", key)
			continue
		}
		assert.Eventually(t, func() bool {
			_, err := dyn.Resource(gvr).Namespace(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
			return apierrors.IsNotFound(err)
		}, time.Minute, 250*time.Millisecond, "%s is still there a minute after destroy", key)
	}
	require.NoError(t, kube.Healthy(cp.Processes()))
}

// productionNamespace is the namespace of the production-shape stacks.
const productionNamespace = "todo-prod"

// startProductionAPIServer starts the API server with the CRDs of the
// production shape installed.
func startProductionAPIServer(t *testing.T, ctx context.Context, dir string) (*kube.ControlPlane, dynamic.Interface) {
	t.Helper()
	cp, restCfg, dyn := startAPIServer(t, ctx, dir)
	for _, c := range productionCRDs {
		file, err := kube.ModuleFile(ctx, c.module, c.file)
		require.NoError(t, err)
		require.NoError(t, kube.InstallCRD(ctx, restCfg, file), "%s %s", c.module, c.file)
	}
	return cp, dyn
}

// productionConfig is a production stack on the cluster of kubeconfig:
// the CloudNativePG database, the Gateway with a cert-manager
// certificate, ServiceMonitors and the explicit provider.
func productionConfig(kubeconfig string) auto.ConfigMap {
	digest := func(c string) string { return "sha256:" + strings.Repeat(c, 64) }
	return auto.ConfigMap{
		"todo-app:namespace":  {Value: productionNamespace},
		"todo-app:authSecret": {Value: strings.Repeat("ab", 32), Secret: true},
		// The provider the program declares reads it; nothing else does.
		"todo-app:kubeconfig":                                   {Value: kubeconfig, Secret: true},
		"todo-app:images.build":                                 {Value: "false"},
		"todo-app:images.registry":                              {Value: "registry.example.com/acme"},
		"todo-app:images.digests.backend":                       {Value: digest("a")},
		"todo-app:images.digests.web":                           {Value: digest("b")},
		"todo-app:images.digests.chatbot":                       {Value: digest("c")},
		"todo-app:production.hosts.web":                         {Value: "todo.example.com"},
		"todo-app:production.hosts.chatbot":                     {Value: "chat.example.com"},
		"todo-app:production.gatewayClass":                      {Value: "eg"},
		"todo-app:production.tls.issuer":                        {Value: "letsencrypt"},
		"todo-app:production.serviceMonitor":                    {Value: "true"},
		"todo-app:production.clusterIdentifier":                 {Value: "verify-cluster"},
		"todo-app:production.database.operator":                 {Value: stack.CNPGOperator},
		"todo-app:production.database.backup.destinationPath":   {Value: "s3://acme-backups/todo"},
		"todo-app:production.database.backup.credentialsSecret": {Value: "todo-backup-s3"},
	}
}
