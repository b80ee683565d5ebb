package dbops

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/todo-app/todo-app/infra/stack"
)

// readerName is the short-lived pod that reads the scheduled backups'
// volume for make restore FROM=cluster.
const readerName = stack.BackupName + "-reader"

// scheduledDump is the name the scheduled backups give a finished dump
// (infra/stack/backup.go); a .partial file is one still being written.
var scheduledDump = regexp.MustCompile(`^todo-\d{8}T\d{6}Z\.dump$`)

// NewestScheduled copies the newest dump the scheduled backups (the
// CronJob) wrote on their volume to w and returns its name. The volume is
// read by a pod started for the purpose from the CronJob's own pod
// template (the database image, its user, the volume mounted read-only),
// which is deleted afterwards.
func (c *Cluster) NewestScheduled(ctx context.Context, w io.Writer) (string, error) {
	cron, err := c.client.BatchV1().CronJobs(c.namespace).Get(ctx, stack.BackupName, metav1.GetOptions{})
	if err != nil {
		return "", fmt.Errorf("finding the scheduled backups (CronJob %s in %s; the stack declares it with the in-cluster database): %w", stack.BackupName, c.namespace, err)
	}
	spec, err := readerPod(cron)
	if err != nil {
		return "", err
	}
	pods := c.client.CoreV1().Pods(c.namespace)
	// One left by an interrupted earlier run would hold the name.
	_ = pods.Delete(ctx, readerName, metav1.DeleteOptions{GracePeriodSeconds: new(int64)})
	for {
		_, err = pods.Create(ctx, spec, metav1.CreateOptions{FieldManager: "todo-app-restore"})
		if !apierrors.IsAlreadyExists(err) {
			break
		}
		if err := sleep(ctx, time.Second); err != nil {
			return "", fmt.Errorf("waiting for the old %s pod to go: %w", readerName, err)
		}
	}
	if err != nil {
		return "", fmt.Errorf("starting a pod to read the backups' volume: %w", err)
	}
	defer func() {
		_ = pods.Delete(context.WithoutCancel(ctx), readerName, metav1.DeleteOptions{GracePeriodSeconds: new(int64)})
	}()
	if err := c.waitRunning(ctx, readerName, 3*time.Minute); err != nil {
		return "", err
	}
	var listing bytes.Buffer
	if err := c.execIn(ctx, readerName, readerName, []string{"ls", "-1", stack.BackupsMountPath}, nil, &listing); err != nil {
		return "", fmt.Errorf("listing the scheduled backups: %w", err)
	}
	name, err := newestDump(listing.String())
	if err != nil {
		return "", err
	}
	if err := c.execIn(ctx, readerName, readerName, []string{"cat", stack.BackupsMountPath + "/" + name}, nil, w); err != nil {
		return "", fmt.Errorf("copying the scheduled backup %s: %w", name, err)
	}
	return name, nil
}

// newestDump picks the newest finished dump from `ls -1` of the backups'
// volume: the names carry their UTC time, so the newest sorts last.
func newestDump(listing string) (string, error) {
	var dumps []string
	for _, f := range strings.Fields(listing) {
		if scheduledDump.MatchString(f) {
			dumps = append(dumps, f)
		}
	}
	if len(dumps) == 0 {
		return "", errors.New("the scheduled backups' volume has no finished backup yet (the CronJob runs on its schedule, backup.schedule; make backup takes one now)")
	}
	sort.Strings(dumps)
	return dumps[len(dumps)-1], nil
}

// readerPod is the CronJob's pod (image, user, security context, volume)
// with a container that only waits, the volume read-only, and a deadline
// that ends it should make restore be interrupted before deleting it.
func readerPod(cron *batchv1.CronJob) (*corev1.Pod, error) {
	tmpl := cron.Spec.JobTemplate.Spec.Template.Spec.DeepCopy()
	if len(tmpl.Containers) != 1 || len(tmpl.Volumes) != 1 || len(tmpl.Containers[0].VolumeMounts) != 1 {
		return nil, fmt.Errorf("the CronJob %s is not the one this program declares (one container, one volume)", cron.Name)
	}
	ctr := tmpl.Containers[0]
	ctr.Name = readerName
	ctr.Command = []string{"sleep", "900"}
	ctr.Env = nil
	ctr.VolumeMounts[0].ReadOnly = true
	deadline := int64(900)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: readerName, Labels: map[string]string{"app": readerName, "app.kubernetes.io/part-of": "todo-app"}},
		Spec: corev1.PodSpec{
			RestartPolicy:                 corev1.RestartPolicyNever,
			ActiveDeadlineSeconds:         &deadline,
			AutomountServiceAccountToken:  tmpl.AutomountServiceAccountToken,
			SecurityContext:               tmpl.SecurityContext,
			Volumes:                       tmpl.Volumes,
			Containers:                    []corev1.Container{ctr},
			TerminationGracePeriodSeconds: new(int64),
		},
	}, nil
}

// waitRunning waits for a pod to run, saying why it does not when it does
// not in time.
func (c *Cluster) waitRunning(ctx context.Context, name string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		p, err := c.client.CoreV1().Pods(c.namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("waiting for the pod %s: %w", name, err)
		}
		switch p.Status.Phase {
		case corev1.PodRunning:
			return nil
		case corev1.PodFailed, corev1.PodSucceeded:
			return fmt.Errorf("the pod %s that reads the backups' volume stopped (%s): kubectl -n %s describe pod %s", name, p.Status.Phase, c.namespace, name)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the pod %s that reads the backups' volume did not start in %s (%s): kubectl -n %s describe pod %s", name, limit, podWhy(p), c.namespace, name)
		}
		if err := sleep(ctx, time.Second); err != nil {
			return fmt.Errorf("waiting for the pod %s: %w", name, err)
		}
	}
}

func podWhy(p *corev1.Pod) string {
	for _, s := range p.Status.ContainerStatuses {
		if s.State.Waiting != nil {
			return s.State.Waiting.Reason + " " + s.State.Waiting.Message
		}
	}
	for _, c := range p.Status.Conditions {
		if c.Status != corev1.ConditionTrue && c.Message != "" {
			return c.Reason + " " + c.Message
		}
	}
	return string(p.Status.Phase)
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
