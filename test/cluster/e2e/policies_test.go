package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/todo-app/todo-app/infra/stack"
)

// A target a probe pod tries to open a TCP connection to.
type target struct{ name, host, port string }

var (
	toBackend  = target{"backend:8000", stack.BackendName, "8000"}
	toDatabase = target{"database:5432", stack.PostgresName, "5432"}
	toWeb      = target{"web:80", stack.WebName, "80"}
	// The kubelet on the node's address: somewhere no app needs to go.
	toNode = target{"node:10250", nodeIP, "10250"}
)

// networkPolicies runs short-lived pods that carry each app's label (so
// the app's policies apply to them) and one with a label no policy
// selects, and records which connections open. The product working with
// the policies enforced (the browser journey, the faults) is the other
// half; this half shows that what must be blocked is blocked, with an
// unrestricted pod opening each target as the control.
func networkPolicies(t *testing.T, ctx context.Context, client kubernetes.Interface) {
	cases := []struct {
		label string
		want  map[target]bool
	}{
		// No policy selects it: only the targets' ingress rules apply.
		{"e2e-probe", map[target]bool{toBackend: false, toDatabase: false, toWeb: true, toNode: true}},
		{"frontend-web", map[target]bool{toBackend: true, toDatabase: false, toNode: false}},
		{"frontend-chatbot", map[target]bool{toBackend: true, toDatabase: false, toNode: false}},
		{"backend", map[target]bool{toDatabase: true, toWeb: false, toNode: false}},
	}
	var wg sync.WaitGroup
	results := make([]map[string]string, len(cases))
	errs := make([]error, len(cases))
	for i, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = probe(ctx, client, c.label, c.want)
		}()
	}
	wg.Wait()
	for i, c := range cases {
		require.NoError(t, errs[i], "probe as %s", c.label)
		for tg, open := range c.want {
			want := map[bool]string{true: "open", false: "closed"}[open]
			assert.Equal(t, want, results[i][tg.name], "a pod labelled app=%s connecting to %s", c.label, tg.name)
		}
		t.Logf("app=%s: %v", c.label, results[i])
	}
}

// probe runs one pod labelled app=label that tries each target and
// prints name=open|closed; it is never Ready, so no Service sends it
// traffic while it runs.
func probe(ctx context.Context, client kubernetes.Interface, label string, targets map[target]bool) (map[string]string, error) {
	var script strings.Builder
	// A new pod's policy lags its start (the enforcer reacts to the pod's
	// creation), as on any cluster: let it settle before probing. Seen in
	// CI: an egress that must be closed was open in the first second.
	script.WriteString("sleep 10\n")
	script.WriteString(`check() { if nc -w 3 "$2" "$3" </dev/null >/dev/null 2>&1; then echo "$1=open"; else echo "$1=closed"; fi; }` + "\n")
	for tg := range targets {
		fmt.Fprintf(&script, "check %s %s %s\n", tg.name, tg.host, tg.port)
	}
	name := "probe-" + label
	uid, no := int64(70), false
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: map[string]string{"app": label, "todo-app.e2e/probe": "true"}},
		Spec: corev1.PodSpec{
			RestartPolicy:                corev1.RestartPolicyNever,
			AutomountServiceAccountToken: &no,
			SecurityContext:              &corev1.PodSecurityContext{RunAsUser: &uid, RunAsGroup: &uid},
			Containers: []corev1.Container{{
				Name: "probe", Image: postgresImage, ImagePullPolicy: corev1.PullNever,
				Command: []string{"sh", "-c", script.String()},
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"sh", "-c", "exit 1"}}},
					PeriodSeconds: 60},
			}},
		},
	}
	if _, err := client.CoreV1().Pods(namespace).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	defer func() { _ = client.CoreV1().Pods(namespace).Delete(context.Background(), name, metav1.DeleteOptions{}) }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		p, err := client.CoreV1().Pods(namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("probe pod %s did not finish: %s %+v", name, p.Status.Phase, p.Status.ContainerStatuses)
		}
		time.Sleep(time.Second)
	}
	logs, err := client.CoreV1().Pods(namespace).GetLogs(name, &corev1.PodLogOptions{}).DoRaw(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(logs)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out, nil
}
