package stack

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// shared is what the three apps share: the Secret, the ConfigMap, and the
// service account their pods run as.
type shared struct {
	secret    *corev1.Secret
	configMap *corev1.ConfigMap
	account   pulumi.StringOutput
	// values are every Secret and ConfigMap value by key, for the
	// checksums that roll an app when a value it reads changes.
	values map[string]pulumi.StringInput
}

// resources are what an app's pods need before they start.
func (s *shared) resources() []pulumi.Resource { return []pulumi.Resource{s.secret, s.configMap} }

func newShared(ctx *pulumi.Context, cfg *Config, databaseURL pulumi.StringInput, webURL, chatURL string,
	meta func(string) *metav1.ObjectMetaArgs, opts []pulumi.ResourceOption) (*shared, error) {
	secret, err := corev1.NewSecret(ctx, SecretName, &corev1.SecretArgs{
		Metadata: meta(SecretName),
		Type:     pulumi.String("Opaque"),
		StringData: pulumi.StringMap{
			"DATABASE_URL":       databaseURL,
			"BETTER_AUTH_SECRET": cfg.AuthSecret,
			"OPENAI_API_KEY":     cfg.OpenAIKey,
		},
	}, opts...)
	if err != nil {
		return nil, err
	}
	// The frontends reach the backend's ClusterIP Service on its port.
	backend := mustService("backend")
	settings := pulumi.StringMap{
		"BACKEND_URL":  pulumi.String(fmt.Sprintf("http://%s:%d", backend.Name, backend.Port)),
		"FRONTEND_URL": pulumi.String(webURL + "," + chatURL),
		"WEB_URL":      pulumi.String(webURL),
		"CHATBOT_URL":  pulumi.String(chatURL),
		"OPENAI_MODEL": pulumi.String(cfg.OpenAIModel),
		"LOG_LEVEL":    pulumi.String("info"),
	}
	if cfg.OpenAIBase != "" {
		settings["OPENAI_BASE_URL"] = pulumi.String(cfg.OpenAIBase)
	}
	if p := cfg.Production; p != nil {
		settings["COOKIE_DOMAIN"] = pulumi.String(p.CookieDomain)
		settings["TRUSTED_PROXIES"] = pulumi.String(strings.Join(p.TrustedProxies, ","))
	}
	configMap, err := corev1.NewConfigMap(ctx, ConfigMapName, &corev1.ConfigMapArgs{Metadata: meta(ConfigMapName), Data: settings}, opts...)
	if err != nil {
		return nil, err
	}

	// The pods need no Kubernetes API access at all (their token is not
	// even mounted); the Role grants at most reading app-secrets by name,
	// instead of the seed's "list every secret".
	saArgs := &corev1.ServiceAccountArgs{Metadata: meta(SAName), AutomountServiceAccountToken: pulumi.Bool(false)}
	if cfg.Images.Username != "" {
		pull, err := pullSecret(ctx, cfg, meta, opts)
		if err != nil {
			return nil, err
		}
		saArgs.ImagePullSecrets = corev1.LocalObjectReferenceArray{&corev1.LocalObjectReferenceArgs{Name: pull.Metadata.Name()}}
	}
	sa, err := corev1.NewServiceAccount(ctx, SAName, saArgs, opts...)
	if err != nil {
		return nil, err
	}
	role, err := rbacv1.NewRole(ctx, RoleName, &rbacv1.RoleArgs{Metadata: meta(RoleName), Rules: rbacv1.PolicyRuleArray{&rbacv1.PolicyRuleArgs{
		ApiGroups: pulumi.StringArray{pulumi.String("")}, Resources: pulumi.StringArray{pulumi.String("secrets")},
		ResourceNames: pulumi.StringArray{pulumi.String(SecretName)}, Verbs: pulumi.StringArray{pulumi.String("get")},
	}}}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := rbacv1.NewRoleBinding(ctx, BindingName, &rbacv1.RoleBindingArgs{
		Metadata: meta(BindingName),
		RoleRef:  &rbacv1.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("Role"), Name: role.Metadata.Name().Elem()},
		Subjects: rbacv1.SubjectArray{&rbacv1.SubjectArgs{Kind: pulumi.String("ServiceAccount"), Name: sa.Metadata.Name().Elem(), Namespace: pulumi.String(cfg.Namespace)}},
	}, opts...); err != nil {
		return nil, err
	}

	values := map[string]pulumi.StringInput{"DATABASE_URL": databaseURL, "BETTER_AUTH_SECRET": cfg.AuthSecret, "OPENAI_API_KEY": cfg.OpenAIKey}
	for k, v := range settings {
		values[k] = v
	}
	return &shared{secret: secret, configMap: configMap, account: sa.Metadata.Name().Elem(), values: values}, nil
}

// env is what an app reads, and the keys of the shared values it reads.
type env struct {
	vars corev1.EnvVarArray
	keys []string
}

func (e *env) literal(name, value string) {
	e.vars = append(e.vars, &corev1.EnvVarArgs{Name: pulumi.String(name), Value: pulumi.String(value)})
}

func (e *env) fromSecret(s *shared, name string, optional bool) {
	e.keys = append(e.keys, name)
	ref := &corev1.SecretKeySelectorArgs{Name: s.secret.Metadata.Name().Elem(), Key: pulumi.String(name)}
	if optional {
		ref.Optional = pulumi.Bool(true)
	}
	e.vars = append(e.vars, &corev1.EnvVarArgs{Name: pulumi.String(name), ValueFrom: &corev1.EnvVarSourceArgs{SecretKeyRef: ref}})
}

// fromOperatorSecret reads a key of a Secret an operator generates (not
// in the checksum: its value never passes through Pulumi).
func (e *env) fromOperatorSecret(name, secret, key string) {
	e.vars = append(e.vars, &corev1.EnvVarArgs{Name: pulumi.String(name), ValueFrom: &corev1.EnvVarSourceArgs{
		SecretKeyRef: &corev1.SecretKeySelectorArgs{Name: pulumi.String(secret), Key: pulumi.String(key)}}})
}

func (e *env) fromConfig(s *shared, names ...string) {
	for _, name := range names {
		e.keys = append(e.keys, name)
		e.vars = append(e.vars, &corev1.EnvVarArgs{Name: pulumi.String(name), ValueFrom: &corev1.EnvVarSourceArgs{
			ConfigMapKeyRef: &corev1.ConfigMapKeySelectorArgs{Name: s.configMap.Metadata.Name().Elem(), Key: pulumi.String(name)}}})
	}
}

// appArgs are one service's App: its table row, its sizing, and the
// settings it reads, with a checksum of exactly those values.
func (s *shared) appArgs(cfg *Config, svc Service, image pulumi.StringInput) *AppArgs {
	var e env
	e.literal("PORT", strconv.Itoa(svc.Port))
	e.literal("METRICS_PORT", strconv.Itoa(cfg.Metrics.Port))
	var hpa *HPASettings
	switch svc.App {
	case "backend":
		if cfg.CNPG != nil {
			e.fromOperatorSecret("DATABASE_URL", CNPGAppSecret, "uri")
		} else {
			e.fromSecret(s, "DATABASE_URL", false)
		}
		e.fromSecret(s, "BETTER_AUTH_SECRET", false)
		e.fromConfig(s, "FRONTEND_URL", "LOG_LEVEL")
		e.literal("DB_MAX_CONNS", strconv.Itoa(cfg.DBPoolPerBackend()))
		// The migrate init container applies migrations before the
		// server starts (a long one would fail the liveness probe there).
		e.literal("MIGRATE_ON_START", "false")
		hpa = &cfg.HPA
	case "web":
		e.fromConfig(s, "BACKEND_URL")
		e.fromSecret(s, "BETTER_AUTH_SECRET", false)
		e.fromConfig(s, "CHATBOT_URL", "LOG_LEVEL")
		e.production(cfg, s)
	case "chatbot":
		e.fromConfig(s, "BACKEND_URL")
		e.fromSecret(s, "BETTER_AUTH_SECRET", false)
		e.fromConfig(s, "WEB_URL")
		e.fromSecret(s, "OPENAI_API_KEY", true)
		e.fromConfig(s, "OPENAI_MODEL", "LOG_LEVEL")
		if cfg.OpenAIBase != "" {
			e.fromConfig(s, "OPENAI_BASE_URL")
		}
		e.production(cfg, s)
	}
	return &AppArgs{
		Namespace: cfg.Namespace, Name: svc.Name, Label: svc.Label, Image: image, Port: svc.Port,
		Settings: cfg.settings(svc), MetricsPort: cfg.Metrics.Port, ServiceAccount: s.account,
		NodePort: cfg.nodePort(svc), HPA: hpa, Env: e.vars, ConfigChecksum: configChecksum(s.values, e.keys),
		InitArgs: initArgs(svc), Placement: placement(cfg, svc),
	}
}

// production: the frontends of a production stack share one sign-in
// across their two hosts and believe the gateway's forwarded headers.
func (e *env) production(cfg *Config, s *shared) {
	if cfg.Production != nil {
		e.fromConfig(s, "COOKIE_DOMAIN", "TRUSTED_PROXIES")
	}
}

// placement is how a production stack places an app's pods (nil: the
// minikube stack's one node).
func placement(cfg *Config, svc Service) *Placement {
	if cfg.Production == nil {
		return nil
	}
	p := &Placement{TolerationSeconds: cfg.Production.TolerationSeconds}
	if svc.App == "backend" {
		p.PriorityClassName = BackendPriorityClass(cfg.Namespace)
	}
	return p
}

// initArgs: the backend migrates in an init container of each new pod,
// under the migrations' advisory lock (the first pod applies them, the
// others find nothing to do).
func initArgs(svc Service) []string {
	if svc.App == "backend" {
		return []string{"migrate"}
	}
	return nil
}

// PullSecretName is the registry credentials' Secret (images.username).
const PullSecretName = "todo-app-registry"

// pullSecret lets the kubelet pull from a registry that needs signing in.
func pullSecret(ctx *pulumi.Context, cfg *Config, meta func(string) *metav1.ObjectMetaArgs, opts []pulumi.ResourceOption) (*corev1.Secret, error) {
	server, user := RegistryHost(cfg.Images.Registry), cfg.Images.Username
	dockerConfig := cfg.RegistryPassword.ApplyT(func(pw string) (string, error) {
		b, err := json.Marshal(map[string]any{"auths": map[string]any{server: map[string]string{
			"username": user, "password": pw, "auth": base64.StdEncoding.EncodeToString([]byte(user + ":" + pw))}}})
		return string(b), err
	}).(pulumi.StringOutput)
	s, err := corev1.NewSecret(ctx, PullSecretName, &corev1.SecretArgs{
		Metadata:   meta(PullSecretName),
		Type:       pulumi.String("kubernetes.io/dockerconfigjson"),
		StringData: pulumi.StringMap{".dockerconfigjson": pulumi.ToSecret(dockerConfig).(pulumi.StringOutput)},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("declaring the registry credentials: %w", err)
	}
	return s, nil
}
