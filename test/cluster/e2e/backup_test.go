package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"

	"github.com/todo-app/todo-app/infra/dbops"
	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/pkg/api"
)

// backendAPI is the backend's REST API through a port-forward to one of
// its pods (the API server's service proxy would drop the bearer token).
type backendAPI struct {
	base  string
	token string
	stop  chan struct{}
}

func forwardBackend(t *testing.T, ctx context.Context, cfg *rest.Config, client kubernetes.Interface) *backendAPI {
	t.Helper()
	var pod string
	require.Eventually(t, func() bool {
		pods, err := client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "app=backend"})
		if err != nil {
			return false
		}
		for _, p := range pods.Items {
			if p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning && len(p.Status.ContainerStatuses) > 0 && p.Status.ContainerStatuses[0].Ready {
				pod = p.Name
				return true
			}
		}
		return false
	}, 2*time.Minute, time.Second, "a ready backend pod")
	transport, upgrader, err := spdy.RoundTripperFor(cfg)
	require.NoError(t, err)
	u := client.CoreV1().RESTClient().Post().Resource("pods").Namespace(namespace).Name(pod).SubResource("portforward").URL()
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, u)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	stop, ready := make(chan struct{}), make(chan struct{})
	fw, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{fmt.Sprintf("%d:8000", port)}, stop, ready, io.Discard, io.Discard)
	require.NoError(t, err)
	go func() { _ = fw.ForwardPorts() }()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("the port-forward to the backend did not start")
	}
	b := &backendAPI{base: fmt.Sprintf("http://127.0.0.1:%d", port), stop: stop}
	t.Cleanup(b.close)
	return b
}

func (b *backendAPI) close() {
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
}

func (b *backendAPI) do(t *testing.T, method, path string, body any) []byte {
	t.Helper()
	var r io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, b.base+path, r)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if b.token != "" {
		req.Header.Set("Authorization", "Bearer "+b.token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Less(t, res.StatusCode, 300, "%s %s: %d %s", method, path, res.StatusCode, out)
	return out
}

// backupAndRestore: tasks → backup → tasks deleted → restore → the same
// tasks, byte for byte in the API; and the scheduled backup job runs.
func backupAndRestore(t *testing.T, ctx context.Context, kubeconfig string, client kubernetes.Interface) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	require.NoError(t, err)
	web := newWebUser(t, "backup@example.com")
	for i := range 5 {
		code, err := web.create(fmt.Sprintf("Keep me %d", i))
		require.NoError(t, err)
		require.Equal(t, http.StatusSeeOther, code)
	}
	be := forwardBackend(t, ctx, cfg, client)
	var auth api.AuthResponse
	require.NoError(t, json.Unmarshal(be.do(t, http.MethodPost, "/api/auth/sign-in", map[string]string{"email": "backup@example.com", "password": "correct horse"}), &auth))
	be.token = auth.Token
	const list = "/api/tasks?status=all&sort=created&limit=100"
	before := be.do(t, http.MethodGet, list, nil)
	var page api.TaskList
	require.NoError(t, json.Unmarshal(before, &page))
	require.Len(t, page.Tasks, 5, "%s", before)

	c, err := dbops.New(cfg, namespace)
	require.NoError(t, err)
	var dump bytes.Buffer
	require.NoError(t, c.Dump(ctx, &dump))
	assert.True(t, bytes.HasPrefix(dump.Bytes(), []byte("PGDMP")), "pg_dump's custom format")
	t.Logf("backup: %d bytes", dump.Len())

	for _, task := range page.Tasks {
		be.do(t, http.MethodDelete, fmt.Sprintf("/api/tasks/%d", task.ID), nil)
	}
	require.NoError(t, json.Unmarshal(be.do(t, http.MethodGet, list, nil), &page))
	require.Empty(t, page.Tasks, "the tasks are gone before the restore")
	be.close()

	require.NoError(t, c.Restore(ctx, &dump), "restore (and the backend's restart)")
	be = forwardBackend(t, ctx, cfg, client)
	be.token = auth.Token
	after := be.do(t, http.MethodGet, list, nil)
	assert.Equal(t, string(before), string(after), "the restored tasks, byte for byte in the API")

	// The scheduled backup, run now (as `kubectl create job --from=cronjob/…`).
	cron, err := client.BatchV1().CronJobs(namespace).Get(ctx, stack.BackupName, metav1.GetOptions{})
	require.NoError(t, err)
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "backup-now", Namespace: namespace, Labels: cron.Spec.JobTemplate.Labels},
		Spec: cron.Spec.JobTemplate.Spec}
	_, err = client.BatchV1().Jobs(namespace).Create(ctx, job, metav1.CreateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		j, err := client.BatchV1().Jobs(namespace).Get(ctx, "backup-now", metav1.GetOptions{})
		return err == nil && j.Status.Succeeded == 1
	}, 3*time.Minute, time.Second, "the backup job succeeds")
	pods, err := client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "job-name=backup-now"})
	require.NoError(t, err)
	require.NotEmpty(t, pods.Items)
	logs, err := client.CoreV1().Pods(namespace).GetLogs(pods.Items[0].Name, &corev1.PodLogOptions{}).DoRaw(ctx)
	require.NoError(t, err)
	t.Logf("backup job:\n%s", logs)
	assert.Regexp(t, `backup: /backups/todo-\d{8}T\d{6}Z\.dump`, string(logs))
	assert.NotContains(t, string(logs), ".partial\n", "the finished backup is renamed into place")
}
