package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/todo-app/todo-app/infra/localimages"
	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/pkg/gowork"
	"github.com/todo-app/todo-app/pkg/testkit/browsertest"
	"github.com/todo-app/todo-app/test/cluster/deploy"
	"github.com/todo-app/todo-app/test/cluster/kube"
)

const namespace = "todo"

var (
	webURL  = fmt.Sprintf("http://%s:30000", nodeIP)
	chatURL = fmt.Sprintf("http://%s:30001", nodeIP)
)

// images builds the pause image (imported into the node: the kubelet's
// sandboxes need it before anything can be pulled) and the three app
// images, each in two versions with different digests (the second adds a
// label), which reach the node only through the registry.
func images(t *testing.T, ctx context.Context, nodes []*kube.Node, root string, tags ...string) {
	t.Helper()
	require.NoError(t, localimages.RequireEngine(ctx))
	require.NoError(t, localimages.EnsureBase(ctx))
	t.Cleanup(func() { localimages.PruneBuildStages(context.Background()) })

	pause := filepath.Join(t.TempDir(), "pause")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", pause, "./test/cluster/pause")
	build.Dir, build.Env = root, append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the pause program: %s", out)
	tarball, err := localimages.TarOf(map[string]string{"pause": "@" + pause}, nil)
	require.NoError(t, err)
	_, err = localimages.Docker(ctx, tarball, "import", "--change", `ENTRYPOINT ["/pause"]`, "-", kube.PauseImage)
	require.NoError(t, err)
	var saved bytes.Buffer
	save := exec.CommandContext(ctx, "docker", "save", kube.PauseImage)
	save.Stdout = &saved
	require.NoError(t, save.Run(), "docker save")
	for _, node := range nodes {
		require.NoError(t, node.Import(ctx, bytes.NewReader(saved.Bytes())))
	}

	for _, svc := range stack.Services() {
		app, repo := svc.App, svc.Repo
		first := repo + ":" + tags[0]
		require.NoError(t, localimages.Build(ctx, root, app, first), "building the %s image", app)
		for _, tag := range tags[1:] {
			dockerfile := strings.NewReader(fmt.Sprintf("FROM %s\nLABEL todo-app.e2e=%s\n", first, tag))
			_, err := localimages.Docker(ctx, dockerfile, "build", "-q", "-t", repo+":"+tag, "-")
			require.NoError(t, err)
		}
	}
	for _, node := range nodes {
		have, err := node.Images(ctx)
		require.NoError(t, err)
		for _, svc := range stack.Services() {
			assert.NotContains(t, strings.Join(have, " "), svc.Repo, "no app image is imported: the kubelet pulls them")
		}
	}
}

// begin is what both clusters' tests start with: a context for the whole
// run, the tools folder, the repository and a working folder (short:
// containerd's socket path must fit in 108 bytes), removed at the end.
func begin(t *testing.T, prefix string) (ctx context.Context, tools, root, dir string) {
	t.Helper()
	tools, err := kube.ToolsDir()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	t.Cleanup(cancel)
	root, err = gowork.Root()
	require.NoError(t, err)
	dir, err = os.MkdirTemp("", prefix)
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return ctx, tools, root, dir
}

func TestClusterEndToEnd(t *testing.T) {
	require.NotEqual(t, "3", os.Getenv(nodesEnv), "the single-node cluster runs without %s (make e2e)", nodesEnv)
	ctx, tools, root, dir := begin(t, "e2e-")

	cp, err := kube.StartControlPlane(ctx, filepath.Join(dir, "cp"), nodeIP)
	require.NoError(t, err)
	node, err := kube.StartNode(ctx, cp, filepath.Join(dir, "node"))
	if err != nil {
		cp.Stop()
		require.NoError(t, err)
	}
	why := &failureNotes{}
	t.Cleanup(func() {
		if t.Failed() {
			// The components' logs go to files, so that what failed and
			// why is the end of the output (CI shows its last lines).
			logs := filepath.Join(root, "test-output", "e2e-logs")
			_ = os.MkdirAll(logs, 0o755)
			for _, p := range append(cp.Processes(), node.Processes()...) {
				_ = os.WriteFile(filepath.Join(logs, p.Name+".log"), []byte(p.Tail(400)), 0o644)
			}
			t.Logf("the cluster components' logs (their last 400 lines) are in %s", logs)
			why.print(t)
		}
		node.Stop()
		cp.Stop()
	})
	images(t, ctx, []*kube.Node{node}, root, "e2e-1", "e2e-2")
	startRegistry(t, ctx, dir)
	v1, v2 := pushApps(t, ctx, "e2e-1"), pushApps(t, ctx, "e2e-2")

	// The default database: the stack's own PostgreSQL StatefulSet, from
	// a stand-in image under the stack's default reference, on a volume.
	postgresStandIn(t, ctx, node, root)
	dbVolume := volumes(t, ctx, cp, dir)

	s, err := deploy.NewStack(ctx, deploy.Options{Dir: filepath.Join(dir, "pulumi"), ToolsDir: tools, Stack: "e2e", Config: auto.ConfigMap{
		"kubernetes:kubeconfig": {Value: cp.Kubeconfig},
		"todo-app:namespace":    {Value: namespace},
		"todo-app:nodeAddress":  {Value: nodeIP},
		"todo-app:authSecret":   {Value: strings.Repeat("cd", 32), Secret: true},
		// Prebuilt images by digest from the registry, as make up deploys
		// them through minikube's registry addon.
		"todo-app:images.build":           {Value: "false"},
		"todo-app:images.registry":        {Value: "localhost:5000"},
		"todo-app:images.digests.backend": {Value: v1["backend"]},
		"todo-app:images.digests.web":     {Value: v1["web"]},
		"todo-app:images.digests.chatbot": {Value: v1["chatbot"]},
	}})
	require.NoError(t, err)
	log := deploy.ProgressLog(t)

	// up waits (the provider's await logic) until every Deployment is
	// available and every Service has endpoints.
	_, err = s.Up(ctx, optup.ProgressStreams(log), optup.ErrorProgressStreams(log))
	require.NoError(t, err, "pulumi up")
	// The backend's Deployment leaves its replicas to the HPA (min 2),
	// which scales it up after up has seen the first pod ready.
	require.Eventually(t, func() bool {
		deps, err := cp.Client.AppsV1().Deployments(namespace).List(ctx, metav1.ListOptions{})
		if err != nil || len(deps.Items) != 3 {
			return false
		}
		for _, d := range deps.Items {
			if *d.Spec.Replicas < 2 || d.Status.AvailableReplicas != *d.Spec.Replicas {
				t.Logf("%s: %d of %d available", d.Name, d.Status.AvailableReplicas, *d.Spec.Replicas)
				return false
			}
		}
		return true
	}, 2*time.Minute, time.Second, "every Deployment has its two replicas available")
	// The in-cluster database runs as declared: uid 70, a read-only root
	// file system, its data on the claimed volume.
	pods, err := cp.Client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "app=postgres"})
	require.NoError(t, err)
	require.Len(t, pods.Items, 1)
	db := pods.Items[0]
	require.Equal(t, corev1.PodRunning, db.Status.Phase)
	assert.True(t, db.Status.ContainerStatuses[0].Ready, "the database passes pg_isready")
	assert.EqualValues(t, 70, *db.Spec.SecurityContext.RunAsUser)
	assert.True(t, *db.Spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem)
	assert.Equal(t, "postgres:16-alpine", db.Spec.Containers[0].Image, "the default database.image")
	pvc, err := cp.Client.CoreV1().PersistentVolumeClaims(namespace).Get(ctx, "data-"+stack.PostgresName+"-0", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, corev1.ClaimBound, pvc.Status.Phase)

	have, err := node.Images(ctx)
	require.NoError(t, err)
	for _, svc := range stack.Services() {
		app, repo := svc.App, svc.Repo
		assert.Contains(t, have, "localhost:5000/"+repo+"@"+v1[app], "the kubelet pulled %s by digest from the registry", app)
	}

	t.Run("browser", func(t *testing.T) { browserJourney(t) })
	t.Run("network policies enforced", func(t *testing.T) { networkPolicies(t, ctx, cp.Client) })
	t.Run("metrics scraped from the scrape namespace only", func(t *testing.T) { metricsScraped(t, ctx, cp.Client) })

	t.Run("rolling update under load", func(t *testing.T) {
		stop := make(chan struct{})
		var ok, failed atomic.Int64
		var mu sync.Mutex
		var failures []string
		var wg sync.WaitGroup
		client := &http.Client{Timeout: 10 * time.Second}
		for _, base := range []string{webURL, chatURL} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					case <-time.After(25 * time.Millisecond):
					}
					res, err := client.Get(base + "/signin")
					if err == nil {
						res.Body.Close()
						if res.StatusCode == http.StatusOK {
							ok.Add(1)
							continue
						}
						err = fmt.Errorf("status %d", res.StatusCode)
					}
					failed.Add(1)
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s %s: %v", time.Now().Format("15:04:05.000"), base, err))
					mu.Unlock()
				}
			}()
		}
		require.NoError(t, s.SetAllConfigWithOptions(ctx, auto.ConfigMap{
			"todo-app:images.digests.backend": {Value: v2["backend"]},
			"todo-app:images.digests.web":     {Value: v2["web"]},
			"todo-app:images.digests.chatbot": {Value: v2["chatbot"]},
		}, &auto.ConfigOptions{Path: true}))
		res, err := s.Up(ctx, optup.ProgressStreams(log))
		close(stop)
		wg.Wait()
		require.NoError(t, err, "pulumi up with the new tag")
		assert.Equal(t, 3, (*res.Summary.ResourceChanges)["update"], "the three Deployments roll: %v", *res.Summary.ResourceChanges)
		t.Logf("%d requests during the rollout, %d failed", ok.Load()+failed.Load(), failed.Load())
		assert.Greater(t, ok.Load(), int64(50), "the load loop ran")
		assert.Zero(t, failed.Load(), "failed requests during the rolling update:\n%s", strings.Join(failures, "\n"))
		for _, svc := range stack.Services() {
			d, err := cp.Client.AppsV1().Deployments(namespace).Get(ctx, svc.Name, metav1.GetOptions{})
			require.NoError(t, err)
			assert.Equal(t, "localhost:5000/"+svc.Repo+"@"+v2[svc.App], d.Spec.Template.Spec.Containers[0].Image, "%s runs the new digest", svc.Name)
		}
	})

	t.Run("reminder banner at the node address", func(t *testing.T) { reminderBanner(t) })
	t.Run("faults", func(t *testing.T) { faults(t, ctx, cp, node, dbVolume, why) })

	t.Run("backup and restore", func(t *testing.T) { backupAndRestore(t, ctx, s, cp.Kubeconfig, cp.Client) })
	t.Run("data survives ups", func(t *testing.T) { dataSurvivesUps(t, ctx, s, cp.Client) })

	_, err = s.Destroy(ctx)
	require.NoError(t, err, "pulumi destroy")
	_, err = cp.Client.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
	assert.True(t, apierrors.IsNotFound(err), "namespace %s is gone after destroy (err %v)", namespace, err)
	require.NoError(t, kube.Healthy(append(cp.Processes(), node.Processes()...)))
}

// browserJourney: sign up in the web app, add a task there, add one by
// chatting, and see both in both apps.
func browserJourney(t *testing.T) {
	ctx := browsertest.New(t)
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		require.NoError(t, chromedp.Run(tctx, actions...), what)
	}
	run("sign up in the web app",
		chromedp.Navigate(webURL+"/signup"),
		chromedp.WaitVisible("#email", chromedp.ByQuery),
		chromedp.SendKeys("#name", "Kim", chromedp.ByQuery),
		chromedp.SendKeys("#email", "kim@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible(".stats", chromedp.ByQuery),
	)
	assert.Contains(t, browsertest.BodyText(t, ctx), "Kim")
	run("add a task in the web app",
		chromedp.Navigate(webURL+"/tasks/new"),
		chromedp.WaitVisible("#title", chromedp.ByQuery),
		chromedp.SendKeys("#title", "Water the plants", chromedp.ByQuery),
		chromedp.SendKeys("#tags", "home", chromedp.ByQuery),
		chromedp.Click(`.task-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".tasks", chromedp.ByQuery),
	)
	assert.Contains(t, browsertest.BodyText(t, ctx), "Water the plants")

	// The chatbot shares the session: no second sign-in.
	var card string
	run("add a task by chatting",
		chromedp.Navigate(chatURL+"/"),
		chromedp.WaitVisible("#message", chromedp.ByQuery),
		chromedp.SendKeys("#message", "Add task tomorrow: Buy groceries\n", chromedp.ByQuery),
		chromedp.WaitVisible(".msg.assistant .tool-card", chromedp.ByQuery),
		chromedp.Text(".msg.assistant .tool-card", &card, chromedp.ByQuery),
	)
	assert.Contains(t, card, "Buy groceries")
	run("list tasks by chatting",
		chromedp.SendKeys("#message", "show my tasks\n", chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll(".msg.assistant").length === 2 && !document.querySelector(".typing")`, nil),
	)
	chat := browsertest.BodyText(t, ctx)
	assert.Contains(t, chat, "Water the plants", "the chatbot sees the web app's task")
	assert.Contains(t, chat, "Buy groceries")
	// It fires in a minute or two, while the later steps run: reminderBanner
	// looks for it.
	run("ask for a reminder by chatting",
		chromedp.SendKeys("#message", "Remind me to stretch in 1 minute\n", chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll(".msg.assistant").length === 3 && !document.querySelector(".typing")`, nil),
	)
	assert.Contains(t, browsertest.BodyText(t, ctx), "Stretch")
	browsertest.Screenshot(t, ctx, "cluster-chatbot")

	run("see both in the web app",
		chromedp.Navigate(webURL+"/tasks"),
		chromedp.WaitVisible(".tasks", chromedp.ByQuery),
	)
	web := browsertest.BodyText(t, ctx)
	assert.Contains(t, web, "Water the plants")
	assert.Contains(t, web, "Buy groceries", "the web app sees the chatbot's task")
	browsertest.Screenshot(t, ctx, "cluster-web")
}

// reminderBanner: the reminder asked for in browserJourney fired while no
// page was open (through a rolling update of every app); the web app at
// the node's plain-http address — not a secure origin, so no system
// notifications — shows it as a banner when a page opens, and Done works.
func reminderBanner(t *testing.T) {
	ctx := browsertest.New(t)
	run := func(what string, timeout time.Duration, actions ...chromedp.Action) {
		t.Helper()
		tctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		require.NoError(t, chromedp.Run(tctx, actions...), what)
	}
	var secure bool
	var text string
	run("sign in to the web app", 60*time.Second,
		chromedp.Navigate(webURL+"/signin"),
		chromedp.WaitVisible("#email", chromedp.ByQuery),
		chromedp.SendKeys("#email", "kim@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible(".stats", chromedp.ByQuery),
		chromedp.Evaluate(`window.isSecureContext`, &secure),
	)
	assert.False(t, secure, "%s is not a secure origin", webURL)
	// "In 1 minute" is at most two minutes after it was said.
	run("the banner shows the reminder", 3*time.Minute,
		chromedp.Navigate(webURL+"/tasks"),
		chromedp.WaitVisible(".reminder-banner", chromedp.ByQuery),
		chromedp.Text(".reminder-banner", &text, chromedp.ByQuery),
	)
	assert.Contains(t, text, "Stretch")
	run("Done completes the task", 60*time.Second,
		chromedp.Click(`//div[contains(@class,"reminder-banner")]//button[text()="Done"]`, chromedp.BySearch),
		chromedp.WaitNotPresent(".reminder-banner", chromedp.ByQuery),
		chromedp.Navigate(webURL+"/tasks?status=completed"),
		chromedp.WaitVisible(".tasks", chromedp.ByQuery),
	)
	assert.Contains(t, browsertest.BodyText(t, ctx), "Stretch", "completed")
}

// failureNotes keeps, for the end of a failed run, what the subtests
// that failed saw: their own lines are far above by then.
type failureNotes struct {
	mu    sync.Mutex
	notes []string
}

// onFailure records note() under t's name if t fails.
func (f *failureNotes) onFailure(t *testing.T, note func() string) {
	t.Cleanup(func() {
		if t.Failed() {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.notes = append(f.notes, t.Name()+": "+note())
		}
	})
}

func (f *failureNotes) print(t *testing.T) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.notes {
		t.Logf("FAILED %s", n)
	}
}
