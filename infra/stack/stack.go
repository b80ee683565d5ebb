package stack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
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
	// KeptOnDestroy lists what `pulumi destroy` leaves in the cluster on
	// purpose (the data), for the operator to see before and after.
	KeptOnDestroy pulumi.StringArrayOutput
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
	ctx.Export("keptOnDestroy", out.KeptOnDestroy)
	return nil
}

// Options change how Deploy gets what it reads from outside the stack's
// configuration; the zero value is what `pulumi up` runs.
type Options struct {
	// ContentTags tags the images built without a tag of their own (nil:
	// ContentTags, one go list of the workspace per run). The mock tests,
	// which run the program dozens of times over one unchanged tree, give
	// it the tags they computed once: the go list was 27 of their 28 s.
	ContentTags func(root string, apps ...string) (map[string]string, error)
}

// Deploy declares every resource and returns the outputs.
func Deploy(ctx *pulumi.Context) (*Outputs, error) { return DeployWith(ctx, Options{}) }

// DeployWith is Deploy with opts.
func DeployWith(ctx *pulumi.Context, opts Options) (*Outputs, error) {
	if opts.ContentTags == nil {
		opts.ContentTags = ContentTags
	}
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
	out, err := deploy(ctx, cfg, next, opts)
	if err != nil {
		return nil, err
	}
	out.Deployed = next.toOutput()
	return out, nil
}

// deploy is the architecture diagram: a namespace; the database, in the
// cluster with its backups or outside it; what the apps share; the three
// apps of the services table; who may talk to whom; who may scrape.
func deploy(ctx *pulumi.Context, cfg *Config, deployed Deployed, opts Options) (*Outputs, error) {
	provider, err := clusterProvider(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var onCluster []pulumi.ResourceOption
	if provider != nil {
		onCluster = append(onCluster, pulumi.Providers(provider))
	}
	inNamespace, err := newNamespace(ctx, cfg, onCluster)
	if err != nil {
		return nil, err
	}
	inNamespace = append(append([]pulumi.ResourceOption{}, onCluster...), inNamespace...)
	meta := func(name string) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: pulumi.String(cfg.Namespace),
			Labels: pulumi.StringMap{"app.kubernetes.io/part-of": pulumi.String("todo-app")}}
	}
	webURL := fmt.Sprintf("http://%s:%d", cfg.NodeAddress, cfg.NodePorts["web"])
	chatURL := fmt.Sprintf("http://%s:%d", cfg.NodeAddress, cfg.NodePorts["chatbot"])
	var appDeps []pulumi.Resource
	if p := cfg.Production; p != nil {
		webURL, chatURL = "https://"+p.Hosts.Web, "https://"+p.Hosts.Chatbot
		pc, err := priorityClass(ctx, cfg, onCluster)
		if err != nil {
			return nil, err
		}
		appDeps = append(appDeps, pc)
	}

	databaseURL, database := cfg.DatabaseURL, []pulumi.Resource(nil)
	switch {
	case cfg.CNPG != nil:
		// The backend reads the operator's own Secret (shared.go); the
		// app Secret's DATABASE_URL stays empty.
		if database, err = cnpgCluster(ctx, cfg, meta, inNamespace); err != nil {
			return nil, err
		}
	case !cfg.ExternalDB:
		db, err := NewDatabase(ctx, cfg, deployed, meta, inNamespace...)
		if err != nil {
			return nil, err
		}
		databaseURL, database = db.URL, db.Resources
	}
	sh, err := newShared(ctx, cfg, databaseURL, webURL, chatURL, meta, inNamespace)
	if err != nil {
		return nil, err
	}
	images := pulumi.StringMap{}
	var tags map[string]string
	if cfg.Images.Build && cfg.Images.Tag == "" {
		var apps []string
		for _, svc := range Services() {
			apps = append(apps, svc.App)
		}
		if tags, err = opts.ContentTags(cfg.RepoRoot, apps...); err != nil {
			return nil, err
		}
	}
	for _, svc := range Services() {
		image, err := appImage(ctx, cfg, svc.App, svc.Repo, tags[svc.App])
		if err != nil {
			return nil, err
		}
		images[svc.Repo] = image
		opts := append(append([]pulumi.ResourceOption{}, inNamespace...), pulumi.DependsOn(append(append(sh.resources(), database...), appDeps...)))
		if _, err := NewApp(ctx, sh.appArgs(cfg, svc, image), opts...); err != nil {
			return nil, err
		}
	}
	if err := networkPolicies(ctx, cfg, meta, inNamespace); err != nil {
		return nil, err
	}
	if cfg.Metrics.PodMonitor {
		if err := podMonitor(ctx, cfg, meta, inNamespace); err != nil {
			return nil, err
		}
	}
	if cfg.Production != nil {
		if err := traffic(ctx, cfg, meta, inNamespace); err != nil {
			return nil, err
		}
		if cfg.Production.ServiceMonitor {
			if err := serviceMonitors(ctx, cfg, meta, inNamespace); err != nil {
				return nil, err
			}
		}
	}
	var kept []string
	if cfg.CNPG != nil {
		kept = []string{"namespace " + cfg.Namespace, "CloudNativePG Cluster " + CNPGClusterName + " (its volumes and backups)", "ScheduledBackup " + CNPGClusterName + "-daily"}
	}
	return &Outputs{
		KeptOnDestroy: pulumi.ToStringArray(kept).ToStringArrayOutput(),
		WebURL:        pulumi.String(webURL).ToStringOutput(), ChatbotURL: pulumi.String(chatURL).ToStringOutput(),
		Namespace: pulumi.String(cfg.Namespace).ToStringOutput(), Images: images.ToStringMapOutput(),
	}, nil
}

// newNamespace declares the namespace unless it is "default", and returns
// the option that makes a resource wait for it. A production stack's
// namespace enforces the restricted Pod Security Standard, which every
// pod of ours meets.
func newNamespace(ctx *pulumi.Context, cfg *Config, opts []pulumi.ResourceOption) ([]pulumi.ResourceOption, error) {
	name := cfg.Namespace
	if name == "default" {
		return nil, nil
	}
	meta := &metav1.ObjectMetaArgs{Name: pulumi.String(name)}
	if cfg.Production != nil {
		meta.Labels = pulumi.StringMap{}
		for _, mode := range []string{"enforce", "audit", "warn"} {
			meta.Labels.(pulumi.StringMap)["pod-security.kubernetes.io/"+mode] = pulumi.String("restricted")
		}
	}
	if cfg.CNPG != nil {
		// Deleting the namespace would delete the database cluster in it,
		// which destroy keeps.
		opts = append(append([]pulumi.ResourceOption{}, opts...), pulumi.RetainOnDelete(true))
	}
	n, err := corev1.NewNamespace(ctx, name, &corev1.NamespaceArgs{Metadata: meta}, opts...)
	if err != nil {
		return nil, err
	}
	return []pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{n})}, nil
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
