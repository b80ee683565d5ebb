package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// scrapeNamespace is the stack's default metrics.scrapeNamespace.
const scrapeNamespace = "monitoring"

// metricsScraped: after the browser journey, a pod in the scrape
// namespace reads /metrics from every app pod over the cluster network,
// and the request counters have moved; a pod in the app's own namespace
// without that namespace cannot open the metrics port.
func metricsScraped(t *testing.T, ctx context.Context, client kubernetes.Interface) {
	_, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: scrapeNamespace}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		require.NoError(t, err)
	}
	ips := map[string][]string{}
	for _, app := range []string{"backend", "frontend-web", "frontend-chatbot"} {
		pods, err := client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "app=" + app})
		require.NoError(t, err)
		for _, p := range pods.Items {
			if p.Status.PodIP != "" && p.DeletionTimestamp == nil {
				ips[app] = append(ips[app], p.Status.PodIP)
			}
		}
		require.NotEmpty(t, ips[app], "pods of %s", app)
	}

	// The scraper: one HTTP GET per pod with nc, the request counters kept.
	var script strings.Builder
	script.WriteString("sleep 10\n") // let the policies see the new pod (policies_test.go)
	for app, list := range ips {
		for _, ip := range list {
			fmt.Fprintf(&script, "printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' | nc -w 5 %s 9090 | grep '^http_requests_total' | while read -r line; do echo \"%s $line\"; done\n", ip, app)
		}
	}
	out, err := runPod(ctx, client, scrapeNamespace, "scraper", "e2e-scraper", script.String())
	require.NoError(t, err)
	totals := map[string]float64{}
	routes := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		app, series, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		i := strings.LastIndex(series, " ")
		n, err := strconv.ParseFloat(series[i+1:], 64)
		require.NoError(t, err, line)
		totals[app] += n
		if start := strings.Index(series, `route="`); start >= 0 {
			r := series[start+7:]
			routes[app+" "+r[:strings.Index(r, `"`)]] = true
		}
	}
	t.Logf("requests counted: %v", totals)
	for _, app := range []string{"backend", "frontend-web", "frontend-chatbot"} {
		assert.Positive(t, totals[app], "%s's request counters moved after the browser journey", app)
	}
	assert.True(t, routes["backend /api/:user_id/tasks"], "the backend counted task requests by route pattern: %v", routes)
	assert.True(t, routes["frontend-web /tasks"], "the web app counted its task list: %v", routes)

	// Nothing else may scrape: an unlabelled pod in the app namespace.
	res, err := probe(ctx, client, "e2e-outsider", map[target]bool{{"backend-metrics", ips["backend"][0], "9090"}: false})
	require.NoError(t, err)
	assert.Equal(t, "closed", res["backend-metrics"], "the metrics port is closed to pods outside the scrape namespace")
}

// runPod runs script in a pod of ns (the database stand-in image: busybox
// sh, nc, grep) that is never Ready, and returns its output.
func runPod(ctx context.Context, client kubernetes.Interface, ns, name, label, script string) (string, error) {
	uid, no := int64(70), false
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"app": label}},
		Spec: corev1.PodSpec{
			RestartPolicy:                corev1.RestartPolicyNever,
			AutomountServiceAccountToken: &no,
			SecurityContext:              &corev1.PodSecurityContext{RunAsUser: &uid, RunAsGroup: &uid},
			Containers: []corev1.Container{{
				Name: "run", Image: postgresImage, ImagePullPolicy: corev1.PullNever,
				Command: []string{"sh", "-c", script},
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"sh", "-c", "exit 1"}}},
					PeriodSeconds: 60},
			}},
		},
	}
	if _, err := client.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		return "", err
	}
	defer func() { _ = client.CoreV1().Pods(ns).Delete(context.Background(), name, metav1.DeleteOptions{}) }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		p, err := client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return "", err
		}
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			break
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("pod %s/%s did not finish: %s %+v", ns, name, p.Status.Phase, p.Status.ContainerStatuses)
		}
		time.Sleep(time.Second)
	}
	logs, err := client.CoreV1().Pods(ns).GetLogs(name, &corev1.PodLogOptions{}).DoRaw(ctx)
	return string(logs), err
}
