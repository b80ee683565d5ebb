package stack_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/pkg/gowork"
)

const authSecret = "0123456789abcdef0123456789abcdef-secret"

// registered is one resource the program declared, as the mock saw it.
type registered struct {
	Type   string
	Name   string
	Inputs resource.PropertyMap
	Parent string
	// RetainOnDelete: the object stays in the cluster when the stack
	// stops declaring it.
	RetainOnDelete bool
	// Provider is the explicit provider's reference ("" : the default).
	Provider string
}

// mocks records every resource and returns its inputs as its state.
type mocks struct {
	mu        sync.Mutex
	resources []registered
	// previous is the stack's outputs from its last deployment, what the
	// program's reference to its own stack reads (nil: a first deployment).
	previous map[string]any
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	retain := args.RegisterRPC != nil && args.RegisterRPC.GetRetainOnDelete()
	m.resources = append(m.resources, registered{Type: args.TypeToken, Name: args.Name, Inputs: args.Inputs, RetainOnDelete: retain, Provider: args.Provider})
	state := args.Inputs.Copy()
	if args.TypeToken == "pulumi:pulumi:StackReference" {
		state["outputs"] = resource.NewObjectProperty(resource.NewPropertyMapFromMap(m.previous))
		state["secretOutputNames"] = resource.NewArrayProperty(nil)
	}
	if args.TypeToken == "docker:index/image:Image" && !args.Inputs["skipPush"].BoolValue() {
		// What a registry answers for a push: the repository and a digest.
		name := args.Inputs["imageName"].StringValue()
		repo := name[:strings.LastIndex(name, ":")]
		state["repoDigest"] = resource.NewStringProperty(fmt.Sprintf("%s@sha256:%x", repo, sha256.Sum256([]byte(name))))
	}
	return args.Name + "-id", state, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) { return args.Args, nil }

// result is a finished mock run.
type result struct {
	m       *mocks
	outputs map[string]any
}

// run executes the program with config (keys without the project prefix);
// secretKeys are marked secret as `pulumi config set --secret` would.
func run(t *testing.T, config map[string]string, secretKeys ...string) (*result, error) {
	t.Helper()
	return runFrom(t, nil, config, secretKeys...)
}

// runFrom is run on a stack whose last deployment exported previous.
func runFrom(t *testing.T, previous map[string]any, config map[string]string, secretKeys ...string) (*result, error) {
	t.Helper()
	return runWith(t, stack.Options{ContentTags: tags.get}, previous, config, secretKeys...)
}

// tagMemo computes the images' content tags once for the test binary:
// the tree does not change while it runs, and a go list per run was 27 of
// the package's 28 s. TestDeployTagsEachImageByItsContent runs the real
// path.
type tagMemo struct {
	once sync.Once
	tags map[string]string
	err  error
}

var tags tagMemo

func (m *tagMemo) get(root string, apps ...string) (map[string]string, error) {
	m.once.Do(func() { m.tags, m.err = stack.ContentTags(root, "backend", "web", "chatbot") })
	out := map[string]string{}
	for _, app := range apps {
		out[app] = m.tags[app]
	}
	return out, m.err
}

// runWith is runFrom with the program's options.
func runWith(t *testing.T, opts stack.Options, previous map[string]any, config map[string]string, secretKeys ...string) (*result, error) {
	t.Helper()
	m := &mocks{previous: previous}
	res := &result{m: m, outputs: map[string]any{}}
	var mu sync.Mutex
	// RunErr can return before the applies below have run: wait for them.
	var pending sync.WaitGroup
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		out, err := stack.DeployWith(ctx, opts)
		if err != nil {
			return err
		}
		collect := func(name string, o pulumi.Output) {
			pending.Add(1)
			o.ApplyT(func(v any) any {
				defer pending.Done()
				mu.Lock()
				res.outputs[name] = v
				mu.Unlock()
				return nil
			})
		}
		collect("webUrl", out.WebURL)
		collect("chatbotUrl", out.ChatbotURL)
		collect("namespace", out.Namespace)
		collect("images", out.Images)
		collect("deployed", out.Deployed)
		collect("keptOnDestroy", out.KeptOnDestroy)
		return nil
	}, pulumi.WithMocks("todo-app", "dev", m), withConfig(config, secretKeys...))
	if err == nil {
		pending.Wait()
	}
	// The applies and the mock wrote under these locks on other
	// goroutines: taking them orders those writes before the test's reads.
	mu.Lock()
	defer mu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	return res, err
}

func defaults() map[string]string { return map[string]string{"authSecret": authSecret} }

// find returns the resources of a type token.
func (r *result) find(typ string) []registered {
	var out []registered
	for _, x := range r.m.resources {
		if x.Type == typ {
			out = append(out, x)
		}
	}
	return out
}

func (r *result) one(t *testing.T, typ, name string) registered {
	t.Helper()
	for _, x := range r.find(typ) {
		if x.Name == name {
			return x
		}
	}
	t.Fatalf("no %s named %s; have %v", typ, name, r.names())
	return registered{}
}

func (r *result) names() []string {
	var out []string
	for _, x := range r.m.resources {
		out = append(out, x.Type+"/"+x.Name)
	}
	return out
}

// plain turns inputs into JSON-able values, unwrapping secrets.
func plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsOutput():
		return plain(v.OutputValue().Element)
	case v.IsObject():
		m := map[string]any{}
		for k, e := range v.ObjectValue() {
			if e.IsNull() {
				continue
			}
			m[string(k)] = plain(e)
		}
		return m
	case v.IsArray():
		var a []any
		for _, e := range v.ArrayValue() {
			a = append(a, plain(e))
		}
		return a
	case v.IsNumber():
		f := v.NumberValue()
		if f == float64(int64(f)) {
			return int64(f)
		}
		return f
	}
	return v.V
}

// decode turns the inputs into JSON and decodes them strictly into a
// k8s.io/api type: a misspelled field is an error.
func decode[T any](t *testing.T, r registered) *T {
	t.Helper()
	b, err := json.Marshal(plain(resource.NewObjectProperty(r.Inputs)))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var out T
	require.NoError(t, dec.Decode(&out), "%s %s: %s", r.Type, r.Name, b)
	return &out
}

var kinds = map[string]reflect.Type{
	"kubernetes:apps/v1:Deployment":                       reflect.TypeOf(appsv1.Deployment{}),
	"kubernetes:apps/v1:StatefulSet":                      reflect.TypeOf(appsv1.StatefulSet{}),
	"kubernetes:core/v1:Service":                          reflect.TypeOf(corev1.Service{}),
	"kubernetes:core/v1:Secret":                           reflect.TypeOf(corev1.Secret{}),
	"kubernetes:core/v1:ConfigMap":                        reflect.TypeOf(corev1.ConfigMap{}),
	"kubernetes:core/v1:ServiceAccount":                   reflect.TypeOf(corev1.ServiceAccount{}),
	"kubernetes:core/v1:Namespace":                        reflect.TypeOf(corev1.Namespace{}),
	"kubernetes:rbac.authorization.k8s.io/v1:Role":        reflect.TypeOf(rbacv1.Role{}),
	"kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": reflect.TypeOf(rbacv1.RoleBinding{}),
	"kubernetes:autoscaling/v2:HorizontalPodAutoscaler":   reflect.TypeOf(autoscalingv2.HorizontalPodAutoscaler{}),
	"kubernetes:policy/v1:PodDisruptionBudget":            reflect.TypeOf(policyv1.PodDisruptionBudget{}),
	"kubernetes:networking.k8s.io/v1:NetworkPolicy":       reflect.TypeOf(networkingv1.NetworkPolicy{}),
	"kubernetes:core/v1:PersistentVolumeClaim":            reflect.TypeOf(corev1.PersistentVolumeClaim{}),
	"kubernetes:core/v1:PersistentVolumeClaimPatch":       reflect.TypeOf(corev1.PersistentVolumeClaim{}),
	"kubernetes:batch/v1:CronJob":                         reflect.TypeOf(batchv1.CronJob{}),
}

func TestEveryKubernetesObjectDecodesStrictly(t *testing.T) {
	t.Parallel()
	for _, cfg := range []map[string]string{defaults(), withExternalDB()} {
		r, err := run(t, cfg, "authSecret", "databaseUrl")
		require.NoError(t, err)
		n := 0
		for _, x := range r.m.resources {
			if !strings.HasPrefix(x.Type, "kubernetes:") {
				continue
			}
			typ, ok := kinds[x.Type]
			require.True(t, ok, "unexpected kind %s", x.Type)
			b, err := json.Marshal(plain(resource.NewObjectProperty(x.Inputs)))
			require.NoError(t, err)
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			obj := reflect.New(typ).Interface()
			require.NoError(t, dec.Decode(obj), "%s %s: %s", x.Type, x.Name, b)
			n++
		}
		assert.Greater(t, n, 15)
	}
}

func withExternalDB() map[string]string {
	c := defaults()
	c["databaseUrl"] = "postgresql://neon:pw@ep-example.neon.tech/todo?sslmode=require"
	return c
}

func TestSeedNamesAndNumbers(t *testing.T) {
	t.Parallel()
	r, err := run(t, defaults(), "authSecret")
	require.NoError(t, err)

	type app struct {
		name, label string
		port        int32
		nodePort    int32
	}
	apps := []app{{stack.BackendName, "backend", 8000, 0}, {stack.WebName, "frontend-web", 3000, 30000}, {stack.ChatbotName, "frontend-chatbot", 3001, 30001}}
	for _, a := range apps {
		d := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", a.name))
		assert.Equal(t, a.name, d.Name)
		assert.Equal(t, "default", d.Namespace)
		if a.label == "backend" {
			assert.Nil(t, d.Spec.Replicas, "the HPA owns the backend's replicas")
		} else {
			require.NotNil(t, d.Spec.Replicas)
			assert.EqualValues(t, 2, *d.Spec.Replicas)
		}
		assert.Equal(t, map[string]string{"app": a.label}, d.Spec.Selector.MatchLabels)
		assert.Equal(t, a.label, d.Spec.Template.Labels["app"], "selector matches pod labels")
		assert.Equal(t, 0, d.Spec.Strategy.RollingUpdate.MaxUnavailable.IntValue())
		pod := d.Spec.Template.Spec
		require.Len(t, pod.Containers, 1)
		c := pod.Containers[0]
		assert.Equal(t, corev1.PullIfNotPresent, c.ImagePullPolicy)
		assert.NotContains(t, c.Image, ":latest")
		assert.Regexp(t, `^todo-(backend|frontend-web|frontend-chatbot):c-[0-9a-f]{16}$`, c.Image)
		require.Len(t, c.Ports, 2)
		assert.Equal(t, a.port, c.Ports[0].ContainerPort)
		assert.Equal(t, "http", c.Ports[0].Name)
		// Metrics on their own port, announced for scrapers, set in the env.
		assert.Equal(t, corev1.ContainerPort{Name: "metrics", ContainerPort: 9090}, c.Ports[1])
		assert.Equal(t, "true", d.Spec.Template.Annotations["prometheus.io/scrape"])
		assert.Equal(t, "9090", d.Spec.Template.Annotations["prometheus.io/port"])
		assert.Contains(t, c.Env, corev1.EnvVar{Name: "METRICS_PORT", Value: "9090"})
		// Sized from `make bench` (docs/benchmarks.md), not the seed's guess.
		want := map[string][4]string{"backend": {"250m", "128Mi", "1", "256Mi"}, "frontend-web": {"100m", "32Mi", "500m", "128Mi"},
			"frontend-chatbot": {"100m", "64Mi", "500m", "128Mi"}}[a.label]
		assert.Equal(t, want[0], c.Resources.Requests.Cpu().String())
		assert.Equal(t, want[1], c.Resources.Requests.Memory().String())
		assert.Equal(t, want[2], c.Resources.Limits.Cpu().String())
		assert.Equal(t, want[3], c.Resources.Limits.Memory().String())
		require.Equal(t, "GOMEMLIMIT", c.Env[0].Name)
		assert.Equal(t, map[string]string{"backend": "230MiB", "frontend-web": "115MiB", "frontend-chatbot": "115MiB"}[a.label], c.Env[0].Value,
			"90 % of the memory limit")
		assert.Equal(t, "/health", c.LivenessProbe.HTTPGet.Path)
		assert.Equal(t, "/ready", c.ReadinessProbe.HTTPGet.Path)
		assert.Equal(t, "http", c.LivenessProbe.HTTPGet.Port.String(), "probe port exists on the container")
		assert.Equal(t, "http", c.ReadinessProbe.HTTPGet.Port.String())
		require.NotNil(t, c.Lifecycle.PreStop.Sleep)
		assert.EqualValues(t, 5, c.Lifecycle.PreStop.Sleep.Seconds)
		// Restricted security context.
		assert.True(t, *pod.SecurityContext.RunAsNonRoot)
		assert.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, pod.SecurityContext.SeccompProfile.Type)
		assert.False(t, *c.SecurityContext.AllowPrivilegeEscalation)
		assert.True(t, *c.SecurityContext.ReadOnlyRootFilesystem)
		assert.Equal(t, []corev1.Capability{"ALL"}, c.SecurityContext.Capabilities.Drop)
		assert.False(t, *pod.AutomountServiceAccountToken)
		assert.Equal(t, stack.SAName, pod.ServiceAccountName)
		require.NotNil(t, pod.Affinity.PodAntiAffinity)
		assert.Equal(t, a.label, pod.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm.LabelSelector.MatchLabels["app"])

		svc := decode[corev1.Service](t, r.one(t, "kubernetes:core/v1:Service", a.name))
		assert.Equal(t, map[string]string{"app": a.label}, svc.Spec.Selector)
		require.Len(t, svc.Spec.Ports, 1)
		assert.Equal(t, "http", svc.Spec.Ports[0].TargetPort.String(), "target port is the container's named port")
		if a.nodePort == 0 {
			assert.Equal(t, corev1.ServiceTypeClusterIP, svc.Spec.Type)
			assert.EqualValues(t, 8000, svc.Spec.Ports[0].Port)
		} else {
			assert.Equal(t, corev1.ServiceTypeNodePort, svc.Spec.Type)
			assert.EqualValues(t, 80, svc.Spec.Ports[0].Port)
			assert.Equal(t, a.nodePort, svc.Spec.Ports[0].NodePort)
			assert.Equal(t, corev1.ServiceExternalTrafficPolicyLocal, svc.Spec.ExternalTrafficPolicy,
				"the pods see the browser's address, not a node's")
		}
		pdb := decode[policyv1.PodDisruptionBudget](t, r.one(t, "kubernetes:policy/v1:PodDisruptionBudget", a.name+"-pdb"))
		assert.Equal(t, 1, pdb.Spec.MinAvailable.IntValue())
		assert.Equal(t, a.label, pdb.Spec.Selector.MatchLabels["app"])

		comp := r.one(t, "todo:index:App", a.name)
		assert.Equal(t, a.name, comp.Name)
	}

	hpa := decode[autoscalingv2.HorizontalPodAutoscaler](t, r.one(t, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "todo-app-backend-hpa"))
	assert.Equal(t, "todo-app-backend-hpa", hpa.Name)
	assert.EqualValues(t, 2, *hpa.Spec.MinReplicas)
	assert.EqualValues(t, 5, hpa.Spec.MaxReplicas)
	assert.Equal(t, "Deployment", hpa.Spec.ScaleTargetRef.Kind)
	assert.Equal(t, stack.BackendName, hpa.Spec.ScaleTargetRef.Name)
	targets := map[string]int32{}
	for _, m := range hpa.Spec.Metrics {
		targets[string(m.Resource.Name)] = *m.Resource.Target.AverageUtilization
	}
	assert.Equal(t, map[string]int32{"cpu": 70, "memory": 80}, targets)
	assert.Len(t, r.find("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"), 1, "only the backend autoscales")

	assert.Equal(t, "http://192.168.49.2:30000", r.outputs["webUrl"])
	assert.Equal(t, "http://192.168.49.2:30001", r.outputs["chatbotUrl"])
	assert.Equal(t, "default", r.outputs["namespace"])
	imgs := r.outputs["images"].(map[string]string)
	assert.Len(t, imgs, 3)
	for repo, ref := range imgs {
		assert.True(t, strings.HasPrefix(ref, repo+":c-"), ref)
	}
	assert.Len(t, r.find("docker:index/image:Image"), 3)
	for _, img := range r.find("docker:index/image:Image") {
		assert.Equal(t, true, img.Inputs["skipPush"].BoolValue(), "images stay in the node's Docker")
		build := img.Inputs["build"].ObjectValue()
		assert.True(t, strings.HasSuffix(build["dockerfile"].StringValue(), "/Dockerfile"))
	}
}

func TestCrossObjectConsistency(t *testing.T) {
	t.Parallel()
	for _, cfg := range []map[string]string{defaults(), withExternalDB()} {
		r, err := run(t, cfg, "authSecret", "databaseUrl")
		require.NoError(t, err)
		secret := decode[corev1.Secret](t, r.one(t, "kubernetes:core/v1:Secret", stack.SecretName))
		cm := decode[corev1.ConfigMap](t, r.one(t, "kubernetes:core/v1:ConfigMap", stack.ConfigMapName))
		secrets := map[string]map[string]string{stack.SecretName: secret.StringData}
		if _, ok := cfg["databaseUrl"]; !ok {
			pg := decode[corev1.Secret](t, r.one(t, "kubernetes:core/v1:Secret", stack.PostgresName))
			secrets[stack.PostgresName] = pg.StringData
		}
		sa := decode[corev1.ServiceAccount](t, r.one(t, "kubernetes:core/v1:ServiceAccount", stack.SAName))

		check := func(where string, spec corev1.PodSpec) {
			if spec.ServiceAccountName != "" {
				assert.Equal(t, sa.Name, spec.ServiceAccountName, where)
			}
			for _, c := range spec.Containers {
				for _, e := range c.Env {
					if e.ValueFrom == nil {
						continue
					}
					if ref := e.ValueFrom.SecretKeyRef; ref != nil {
						keys, ok := secrets[ref.Name]
						require.True(t, ok, "%s: env %s names secret %s that is not declared", where, e.Name, ref.Name)
						assert.Contains(t, keys, ref.Key, "%s: env %s", where, e.Name)
					}
					if ref := e.ValueFrom.ConfigMapKeyRef; ref != nil {
						assert.Equal(t, stack.ConfigMapName, ref.Name)
						assert.Contains(t, cm.Data, ref.Key, "%s: env %s", where, e.Name)
					}
				}
			}
		}
		for _, x := range r.find("kubernetes:apps/v1:Deployment") {
			check(x.Name, decode[appsv1.Deployment](t, x).Spec.Template.Spec)
		}
		for _, x := range r.find("kubernetes:apps/v1:StatefulSet") {
			check(x.Name, decode[appsv1.StatefulSet](t, x).Spec.Template.Spec)
		}

		// backend-policy lets only the two frontends reach the backend on 8000.
		np := decode[networkingv1.NetworkPolicy](t, r.one(t, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "backend-policy"))
		assert.Equal(t, "backend", np.Spec.PodSelector.MatchLabels["app"])
		require.Len(t, np.Spec.Ingress, 2, "the API's port and the metrics port")
		scrape := np.Spec.Ingress[1]
		assert.Equal(t, 9090, scrape.Ports[0].Port.IntValue())
		require.Len(t, scrape.From, 1)
		assert.Nil(t, scrape.From[0].PodSelector)
		assert.Equal(t, map[string]string{"kubernetes.io/metadata.name": "monitoring"}, scrape.From[0].NamespaceSelector.MatchLabels,
			"only the scrape namespace reaches the metrics port")
		var from []string
		for _, p := range np.Spec.Ingress[0].From {
			from = append(from, p.PodSelector.MatchLabels["app"])
		}
		assert.ElementsMatch(t, []string{"frontend-web", "frontend-chatbot"}, from)
		assert.Equal(t, 8000, np.Spec.Ingress[0].Ports[0].Port.IntValue())
		backend := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", stack.BackendName))
		assert.Equal(t, np.Spec.PodSelector.MatchLabels["app"], backend.Spec.Template.Labels["app"], "the policy selects the backend pods")
		for _, name := range []string{stack.WebName, stack.ChatbotName} {
			d := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", name))
			assert.Contains(t, from, d.Spec.Template.Labels["app"])
		}

		// RBAC: at most get on app-secrets, bound to the service account.
		role := decode[rbacv1.Role](t, r.one(t, "kubernetes:rbac.authorization.k8s.io/v1:Role", stack.RoleName))
		require.Len(t, role.Rules, 1)
		assert.Equal(t, []string{"get"}, role.Rules[0].Verbs)
		assert.Equal(t, []string{"secrets"}, role.Rules[0].Resources)
		assert.Equal(t, []string{stack.SecretName}, role.Rules[0].ResourceNames)
		rb := decode[rbacv1.RoleBinding](t, r.one(t, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", stack.BindingName))
		assert.Equal(t, stack.RoleName, rb.RoleRef.Name)
		assert.Equal(t, stack.SAName, rb.Subjects[0].Name)
	}
}

func TestInClusterDatabaseByDefault(t *testing.T) {
	t.Parallel()
	r, err := run(t, defaults(), "authSecret")
	require.NoError(t, err)
	sts := decode[appsv1.StatefulSet](t, r.one(t, "kubernetes:apps/v1:StatefulSet", stack.PostgresName))
	assert.Len(t, sts.Spec.VolumeClaimTemplates, 1)
	assert.Equal(t, "1Gi", sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String())
	require.NotNil(t, sts.Spec.PersistentVolumeClaimRetentionPolicy)
	assert.Equal(t, appsv1.RetainPersistentVolumeClaimRetentionPolicyType, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted,
		"deleting the StatefulSet keeps the data volume")
	assert.Equal(t, appsv1.RetainPersistentVolumeClaimRetentionPolicyType, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled)
	c := sts.Spec.Template.Spec.Containers[0]
	assert.Equal(t, []string{"pg_isready", "-U", "todo", "-d", "todo"}, c.ReadinessProbe.Exec.Command)
	svc := decode[corev1.Service](t, r.one(t, "kubernetes:core/v1:Service", stack.PostgresName))
	assert.Equal(t, "None", svc.Spec.ClusterIP, "headless")
	assert.Equal(t, sts.Spec.ServiceName, svc.Name)
	np := decode[networkingv1.NetworkPolicy](t, r.one(t, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "postgres-policy"))
	assert.Equal(t, "postgres", np.Spec.PodSelector.MatchLabels["app"])
	assert.Equal(t, sts.Spec.Template.Labels["app"], np.Spec.PodSelector.MatchLabels["app"])
	assert.Equal(t, "backend", np.Spec.Ingress[0].From[0].PodSelector.MatchLabels["app"])

	secret := decode[corev1.Secret](t, r.one(t, "kubernetes:core/v1:Secret", stack.SecretName))
	assert.Regexp(t, `^postgres://todo:[0-9a-f]{32}@todo-app-postgres:5432/todo\?sslmode=disable$`, secret.StringData["DATABASE_URL"])
}

func TestExternalDatabase(t *testing.T) {
	t.Parallel()
	r, err := run(t, withExternalDB(), "authSecret", "databaseUrl")
	require.NoError(t, err)
	assert.Empty(t, r.find("kubernetes:apps/v1:StatefulSet"), "no in-cluster database")
	for _, x := range r.find("kubernetes:core/v1:Service") {
		assert.NotEqual(t, stack.PostgresName, x.Name)
	}
	for _, x := range r.find("kubernetes:networking.k8s.io/v1:NetworkPolicy") {
		assert.NotEqual(t, "postgres-policy", x.Name)
	}
	secret := decode[corev1.Secret](t, r.one(t, "kubernetes:core/v1:Secret", stack.SecretName))
	assert.Equal(t, "postgresql://neon:pw@ep-example.neon.tech/todo?sslmode=require", secret.StringData["DATABASE_URL"])
}

func TestSecretsStaySecret(t *testing.T) {
	t.Parallel()
	cfg := withExternalDB()
	cfg["openaiApiKey"] = "sk-test-key-123"
	r, err := run(t, cfg, "authSecret", "databaseUrl", "openaiApiKey")
	require.NoError(t, err)
	sec := r.one(t, "kubernetes:core/v1:Secret", stack.SecretName)
	data := sec.Inputs["stringData"]
	require.True(t, data.IsObject() || data.IsSecret())
	if data.IsObject() {
		for k, v := range data.ObjectValue() {
			assert.True(t, v.IsSecret() || v.ContainsSecrets(), "stringData.%s is marked secret", k)
		}
	}
	for _, x := range r.m.resources {
		if x.Type == "kubernetes:core/v1:Secret" {
			continue
		}
		b, _ := json.Marshal(plain(resource.NewObjectProperty(x.Inputs)))
		for _, s := range []string{authSecret, "sk-test-key-123", "neon:pw"} {
			assert.NotContains(t, string(b), s, "%s %s leaks a secret", x.Type, x.Name)
		}
	}
	out, _ := json.Marshal(r.outputs)
	for _, s := range []string{authSecret, "sk-test-key-123", "neon:pw"} {
		assert.NotContains(t, string(out), s)
	}
	cm := decode[corev1.ConfigMap](t, r.one(t, "kubernetes:core/v1:ConfigMap", stack.ConfigMapName))
	assert.Equal(t, "http://todo-app-backend:8000", cm.Data["BACKEND_URL"])
	assert.Equal(t, "http://192.168.49.2:30000,http://192.168.49.2:30001", cm.Data["FRONTEND_URL"])
}

func TestCustomConfig(t *testing.T) {
	t.Parallel()
	cfg := defaults()
	cfg["namespace"] = "todo"
	cfg["nodeAddress"] = "10.0.0.7"
	cfg["web"] = `{"replicas": 3, "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"cpu": "200m", "memory": "64Mi"}}}`
	cfg["nodePorts"] = `{"web": 31000, "chatbot": 31001}`
	cfg["images"] = `{"build": false, "tag": "v1.2.3", "registry": "registry.example/acme/"}`
	r, err := run(t, cfg, "authSecret")
	require.NoError(t, err)
	assert.Len(t, r.find("kubernetes:core/v1:Namespace"), 1)
	web := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", stack.WebName))
	assert.Equal(t, "todo", web.Namespace)
	assert.EqualValues(t, 3, *web.Spec.Replicas)
	assert.Equal(t, "32Mi", web.Spec.Template.Spec.Containers[0].Resources.Requests.Memory().String())
	assert.Equal(t, "registry.example/acme/todo-frontend-web:v1.2.3", web.Spec.Template.Spec.Containers[0].Image)
	assert.Empty(t, r.find("docker:index/image:Image"), "prebuilt images: nothing to build")
	assert.Equal(t, "http://10.0.0.7:31000", r.outputs["webUrl"])
	svc := decode[corev1.Service](t, r.one(t, "kubernetes:core/v1:Service", stack.ChatbotName))
	assert.EqualValues(t, 31001, svc.Spec.Ports[0].NodePort)
}

func TestConfigErrorsAreClear(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  map[string]string
		want []string
	}{
		{"no secret", map[string]string{}, []string{"todo-app:authSecret is not set", "pulumi config set --secret authSecret"}},
		{"short secret", map[string]string{"authSecret": "short"}, []string{"authSecret must be at least 32 bytes"}},
		{"bad namespace", map[string]string{"authSecret": authSecret, "namespace": "Todo_App"}, []string{"todo-app:namespace must be a Kubernetes namespace name"}},
		{"bad node ports", map[string]string{"authSecret": authSecret, "nodePorts": `{"web": 80}`}, []string{"web must be in the NodePort range 30000-32767"}},
		{"same node ports", map[string]string{"authSecret": authSecret, "nodePorts": `{"web": 30001}`}, []string{"web and chatbot must differ"}},
		{"prebuilt without tag", map[string]string{"authSecret": authSecret, "images": `{"build": false}`}, []string{"with build: false, set the tag"}},
		{"latest", map[string]string{"authSecret": authSecret, "images": `{"tag": "latest"}`}, []string{"must not be \"latest\""}},
		{"bad digest", map[string]string{"authSecret": authSecret, "images": `{"build": false, "digests": {"backend": "sha256:abc"}}`}, []string{"digests.backend must look like sha256:", "or the digest of each"}},
		{"digest while building", map[string]string{"authSecret": authSecret, "images": `{"digests": {"web": "sha256:` + strings.Repeat("a", 64) + `"}}`}, []string{"set build: false with them"}},
		{"registry URL", map[string]string{"authSecret": authSecret, "images": `{"registry": "https://ghcr.io/acme"}`}, []string{"registry must be a host"}},
		{"bad replicas", map[string]string{"authSecret": authSecret, "backend": `{"replicas": 0}`}, []string{"todo-app:backend replicas must be between 1 and 50"}},
		{"bad memory", map[string]string{"authSecret": authSecret, "chatbot": `{"replicas": 1, "resources": {"requests": {"cpu": "1", "memory": "lots"}, "limits": {"cpu": "1", "memory": "1Gi"}}}`}, []string{"resources.requests.memory must look like 256Mi"}},
		{"bad database url", map[string]string{"authSecret": authSecret, "databaseUrl": "mysql://x"}, []string{"todo-app:databaseUrl must be a postgres://"}},
		{"bad hpa", map[string]string{"authSecret": authSecret, "hpa": `{"min": 4, "max": 2}`}, []string{"todo-app:hpa needs 1 <= min <= max"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := run(t, tc.cfg, "authSecret", "databaseUrl")
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// An app's image tag follows what its binary is built from and nothing
// else: a workspace of three modules where each app imports some of pkg.
func TestContentTagChangesOnlyWithTheImagesInputs(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write := func(rel, content string) {
		p := root + "/" + rel
		require.NoError(t, mkdirFor(p))
		require.NoError(t, writeFile(p, content))
	}
	write("go.work", "go 1.26\n\nuse (\n\t./pkg\n\t./apps/backend\n\t./apps/web\n)\n")
	write("pkg/go.mod", "module example.test/pkg\n\ngo 1.26\n")
	write("pkg/shared/shared.go", "package shared\n\nconst Name = \"shared\"\n")
	write("pkg/store/store.go", "package store\n\nconst Name = \"store\"\n")
	write("pkg/testhelp/testhelp.go", "package testhelp\n\nconst Name = \"help\"\n")
	write("apps/backend/go.mod", "module example.test/backend\n\ngo 1.26\n")
	write("apps/backend/main.go", "package main\n\nimport (\n\t\"example.test/pkg/shared\"\n\t\"example.test/pkg/store\"\n)\n\nfunc main() { println(shared.Name, store.Name) }\n")
	write("apps/backend/main_test.go", "package main\n\nimport _ \"example.test/pkg/testhelp\"\n")
	write("apps/backend/Dockerfile", "FROM scratch\n")
	write("apps/web/go.mod", "module example.test/web\n\ngo 1.26\n")
	write("apps/web/main.go", "package main\n\nimport (\n\t_ \"embed\"\n\n\t\"example.test/pkg/shared\"\n)\n\n//go:embed page.html\nvar page string\n\nfunc main() { println(shared.Name, page) }\n")
	write("apps/web/page.html", "<p>hi</p>\n")
	write("apps/web/Dockerfile", "FROM scratch\n")
	tag := func(app string) string {
		s, err := stack.ContentTag(root, app)
		require.NoError(t, err)
		return s
	}
	b, w := tag("backend"), tag("web")
	assert.Regexp(t, `^c-[0-9a-f]{16}$`, b)
	both, err := stack.ContentTags(root, "backend", "web")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"backend": b, "web": w}, both, "the apps' tags from one go list, as a deployment takes them")
	assert.Equal(t, b, tag("backend"), "stable")
	same := func(why string) {
		t.Helper()
		assert.Equal(t, b, tag("backend"), "backend: "+why)
		assert.Equal(t, w, tag("web"), "web: "+why)
	}
	changed := func(app, why string) {
		t.Helper()
		prev := map[string]*string{"backend": &b, "web": &w}[app]
		now := tag(app)
		assert.NotEqual(t, *prev, now, app+": "+why)
		*prev = now
	}
	write("apps/backend/main_test.go", "package main\n\nimport _ \"example.test/pkg/testhelp\"\n\n// more tests\n")
	write("apps/backend/testdata/x.json", "{}")
	write("pkg/testhelp/testhelp.go", "package testhelp\n\nconst Name = \"helper\"\n")
	same("tests, test data and test helpers do not go into an image")
	write("pkg/store/store.go", "package store\n\nconst Name = \"stored\"\n")
	changed("backend", "a package it imports changed")
	assert.Equal(t, w, tag("web"), "web does not import pkg/store")
	write("pkg/shared/shared.go", "package shared\n\nconst Name = \"shared!\"\n")
	changed("backend", "pkg/shared changed")
	changed("web", "pkg/shared changed")
	write("apps/web/page.html", "<p>hello</p>\n")
	changed("web", "an embedded file changed")
	assert.Equal(t, b, tag("backend"))
	write("apps/web/Dockerfile", "FROM scratch\nUSER 65532\n")
	changed("web", "its Dockerfile changed")
	write("pkg/go.mod", "module example.test/pkg\n\n// The module's requirements would be here.\ngo 1.26\n")
	changed("backend", "a module file changed")
	changed("web", "a module file changed")
}

func TestStrictDecodingCatchesAMisspelledField(t *testing.T) {
	t.Parallel()
	r, err := run(t, defaults(), "authSecret")
	require.NoError(t, err)
	d := r.one(t, "kubernetes:apps/v1:Deployment", stack.WebName)
	spec := d.Inputs["spec"].ObjectValue().Copy()
	spec["replicaz"] = resource.NewNumberProperty(2)
	inputs := d.Inputs.Copy()
	inputs["spec"] = resource.NewObjectProperty(spec)
	b, err := json.Marshal(plain(resource.NewObjectProperty(inputs)))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var out appsv1.Deployment
	err = dec.Decode(&out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "replicaz")
}

// TestEveryPodHasIngressAndEgressPolicies: each workload's pods are
// selected by a policy of both types, and egress goes only where the app
// needs to (kube-score checks the first part on the rendered manifests).
func TestEveryPodHasIngressAndEgressPolicies(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]map[string]string{"in-cluster database": defaults(), "external database": withExternalDB()} {
		t.Run(name, func(t *testing.T) {
			secrets := []string{"authSecret"}
			if cfg["databaseUrl"] != "" {
				secrets = append(secrets, "databaseUrl")
			}
			r, err := run(t, cfg, secrets...)
			require.NoError(t, err)
			policies := map[string]*networkingv1.NetworkPolicy{}
			for _, x := range r.find("kubernetes:networking.k8s.io/v1:NetworkPolicy") {
				np := decode[networkingv1.NetworkPolicy](t, x)
				assert.ElementsMatch(t, []networkingv1.PolicyType{"Ingress", "Egress"}, np.Spec.PolicyTypes, x.Name)
				policies[np.Spec.PodSelector.MatchLabels["app"]] = np
			}
			var labels []map[string]string
			for _, x := range r.find("kubernetes:apps/v1:Deployment") {
				labels = append(labels, decode[appsv1.Deployment](t, x).Spec.Template.Labels)
			}
			for _, x := range r.find("kubernetes:apps/v1:StatefulSet") {
				labels = append(labels, decode[appsv1.StatefulSet](t, x).Spec.Template.Labels)
			}
			for _, l := range labels {
				assert.Contains(t, policies, l["app"], "a policy selects the %s pods", l["app"])
			}

			// egress lists (app or "*", port) pairs, DNS aside.
			egress := func(app string) []string {
				var out []string
				for _, rule := range policies[app].Spec.Egress {
					for _, p := range rule.Ports {
						if p.Port.IntValue() == 53 {
							continue
						}
						peer := "*"
						if len(rule.To) > 0 {
							peer = rule.To[0].PodSelector.MatchLabels["app"]
						}
						out = append(out, fmt.Sprintf("%s:%d", peer, p.Port.IntValue()))
					}
				}
				return out
			}
			assert.Equal(t, []string{"backend:8000"}, egress("frontend-web"))
			assert.Equal(t, []string{"backend:8000", "*:443"}, egress("frontend-chatbot"), "the backend and the model API")
			if cfg["databaseUrl"] != "" {
				assert.Equal(t, []string{"*:5432"}, egress("backend"), "the external database")
			} else {
				assert.Equal(t, []string{"postgres:5432"}, egress("backend"))
				assert.Empty(t, policies["postgres"].Spec.Egress, "the database calls nothing")
			}
			assert.Nil(t, policies["frontend-web"].Spec.Ingress[0].From, "the web app is public")
		})
	}
}

// Deploy itself (no options) tags each image it builds by that image's
// own content.
func TestDeployTagsEachImageByItsContent(t *testing.T) {
	t.Parallel()
	r, err := runWith(t, stack.Options{}, nil, defaults(), "authSecret")
	require.NoError(t, err)
	root, err := gowork.Root()
	require.NoError(t, err)
	imgs := r.find("docker:index/image:Image")
	require.Len(t, imgs, 3)
	for _, img := range imgs {
		name := img.Inputs["imageName"].StringValue()
		app := map[string]string{"todo-backend": "backend", "todo-frontend-web": "web", "todo-frontend-chatbot": "chatbot"}[name[:strings.LastIndex(name, ":")]]
		require.NotEmpty(t, app, name)
		want, err := stack.ContentTag(root, app)
		require.NoError(t, err)
		assert.Equal(t, want, name[strings.LastIndex(name, ":")+1:], app)
	}
}

// TestMakeUpLoadsWhatTheDeploymentsRun: without a registry, make up
// copies Images.LocalRefs into the nodes with `minikube image load`; the
// pods must name exactly those (imagePullPolicy IfNotPresent finds them
// there and pulls nothing), and the images Pulumi builds must carry them.
func TestMakeUpLoadsWhatTheDeploymentsRun(t *testing.T) {
	t.Parallel()
	root, err := gowork.Root()
	require.NoError(t, err)
	for _, c := range []struct {
		name   string
		images string
	}{{"content tags", ""}, {"a tag of the operator's", `{"tag": "v1.2.3"}`}} {
		t.Run(c.name, func(t *testing.T) {
			cfg := defaults()
			im := stack.Images{Build: true}
			if c.images != "" {
				cfg["images"] = c.images
				require.NoError(t, json.Unmarshal([]byte(c.images), &im))
			}
			want, err := im.LocalRefs(root)
			require.NoError(t, err)
			r, err := run(t, cfg, "authSecret")
			require.NoError(t, err)
			for _, svc := range stack.Services() {
				d := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", svc.Name))
				assert.Equal(t, want[svc.Repo], d.Spec.Template.Spec.Containers[0].Image, svc.App)
				assert.Equal(t, corev1.PullIfNotPresent, d.Spec.Template.Spec.Containers[0].ImagePullPolicy)
				img := r.one(t, "docker:index/image:Image", svc.Repo)
				assert.Equal(t, want[svc.Repo], img.Inputs["imageName"].StringValue(), "the engine holds the image under that name")
				assert.True(t, img.Inputs["skipPush"].BoolValue(), "nothing is pushed")
			}
		})
	}
	_, err = stack.Images{Build: true, Registry: "localhost:5000"}.LocalRefs(root)
	assert.ErrorContains(t, err, "images.registry is set")
}

func TestRegistryPushesAndDeploysByDigest(t *testing.T) {
	t.Parallel()
	cfg := defaults()
	cfg["images"] = `{"registry": "localhost:5000"}`
	r, err := run(t, cfg, "authSecret")
	require.NoError(t, err)
	imgs := r.find("docker:index/image:Image")
	require.Len(t, imgs, 3)
	for _, img := range imgs {
		assert.False(t, img.Inputs["skipPush"].BoolValue(), "with a registry the image is pushed")
		assert.Regexp(t, `^localhost:5000/todo-[a-z-]+:c-[0-9a-f]{16}$`, img.Inputs["imageName"].StringValue())
	}
	for _, name := range []string{stack.BackendName, stack.WebName, stack.ChatbotName} {
		d := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", name))
		assert.Regexp(t, `^localhost:5000/todo-[a-z-]+@sha256:[0-9a-f]{64}$`, d.Spec.Template.Spec.Containers[0].Image,
			"the pods run the digest the registry gave, never a tag")
	}
}

func TestPrebuiltImagesByDigest(t *testing.T) {
	t.Parallel()
	cfg := defaults()
	d := func(c string) string { return "sha256:" + strings.Repeat(c, 64) }
	cfg["images"] = fmt.Sprintf(`{"build": false, "registry": "ghcr.io/acme", "digests": {"backend": %q, "web": %q, "chatbot": %q}}`, d("a"), d("b"), d("c"))
	r, err := run(t, cfg, "authSecret")
	require.NoError(t, err)
	assert.Empty(t, r.find("docker:index/image:Image"))
	web := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", stack.WebName))
	assert.Equal(t, "ghcr.io/acme/todo-frontend-web@"+d("b"), web.Spec.Template.Spec.Containers[0].Image)
	backend := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", stack.BackendName))
	assert.Equal(t, "ghcr.io/acme/todo-backend@"+d("a"), backend.Spec.Template.Spec.Containers[0].Image)
}

func TestImageRef(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "todo-backend", stack.ImageRef("", "todo-backend"))
	assert.Equal(t, "ghcr.io/acme/todo-backend", stack.ImageRef("ghcr.io/acme", "todo-backend"))
	assert.Equal(t, "ghcr.io/acme/todo-backend", stack.ImageRef("ghcr.io/acme/", "todo-backend"))
	assert.Equal(t, "localhost:5000/todo-backend", stack.ImageRef("localhost:5000", "todo-backend"))
}

func TestBackendReplicasAreTheAutoscalersMinimum(t *testing.T) {
	t.Parallel()
	cfg := defaults()
	cfg["backend"] = `{"replicas": 3, "resources": {"requests": {"cpu": "250m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "256Mi"}}}`
	r, err := run(t, cfg, "authSecret")
	require.NoError(t, err)
	hpa := decode[autoscalingv2.HorizontalPodAutoscaler](t, r.one(t, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", stack.BackendName+"-hpa"))
	assert.EqualValues(t, 3, *hpa.Spec.MinReplicas)

	cfg["hpa"] = `{"min": 2, "max": 5, "cpuPercent": 70, "memoryPercent": 80}`
	_, err = run(t, cfg, "authSecret")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "replicas (3) and hpa.min (2) disagree")
}

func TestSizingRequests(t *testing.T) {
	t.Parallel()
	s, err := stack.SizingFromConfig(map[string]string{})
	require.NoError(t, err)
	minCPU, minMem, maxCPU, maxMem := s.Requests(false)
	// backend 2×250m/128Mi, web 2×100m/32Mi, chatbot 2×100m/64Mi, db 100m/128Mi
	assert.EqualValues(t, 500+200+200+100, minCPU)
	assert.EqualValues(t, (256+64+128+128)<<20, minMem)
	// backend 6 (max 5 + a surge pod), web 3, chatbot 3, db 1
	assert.EqualValues(t, 1500+300+300+100, maxCPU)
	assert.EqualValues(t, (768+96+192+128)<<20, maxMem)
	_, _, _, extMax := s.Requests(true)
	assert.EqualValues(t, maxMem-128<<20, extMax, "an external database requests nothing here")

	_, err = stack.SizingFromConfig(map[string]string{"hpa": `{"min": 4, "max": 2}`})
	assert.ErrorContains(t, err, "needs 1 <= min <= max")
}

// checksums runs the program and returns each Deployment's config checksum.
func checksums(t *testing.T, cfg map[string]string) map[string]string {
	t.Helper()
	r, err := run(t, cfg, "authSecret", "databaseUrl", "openaiApiKey")
	require.NoError(t, err)
	out := map[string]string{}
	for _, name := range []string{stack.BackendName, stack.WebName, stack.ChatbotName} {
		d := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", name))
		out[name] = d.Spec.Template.Annotations[stack.ConfigChecksumAnnotation]
		require.Regexp(t, `^[0-9a-f]{16}$`, out[name], name)
	}
	return out
}

// Kubernetes does not restart pods when a Secret or ConfigMap they read
// changes: the pod template must change, for exactly the apps that read
// the changed value.
func TestConfigChangesRollExactlyTheAppsThatReadThem(t *testing.T) {
	t.Parallel()
	base := withExternalDB()
	base["openaiApiKey"] = "sk-one"
	before := checksums(t, base)
	assert.Equal(t, before, checksums(t, base), "no change, no rollout")

	changed := func(key, value string) []string {
		cfg := maps.Clone(base)
		cfg[key] = value
		after := checksums(t, cfg)
		var rolled []string
		for _, name := range []string{stack.BackendName, stack.WebName, stack.ChatbotName} {
			if after[name] != before[name] {
				rolled = append(rolled, name)
			}
		}
		return rolled
	}
	assert.Equal(t, []string{stack.ChatbotName}, changed("openaiApiKey", "sk-two"))
	assert.Equal(t, []string{stack.ChatbotName}, changed("openaiModel", "gpt-4.1"))
	assert.Equal(t, []string{stack.BackendName}, changed("databaseUrl", "postgres://u:p@db.example:5432/other"))
	assert.Equal(t, []string{stack.BackendName, stack.WebName, stack.ChatbotName}, changed("authSecret", strings.Repeat("z", 40)))
	assert.Equal(t, []string{stack.BackendName, stack.WebName, stack.ChatbotName}, changed("nodeAddress", "10.1.2.3"),
		"the public URLs are in every app's settings")
}

func TestDatabaseConnectionsAreSizedFromTheAutoscaler(t *testing.T) {
	t.Parallel()
	env := func(r *result) string {
		d := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", stack.BackendName))
		for _, e := range d.Spec.Template.Spec.Containers[0].Env {
			if e.Name == "DB_MAX_CONNS" {
				return e.Value
			}
		}
		return ""
	}
	r, err := run(t, defaults(), "authSecret")
	require.NoError(t, err)
	assert.Equal(t, "18", env(r), "(100 - 10 reserved) / 5 backends: 5 × 18 = 90 < 100")

	cfg := defaults()
	cfg["hpa"] = `{"min": 2, "max": 50, "cpuPercent": 70, "memoryPercent": 80}`
	_, err = run(t, cfg, "authSecret")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "max 50 backends with at least 2 connections each, plus 10 reserved")
	assert.Contains(t, err.Error(), "need 110 connections; the database allows 100")

	cfg["database"] = `{"storage": "1Gi", "maxConnections": 500}`
	r, err = run(t, cfg, "authSecret")
	require.NoError(t, err)
	assert.Equal(t, "9", env(r))
}

// postgresPassword is what the stack gives the database and puts in the
// backend's DATABASE_URL.
func postgresPassword(t *testing.T, r *result) (secret, url string) {
	t.Helper()
	s := decode[corev1.Secret](t, r.one(t, "kubernetes:core/v1:Secret", stack.PostgresName))
	app := decode[corev1.Secret](t, r.one(t, "kubernetes:core/v1:Secret", stack.SecretName))
	return s.StringData["POSTGRES_PASSWORD"], app.StringData["DATABASE_URL"]
}

// The database password stands on its own: rotating authSecret signs
// everyone out and touches nothing else. Stacks from before the setting
// keep the password their PostgreSQL was initialised with.
func TestDatabasePasswordIsItsOwnSecret(t *testing.T) {
	t.Parallel()
	old, err := run(t, defaults(), "authSecret")
	require.NoError(t, err)
	pw, url := postgresPassword(t, old)
	assert.Equal(t, stack.DerivedDatabasePassword(authSecret), pw, "an existing stack keeps its password")
	assert.Contains(t, url, ":"+pw+"@")

	cfg := defaults()
	cfg["databasePassword"] = "a-password-of-its-own-0123"
	r, err := run(t, cfg, "authSecret", "databasePassword")
	require.NoError(t, err)
	pw, url = postgresPassword(t, r)
	assert.Equal(t, "a-password-of-its-own-0123", pw)
	assert.Contains(t, url, ":a-password-of-its-own-0123@")

	cfg["authSecret"] = strings.Repeat("r", 40) // rotated
	r, err = run(t, cfg, "authSecret", "databasePassword")
	require.NoError(t, err)
	pw, _ = postgresPassword(t, r)
	assert.Equal(t, "a-password-of-its-own-0123", pw, "rotating authSecret leaves the database alone")

	cfg["databasePassword"] = "short@x"
	_, err = run(t, cfg, "authSecret", "databasePassword")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "todo-app:databasePassword must be at least 16 characters")
}

// deployedBefore is the "deployed" output of a default in-cluster stack.
func deployedBefore() map[string]any {
	return map[string]any{"deployed": map[string]any{"namespace": "default", "database": "in-cluster",
		"databaseImage": "postgres:16-alpine", "databaseStorage": "1Gi"}}
}

func TestChangesThatWouldLoseDataAreRefusedBeforeAnythingIsDeclared(t *testing.T) {
	t.Parallel()
	with := func(kv ...string) map[string]string {
		c := defaults()
		for i := 0; i < len(kv); i += 2 {
			c[kv[i]] = kv[i+1]
		}
		return c
	}
	for _, tc := range []struct {
		name     string
		previous map[string]any
		config   map[string]string
		refusal  []string // each must be in the message
	}{
		{"namespace move", deployedBefore(), with("namespace", "tasks"),
			[]string{"todo-app:namespace: refused", `from namespace "default" to "tasks"`, "make backup", "confirm.leaveNamespace default"}},
		{"namespace move of a stack from before the deployed output", map[string]any{"namespace": "todo"}, with("namespace", "tasks"),
			[]string{"todo-app:namespace: refused", `"todo"`}},
		{"switch to databaseUrl", deployedBefore(), with("databaseUrl", "postgres://u:p@db.example:5432/todo"),
			[]string{"todo-app:databaseUrl: refused", "make backup", "pg_restore", "confirm.leaveDatabase default"}},
		{"major PostgreSQL version", deployedBefore(), with("database", `{"image": "postgres:17-alpine"}`),
			[]string{"todo-app:database: refused", "PostgreSQL 17", "written by PostgreSQL 16", "make backup", "delete statefulset todo-app-postgres", "confirm.databaseMajor 17", "make restore"}},
		{"major version confirmed for another", deployedBefore(), with("database", `{"image": "postgres:17-alpine"}`, "confirm", `{"databaseMajor": "18"}`),
			[]string{"todo-app:database: refused"}},
		{"smaller volume", deployedBefore(), with("database", `{"storage": "512Mi"}`),
			[]string{"todo-app:database: refused", "cannot shrink", "1Gi"}},
		{"a confirmation for another namespace", deployedBefore(), with("namespace", "tasks", "confirm", `{"leaveNamespace": "todo"}`),
			[]string{"todo-app:namespace: refused"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := runFrom(t, tc.previous, tc.config, "authSecret", "databaseUrl")
			require.Error(t, err)
			for _, want := range tc.refusal {
				assert.Contains(t, err.Error(), want)
			}
			assert.Contains(t, err.Error(), "nothing was changed")
			for _, x := range r.m.resources {
				assert.False(t, strings.HasPrefix(x.Type, "kubernetes:"), "declared %s %s before refusing", x.Type, x.Name)
			}
		})
	}
}

func TestChangesThatKeepTheDataAreApplied(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		previous map[string]any
		config   map[string]string
	}{
		{"first deployment", nil, map[string]string{"namespace": "tasks"}},
		{"nothing changed", deployedBefore(), map[string]string{}},
		{"confirmed namespace move", deployedBefore(), map[string]string{"namespace": "tasks", "confirm": `{"leaveNamespace": "default"}`}},
		{"confirmed switch to databaseUrl", deployedBefore(), map[string]string{"databaseUrl": "postgres://u:p@db.example:5432/todo", "confirm": `{"leaveDatabase": "default"}`}},
		{"namespace move with an external database", map[string]any{"deployed": map[string]any{"namespace": "default", "database": "external"}},
			map[string]string{"namespace": "tasks", "databaseUrl": "postgres://u:p@db.example:5432/todo"}},
		{"minor PostgreSQL image change", deployedBefore(), map[string]string{"database": `{"image": "postgres:16.4-alpine"}`}},
		{"back to the in-cluster database", map[string]any{"deployed": map[string]any{"namespace": "default", "database": "external"}}, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaults()
			maps.Copy(cfg, tc.config)
			r, err := runFrom(t, tc.previous, cfg, "authSecret", "databaseUrl")
			require.NoError(t, err)
			d := r.outputs["deployed"].(map[string]string)
			assert.Equal(t, orDefault(tc.config["namespace"], "default"), d["namespace"])
		})
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func TestABiggerVolumeExpandsTheClaimWithoutTouchingTheStatefulSet(t *testing.T) {
	t.Parallel()
	cfg := defaults()
	cfg["database"] = `{"storage": "5Gi"}`
	r, err := runFrom(t, deployedBefore(), cfg, "authSecret")
	require.NoError(t, err)
	sts := decode[appsv1.StatefulSet](t, r.one(t, "kubernetes:apps/v1:StatefulSet", stack.PostgresName))
	require.Len(t, sts.Spec.VolumeClaimTemplates, 1)
	assert.Equal(t, "1Gi", sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String(), "the template keeps its size (it is immutable)")
	claim := decode[corev1.PersistentVolumeClaim](t, r.one(t, "kubernetes:core/v1:PersistentVolumeClaimPatch", "data-"+stack.PostgresName+"-0"))
	assert.Equal(t, "5Gi", claim.Spec.Resources.Requests.Storage().String())
	assert.Equal(t, "1Gi", r.outputs["deployed"].(map[string]string)["databaseStorage"], "the template's size is what was deployed")

	// Unchanged storage: no patch of the data claim.
	r, err = runFrom(t, deployedBefore(), defaults(), "authSecret")
	require.NoError(t, err)
	for _, x := range r.find("kubernetes:core/v1:PersistentVolumeClaimPatch") {
		assert.NotEqual(t, "data-"+stack.PostgresName+"-0", x.Name)
	}
}

func TestBackupsByDefaultWithTheirOwnVolume(t *testing.T) {
	t.Parallel()
	r, err := run(t, defaults(), "authSecret")
	require.NoError(t, err)
	cron := decode[batchv1.CronJob](t, r.one(t, "kubernetes:batch/v1:CronJob", stack.BackupName))
	assert.Equal(t, "0 3 * * *", cron.Spec.Schedule)
	assert.Equal(t, int64(24*3600), *cron.Spec.StartingDeadlineSeconds, "a backup missed while the machine was off runs when it is back")
	assert.Equal(t, batchv1.ForbidConcurrent, cron.Spec.ConcurrencyPolicy)
	pod := cron.Spec.JobTemplate.Spec.Template.Spec
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]
	assert.Equal(t, "postgres:16-alpine", c.Image, "pg_dump of the database's own version")
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
		if e.ValueFrom != nil {
			assert.Equal(t, stack.PostgresName, e.ValueFrom.SecretKeyRef.Name)
		}
	}
	assert.Equal(t, "7", env["KEEP"])
	assert.Equal(t, stack.PostgresName, env["PGHOST"])
	assert.Contains(t, c.Command[2], "pg_dump")
	require.Len(t, pod.Volumes, 1)
	assert.Equal(t, stack.BackupClaimName, pod.Volumes[0].PersistentVolumeClaim.ClaimName)
	claim := decode[corev1.PersistentVolumeClaim](t, r.one(t, "kubernetes:core/v1:PersistentVolumeClaimPatch", stack.BackupClaimName))
	assert.Equal(t, "1Gi", claim.Spec.Resources.Requests.Storage().String())

	cfg := defaults()
	cfg["backup"] = `{"schedule": "30 1 * * 0", "keep": 3, "storage": "4Gi"}`
	r, err = run(t, cfg, "authSecret")
	require.NoError(t, err)
	cron = decode[batchv1.CronJob](t, r.one(t, "kubernetes:batch/v1:CronJob", stack.BackupName))
	assert.Equal(t, "30 1 * * 0", cron.Spec.Schedule)
	assert.Equal(t, int64(7*24*3600), *cron.Spec.StartingDeadlineSeconds, "weekly: a week's deadline")

	// An external database has its own backups: nothing is declared.
	r, err = run(t, withExternalDB(), "authSecret", "databaseUrl")
	require.NoError(t, err)
	assert.Empty(t, r.find("kubernetes:batch/v1:CronJob"))

	for _, bad := range []string{`{"schedule": "daily"}`, `{"keep": 0}`, `{"storage": "lots"}`} {
		cfg := defaults()
		cfg["backup"] = bad
		_, err := run(t, cfg, "authSecret")
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "todo-app:backup ")
	}
}

func TestTheVolumesOutliveTheObjectsThatUseThem(t *testing.T) {
	t.Parallel()
	r, err := run(t, defaults(), "authSecret")
	require.NoError(t, err)
	for _, x := range r.m.resources {
		// A retained object would block the next create on current
		// providers; a retained patch only gives up its fields.
		assert.Equal(t, x.Type == "kubernetes:core/v1:PersistentVolumeClaimPatch", x.RetainOnDelete, "%s %s", x.Type, x.Name)
	}
	// The backups' claim is a patch: created or adopted, never deleted.
	r.one(t, "kubernetes:core/v1:PersistentVolumeClaimPatch", stack.BackupClaimName)
	assert.Empty(t, r.find("kubernetes:core/v1:PersistentVolumeClaim"))
	// The data claim is kept by the StatefulSet's retention policy.
	sts := decode[appsv1.StatefulSet](t, r.one(t, "kubernetes:apps/v1:StatefulSet", stack.PostgresName))
	require.NotNil(t, sts.Spec.PersistentVolumeClaimRetentionPolicy)
	assert.Equal(t, appsv1.RetainPersistentVolumeClaimRetentionPolicyType, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted)
}

func TestANewDatabasePasswordIsRefusedWhereItWouldLockTheBackendOut(t *testing.T) {
	t.Parallel()
	// The first deployment records the password's hash.
	r, err := run(t, defaults(), "authSecret")
	require.NoError(t, err)
	d := r.outputs["deployed"].(map[string]string)
	require.NotEmpty(t, d["databasePasswordHash"])
	assert.NotContains(t, d["databasePasswordHash"], stack.DerivedDatabasePassword(authSecret)[:8], "a hash, not the password")
	prev := map[string]any{"deployed": map[string]any{}}
	for k, v := range d {
		prev["deployed"].(map[string]any)[k] = v
	}

	// Same secrets: fine.
	_, err = runFrom(t, prev, defaults(), "authSecret")
	require.NoError(t, err)

	// A new authSecret while the password is derived from it.
	cfg := defaults()
	cfg["authSecret"] = strings.Repeat("z", 40)
	_, err = runFrom(t, prev, cfg, "authSecret")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "todo-app:authSecret: refused")
	assert.Contains(t, err.Error(), "Rotating the database password")

	// Pinning today's derived value as databasePassword changes nothing,
	// after which authSecret rotates on its own.
	cfg = defaults()
	cfg["databasePassword"] = stack.DerivedDatabasePassword(authSecret)
	_, err = runFrom(t, prev, cfg, "authSecret", "databasePassword")
	require.NoError(t, err)
	cfg["authSecret"] = strings.Repeat("z", 40)
	_, err = runFrom(t, prev, cfg, "authSecret", "databasePassword")
	require.NoError(t, err)

	// A new databasePassword without the rotation procedure.
	cfg["databasePassword"] = strings.Repeat("n", 24)
	_, err = runFrom(t, prev, cfg, "authSecret", "databasePassword")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "todo-app:databasePassword: refused")
	confirm := regexp.MustCompile(`confirm\.databasePassword (pw-[0-9a-f]{16})`).FindStringSubmatch(err.Error())
	require.NotNil(t, confirm, "the refusal names the confirmation for this exact password")

	// Confirmed (the database has it already): applied, and recorded.
	cfg["confirm"] = fmt.Sprintf(`{"databasePassword": %q}`, confirm[1])
	r, err = runFrom(t, prev, cfg, "authSecret", "databasePassword")
	require.NoError(t, err)
	assert.Equal(t, confirm[1], r.outputs["deployed"].(map[string]string)["databasePasswordHash"])
	// The same confirmation does not approve another password.
	cfg["databasePassword"] = strings.Repeat("m", 24)
	_, err = runFrom(t, prev, cfg, "authSecret", "databasePassword")
	require.Error(t, err)
}

func TestAConfirmedMajorUpgradeStartsOnANewVolumeAndKeepsTheOld(t *testing.T) {
	t.Parallel()
	cfg := defaults()
	cfg["database"] = `{"image": "postgres:17-alpine"}`
	// As `pulumi config set --path confirm.databaseMajor 17` stores it.
	cfg["confirm"] = `{"databaseMajor": 17}`
	r, err := runFrom(t, deployedBefore(), cfg, "authSecret")
	require.NoError(t, err)
	sts := decode[appsv1.StatefulSet](t, r.one(t, "kubernetes:apps/v1:StatefulSet", stack.PostgresName))
	require.Len(t, sts.Spec.VolumeClaimTemplates, 1)
	assert.Equal(t, "data-pg17", sts.Spec.VolumeClaimTemplates[0].Name, "a new claim; data-todo-app-postgres-0 stays")
	assert.Equal(t, "data-pg17", sts.Spec.Template.Spec.Containers[0].VolumeMounts[0].Name)
	assert.Equal(t, appsv1.RetainPersistentVolumeClaimRetentionPolicyType, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted)
	d := r.outputs["deployed"].(map[string]string)
	assert.Equal(t, "data-pg17", d["databaseVolume"])
	assert.Equal(t, "postgres:17-alpine", d["databaseImage"])

	// The next up, from that record: same volume, no refusal.
	prev := map[string]any{"deployed": map[string]any{}}
	for k, v := range d {
		prev["deployed"].(map[string]any)[k] = v
	}
	delete(cfg, "confirm")
	r, err = runFrom(t, prev, cfg, "authSecret")
	require.NoError(t, err)
	sts = decode[appsv1.StatefulSet](t, r.one(t, "kubernetes:apps/v1:StatefulSet", stack.PostgresName))
	assert.Equal(t, "data-pg17", sts.Spec.VolumeClaimTemplates[0].Name)
}

// A Prometheus Operator PodMonitor when asked for (a PodMonitor, not a
// ServiceMonitor: no Service, least of all a NodePort, carries the
// metrics port); bad metrics settings are refused by name.
func TestMetricsPodMonitorAndSettings(t *testing.T) {
	t.Parallel()
	r, err := run(t, defaults(), "authSecret")
	require.NoError(t, err)
	assert.Empty(t, r.find("kubernetes:monitoring.coreos.com/v1:PodMonitor"), "only when asked: the CRD may not be installed")
	for _, x := range r.find("kubernetes:core/v1:Service") {
		for _, p := range decode[corev1.Service](t, x).Spec.Ports {
			assert.NotEqual(t, 9090, int(p.Port), "%s does not expose the metrics port", x.Name)
		}
	}

	cfg := defaults()
	cfg["metrics"] = `{"port": 9102, "scrapeNamespace": "observability", "podMonitor": true}`
	r, err = run(t, cfg, "authSecret")
	require.NoError(t, err)
	pm := r.one(t, "kubernetes:monitoring.coreos.com/v1:PodMonitor", stack.PodMonitorName)
	b, err := json.Marshal(pm.Inputs.Mappable())
	require.NoError(t, err)
	assert.Contains(t, string(b), `"podMetricsEndpoints":[{"interval":"30s","path":"/metrics","port":"metrics"}]`)
	assert.Contains(t, string(b), `"values":["backend","frontend-web","frontend-chatbot"]`)
	np := decode[networkingv1.NetworkPolicy](t, r.one(t, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "frontend-web-policy"))
	assert.Equal(t, 9102, np.Spec.Ingress[1].Ports[0].Port.IntValue())
	assert.Equal(t, "observability", np.Spec.Ingress[1].From[0].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"])

	for bad, want := range map[string]string{
		`{"port": 8000}`:                   "todo-app:metrics port must be 1024–65535 and not one of the apps' ports",
		`{"scrapeNamespace": "Not Valid"}`: "todo-app:metrics scrapeNamespace must be a namespace name",
	} {
		cfg := defaults()
		cfg["metrics"] = bad
		_, err := run(t, cfg, "authSecret")
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), want, bad)
	}
}

// The backend migrates in an init container, with its own image, env,
// limits and restrictions, and does not migrate again as it starts: a
// long migration is not cut short by the liveness probe.
func TestBackendMigratesInAnInitContainer(t *testing.T) {
	t.Parallel()
	r, err := run(t, defaults(), "authSecret")
	require.NoError(t, err)
	backend := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", stack.BackendName)).Spec.Template.Spec
	require.Len(t, backend.InitContainers, 1)
	init, app := backend.InitContainers[0], backend.Containers[0]
	assert.Equal(t, "migrate", init.Name)
	assert.Equal(t, []string{"migrate"}, init.Args)
	assert.Equal(t, app.Image, init.Image)
	assert.Equal(t, app.Env, init.Env, "the same settings (DATABASE_URL, DB_WAIT…)")
	assert.Equal(t, app.Resources, init.Resources)
	assert.Equal(t, app.SecurityContext, init.SecurityContext)
	assert.Nil(t, init.LivenessProbe)
	migrateOnStart := ""
	for _, e := range app.Env {
		if e.Name == "MIGRATE_ON_START" {
			migrateOnStart = e.Value
		}
	}
	assert.Equal(t, "false", migrateOnStart)
	for _, name := range []string{stack.WebName, stack.ChatbotName} {
		d := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", name))
		assert.Empty(t, d.Spec.Template.Spec.InitContainers, name)
	}
}
