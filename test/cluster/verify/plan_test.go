package verify

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/pkg/gowork"
)

// A change to one stack setting, and what `pulumi up` must do with it.
type settingChange struct {
	key, value string
	secret     bool
	// extra settings set with it (a confirmation), removed after.
	extra map[string]string
	// what the plan does: "refused", "nothing", or the operations by
	// resource, e.g. "update Deployment/todo-app-frontend-web".
	want []string
	// how the docs describe the outcome.
	says string
	// apiRefuses: the API server's dry run refuses the change with this.
	apiRefuses string
}

// planMatrix is every setting the program reads, changed one at a time
// from the verify stack's configuration.
var planMatrix = []settingChange{
	{key: "namespace", value: "tasks", want: []string{"refused"}, says: "refused: the old namespace would go with the database; `make backup`, confirm with `confirm.leaveNamespace`, `make up`, `make restore`"},
	{key: "nodeAddress", value: "10.0.0.5", want: []string{"update ConfigMap/todo-app-config", "update Deployment/todo-app-backend", "update Deployment/todo-app-frontend-chatbot", "update Deployment/todo-app-frontend-web"}, says: "in place; the apps that read the URLs roll"},
	{key: "nodePorts.web", value: "30080", want: []string{"update ConfigMap/todo-app-config", "update Deployment/todo-app-backend", "update Deployment/todo-app-frontend-chatbot", "update Service/todo-app-frontend-web"}, says: "in place; the Service moves, the apps that link to the web app roll"},
	{key: "web.replicas", value: "3", want: []string{"update Deployment/todo-app-frontend-web"}, says: "in place"},
	{key: "chatbot.resources.limits.memory", value: "192Mi", want: []string{"update Deployment/todo-app-frontend-chatbot"}, says: "rollout of the chatbot"},
	{key: "backend.resources.requests.cpu", value: "300m", want: []string{"update Deployment/todo-app-backend"}, says: "rollout of the backend"},
	{key: "hpa.min", value: "3", want: []string{"update HorizontalPodAutoscaler/todo-app-backend-hpa"}, says: "in place (the autoscaler owns the backend's count)"},
	{key: "hpa.max", value: "4", want: []string{"update Deployment/todo-app-backend", "update HorizontalPodAutoscaler/todo-app-backend-hpa"}, says: "in place; the backend rolls with its new connection pool size"},
	{key: "images.tag", value: "verify-2", want: []string{"update Deployment/todo-app-backend", "update Deployment/todo-app-frontend-chatbot", "update Deployment/todo-app-frontend-web"}, says: "rollout of the three apps"},
	{key: "authSecret", value: strings.Repeat("ef", 32), secret: true, want: []string{"refused"}, says: "refused while the database password is derived from it (stacks from before databasePassword): `make up` pins it first"},
	{key: "authSecret", value: strings.Repeat("ef", 32), secret: true, extra: map[string]string{"databasePassword": stack.DerivedDatabasePassword(strings.Repeat("ab", 32))},
		want: []string{"update Deployment/todo-app-backend", "update Deployment/todo-app-frontend-chatbot", "update Deployment/todo-app-frontend-web", "update Secret/app-secrets"}, says: "with databasePassword set: rollout of the three apps (everyone signs in again)"},
	{key: "databasePassword", value: strings.Repeat("5a", 12), secret: true, want: []string{"refused"}, says: "refused: `make rotate-db-password` changes it in the database first"},
	{key: "openaiApiKey", value: "sk-test", secret: true, want: []string{"update Deployment/todo-app-frontend-chatbot", "update Secret/app-secrets"}, says: "rollout of the chatbot"},
	{key: "openaiModel", value: "gpt-4o", want: []string{"update ConfigMap/todo-app-config", "update Deployment/todo-app-frontend-chatbot"}, says: "rollout of the chatbot"},
	{key: "openaiBaseUrl", value: "http://ollama:11434/v1", want: []string{"update ConfigMap/todo-app-config", "update Deployment/todo-app-frontend-chatbot", "update NetworkPolicy/frontend-chatbot-policy"}, says: "rollout of the chatbot; its egress policy opens the model's port"},
	{key: "databaseUrl", value: "postgres://todo:pw@db.example:5432/todo", secret: true, want: []string{"refused"}, says: "refused with an in-cluster database: `make backup`, restore into the new one, confirm with `confirm.leaveDatabase`"},
	{key: "database.image", value: "postgres:16.6-alpine", want: []string{"update CronJob/todo-app-backup", "update StatefulSet/todo-app-postgres"}, says: "same major version: rollout of the database (and the backup job's pg_dump)"},
	{key: "database.image", value: "postgres:17-alpine", want: []string{"refused"}, says: "another major version: refused with the upgrade procedure (backup, new volume, restore)"},
	{key: "database.image", value: "postgres:17-alpine", extra: map[string]string{"confirm.databaseMajor": "17"},
		apiRefuses: "updates to statefulset spec for fields other than", want: []string{"refused by the API server"},
		says: "confirmed, with the StatefulSet still there: the API server refuses the new claim template and nothing changes; after `kubectl delete statefulset todo-app-postgres` (the volume stays) `make up` starts the database on a new, empty volume for `make restore`"},
	{key: "database.storage", value: "2Gi", want: []string{"create PersistentVolumeClaimPatch/data-todo-app-postgres-0"}, says: "larger: the claim expands in place (where the storage class allows it)"},
	{key: "database.storage", value: "512Mi", want: []string{"refused"}, says: "smaller: refused (a volume cannot shrink)"},
	{key: "database.maxConnections", value: "200", want: []string{"update Deployment/todo-app-backend"}, says: "the backend rolls with its new connection pool size"},
	{key: "metrics.port", value: "9191", want: []string{"update Deployment/todo-app-backend", "update Deployment/todo-app-frontend-chatbot", "update Deployment/todo-app-frontend-web",
		"update NetworkPolicy/backend-policy", "update NetworkPolicy/frontend-chatbot-policy", "update NetworkPolicy/frontend-web-policy"}, says: "rollout of the three apps; their policies open the new port to scrapers"},
	{key: "metrics.scrapeNamespace", value: "observability", want: []string{"update NetworkPolicy/backend-policy", "update NetworkPolicy/frontend-chatbot-policy", "update NetworkPolicy/frontend-web-policy"}, says: "in place: the policies let the other namespace scrape"},
	{key: "metrics.podMonitor", value: "true", want: []string{"create PodMonitor/todo-app"}, says: "a PodMonitor for the Prometheus Operator (its CRDs must be installed)"},
	{key: "backup.schedule", value: "0 4 * * *", want: []string{"update CronJob/todo-app-backup"}, says: "in place"},
	{key: "backup.keep", value: "14", want: []string{"update CronJob/todo-app-backup"}, says: "in place"},
	{key: "backup.storage", value: "2Gi", apiRefuses: "spec is immutable after creation except resources.requests", want: []string{"refused by the API server"},
		says: "the backups' claim expands in place where the storage class allows it; elsewhere (here: a claim no storage class has bound) the API server refuses and nothing changes"},
}

// previewChange previews one change from the deployed stack and puts the
// configuration back.
func previewChange(t *testing.T, ctx context.Context, s auto.Stack, c settingChange) []string {
	t.Helper()
	set := auto.ConfigMap{"todo-app:" + c.key: {Value: c.value, Secret: c.secret}}
	for k, v := range c.extra {
		set["todo-app:"+k] = auto.ConfigValue{Value: v, Secret: !strings.HasPrefix(k, "confirm.")}
	}
	before, err := s.GetAllConfig(ctx)
	require.NoError(t, err)
	require.NoError(t, s.SetAllConfigWithOptions(ctx, set, &auto.ConfigOptions{Path: true}))
	defer func() {
		for k := range set {
			top, _, _ := strings.Cut(k, ".")
			if old, ok := before[top]; ok {
				require.NoError(t, s.SetConfig(ctx, top, old))
			} else {
				require.NoError(t, s.RemoveConfig(ctx, top))
			}
		}
	}()
	steps, err := previewSteps(ctx, s)
	var ops []string
	for _, m := range steps {
		if m.Op == "read" || strings.HasPrefix(m.Type, "pulumi:") {
			continue
		}
		kind := m.Type[strings.LastIndex(m.Type, ":")+1:]
		ops = append(ops, fmt.Sprintf("%s %s/%s", m.Op, kind, m.URN[strings.LastIndex(m.URN, "::")+2:]))
	}
	if err != nil && c.apiRefuses != "" && strings.Contains(err.Error(), c.apiRefuses) {
		return []string{"refused by the API server"}
	}
	if err != nil {
		require.Contains(t, err.Error(), "refused", "%s=%s: the preview failed without a refusal: %v", c.key, c.value, err)
		require.Contains(t, err.Error(), "nothing was changed")
		return []string{"refused"}
	}
	slices.Sort(ops)
	ops = slices.Compact(ops)
	if len(ops) == 0 {
		return []string{"nothing"}
	}
	return ops
}

// checkPlanMatrix previews every setting change and compares the plan
// with the table; then it writes the table docs/architecture.md shows
// (between its plan-matrix markers) and fails if the docs differ, so that
// the docs say what the program does.
func checkPlanMatrix(t *testing.T, ctx context.Context, s auto.Stack) {
	var rows []string
	for _, c := range planMatrix {
		got := previewChange(t, ctx, s, c)
		assert.Equal(t, c.want, got, "pulumi up after %s=%s", c.key, c.value)
		for _, op := range got {
			for _, data := range []string{"StatefulSet/", "Namespace/", "PersistentVolumeClaim"} {
				if strings.Contains(op, data) {
					assert.False(t, strings.HasPrefix(op, "replace") || strings.HasPrefix(op, "delete") || strings.HasPrefix(op, "create-replacement"),
						"%s=%s must not %s", c.key, c.value, op)
				}
			}
		}
		value := c.value
		if c.secret {
			value = "(a new secret)"
		}
		resources := strings.Join(got, ", ")
		if len(c.extra) > 0 {
			value += " (with " + strings.Join(slices.Sorted(maps.Keys(c.extra)), ", ") + " set)"
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %s | %s | %s |", c.key, value, c.says, strings.ReplaceAll(resources, "todo-app-", "")))
	}
	table := "| Setting | Changed to | What `pulumi up` does | Plan (from `make verify`) |\n|---|---|---|---|\n" + strings.Join(rows, "\n") + "\n"
	root, err := gowork.Root()
	require.NoError(t, err)
	path := filepath.Join(root, "docs", "architecture.md")
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	const begin, end = "<!-- plan-matrix:begin -->\n", "<!-- plan-matrix:end -->"
	i, j := strings.Index(string(doc), begin), strings.Index(string(doc), end)
	require.True(t, i >= 0 && j > i, "docs/architecture.md has no plan-matrix markers")
	current := string(doc)[i+len(begin) : j]
	if os.Getenv("UPDATE_DOCS") != "" {
		require.NoError(t, os.WriteFile(path, []byte(string(doc)[:i+len(begin)]+table+string(doc)[j:]), 0o644))
		return
	}
	assert.Equal(t, table, current, "docs/architecture.md's table of settings is out of date: run `UPDATE_DOCS=1 make verify`")
}

// previewSteps previews s and returns every step that is not "same".
func previewSteps(ctx context.Context, s auto.Stack) ([]apitype.StepEventMetadata, error) {
	ch := make(chan events.EngineEvent)
	var steps []apitype.StepEventMetadata
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range ch {
			if e.ResourcePreEvent != nil && e.ResourcePreEvent.Metadata.Op != "same" {
				steps = append(steps, e.ResourcePreEvent.Metadata)
			}
		}
	}()
	_, err := s.Preview(ctx, optpreview.EventStreams(ch))
	<-done
	return steps, err
}
