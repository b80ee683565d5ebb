// Package stack is the todo-app Pulumi program: typed configuration, the
// images, one App component per service, the database, and the policies
// around them. main only calls pulumi.Run(stack.Program), so tests and the
// Automation API can run the same program.
package stack

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/todo-app/todo-app/pkg/gowork"
)

// Resources are a container's requests and limits.
type Resources struct {
	Requests Quantities `json:"requests"`
	Limits   Quantities `json:"limits"`
}

// Quantities are CPU and memory amounts in Kubernetes notation.
type Quantities struct {
	CPU    string `json:"cpu"`
	Memory string `json:"memory"`
}

// AppSettings tune one app.
type AppSettings struct {
	Replicas  int       `json:"replicas"`
	Resources Resources `json:"resources"`
}

// Images says where the images come from.
type Images struct {
	// Build: build with Docker (default); false uses prebuilt images.
	Build bool `json:"build"`
	// Tag: for prebuilt images, the tag to deploy (required then); when
	// building, empty means a hash of each image's inputs.
	Tag string `json:"tag"`
	// Registry prefix for image names, e.g. "ghcr.io/acme" (default none:
	// images live in the node's Docker). When building, the images are
	// pushed there and deployed by digest.
	Registry string `json:"registry"`
	// Digests of prebuilt images by app (the services table's), e.g.
	// "sha256:…": with build: false, the pods run registry/repo@digest.
	Digests map[string]string `json:"digests"`
	// Username, with the registryPassword secret, signs in to Registry:
	// to push what is built, and for the nodes to pull (a
	// dockerconfigjson Secret on the pods' service account).
	Username string `json:"username"`
	// Platform builds for another machine than this one, e.g.
	// linux/arm64 for a cluster of arm64 nodes (one platform per image).
	Platform string `json:"platform"`
}

// DatabaseSettings configure the in-cluster PostgreSQL (unused with databaseUrl).
type DatabaseSettings struct {
	Image   string `json:"image"`
	Storage string `json:"storage"`
	// MaxConnections is the database's max_connections (PostgreSQL's
	// default, 100, for the in-cluster one; set it for an external
	// database with another limit). The backends' pools are sized from it.
	MaxConnections int `json:"maxConnections"`
}

// ReservedConnections are kept free of the backends' pools for a backup
// job, a migration and an admin session or two.
const ReservedConnections = 10

// DBPoolPerBackend is each backend's DB_MAX_CONNS: the connections left
// after the reserve, shared by the autoscaler's maximum of backends, at
// most 20 (more does not help a backend, docs/benchmarks.md).
func (c *Config) DBPoolPerBackend() int {
	return dbPoolPerBackend(c.Database.MaxConnections, c.HPA.Max)
}

func dbPoolPerBackend(maxConnections, backends int) int {
	return min(20, (maxConnections-ReservedConnections)/backends)
}

// Config is the whole stack configuration, validated.
type Config struct {
	Namespace   string
	NodeAddress string
	// NodePorts are the public services' node ports by app (web,
	// chatbot), defaults from the services table.
	NodePorts map[string]int
	Backend   AppSettings
	Web       AppSettings
	Chatbot   AppSettings
	HPA       HPASettings
	Images    Images
	Database  DatabaseSettings
	// Confirm approves named changes that leave data behind (safety.go).
	Confirm Confirm
	Backup  Backup
	Metrics Metrics

	AuthSecret pulumi.StringOutput
	// DatabasePassword is the in-cluster database's password: the
	// databasePassword secret, or for stacks that predate it the value
	// derived from authSecret (DerivedDatabasePassword).
	DatabasePassword pulumi.StringOutput
	// DatabasePasswordSet: databasePassword is set (not derived).
	DatabasePasswordSet bool
	// databasePasswordPlain is for the safety check's hash only.
	databasePasswordPlain string
	DatabaseURL           pulumi.StringOutput // external database; empty string means in-cluster
	ExternalDB            bool
	// CNPG is the CloudNativePG cluster of a production stack (nil: the
	// in-cluster StatefulSet, or databaseUrl).
	CNPG *CNPG
	// DatabasePort is the external database's port (for the egress policy).
	DatabasePort int
	OpenAIKey    pulumi.StringOutput
	OpenAIModel  string
	OpenAIBase   string
	RepoRoot     string
	// Production, when set, is a stack on a real multi-node cluster
	// (production.go); nil is the minikube stack.
	Production *Production
	// Kubeconfig is the cluster's kubeconfig (todo-app:kubeconfig, a
	// secret); unset, the ambient one.
	Kubeconfig pulumi.StringOutput
	// RegistryPassword goes with Images.Username (todo-app:registryPassword).
	RegistryPassword pulumi.StringOutput
}

// Metrics says where the apps serve Prometheus metrics and who may
// scrape them.
type Metrics struct {
	// Port every app serves /metrics on, apart from its own port (which a
	// NodePort makes public); never exposed by a Service.
	Port int `json:"port"`
	// ScrapeNamespace is the namespace whose pods may scrape the metrics
	// port (the NetworkPolicies allow nothing else new).
	ScrapeNamespace string `json:"scrapeNamespace"`
	// PodMonitor declares a Prometheus Operator PodMonitor for the three
	// apps (the operator's CRDs must be installed).
	PodMonitor bool `json:"podMonitor"`
}

// HPASettings bound the backend's autoscaler.
type HPASettings struct {
	Min           int `json:"min"`
	Max           int `json:"max"`
	CPUPercent    int `json:"cpuPercent"`
	MemoryPercent int `json:"memoryPercent"`
}

// Per-app defaults come from `make bench` (docs/benchmarks.md), not the
// seed's guess of 256Mi/250m requests and 512Mi/500m limits: requests cover
// the measured peak with headroom, limits leave room for bursts, and
// GOMEMLIMIT (90 % of the limit) makes the Go runtime collect before the
// kernel would kill the pod.
func defaultBackend() AppSettings {
	return AppSettings{Replicas: 2, Resources: Resources{
		Requests: Quantities{CPU: "250m", Memory: "128Mi"},
		Limits:   Quantities{CPU: "1", Memory: "256Mi"},
	}}
}

func defaultFrontend(memRequest, memLimit string) AppSettings {
	return AppSettings{Replicas: 2, Resources: Resources{
		Requests: Quantities{CPU: "100m", Memory: memRequest},
		Limits:   Quantities{CPU: "500m", Memory: memLimit},
	}}
}

// goMemLimit is 90 % of a Kubernetes memory quantity, in GOMEMLIMIT syntax.
func goMemLimit(q string) string {
	units := map[string]float64{"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
	n, mult := q, 1.0
	for suffix, m := range units {
		if strings.HasSuffix(q, suffix) {
			n, mult = strings.TrimSuffix(q, suffix), m
			break
		}
	}
	v, _ := strconv.ParseFloat(n, 64)
	return fmt.Sprintf("%dMiB", int(v*mult*0.9/(1<<20)))
}

var (
	reDNSLabel  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	reCPU       = regexp.MustCompile(`^(\d+m|\d+(\.\d+)?)$`)
	reMemory    = regexp.MustCompile(`^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$`)
	reTag       = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	reDigest    = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	reRetention = regexp.MustCompile(`^[1-9][0-9]*[dwm]$`)
	rePlatform  = regexp.MustCompile(`^linux/[a-z0-9]+(/v[0-9])?$`)
)

// LoadConfig reads the "todo-app" config namespace and checks every value;
// the error lists each problem with the command that fixes it. Each part
// is read by a function of its own, in this order, all reporting through
// the same bad.
func LoadConfig(ctx *pulumi.Context) (*Config, error) {
	c := config.New(ctx, "")
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("todo-app:%s %s", key, fmt.Sprintf(format, args...)))
	}
	cfg := &Config{}
	cfg.Namespace, cfg.NodeAddress = readPlace(c, bad)
	cfg.NodePorts = readNodePorts(c, bad)
	sizing := readSizing(c.Get, bad)
	cfg.Backend, cfg.Web, cfg.Chatbot, cfg.HPA = sizing.Backend, sizing.Web, sizing.Chatbot, sizing.HPA
	cfg.Images, cfg.RegistryPassword = readImages(c, bad)
	cfg.Database, cfg.Backup, cfg.Metrics, cfg.Confirm = readDatabaseAndMetrics(c, cfg.HPA, bad)
	readSecrets(ctx, c, cfg, bad)
	cfg.OpenAIModel, cfg.OpenAIBase, cfg.OpenAIKey = readModel(ctx, c, bad)
	cfg.Production = readProduction(ctx, c, cfg, bad)
	if kc, err := c.TrySecret("kubeconfig"); err == nil {
		cfg.Kubeconfig = kc
		if cfg.Production == nil || cfg.Production.ClusterIdentifier == "" {
			bad("kubeconfig", "needs production.clusterIdentifier (a name for the cluster, like prod-eu-1): without it a new kubeconfig, e.g. rotated credentials, would replace every resource")
		}
	}
	if cfg.Images.Build {
		root, err := gowork.Root()
		if err != nil {
			errs = append(errs, err)
		}
		cfg.RepoRoot = root
	}
	if len(errs) > 0 {
		lines := make([]string, len(errs))
		for i, e := range errs {
			lines[i] = "  - " + e.Error()
		}
		return nil, fmt.Errorf("invalid stack configuration:\n%s", strings.Join(lines, "\n"))
	}
	return cfg, nil
}

// report is how the readers below report a problem: the setting's key
// (without "todo-app:") and what is wrong with it, with the fix.
type report = func(key, format string, args ...any)

// readObject decodes the object setting key into into, which holds its
// defaults; false when it is unset or not such an object (reported, with
// example showing its shape).
func readObject(c *config.Config, key string, into any, example string, bad report) bool {
	err := c.TryObject(key, into)
	if err != nil && !errors.Is(err, config.ErrMissingVar) {
		bad(key, "must be an object like %s: %v", example, err)
	}
	return err == nil
}

// readPlace reads where the stack goes: its namespace and the address of
// the node its NodePorts answer on.
func readPlace(c *config.Config, bad report) (namespace, nodeAddress string) {
	namespace = orDefault(c.Get("namespace"), "default")
	nodeAddress = orDefault(c.Get("nodeAddress"), "192.168.49.2")
	if !reDNSLabel.MatchString(namespace) {
		bad("namespace", "must be a Kubernetes namespace name (lower-case letters, digits, '-'), got %q", namespace)
	}
	if net.ParseIP(nodeAddress) == nil && !reHost.MatchString(nodeAddress) {
		bad("nodeAddress", "must be the node's IP or host name (see `minikube ip`), got %q", nodeAddress)
	}
	return namespace, nodeAddress
}

// readNodePorts reads the public services' node ports by app, each
// defaulting to its row of the services table.
func readNodePorts(c *config.Config, bad report) map[string]int {
	public := publicServices()
	ports := map[string]int{}
	example := make([]string, len(public))
	for i, s := range public {
		ports[s.App] = s.NodePort
		example[i] = fmt.Sprintf("%q: %d", s.App, s.NodePort)
	}
	var set map[string]int
	if readObject(c, "nodePorts", &set, "{"+strings.Join(example, ", ")+"}", bad) {
		for _, s := range public {
			if p := set[s.App]; p != 0 {
				ports[s.App] = p
			}
		}
	}
	for _, s := range public {
		if p := ports[s.App]; p < 30000 || p > 32767 {
			bad("nodePorts", "%s must be in the NodePort range 30000-32767, got %d", s.App, p)
		}
	}
	for i, a := range public {
		for _, b := range public[i+1:] {
			if ports[a.App] == ports[b.App] {
				bad("nodePorts", "%s and %s must differ, both are %d", a.App, b.App, ports[a.App])
			}
		}
	}
	return ports
}

// readImages reads where the images come from, and the registry's
// password when there is one.
func readImages(c *config.Config, bad report) (Images, pulumi.StringOutput) {
	im := Images{Build: true}
	readObject(c, "images", &im, `{"build": false, "tag": "v1.2.3"}`, bad)
	if im.Tag != "" && !reTag.MatchString(im.Tag) {
		bad("images", "tag %q is not a valid image tag", im.Tag)
	}
	if im.Tag == "latest" {
		bad("images", "tag must not be \"latest\": use a version or leave it empty to tag by content")
	}
	apps := serviceApps()
	for _, app := range slices.Sorted(maps.Keys(im.Digests)) {
		d := im.Digests[app]
		if !slices.Contains(apps, app) {
			bad("images", "digests has an unknown app %q: the apps are %s", app, andList(apps))
		}
		if !reDigest.MatchString(d) {
			bad("images", "digests.%s must look like sha256:<64 hex digits>, got %q", app, d)
		}
	}
	if len(im.Digests) > 0 && im.Build {
		bad("images", "digests name prebuilt images: set build: false with them (pulumi config set --path images.build false)")
	}
	if !im.Build && im.Tag == "" && len(im.Digests) < len(apps) {
		bad("images", "with build: false, set the tag of the prebuilt images (pulumi config set --path images.tag v1.2.3) or the digest of each (images.digests.%s)",
			strings.Join(apps, ", ."))
	}
	if strings.Contains(im.Registry, "://") || strings.ContainsAny(im.Registry, " @") {
		bad("images", "registry must be a host and optional path like ghcr.io/acme or localhost:5000, got %q", im.Registry)
	}
	var password pulumi.StringOutput
	pw, pwErr := c.TrySecret("registryPassword")
	switch {
	case im.Username != "" && pwErr != nil:
		bad("registryPassword", "is not set: images.username signs in to the registry with it (pulumi config set --secret registryPassword <token>)")
	case im.Username == "" && pwErr == nil:
		bad("images", "username is not set: registryPassword is the password of images.username (pulumi config set --path images.username <user>)")
	case im.Username != "" && im.Registry == "":
		bad("images", "username signs in to images.registry, which is not set")
	case pwErr == nil:
		password = pw
	}
	if im.Platform != "" && !rePlatform.MatchString(im.Platform) {
		bad("images", "platform must look like linux/amd64 or linux/arm64, got %q", im.Platform)
	}
	return im, password
}

// readDatabaseAndMetrics reads the in-cluster database's settings, its
// backups, the metrics and the confirmations (in the order they were
// always reported); the database's connections must give each of hpa.max
// backends a pool.
func readDatabaseAndMetrics(c *config.Config, hpa HPASettings, bad report) (db DatabaseSettings, backup Backup, metrics Metrics, confirm Confirm) {
	db = DatabaseSettings{Image: "postgres:16-alpine", Storage: "1Gi", MaxConnections: 100}
	backup = Backup{Schedule: "0 3 * * *", Keep: 7, Storage: "1Gi"}
	metrics = Metrics{Port: 9090, ScrapeNamespace: "monitoring"}
	readObject(c, "database", &db, `{"storage": "1Gi"}`, bad)
	readObject(c, "backup", &backup, `{"schedule": "0 3 * * *", "keep": 7}`, bad)
	if len(strings.Fields(backup.Schedule)) != 5 {
		bad("backup", "schedule must be a cron schedule of five fields (minute hour day month weekday, UTC), like \"0 3 * * *\", got %q", backup.Schedule)
	}
	if backup.Keep < 1 {
		bad("backup", "keep must be at least 1 (how many newest backups to keep), got %d", backup.Keep)
	}
	if !reMemory.MatchString(backup.Storage) {
		bad("backup", "storage must look like 1Gi, got %q", backup.Storage)
	}
	readObject(c, "metrics", &metrics, `{"port": 9090, "scrapeNamespace": "monitoring", "podMonitor": false}`, bad)
	appPorts := servicePorts()
	if metrics.Port < 1024 || metrics.Port > 65535 || slices.Contains(appPorts, metrics.Port) {
		bad("metrics", "port must be 1024–65535 and not one of the apps' ports (%s), got %d", joinInts(appPorts), metrics.Port)
	}
	if !reDNSLabel.MatchString(metrics.ScrapeNamespace) {
		bad("metrics", "scrapeNamespace must be a namespace name like monitoring, got %q", metrics.ScrapeNamespace)
	}
	readObject(c, "confirm", &confirm, `{"leaveNamespace": "todo"}`, bad)
	if !reMemory.MatchString(db.Storage) {
		bad("database", "storage must look like 1Gi, got %q", db.Storage)
	}
	if hpa.Max >= 1 && dbPoolPerBackend(db.MaxConnections, hpa.Max) < 2 {
		bad("hpa", "max %d backends with at least 2 connections each, plus %d reserved for backups, migrations and admin, need %d connections; the database allows %d (database.maxConnections): lower hpa.max or raise database.maxConnections",
			hpa.Max, ReservedConnections, 2*hpa.Max+ReservedConnections, db.MaxConnections)
	}
	return db, backup, metrics, confirm
}

// readSecrets reads authSecret, the in-cluster database's password (its
// own, or the one derived from authSecret) and an external databaseUrl.
func readSecrets(ctx *pulumi.Context, c *config.Config, cfg *Config, bad report) {
	secret, err := c.TrySecret("authSecret")
	if err != nil {
		bad("authSecret", "is not set: run `pulumi config set --secret authSecret $(openssl rand -hex 32)` (make up does this for you)")
	} else {
		cfg.AuthSecret = secret
		plain, _ := ctx.GetConfig("todo-app:authSecret")
		if len(plain) < 32 {
			bad("authSecret", "must be at least 32 bytes, got %d: run `pulumi config set --secret authSecret $(openssl rand -hex 32)`", len(plain))
		}
	}
	if pw, err := c.TrySecret("databasePassword"); err == nil {
		plain, _ := ctx.GetConfig("todo-app:databasePassword")
		if len(plain) < 16 || strings.ContainsAny(plain, "@:/?#%' \"\\") {
			bad("databasePassword", "must be at least 16 characters without URL or quoting characters (@:/?#%%' \"\\ or spaces): run `pulumi config set --secret databasePassword $(openssl rand -hex 24)`")
		}
		cfg.DatabasePassword = pw
		cfg.DatabasePasswordSet = true
		cfg.databasePasswordPlain = plain
	} else if cfg.AuthSecret != (pulumi.StringOutput{}) {
		cfg.DatabasePassword = pulumi.ToSecret(cfg.AuthSecret.ApplyT(DerivedDatabasePassword)).(pulumi.StringOutput)
		plain, _ := ctx.GetConfig("todo-app:authSecret")
		cfg.databasePasswordPlain = DerivedDatabasePassword(plain)
	}
	dbURL, _ := ctx.GetConfig("todo-app:databaseUrl")
	if dbURL != "" {
		if !strings.HasPrefix(dbURL, "postgres://") && !strings.HasPrefix(dbURL, "postgresql://") {
			bad("databaseUrl", "must be a postgres:// or postgresql:// URL")
		}
		cfg.ExternalDB = true
		cfg.DatabasePort = 5432
		// The parse error would quote the URL, password and all.
		if u, err := url.Parse(dbURL); err != nil {
			bad("databaseUrl", "is not a valid URL")
		} else if p := u.Port(); p != "" {
			cfg.DatabasePort, _ = strconv.Atoi(p)
		}
	}
	cfg.DatabaseURL = pulumi.ToSecret(pulumi.String(dbURL)).(pulumi.StringOutput)
}

// readModel reads the chatbot's model settings: its name, the
// OpenAI-compatible API's address (empty: OpenAI's) and key.
func readModel(ctx *pulumi.Context, c *config.Config, bad report) (model, base string, key pulumi.StringOutput) {
	model, base = orDefault(c.Get("openaiModel"), "gpt-4o-mini"), c.Get("openaiBaseUrl")
	if base != "" && !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
		bad("openaiBaseUrl", "must be an http(s) URL such as http://ollama:11434/v1")
	}
	plain, _ := ctx.GetConfig("todo-app:openaiApiKey")
	return model, base, pulumi.ToSecret(pulumi.String(plain)).(pulumi.StringOutput)
}

var reHost = regexp.MustCompile(`^[a-zA-Z0-9]([-a-zA-Z0-9.]{0,251}[a-zA-Z0-9])?$`)

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
