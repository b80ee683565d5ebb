package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	logs, err := runPod(ctx, client, namespace, "probe-"+label, label, script.String())
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out, nil
}
