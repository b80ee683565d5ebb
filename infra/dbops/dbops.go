// Package dbops runs operations on the stack's in-cluster database
// through the Kubernetes API: backups (pg_dump), restores (pg_restore) and
// password rotation (psql) run in the database's own pod, with its own
// PostgreSQL version, over its local socket, and the bytes stream through
// the API server, so nothing but a kubeconfig is needed on the operator's
// machine. make backup, make restore, make rotate-db-password and make
// destroy's final backup use it, and so do the cluster tests.
package dbops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/remotecommand"

	"github.com/todo-app/todo-app/infra/stack"
)

// The in-cluster database's pod, container, user and database
// (infra/stack/database.go).
const (
	pod       = stack.PostgresName + "-0"
	container = "postgres"
	user      = "todo"
	database  = "todo"
)

// Cluster is one stack's namespace in a cluster.
type Cluster struct {
	config    *rest.Config
	client    kubernetes.Interface
	namespace string
}

// Connect uses the kubeconfig file (empty: KUBECONFIG or ~/.kube/config)
// and its context (empty: the current one).
func Connect(kubeconfig, kubeContext, namespace string) (*Cluster, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: kubeContext}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("reading the kubeconfig: %w", err)
	}
	return New(cfg, namespace)
}

// New uses a REST config.
func New(cfg *rest.Config, namespace string) (*Cluster, error) {
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to the cluster: %w", err)
	}
	return &Cluster{config: cfg, client: client, namespace: namespace}, nil
}

// Dump writes a backup of the whole database to w, in pg_dump's custom
// format (compressed; what pg_restore reads).
func (c *Cluster) Dump(ctx context.Context, w io.Writer) error {
	if err := c.exec(ctx, dumpCommand(user, database), nil, w); err != nil {
		return fmt.Errorf("backing up the database (pg_dump in %s/%s): %w", c.namespace, pod, err)
	}
	return nil
}

// Restore replaces the database's contents with the backup read from r,
// in one transaction (a failed restore changes nothing), then rolls the
// backend so that no replica keeps state from before.
func (c *Cluster) Restore(ctx context.Context, r io.Reader) error {
	if err := c.exec(ctx, restoreCommand(user, database), r, io.Discard); err != nil {
		return fmt.Errorf("restoring the database (pg_restore in %s/%s): %w", c.namespace, pod, err)
	}
	return c.RollBackend(ctx)
}

// dumpCommand writes a dump of the database to stdout, in the format the
// scheduled backups write (stack.DumpFormat).
func dumpCommand(user, database string) []string {
	return []string{"pg_dump", "-U", user, "-d", database, stack.DumpFormat}
}

// restoreScript replaces the database's schema with the dump read on
// stdin, in one transaction: the schema public is dropped with everything
// in it and made again, then pg_restore's statements fill it. pg_restore
// --clean dropped only the objects the dump has, so a dump taken before a
// later migration (the restore needed after a bad release) failed on the
// tables and keys that migration added; here nothing from after the dump
// survives, bun_migrations included, and the backend's migrate (the init
// container of the pods RollBackend starts) applies the later migrations
// to the restored rows. COMMIT is sent only when pg_restore read the whole
// dump; otherwise the statement that fails makes psql roll everything
// back and exit non-zero. $1 is the user, $2 the database.
const restoreScript = `{
  printf 'BEGIN;\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n'
  if pg_restore --no-owner -f -; then
    printf 'COMMIT;\n'
  else
    printf "DO \$\$ BEGIN RAISE EXCEPTION 'pg_restore could not read the whole backup (its message is above): nothing was changed'; END \$\$;\n"
  fi
} | psql -U "$1" -d "$2" -X -q -v ON_ERROR_STOP=1 >/dev/null`

// restoreCommand reads a dump on stdin and replaces the database's
// contents with it (make restore runs it in the database's pod; the
// restore test runs it against a local server).
func restoreCommand(user, database string) []string {
	return []string{"sh", "-c", restoreScript, "restore", user, database}
}

// SetPassword changes the application role's password in the database
// (the statement goes through stdin, never a command line).
func (c *Cluster) SetPassword(ctx context.Context, password string) error {
	if strings.ContainsAny(password, "'\\") {
		return errors.New("the new password must not contain quotes or backslashes")
	}
	sql := fmt.Sprintf("ALTER ROLE %s PASSWORD '%s';\n", user, password)
	cmd := []string{"psql", "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-f", "-"}
	if err := c.exec(ctx, cmd, strings.NewReader(sql), io.Discard); err != nil {
		return fmt.Errorf("changing the database password (psql in %s/%s): %w", c.namespace, pod, err)
	}
	return nil
}

// RollBackend restarts the backend's pods one by one (as `kubectl rollout
// restart` does) and waits until every new pod is available.
func (c *Cluster) RollBackend(ctx context.Context) error {
	deployments := c.client.AppsV1().Deployments(c.namespace)
	patch := fmt.Sprintf(`{"spec":{"template":{"metadata":{"annotations":{"todo-app.dev/restarted-at":%q}}}}}`, time.Now().UTC().Format(time.RFC3339))
	d, err := deployments.Patch(ctx, stack.BackendName, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{FieldManager: "todo-app-restore"})
	if err != nil {
		return fmt.Errorf("restarting the backend: %w", err)
	}
	want := d.Generation
	for {
		d, err := deployments.Get(ctx, stack.BackendName, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("waiting for the backend to restart: %w", err)
		}
		if rolledOut(d, want) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the backend to restart: %w", ctx.Err())
		case <-time.After(time.Second):
		}
	}
}

func rolledOut(d *appsv1.Deployment, generation int64) bool {
	replicas := int32(1)
	if d.Spec.Replicas != nil {
		replicas = *d.Spec.Replicas
	}
	s := d.Status
	return s.ObservedGeneration >= generation && s.UpdatedReplicas == replicas && s.Replicas == replicas && s.AvailableReplicas == replicas
}

// exec runs a command in the database container, streaming stdin and
// stdout; the error carries what it printed on stderr.
func (c *Cluster) exec(ctx context.Context, cmd []string, stdin io.Reader, stdout io.Writer) error {
	if _, err := c.client.CoreV1().Pods(c.namespace).Get(ctx, pod, metav1.GetOptions{}); err != nil {
		return fmt.Errorf("finding the database pod (is the stack deployed with the in-cluster database?): %w", err)
	}
	return c.execIn(ctx, pod, container, cmd, stdin, stdout)
}

// execIn runs a command in a container of a pod.
func (c *Cluster) execIn(ctx context.Context, pod, container string, cmd []string, stdin io.Reader, stdout io.Writer) error {
	req := c.client.CoreV1().RESTClient().Post().Resource("pods").Namespace(c.namespace).Name(pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{Container: container, Command: cmd, Stdin: stdin != nil, Stdout: true, Stderr: true}, scheme.ParameterCodec)
	// WebSocket first, as kubectl does, and SPDY for API servers that do
	// not speak it yet.
	ws, err := remotecommand.NewWebSocketExecutor(c.config, "GET", req.URL().String())
	if err != nil {
		return err
	}
	spdy, err := remotecommand.NewSPDYExecutor(c.config, "POST", req.URL())
	if err != nil {
		return err
	}
	exec, err := remotecommand.NewFallbackExecutor(ws, spdy, func(err error) bool {
		return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
	})
	if err != nil {
		return err
	}
	var stderr strings.Builder
	err = exec.StreamWithContext(ctx, remotecommand.StreamOptions{Stdin: stdin, Stdout: stdout, Stderr: &stderr})
	if msg := strings.TrimSpace(stderr.String()); err != nil && msg != "" {
		return fmt.Errorf("%w: %s", err, msg)
	}
	return err
}
