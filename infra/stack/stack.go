package stack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Names from the seed architecture.
const (
	BackendName   = "todo-app-backend"
	WebName       = "todo-app-frontend-web"
	ChatbotName   = "todo-app-frontend-chatbot"
	SecretName    = "app-secrets"
	ConfigMapName = "todo-app-config"
	SAName        = "todo-app-sa"
	RoleName      = "todo-app-role"
	BindingName   = "todo-app-binding"
	PostgresName  = "todo-app-postgres"
)

// Outputs are what the stack exports.
type Outputs struct {
	WebURL     pulumi.StringOutput
	ChatbotURL pulumi.StringOutput
	Namespace  pulumi.StringOutput
	Images     pulumi.StringMapOutput
	// Deployed records what holds data, for the next run's safety check.
	Deployed pulumi.StringMapOutput
}

// Program declares the whole product and exports its outputs.
func Program(ctx *pulumi.Context) error {
	out, err := Deploy(ctx)
	if err != nil {
		return err
	}
	ctx.Export("webUrl", out.WebURL)
	ctx.Export("chatbotUrl", out.ChatbotURL)
	ctx.Export("namespace", out.Namespace)
	ctx.Export("images", out.Images)
	ctx.Export("deployed", out.Deployed)
	return nil
}

// Deploy declares every resource and returns the outputs.
func Deploy(ctx *pulumi.Context) (*Outputs, error) {
	cfg, err := LoadConfig(ctx)
	if err != nil {
		return nil, err
	}
	// Before anything is declared: a change that would lose data stops
	// here, with nothing touched.
	prev, err := previousDeployment(ctx)
	if err != nil {
		return nil, err
	}
	next, err := checkDataSafety(cfg, prev, PasswordHash(cfg.databasePasswordPlain))
	if err != nil {
		return nil, err
	}
	if err := deploy(ctx, cfg, next); err != nil {
		return nil, err
	}
	cfg.outputs.Deployed = next.toOutput()
	return cfg.outputs, nil
}

func deploy(ctx *pulumi.Context, cfg *Config, deployed Deployed) error {
	ns := cfg.Namespace
	var nsOpts []pulumi.ResourceOption
	if ns != "default" {
		n, err := corev1.NewNamespace(ctx, ns, &corev1.NamespaceArgs{Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(ns)}})
		if err != nil {
			return err
		}
		nsOpts = append(nsOpts, pulumi.DependsOn([]pulumi.Resource{n}))
	}
	meta := func(name string) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: pulumi.String(ns),
			Labels: pulumi.StringMap{"app.kubernetes.io/part-of": pulumi.String("todo-app")}}
	}

	webURL := fmt.Sprintf("http://%s:%d", cfg.NodeAddress, cfg.WebNodePort)
	chatURL := fmt.Sprintf("http://%s:%d", cfg.NodeAddress, cfg.ChatNodePort)

	// Database: external (databaseUrl) or an in-cluster PostgreSQL.
	databaseURL := cfg.DatabaseURL
	var dbDeps []pulumi.Resource
	if !cfg.ExternalDB {
		db, err := newPostgres(ctx, cfg, deployed, meta, nsOpts)
		if err != nil {
			return err
		}
		databaseURL = db.URL
		dbDeps = db.Resources
		if err := newBackups(ctx, cfg, db, nsOpts); err != nil {
			return err
		}
	}

	secret, err := corev1.NewSecret(ctx, SecretName, &corev1.SecretArgs{
		Metadata: meta(SecretName),
		Type:     pulumi.String("Opaque"),
		StringData: pulumi.StringMap{
			"DATABASE_URL":       databaseURL,
			"BETTER_AUTH_SECRET": cfg.AuthSecret,
			"OPENAI_API_KEY":     cfg.OpenAIKey,
		},
	}, nsOpts...)
	if err != nil {
		return err
	}
	backendURL := fmt.Sprintf("http://%s:8000", BackendName)
	settings := pulumi.StringMap{
		"BACKEND_URL":  pulumi.String(backendURL),
		"FRONTEND_URL": pulumi.String(webURL + "," + chatURL),
		"WEB_URL":      pulumi.String(webURL),
		"CHATBOT_URL":  pulumi.String(chatURL),
		"OPENAI_MODEL": pulumi.String(cfg.OpenAIModel),
		"LOG_LEVEL":    pulumi.String("info"),
	}
	if cfg.OpenAIBase != "" {
		settings["OPENAI_BASE_URL"] = pulumi.String(cfg.OpenAIBase)
	}
	configMap, err := corev1.NewConfigMap(ctx, ConfigMapName, &corev1.ConfigMapArgs{Metadata: meta(ConfigMapName), Data: settings}, nsOpts...)
	if err != nil {
		return err
	}

	// The pods need no Kubernetes API access at all (their token is not
	// even mounted); the Role grants at most reading app-secrets by name,
	// instead of the seed's "list every secret".
	sa, err := corev1.NewServiceAccount(ctx, SAName, &corev1.ServiceAccountArgs{Metadata: meta(SAName), AutomountServiceAccountToken: pulumi.Bool(false)}, nsOpts...)
	if err != nil {
		return err
	}
	role, err := rbacv1.NewRole(ctx, RoleName, &rbacv1.RoleArgs{Metadata: meta(RoleName), Rules: rbacv1.PolicyRuleArray{&rbacv1.PolicyRuleArgs{
		ApiGroups: pulumi.StringArray{pulumi.String("")}, Resources: pulumi.StringArray{pulumi.String("secrets")},
		ResourceNames: pulumi.StringArray{pulumi.String(SecretName)}, Verbs: pulumi.StringArray{pulumi.String("get")},
	}}}, nsOpts...)
	if err != nil {
		return err
	}
	if _, err := rbacv1.NewRoleBinding(ctx, BindingName, &rbacv1.RoleBindingArgs{
		Metadata: meta(BindingName),
		RoleRef:  &rbacv1.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("Role"), Name: role.Metadata.Name().Elem()},
		Subjects: rbacv1.SubjectArray{&rbacv1.SubjectArgs{Kind: pulumi.String("ServiceAccount"), Name: sa.Metadata.Name().Elem(), Namespace: pulumi.String(ns)}},
	}, nsOpts...); err != nil {
		return err
	}

	// Every value a pod reads from the Secret or the ConfigMap, by key: the
	// apps' env lists record what they read, and each app's pod template
	// carries a hash of exactly those values.
	values := map[string]pulumi.StringInput{"DATABASE_URL": databaseURL, "BETTER_AUTH_SECRET": cfg.AuthSecret, "OPENAI_API_KEY": cfg.OpenAIKey}
	for k, v := range settings {
		values[k] = v
	}
	type reads struct{ keys []string }
	fromSecret := func(r *reads, env, key string, optional bool) *corev1.EnvVarArgs {
		r.keys = append(r.keys, key)
		ref := &corev1.SecretKeySelectorArgs{Name: secret.Metadata.Name().Elem(), Key: pulumi.String(key)}
		if optional {
			ref.Optional = pulumi.Bool(true)
		}
		return &corev1.EnvVarArgs{Name: pulumi.String(env), ValueFrom: &corev1.EnvVarSourceArgs{SecretKeyRef: ref}}
	}
	fromConfig := func(r *reads, env string) *corev1.EnvVarArgs {
		r.keys = append(r.keys, env)
		return &corev1.EnvVarArgs{Name: pulumi.String(env), ValueFrom: &corev1.EnvVarSourceArgs{
			ConfigMapKeyRef: &corev1.ConfigMapKeySelectorArgs{Name: configMap.Metadata.Name().Elem(), Key: pulumi.String(env)}}}
	}
	literal := func(env, v string) *corev1.EnvVarArgs {
		return &corev1.EnvVarArgs{Name: pulumi.String(env), Value: pulumi.String(v)}
	}

	images := pulumi.StringMap{}
	image := func(app, repo string) (pulumi.StringOutput, error) {
		img, err := appImage(ctx, cfg, app, repo)
		images[repo] = img
		return img, err
	}
	backendImage, err := image("backend", "todo-backend")
	if err != nil {
		return err
	}
	webImage, err := image("web", "todo-frontend-web")
	if err != nil {
		return err
	}
	chatImage, err := image("chatbot", "todo-frontend-chatbot")
	if err != nil {
		return err
	}
	appOpts := append(append([]pulumi.ResourceOption{}, nsOpts...), pulumi.DependsOn(append([]pulumi.Resource{secret, configMap}, dbDeps...)))

	var be, we, ce reads
	if _, err := NewApp(ctx, &AppArgs{
		Namespace: ns, Name: BackendName, Label: "backend", MetricsPort: cfg.Metrics.Port, Image: backendImage, Port: 8000, Settings: cfg.Backend,
		ServiceAccount: sa.Metadata.Name().Elem(), HPA: &cfg.HPA,
		Env: corev1.EnvVarArray{literal("PORT", "8000"), literal("METRICS_PORT", strconv.Itoa(cfg.Metrics.Port)), fromSecret(&be, "DATABASE_URL", "DATABASE_URL", false),
			fromSecret(&be, "BETTER_AUTH_SECRET", "BETTER_AUTH_SECRET", false), fromConfig(&be, "FRONTEND_URL"), fromConfig(&be, "LOG_LEVEL"),
			literal("DB_MAX_CONNS", strconv.Itoa(cfg.DBPoolPerBackend()))},
		ConfigChecksum: configChecksum(values, be.keys),
	}, appOpts...); err != nil {
		return err
	}
	if _, err := NewApp(ctx, &AppArgs{
		Namespace: ns, Name: WebName, Label: "frontend-web", MetricsPort: cfg.Metrics.Port, Image: webImage, Port: 3000, Settings: cfg.Web,
		ServiceAccount: sa.Metadata.Name().Elem(), NodePort: cfg.WebNodePort,
		Env: corev1.EnvVarArray{literal("PORT", "3000"), literal("METRICS_PORT", strconv.Itoa(cfg.Metrics.Port)), fromConfig(&we, "BACKEND_URL"), fromSecret(&we, "BETTER_AUTH_SECRET", "BETTER_AUTH_SECRET", false),
			fromConfig(&we, "CHATBOT_URL"), fromConfig(&we, "LOG_LEVEL")},
		ConfigChecksum: configChecksum(values, we.keys),
	}, appOpts...); err != nil {
		return err
	}
	chatEnv := corev1.EnvVarArray{literal("PORT", "3001"), literal("METRICS_PORT", strconv.Itoa(cfg.Metrics.Port)), fromConfig(&ce, "BACKEND_URL"), fromSecret(&ce, "BETTER_AUTH_SECRET", "BETTER_AUTH_SECRET", false),
		fromConfig(&ce, "WEB_URL"), fromSecret(&ce, "OPENAI_API_KEY", "OPENAI_API_KEY", true), fromConfig(&ce, "OPENAI_MODEL"), fromConfig(&ce, "LOG_LEVEL")}
	if cfg.OpenAIBase != "" {
		chatEnv = append(chatEnv, fromConfig(&ce, "OPENAI_BASE_URL"))
	}
	if _, err := NewApp(ctx, &AppArgs{
		Namespace: ns, Name: ChatbotName, Label: "frontend-chatbot", MetricsPort: cfg.Metrics.Port, Image: chatImage, Port: 3001, Settings: cfg.Chatbot,
		ServiceAccount: sa.Metadata.Name().Elem(), NodePort: cfg.ChatNodePort, Env: chatEnv,
		ConfigChecksum: configChecksum(values, ce.keys),
	}, appOpts...); err != nil {
		return err
	}
	if err := networkPolicies(ctx, cfg, meta, nsOpts); err != nil {
		return err
	}
	if cfg.Metrics.PodMonitor {
		if err := podMonitor(ctx, cfg, meta, nsOpts); err != nil {
			return err
		}
	}

	cfg.outputs = &Outputs{
		WebURL: pulumi.String(webURL).ToStringOutput(), ChatbotURL: pulumi.String(chatURL).ToStringOutput(),
		Namespace: pulumi.String(ns).ToStringOutput(), Images: images.ToStringMapOutput(),
	}
	return nil
}

// configChecksum hashes the values of the given keys. The hash is not
// secret (16 hex digits of SHA-256 reveal nothing of a 32-byte secret), so
// a preview shows which apps will roll.
func configChecksum(values map[string]pulumi.StringInput, keys []string) pulumi.StringOutput {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	inputs := make([]any, len(keys))
	for i, k := range keys {
		inputs[i] = values[k]
	}
	sum := pulumi.All(inputs...).ApplyT(func(vs []any) string {
		h := sha256.New()
		for i, k := range keys {
			fmt.Fprintf(h, "%s=%v\x00", k, vs[i])
		}
		return hex.EncodeToString(h.Sum(nil))[:16]
	}).(pulumi.StringOutput)
	return pulumi.Unsecret(sum).(pulumi.StringOutput)
}

// DerivedDatabasePassword is the in-cluster database password stacks had
// before it became a setting of its own: derived from authSecret. A stack
// without databasePassword keeps it (its PostgreSQL was initialised with
// it); make up pins it as databasePassword, after which rotating
// authSecret no longer touches the database.
func DerivedDatabasePassword(authSecret string) string {
	mac := hmac.New(sha256.New, []byte(authSecret))
	mac.Write([]byte("todo-app in-cluster postgres password"))
	return hex.EncodeToString(mac.Sum(nil))[:32]
}
