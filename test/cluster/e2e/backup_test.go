package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/todo-app/todo-app/infra/dbops"
	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/pkg/api"
)

// backendAPI is the backend's REST API at its Service's cluster IP: the
// test runs in the node's network namespace, where kube-proxy routes it.
type backendAPI struct {
	base  string
	token string
	tasks string // the signed-in user's task list
}

func clusterBackend(t *testing.T, ctx context.Context, client kubernetes.Interface) *backendAPI {
	t.Helper()
	svc, err := client.CoreV1().Services(namespace).Get(ctx, stack.BackendName, metav1.GetOptions{})
	require.NoError(t, err)
	return &backendAPI{base: fmt.Sprintf("http://%s:8000", svc.Spec.ClusterIP)}
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
func backupAndRestore(t *testing.T, ctx context.Context, s auto.Stack, kubeconfig string, client kubernetes.Interface) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	require.NoError(t, err)
	web := newWebUser(t, "backup@example.com")
	for i := range 5 {
		code, err := web.create(fmt.Sprintf("Keep me %d", i))
		require.NoError(t, err)
		require.Equal(t, http.StatusSeeOther, code)
	}
	be := clusterBackend(t, ctx, client)
	var auth api.AuthResponse
	require.NoError(t, json.Unmarshal(be.do(t, http.MethodPost, "/api/auth/sign-in", map[string]string{"email": "backup@example.com", "password": "correct horse"}), &auth))
	be.token = auth.Token
	tasks := "/api/" + auth.User.ID + "/tasks"
	list := tasks + "?status=all&sort=created&limit=100"
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
		be.do(t, http.MethodDelete, fmt.Sprintf("%s/%d", tasks, task.ID), nil)
	}
	require.NoError(t, json.Unmarshal(be.do(t, http.MethodGet, list, nil), &page))
	require.Empty(t, page.Tasks, "the tasks are gone before the restore")

	require.NoError(t, c.Restore(ctx, &dump), "restore (and the backend's restart)")
	after := be.do(t, http.MethodGet, list, nil)
	assert.Equal(t, string(before), string(after), "the restored tasks, byte for byte in the API")

	// The scheduled backup, run now (as `kubectl create job --from=cronjob/…`).
	cron, err := client.BatchV1().CronJobs(namespace).Get(ctx, stack.BackupName, metav1.GetOptions{})
	require.NoError(t, err)
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "backup-now", Namespace: namespace, Labels: cron.Spec.JobTemplate.Labels},
		Spec: cron.Spec.JobTemplate.Spec}
	_, err = client.BatchV1().Jobs(namespace).Create(ctx, job, metav1.CreateOptions{})
	require.NoError(t, err)
	if !assert.Eventually(t, func() bool {
		j, err := client.BatchV1().Jobs(namespace).Get(ctx, "backup-now", metav1.GetOptions{})
		return err == nil && j.Status.Succeeded == 1
	}, 3*time.Minute, time.Second, "the backup job succeeds") {
		pods, _ := client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "job-name=backup-now"})
		for _, p := range pods.Items {
			t.Logf("backup pod %s: %s %+v %+v", p.Name, p.Status.Phase, p.Status.Conditions, p.Status.ContainerStatuses)
		}
		claim, err := client.CoreV1().PersistentVolumeClaims(namespace).Get(ctx, stack.BackupClaimName, metav1.GetOptions{})
		t.Logf("backups claim: %+v (%v)", claim.Status, err)
		t.FailNow()
	}
	pods, err := client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "job-name=backup-now"})
	require.NoError(t, err)
	require.NotEmpty(t, pods.Items)
	logs, err := client.CoreV1().Pods(namespace).GetLogs(pods.Items[0].Name, &corev1.PodLogOptions{}).DoRaw(ctx)
	require.NoError(t, err)
	t.Logf("backup job:\n%s", logs)
	assert.Regexp(t, `backup: /backups/todo-\d{8}T\d{6}Z\.dump`, string(logs))
	assert.NotContains(t, string(logs), ".partial\n", "the finished backup is renamed into place")

	// make restore FROM=cluster: the newest scheduled backup, copied out
	// of the backups' volume by a pod made from the CronJob's template,
	// restored over a task written after it.
	be.do(t, http.MethodPost, tasks, map[string]string{"title": "Written after the scheduled backup"})
	var scheduled bytes.Buffer
	name, err := c.NewestScheduled(ctx, &scheduled)
	require.NoError(t, err, "copying the newest scheduled backup out of the cluster")
	assert.Contains(t, string(logs), "backup: "+stack.BackupsMountPath+"/"+name, "the one the job wrote")
	assert.True(t, bytes.HasPrefix(scheduled.Bytes(), []byte("PGDMP")), "pg_dump's custom format")
	require.NoError(t, c.Restore(ctx, &scheduled), "restoring the scheduled backup")
	assert.Equal(t, string(before), string(be.do(t, http.MethodGet, list, nil)), "the scheduled backup's tasks, byte for byte")
	assert.Eventually(t, func() bool {
		_, err := client.CoreV1().Pods(namespace).Get(ctx, stack.BackupName+"-reader", metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	}, time.Minute, time.Second, "the reader pod is deleted")

	// Rotating the database password, as make rotate-db-password does:
	// ALTER ROLE, the new secret with its confirmation, up; the backend
	// rolls onto it and keeps its data.
	password := strings.Repeat("9f", 12)
	require.NoError(t, c.SetPassword(ctx, password))
	require.NoError(t, s.SetAllConfigWithOptions(ctx, auto.ConfigMap{
		"todo-app:databasePassword":         {Value: password, Secret: true},
		"todo-app:confirm.databasePassword": {Value: stack.PasswordHash(password)},
	}, &auto.ConfigOptions{Path: true}))
	_, err = s.Up(ctx)
	require.NoError(t, err, "pulumi up with the new database password")
	assert.Equal(t, string(before), string(be.do(t, http.MethodGet, list, nil)), "the backend reads its data with the new password")
	be.do(t, http.MethodPost, tasks, map[string]string{"title": "Written after the rotation"})
}

// dataSurvivesUps: after the faults and the restore, an up for each kind
// of change an operator makes keeps every task, byte for byte; then an up
// with no change plans nothing.
func dataSurvivesUps(t *testing.T, ctx context.Context, s auto.Stack, client kubernetes.Interface) {
	be := clusterBackend(t, ctx, client)
	signIn := func() {
		var auth api.AuthResponse
		require.NoError(t, json.Unmarshal(be.do(t, http.MethodPost, "/api/auth/sign-in", map[string]string{"email": "backup@example.com", "password": "correct horse"}), &auth))
		be.token = auth.Token
		be.tasks = "/api/" + auth.User.ID + "/tasks?status=all&sort=created&limit=100"
	}
	signIn()
	before := be.do(t, http.MethodGet, be.tasks, nil)
	for _, change := range []struct {
		what   string
		config auto.ConfigMap
	}{
		{"a model API key (the chatbot rolls)", auto.ConfigMap{"todo-app:openaiApiKey": {Value: "sk-e2e-test", Secret: true}}},
		{"three web replicas", auto.ConfigMap{"todo-app:web.replicas": {Value: "3"}}},
		{"a new authSecret (every app rolls, everyone signs in again)", auto.ConfigMap{"todo-app:authSecret": {Value: strings.Repeat("e7", 32), Secret: true}}},
	} {
		require.NoError(t, s.SetAllConfigWithOptions(ctx, change.config, &auto.ConfigOptions{Path: true}))
		_, err := s.Up(ctx)
		require.NoError(t, err, "pulumi up with %s", change.what)
		signIn()
		assert.Equal(t, string(before), string(be.do(t, http.MethodGet, be.tasks, nil)), "every task is there after an up with %s", change.what)
	}
	res, err := s.Up(ctx)
	require.NoError(t, err)
	for op, n := range *res.Summary.ResourceChanges {
		if op != "same" && op != "read" {
			assert.Zero(t, n, "an up with no change must plan nothing: %v", *res.Summary.ResourceChanges)
		}
	}
}
