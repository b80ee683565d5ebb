package stack_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/infra/stack"
)

// loadConfig runs LoadConfig alone (no resources declared) on config
// (keys without the project prefix), secretKeys marked secret.
func loadConfig(t *testing.T, config map[string]string, secretKeys ...string) (*stack.Config, error) {
	t.Helper()
	// LoadConfig's own error, not RunErr's wrapping of it.
	var loaded *stack.Config
	var loadErr error
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		loaded, loadErr = stack.LoadConfig(ctx)
		return nil
	}, pulumi.WithMocks("todo-app", "dev", &mocks{}), withConfig(config, secretKeys...))
	require.NoError(t, err)
	return loaded, loadErr
}

// Every message LoadConfig can give, whole: one bad setting gives exactly
// its one line, naming the key and the fix. Lines that end in ": " are
// followed by the decoder's own words, which are not ours to pin.
func TestEveryConfigErrorMessage(t *testing.T) {
	t.Parallel()
	digest := "sha256:" + strings.Repeat("a", 64)
	cases := []struct {
		name string
		cfg  map[string]string
		want string
	}{
		{"no auth secret", map[string]string{}, "todo-app:authSecret is not set: run `pulumi config set --secret authSecret $(openssl rand -hex 32)` (make up does this for you)"},
		{"short auth secret", map[string]string{"authSecret": "short"}, "todo-app:authSecret must be at least 32 bytes, got 5: run `pulumi config set --secret authSecret $(openssl rand -hex 32)`"},
		{"namespace", map[string]string{"namespace": "Todo_App"}, `todo-app:namespace must be a Kubernetes namespace name (lower-case letters, digits, '-'), got "Todo_App"`},
		{"node address", map[string]string{"nodeAddress": "not a host"}, "todo-app:nodeAddress must be the node's IP or host name (see `minikube ip`), got \"not a host\""},
		{"node ports object", map[string]string{"nodePorts": `{"web": "x"}`}, `todo-app:nodePorts must be an object like {"web": 30000, "chatbot": 30001}: `},
		{"web node port range", map[string]string{"nodePorts": `{"web": 80}`}, "todo-app:nodePorts web must be in the NodePort range 30000-32767, got 80"},
		{"chatbot node port range", map[string]string{"nodePorts": `{"chatbot": 32768}`}, "todo-app:nodePorts chatbot must be in the NodePort range 30000-32767, got 32768"},
		{"same node ports", map[string]string{"nodePorts": `{"web": 30001}`}, "todo-app:nodePorts web and chatbot must differ, both are 30001"},
		{"app sizing", map[string]string{"web": `{"replicas": 0}`}, "todo-app:web replicas must be between 1 and 50, got 0"},
		{"hpa", map[string]string{"hpa": `{"min": 4, "max": 2}`}, "todo-app:hpa needs 1 <= min <= max, got min 4 max 2"},
		{"images object", map[string]string{"images": `{"build": "no"}`}, `todo-app:images must be an object like {"build": false, "tag": "v1.2.3"}: `},
		{"tag", map[string]string{"images": `{"tag": "v 1"}`}, `todo-app:images tag "v 1" is not a valid image tag`},
		{"latest", map[string]string{"images": `{"tag": "latest"}`}, `todo-app:images tag must not be "latest": use a version or leave it empty to tag by content`},
		{"digest of an unknown app", map[string]string{"images": `{"build": false, "tag": "v1", "digests": {"postgres": "` + digest + `"}}`},
			`todo-app:images digests has an unknown app "postgres": the apps are backend, web and chatbot`},
		{"bad digest", map[string]string{"images": `{"build": false, "tag": "v1", "digests": {"web": "sha256:abc"}}`},
			`todo-app:images digests.web must look like sha256:<64 hex digits>, got "sha256:abc"`},
		{"digests while building", map[string]string{"images": `{"tag": "v1", "digests": {"web": "` + digest + `"}}`},
			"todo-app:images digests name prebuilt images: set build: false with them (pulumi config set --path images.build false)"},
		{"prebuilt without tag", map[string]string{"images": `{"build": false, "digests": {"web": "` + digest + `", "chatbot": "` + digest + `"}}`},
			"todo-app:images with build: false, set the tag of the prebuilt images (pulumi config set --path images.tag v1.2.3) or the digest of each (images.digests.backend, .web, .chatbot)"},
		{"registry URL", map[string]string{"images": `{"registry": "https://ghcr.io/acme"}`},
			`todo-app:images registry must be a host and optional path like ghcr.io/acme or localhost:5000, got "https://ghcr.io/acme"`},
		{"username without password", map[string]string{"images": `{"registry": "ghcr.io/acme", "username": "bot"}`},
			"todo-app:registryPassword is not set: images.username signs in to the registry with it (pulumi config set --secret registryPassword <token>)"},
		{"password without username", map[string]string{"images": `{"registry": "ghcr.io/acme"}`, "registryPassword": "token"},
			"todo-app:images username is not set: registryPassword is the password of images.username (pulumi config set --path images.username <user>)"},
		{"username without registry", map[string]string{"images": `{"username": "bot"}`, "registryPassword": "token"},
			"todo-app:images username signs in to images.registry, which is not set"},
		{"platform", map[string]string{"images": `{"platform": "arm64"}`}, `todo-app:images platform must look like linux/amd64 or linux/arm64, got "arm64"`},
		{"database object", map[string]string{"database": `{"storage": 1}`}, `todo-app:database must be an object like {"storage": "1Gi"}: `},
		{"database storage", map[string]string{"database": `{"storage": "big"}`}, `todo-app:database storage must look like 1Gi, got "big"`},
		{"too few connections", map[string]string{"database": `{"maxConnections": 15}`},
			"todo-app:hpa max 5 backends with at least 2 connections each, plus 10 reserved for backups, migrations and admin, need 20 connections; the database allows 15 (database.maxConnections): lower hpa.max or raise database.maxConnections"},
		{"backup object", map[string]string{"backup": `{"keep": "all"}`}, `todo-app:backup must be an object like {"schedule": "0 3 * * *", "keep": 7}: `},
		{"backup schedule", map[string]string{"backup": `{"schedule": "daily"}`},
			`todo-app:backup schedule must be a cron schedule of five fields (minute hour day month weekday, UTC), like "0 3 * * *", got "daily"`},
		{"backup keep", map[string]string{"backup": `{"keep": 0}`}, "todo-app:backup keep must be at least 1 (how many newest backups to keep), got 0"},
		{"backup storage", map[string]string{"backup": `{"storage": "big"}`}, `todo-app:backup storage must look like 1Gi, got "big"`},
		{"metrics object", map[string]string{"metrics": `{"port": "x"}`}, `todo-app:metrics must be an object like {"port": 9090, "scrapeNamespace": "monitoring", "podMonitor": false}: `},
		{"metrics on the web's port", map[string]string{"metrics": `{"port": 3000}`}, "todo-app:metrics port must be 1024–65535 and not one of the apps' ports (3000, 3001, 8000), got 3000"},
		{"metrics on the chatbot's port", map[string]string{"metrics": `{"port": 3001}`}, "todo-app:metrics port must be 1024–65535 and not one of the apps' ports (3000, 3001, 8000), got 3001"},
		{"metrics on the backend's port", map[string]string{"metrics": `{"port": 8000}`}, "todo-app:metrics port must be 1024–65535 and not one of the apps' ports (3000, 3001, 8000), got 8000"},
		{"metrics port privileged", map[string]string{"metrics": `{"port": 80}`}, "todo-app:metrics port must be 1024–65535 and not one of the apps' ports (3000, 3001, 8000), got 80"},
		{"metrics port too high", map[string]string{"metrics": `{"port": 65536}`}, "todo-app:metrics port must be 1024–65535 and not one of the apps' ports (3000, 3001, 8000), got 65536"},
		{"scrape namespace", map[string]string{"metrics": `{"scrapeNamespace": "Not Valid"}`}, `todo-app:metrics scrapeNamespace must be a namespace name like monitoring, got "Not Valid"`},
		{"confirm object", map[string]string{"confirm": `{"leaveNamespace": 1}`}, `todo-app:confirm must be an object like {"leaveNamespace": "todo"}: `},
		{"database password", map[string]string{"databasePassword": "short"},
			"todo-app:databasePassword must be at least 16 characters without URL or quoting characters (@:/?#%' \"\\ or spaces): run `pulumi config set --secret databasePassword $(openssl rand -hex 24)`"},
		{"database password with a URL character", map[string]string{"databasePassword": "0123456789abcdef@x"},
			"todo-app:databasePassword must be at least 16 characters without URL or quoting characters (@:/?#%' \"\\ or spaces): run `pulumi config set --secret databasePassword $(openssl rand -hex 24)`"},
		{"database URL scheme", map[string]string{"databaseUrl": "mysql://db/todo"}, "todo-app:databaseUrl must be a postgres:// or postgresql:// URL"},
		{"database URL", map[string]string{"databaseUrl": "postgres://u:secretpw@db:port/todo"}, "todo-app:databaseUrl is not a valid URL"},
		{"model URL", map[string]string{"openaiBaseUrl": "ollama:11434"}, "todo-app:openaiBaseUrl must be an http(s) URL such as http://ollama:11434/v1"},
		{"production object", map[string]string{"production": `{"hosts": 1}`}, `todo-app:production must be an object like {"hosts": {"web": "todo.example.com", "chatbot": "chat.example.com"}, "gatewayClass": "…", "tls": {"issuer": "letsencrypt"}}: `},
		{"kubeconfig without identity", map[string]string{"kubeconfig": "apiVersion: v1"},
			"todo-app:kubeconfig needs production.clusterIdentifier (a name for the cluster, like prod-eu-1): without it a new kubeconfig, e.g. rotated credentials, would replace every resource"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := map[string]string{"authSecret": authSecret}
			for k, v := range tc.cfg {
				cfg[k] = v
			}
			if tc.name == "no auth secret" {
				delete(cfg, "authSecret")
			}
			_, err := loadConfig(t, cfg, "authSecret", "databasePassword", "databaseUrl", "registryPassword", "kubeconfig")
			require.Error(t, err)
			msg, ok := strings.CutPrefix(err.Error(), "invalid stack configuration:\n  - ")
			require.True(t, ok, "%q", err)
			require.NotContains(t, msg, "\n", "one problem, one line")
			if prefix, isPrefix := strings.CutSuffix(tc.want, ": "); isPrefix {
				assert.True(t, strings.HasPrefix(msg, prefix+": "), "got  %s\nwant %s…", msg, tc.want)
				return
			}
			assert.Equal(t, tc.want, msg)
		})
	}
}

// Every problem is listed at once, in the order the settings are read,
// and a secret never appears in the message.
func TestConfigErrorsListEveryProblemInOrder(t *testing.T) {
	t.Parallel()
	_, err := loadConfig(t, map[string]string{
		"authSecret":    "short",
		"namespace":     "Todo",
		"nodePorts":     `{"web": 80}`,
		"chatbot":       `{"replicas": 51}`,
		"images":        `{"tag": "latest", "platform": "x"}`,
		"database":      `{"storage": "big"}`,
		"backup":        `{"keep": 0}`,
		"metrics":       `{"port": 8000}`,
		"databaseUrl":   "mysql://u:hunter2hunter2@db/x",
		"openaiBaseUrl": "ftp://x",
	}, "authSecret", "databaseUrl")
	require.Error(t, err)
	assert.Equal(t, `invalid stack configuration:
  - todo-app:namespace must be a Kubernetes namespace name (lower-case letters, digits, '-'), got "Todo"
  - todo-app:nodePorts web must be in the NodePort range 30000-32767, got 80
  - todo-app:chatbot replicas must be between 1 and 50, got 51
  - todo-app:images tag must not be "latest": use a version or leave it empty to tag by content
  - todo-app:images platform must look like linux/amd64 or linux/arm64, got "x"
  - todo-app:backup keep must be at least 1 (how many newest backups to keep), got 0
  - todo-app:metrics port must be 1024–65535 and not one of the apps' ports (3000, 3001, 8000), got 8000
  - todo-app:database storage must look like 1Gi, got "big"
  - todo-app:authSecret must be at least 32 bytes, got 5: run `+"`pulumi config set --secret authSecret $(openssl rand -hex 32)`"+`
  - todo-app:databaseUrl must be a postgres:// or postgresql:// URL
  - todo-app:openaiBaseUrl must be an http(s) URL such as http://ollama:11434/v1`, err.Error())
	assert.NotContains(t, err.Error(), "hunter2")
}

// What a valid configuration reads: the defaults, and an external
// database's port for the egress policy.
func TestConfigDefaultsAndDatabasePort(t *testing.T) {
	t.Parallel()
	cfg, err := loadConfig(t, map[string]string{"authSecret": authSecret}, "authSecret")
	require.NoError(t, err)
	assert.Equal(t, "default", cfg.Namespace)
	assert.Equal(t, "192.168.49.2", cfg.NodeAddress)
	assert.Equal(t, map[string]int{"web": 30000, "chatbot": 30001}, cfg.NodePorts)
	assert.Equal(t, 9090, cfg.Metrics.Port)
	assert.Equal(t, "monitoring", cfg.Metrics.ScrapeNamespace)
	assert.Equal(t, "gpt-4o-mini", cfg.OpenAIModel)
	assert.False(t, cfg.ExternalDB)
	assert.NotEmpty(t, cfg.RepoRoot, "building: the repository's root")

	for url, port := range map[string]int{"postgres://u:p@db.example.com/todo": 5432, "postgresql://u:p@db.example.com:6543/todo": 6543} {
		cfg, err := loadConfig(t, map[string]string{"authSecret": authSecret, "databaseUrl": url, "nodePorts": `{"web": 31000}`}, "authSecret", "databaseUrl")
		require.NoError(t, err)
		assert.True(t, cfg.ExternalDB)
		assert.Equal(t, port, cfg.DatabasePort, url)
		assert.Equal(t, map[string]int{"web": 31000, "chatbot": 30001}, cfg.NodePorts)
	}
}
