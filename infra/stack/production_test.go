package stack_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"

	"github.com/todo-app/todo-app/infra/stack"
)

// prodConfig is a production stack's configuration, as docs/production.md
// sets it.
func prodConfig() map[string]string {
	cfg := withExternalDB()
	d := func(c string) string { return "sha256:" + strings.Repeat(c, 64) }
	cfg["namespace"] = "todo"
	cfg["images"] = fmt.Sprintf(`{"build": false, "registry": "ghcr.io/acme", "digests": {"backend": %q, "web": %q, "chatbot": %q}}`, d("a"), d("b"), d("c"))
	cfg["production"] = `{"hosts": {"web": "todo.example.com", "chatbot": "chat.example.com"}, "gatewayClass": "eg",
		"tls": {"issuer": "letsencrypt"}, "serviceMonitor": true, "clusterIdentifier": "prod-eu-1"}`
	cfg["kubeconfig"] = "apiVersion: v1\nkind: Config\n# the cluster's credentials\n"
	return cfg
}

func TestProductionStack(t *testing.T) {
	t.Parallel()
	r, err := run(t, prodConfig(), "authSecret", "databaseUrl", "kubeconfig")
	require.NoError(t, err)
	assert.Equal(t, "https://todo.example.com", r.outputs["webUrl"])
	assert.Equal(t, "https://chat.example.com", r.outputs["chatbotUrl"])

	// One explicit provider, named by its cluster, used by every object.
	providers := r.find("pulumi:providers:kubernetes")
	require.Len(t, providers, 1)
	assert.Equal(t, "prod-eu-1", providers[0].Inputs["clusterIdentifier"].StringValue())
	assert.True(t, providers[0].Inputs["kubeconfig"].IsSecret(), "the kubeconfig stays a secret")
	for _, x := range r.m.resources {
		if strings.HasPrefix(x.Type, "kubernetes:") {
			assert.Contains(t, x.Provider, "pulumi:providers:kubernetes::cluster", "%s %s", x.Type, x.Name)
		}
	}

	ns := decode[corev1.Namespace](t, r.one(t, "kubernetes:core/v1:Namespace", "todo"))
	for _, mode := range []string{"enforce", "audit", "warn"} {
		assert.Equal(t, "restricted", ns.Labels["pod-security.kubernetes.io/"+mode])
	}
	for _, x := range r.find("kubernetes:core/v1:Service") {
		svc := decode[corev1.Service](t, x)
		assert.NotEqual(t, corev1.ServiceTypeNodePort, svc.Spec.Type, "no NodePorts in production: %s", x.Name)
	}

	// HTTPS in through a Gateway, a route per app, plain HTTP redirected.
	gw := plainInputs(r.one(t, "kubernetes:gateway.networking.k8s.io/v1:Gateway", stack.GatewayName))
	assert.Equal(t, "eg", gw["spec"].(map[string]any)["gatewayClassName"])
	listeners := gw["spec"].(map[string]any)["listeners"].([]any)
	require.Len(t, listeners, 3)
	hosts := map[string]string{}
	for _, l := range listeners {
		l := l.(map[string]any)
		if l["protocol"] == "HTTPS" {
			hosts[l["name"].(string)] = l["hostname"].(string)
			assert.Contains(t, fmt.Sprint(l["tls"]), "todo-app-tls")
		}
	}
	assert.Equal(t, map[string]string{"web-https": "todo.example.com", "chatbot-https": "chat.example.com"}, hosts)
	route := plainInputs(r.one(t, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", stack.WebName))
	assert.Contains(t, fmt.Sprint(route["spec"]), "backendRefs:[map[name:"+stack.WebName+" port:3000]]")
	redirect := plainInputs(r.one(t, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "todo-app-https-redirect"))
	assert.Contains(t, fmt.Sprint(redirect["spec"]), "scheme:https")
	cert := plainInputs(r.one(t, "kubernetes:cert-manager.io/v1:Certificate", "todo-app-tls"))
	assert.Equal(t, []any{"todo.example.com", "chat.example.com"}, cert["spec"].(map[string]any)["dnsNames"])
	assert.Equal(t, map[string]any{"name": "letsencrypt", "kind": "ClusterIssuer", "group": "cert-manager.io"}, cert["spec"].(map[string]any)["issuerRef"])

	// One sign-in for both hosts, Secure cookies behind the gateway.
	cm := decode[corev1.ConfigMap](t, r.one(t, "kubernetes:core/v1:ConfigMap", stack.ConfigMapName))
	assert.Equal(t, "example.com", cm.Data["COOKIE_DOMAIN"])
	assert.Equal(t, "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16", cm.Data["TRUSTED_PROXIES"])
	assert.Equal(t, "https://todo.example.com,https://chat.example.com", cm.Data["FRONTEND_URL"])

	// Three of each, spread over zones and nodes, one down at a time.
	for _, name := range []string{stack.BackendName, stack.WebName, stack.ChatbotName} {
		d := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", name))
		pod := d.Spec.Template.Spec
		if name == stack.BackendName {
			hpa := decode[autoscalingv2.HorizontalPodAutoscaler](t, r.one(t, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", name+"-hpa"))
			assert.EqualValues(t, 3, *hpa.Spec.MinReplicas)
			assert.Equal(t, stack.BackendPriorityClass("todo"), pod.PriorityClassName)
		} else {
			assert.EqualValues(t, 3, *d.Spec.Replicas, name)
			assert.Empty(t, pod.PriorityClassName)
			names := map[string]bool{}
			for _, e := range pod.Containers[0].Env {
				names[e.Name] = true
			}
			assert.True(t, names["COOKIE_DOMAIN"] && names["TRUSTED_PROXIES"], "%s reads the cookie domain and the proxies", name)
		}
		var keys []string
		for _, c := range pod.TopologySpreadConstraints {
			keys = append(keys, c.TopologyKey)
		}
		assert.Equal(t, []string{"topology.kubernetes.io/zone", "kubernetes.io/hostname"}, keys, name)
		require.Len(t, pod.Tolerations, 2)
		for _, tol := range pod.Tolerations {
			assert.EqualValues(t, 30, *tol.TolerationSeconds, name)
		}
		pdb := decode[policyv1.PodDisruptionBudget](t, r.one(t, "kubernetes:policy/v1:PodDisruptionBudget", name+"-pdb"))
		assert.Equal(t, 1, pdb.Spec.MaxUnavailable.IntValue(), name)
		assert.Nil(t, pdb.Spec.MinAvailable)
	}
	r.one(t, "kubernetes:scheduling.k8s.io/v1:PriorityClass", stack.BackendPriorityClass("todo"))
	assert.Len(t, r.find("kubernetes:monitoring.coreos.com/v1:ServiceMonitor"), 3)
	assert.Empty(t, r.find("kubernetes:apps/v1:StatefulSet"), "the database is outside the cluster")
}

// The explicit provider reads no kubernetes:* configuration, so the
// program must give it what Pulumi.yaml gives the minikube stack's default
// provider: without the mutable flags a new authSecret, model key or
// trustedProxies deletes the fixed-name Secret or ConfigMap before its
// replacement exists and replaces the Deployments that read it (make
// verify previews these changes on the real engine). The pods still roll,
// through the checksum of exactly the values each app reads.
func TestProductionUpdatesTheSecretAndConfigMapInPlace(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.yaml"))
	require.NoError(t, err)
	var project struct {
		Config map[string]any `json:"config"`
	}
	require.NoError(t, yaml.Unmarshal(b, &project))
	defaults := map[string]any{}
	for k, v := range project.Config {
		if name, ok := strings.CutPrefix(k, "kubernetes:"); ok {
			defaults[name] = v
		}
	}
	assert.Equal(t, map[string]any{"enableSecretMutable": true, "enableConfigMapMutable": true}, defaults,
		"Pulumi.yaml's settings of the default provider")

	secrets := []string{"authSecret", "databaseUrl", "kubeconfig", "openaiApiKey"}
	r, err := run(t, prodConfig(), secrets...)
	require.NoError(t, err)
	providers := r.find("pulumi:providers:kubernetes")
	require.Len(t, providers, 1)
	for name, v := range defaults {
		assert.Equal(t, v, providers[0].Inputs[resource.PropertyKey(name)].V, "the explicit provider's %s", name)
	}

	rolled := func(edit func(map[string]string)) []string {
		t.Helper()
		cfg := prodConfig()
		cfg["openaiApiKey"] = "sk-one"
		cfg["production"] = `{"hosts": {"web": "todo.example.com", "chatbot": "chat.example.com"}, "gatewayClass": "eg",
			"tls": {"issuer": "letsencrypt"}, "clusterIdentifier": "prod-eu-1", "trustedProxies": ["10.0.0.0/8"]}`
		before, err := run(t, cfg, secrets...)
		require.NoError(t, err)
		edit(cfg)
		after, err := run(t, cfg, secrets...)
		require.NoError(t, err)
		var names []string
		for _, name := range []string{stack.BackendName, stack.WebName, stack.ChatbotName} {
			checksum := func(r *result) string {
				return decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", name)).Spec.Template.Annotations[stack.ConfigChecksumAnnotation]
			}
			if checksum(before) != checksum(after) {
				names = append(names, name)
			}
		}
		return names
	}
	assert.Equal(t, []string{stack.BackendName, stack.WebName, stack.ChatbotName},
		rolled(func(c map[string]string) { c["authSecret"] = strings.Repeat("z", 40) }), "a new authSecret rolls every app")
	assert.Equal(t, []string{stack.ChatbotName},
		rolled(func(c map[string]string) { c["openaiApiKey"] = "sk-two" }), "a new model key rolls the chatbot")
	assert.Equal(t, []string{stack.WebName, stack.ChatbotName}, rolled(func(c map[string]string) {
		c["production"] = strings.Replace(c["production"], `["10.0.0.0/8"]`, `["10.0.0.0/8", "100.64.0.0/10"]`, 1)
	}), "new trustedProxies roll the frontends")
}

// The Ingress form, with a given certificate Secret.
func TestProductionIngress(t *testing.T) {
	t.Parallel()
	cfg := prodConfig()
	cfg["production"] = `{"hosts": {"web": "todo.example.com", "chatbot": "chat.example.com"}, "traffic": "ingress",
		"ingressClass": "nginx", "tls": {"secretName": "wildcard"}, "clusterIdentifier": "prod-eu-1"}`
	r, err := run(t, cfg, "authSecret", "databaseUrl", "kubeconfig")
	require.NoError(t, err)
	assert.Empty(t, r.find("kubernetes:gateway.networking.k8s.io/v1:Gateway"))
	assert.Empty(t, r.find("kubernetes:cert-manager.io/v1:Certificate"), "the given Secret, no Certificate")
	ing := decode[networkingv1.Ingress](t, r.one(t, "kubernetes:networking.k8s.io/v1:Ingress", stack.GatewayName))
	assert.Equal(t, "nginx", *ing.Spec.IngressClassName)
	assert.Equal(t, "wildcard", ing.Spec.TLS[0].SecretName)
	require.Len(t, ing.Spec.Rules, 2)
	assert.Equal(t, "chat.example.com", ing.Spec.Rules[1].Host)
	assert.Equal(t, stack.ChatbotName, ing.Spec.Rules[1].HTTP.Paths[0].Backend.Service.Name)
}

// The minikube stack has none of it and no new setting.
func TestDevStackHasNoProductionObjects(t *testing.T) {
	t.Parallel()
	r, err := run(t, defaults(), "authSecret")
	require.NoError(t, err)
	assert.Empty(t, r.find("pulumi:providers:kubernetes"), "the ambient provider, as before")
	for _, x := range r.m.resources {
		assert.Empty(t, x.Provider, "%s %s", x.Type, x.Name)
		assert.NotContains(t, x.Type, "gateway.networking.k8s.io")
		assert.NotContains(t, x.Type, "PriorityClass")
	}
	web := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", stack.WebName))
	assert.Empty(t, web.Spec.Template.Spec.TopologySpreadConstraints)
	assert.Empty(t, web.Spec.Template.Spec.Tolerations)
	pdb := decode[policyv1.PodDisruptionBudget](t, r.one(t, "kubernetes:policy/v1:PodDisruptionBudget", stack.WebName+"-pdb"))
	assert.Equal(t, 1, pdb.Spec.MinAvailable.IntValue())
}

func TestProductionConfigErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(map[string]string)
		want string
	}{
		{"no hosts", func(c map[string]string) { c["production"] = `{"gatewayClass": "eg", "tls": {"issuer": "x"}}` }, "hosts.web must be the app's public host name"},
		{"same host", func(c map[string]string) {
			c["production"] = `{"hosts": {"web": "a.example.com", "chatbot": "a.example.com"}, "gatewayClass": "eg", "tls": {"issuer": "x"}}`
		}, "hosts.web and hosts.chatbot must differ"},
		{"no shared domain", func(c map[string]string) {
			c["production"] = `{"hosts": {"web": "todo.example.com", "chatbot": "chat.example.org"}, "gatewayClass": "eg", "tls": {"issuer": "x"}}`
		}, "cookieDomain \"\" must be a domain both hosts are under"},
		{"no gateway class", func(c map[string]string) {
			c["production"] = `{"hosts": {"web": "todo.example.com", "chatbot": "chat.example.com"}, "tls": {"issuer": "x"}}`
		}, "gatewayClass is required"},
		{"two certificates", func(c map[string]string) {
			c["production"] = `{"hosts": {"web": "todo.example.com", "chatbot": "chat.example.com"}, "gatewayClass": "eg", "tls": {"issuer": "x", "secretName": "y"}}`
		}, "tls takes issuer (cert-manager) or secretName"},
		{"in-cluster database", func(c map[string]string) { delete(c, "databaseUrl") }, "todo-app:databaseUrl is required for a production stack"},
		{"two web pods", func(c map[string]string) { c["web"] = `{"replicas": 2}` }, "todo-app:web replicas must be at least 3"},
		{"autoscaler below three", func(c map[string]string) { c["hpa"] = `{"max": 2}` }, "todo-app:hpa max 2 is below the production minimum"},
		{"node ports", func(c map[string]string) { c["nodePorts"] = `{"web": 30000}` }, "todo-app:nodePorts has no use in a production stack"},
		{"default namespace", func(c map[string]string) { delete(c, "namespace") }, "todo-app:namespace must be set for a production stack"},
		{"trusting every address", func(c map[string]string) {
			c["production"] = `{"hosts": {"web": "todo.example.com", "chatbot": "chat.example.com"}, "gatewayClass": "eg",
				"tls": {"issuer": "x"}, "clusterIdentifier": "prod-eu-1", "trustedProxies": ["10.0.0.0/8", "::/0"]}`
		}, "todo-app:production trustedProxies must not trust every address (::/0)"},
		{"kubeconfig without identity", func(c map[string]string) {
			c["production"] = `{"hosts": {"web": "todo.example.com", "chatbot": "chat.example.com"}, "gatewayClass": "eg", "tls": {"issuer": "x"}}`
		}, "todo-app:kubeconfig needs production.clusterIdentifier"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := prodConfig()
			tc.edit(cfg)
			_, err := run(t, cfg, "authSecret", "databaseUrl", "kubeconfig")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// plainInputs are a resource's inputs as plain values.
func plainInputs(r registered) map[string]any {
	return plain(resource.NewObjectProperty(r.Inputs)).(map[string]any)
}

// prodCNPG is a production stack whose database is a CloudNativePG
// cluster the program declares.
func prodCNPG() map[string]string {
	cfg := prodConfig()
	delete(cfg, "databaseUrl")
	cfg["production"] = `{"hosts": {"web": "todo.example.com", "chatbot": "chat.example.com"}, "gatewayClass": "eg",
		"tls": {"issuer": "letsencrypt"}, "clusterIdentifier": "prod-eu-1",
		"database": {"operator": "cloudnative-pg", "storage": "20Gi",
			"backup": {"destinationPath": "s3://acme-backups/todo", "credentialsSecret": "todo-backup-s3", "retention": "14d"}}}`
	return cfg
}

func TestProductionCloudNativePG(t *testing.T) {
	t.Parallel()
	r, err := run(t, prodCNPG(), "authSecret", "kubeconfig")
	require.NoError(t, err)
	cluster := r.one(t, "kubernetes:postgresql.cnpg.io/v1:Cluster", stack.CNPGClusterName)
	assert.True(t, cluster.RetainOnDelete, "destroy keeps the database cluster")
	spec := plainInputs(cluster)["spec"].(map[string]any)
	assert.EqualValues(t, 3, spec["instances"])
	assert.Equal(t, map[string]any{"enablePodAntiAffinity": true, "podAntiAffinityType": "required", "topologyKey": "kubernetes.io/hostname"}, spec["affinity"])
	assert.Equal(t, map[string]any{"size": "20Gi"}, spec["storage"])
	backup := spec["backup"].(map[string]any)
	assert.Equal(t, "14d", backup["retentionPolicy"])
	assert.Equal(t, "s3://acme-backups/todo", backup["barmanObjectStore"].(map[string]any)["destinationPath"])
	assert.Contains(t, fmt.Sprint(backup), "todo-backup-s3")
	daily := r.one(t, "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup", stack.CNPGClusterName+"-daily")
	assert.True(t, daily.RetainOnDelete)
	assert.True(t, r.one(t, "kubernetes:core/v1:Namespace", "todo").RetainOnDelete, "deleting the namespace would delete the cluster in it")
	assert.Empty(t, r.find("kubernetes:apps/v1:StatefulSet"))

	// The backend reads the operator's Secret; no password passes through
	// the program or its state.
	backend := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", stack.BackendName))
	var dbURL *corev1.EnvVar
	for i, e := range backend.Spec.Template.Spec.Containers[0].Env {
		if e.Name == "DATABASE_URL" {
			dbURL = &backend.Spec.Template.Spec.Containers[0].Env[i]
		}
	}
	require.NotNil(t, dbURL)
	assert.Equal(t, &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: stack.CNPGAppSecret}, Key: "uri"}, dbURL.ValueFrom.SecretKeyRef)
	secret := decode[corev1.Secret](t, r.one(t, "kubernetes:core/v1:Secret", stack.SecretName))
	assert.Empty(t, secret.StringData["DATABASE_URL"])
	policy := decode[networkingv1.NetworkPolicy](t, r.one(t, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "backend-policy"))
	assert.Contains(t, fmt.Sprint(policy.Spec.Egress), "cnpg.io/cluster: "+stack.CNPGClusterName)

	assert.Equal(t, "cloudnative-pg", r.outputs["deployed"].(map[string]string)["database"])
	assert.NotEmpty(t, r.outputs["keptOnDestroy"])
}

func TestProductionCloudNativePGErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, database, want string }{
		{"two instances", `{"operator": "cloudnative-pg", "instances": 2, "backup": {"destinationPath": "s3://b/t", "credentialsSecret": "s"}}`, "database.instances must be at least 3"},
		{"no backups", `{"operator": "cloudnative-pg"}`, "database.backup.destinationPath is required"},
		{"no credentials", `{"operator": "cloudnative-pg", "backup": {"destinationPath": "s3://b/t"}}`, "database.backup needs credentialsSecret"},
		{"five-field cron", `{"operator": "cloudnative-pg", "backup": {"destinationPath": "s3://b/t", "credentialsSecret": "s", "schedule": "0 3 * * *"}}`, "six cron fields"},
		{"other operator", `{"operator": "zalando", "backup": {"destinationPath": "s3://b/t", "credentialsSecret": "s"}}`, `database.operator must be "cloudnative-pg"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := prodCNPG()
			cfg["production"] = `{"hosts": {"web": "todo.example.com", "chatbot": "chat.example.com"}, "gatewayClass": "eg",
				"tls": {"issuer": "letsencrypt"}, "clusterIdentifier": "prod-eu-1", "database": ` + tc.database + `}`
			_, err := run(t, cfg, "authSecret", "kubeconfig")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	cfg := prodCNPG()
	cfg["databaseUrl"] = "postgresql://neon:pw@ep-example.neon.tech/todo"
	_, err := run(t, cfg, "authSecret", "kubeconfig", "databaseUrl")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "are two databases")
}

// Leaving the CloudNativePG cluster for another database is refused with
// the procedure, until confirmed.
func TestLeavingTheCloudNativePGClusterIsRefused(t *testing.T) {
	t.Parallel()
	prev := map[string]any{"deployed": map[string]any{"namespace": "todo", "database": "cloudnative-pg"}}
	_, err := runFrom(t, prev, prodConfig(), "authSecret", "databaseUrl", "kubeconfig")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "leaving the CloudNativePG cluster")
	cfg := prodConfig()
	cfg["confirm"] = `{"leaveDatabase": "todo"}`
	_, err = runFrom(t, prev, cfg, "authSecret", "databaseUrl", "kubeconfig")
	require.NoError(t, err)
	_, err = runFrom(t, prev, prodCNPG(), "authSecret", "kubeconfig")
	require.NoError(t, err, "staying is no change")
}

// A registry that needs signing in: the images are pushed with the
// credentials, the nodes pull with them, and the password stays secret.
func TestRegistryCredentialsAndPlatform(t *testing.T) {
	t.Parallel()
	cfg := defaults()
	cfg["images"] = `{"registry": "ghcr.io/acme", "username": "bot", "platform": "linux/arm64"}`
	cfg["registryPassword"] = "ghp_token-token"
	r, err := run(t, cfg, "authSecret", "registryPassword")
	require.NoError(t, err)
	imgs := r.find("docker:index/image:Image")
	require.Len(t, imgs, 3)
	for _, img := range imgs {
		reg := img.Inputs["registry"].ObjectValue()
		assert.Equal(t, "ghcr.io", reg["server"].StringValue())
		assert.Equal(t, "bot", reg["username"].StringValue())
		assert.True(t, reg["password"].ContainsSecrets(), "the password stays a secret")
		assert.Equal(t, "linux/arm64", img.Inputs["build"].ObjectValue()["platform"].StringValue())
	}
	pull := r.one(t, "kubernetes:core/v1:Secret", stack.PullSecretName)
	assert.True(t, pull.Inputs["stringData"].ContainsSecrets())
	secret := decode[corev1.Secret](t, pull)
	assert.Equal(t, corev1.SecretTypeDockerConfigJson, secret.Type)
	assert.JSONEq(t, `{"auths": {"ghcr.io": {"username": "bot", "password": "ghp_token-token", "auth": "Ym90OmdocF90b2tlbi10b2tlbg=="}}}`, secret.StringData[".dockerconfigjson"])
	sa := decode[corev1.ServiceAccount](t, r.one(t, "kubernetes:core/v1:ServiceAccount", stack.SAName))
	assert.Equal(t, []corev1.LocalObjectReference{{Name: stack.PullSecretName}}, sa.ImagePullSecrets)

	for _, tc := range []struct{ images, want string }{
		{`{"registry": "ghcr.io/acme", "username": "bot", "platform": "arm64"}`, "platform must look like linux/amd64"},
		{`{"username": "bot"}`, "username signs in to images.registry, which is not set"},
	} {
		cfg["images"] = tc.images
		_, err := run(t, cfg, "authSecret", "registryPassword")
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
	}
	delete(cfg, "registryPassword")
	cfg["images"] = `{"registry": "ghcr.io/acme", "username": "bot"}`
	_, err = run(t, cfg, "authSecret")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "todo-app:registryPassword is not set")
}

// The example production stack in the repository is a valid one, with
// the secrets its comments tell the operator to set.
func TestTheExampleProductionStackIsValid(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.prod.yaml"))
	require.NoError(t, err)
	var file struct {
		Config map[string]any `json:"config"`
	}
	require.NoError(t, yaml.Unmarshal(b, &file))
	cfg := map[string]string{}
	for k, v := range file.Config {
		key, ok := strings.CutPrefix(k, "todo-app:")
		if !ok {
			continue
		}
		if s, isString := v.(string); isString {
			cfg[key] = s
			continue
		}
		j, err := json.Marshal(v)
		require.NoError(t, err)
		cfg[key] = string(j)
	}
	cfg["authSecret"] = authSecret
	cfg["kubeconfig"] = "apiVersion: v1\nkind: Config\n"
	r, err := run(t, cfg, "authSecret", "kubeconfig")
	require.NoError(t, err)
	assert.Equal(t, "https://todo.example.com", r.outputs["webUrl"])
	r.one(t, "kubernetes:postgresql.cnpg.io/v1:Cluster", stack.CNPGClusterName)
	r.one(t, "kubernetes:gateway.networking.k8s.io/v1:Gateway", stack.GatewayName)
}
