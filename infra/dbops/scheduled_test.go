package dbops

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/todo-app/todo-app/infra/stack"
)

// The newest finished dump from `ls -1` of the backups' volume, recorded
// from the CronJob's runs (the e2e's backup-now job writes the same
// names): a dump still being written and other files are passed over.
func TestNewestDump(t *testing.T) {
	for _, c := range []struct{ listing, want, err string }{
		{listing: "todo-20261205T030000Z.dump\ntodo-20261207T030001Z.dump\ntodo-20261206T030000Z.dump\n", want: "todo-20261207T030001Z.dump"},
		{listing: "lost+found\ntodo-20261206T030000Z.dump\ntodo-20261207T030001Z.dump.partial\n", want: "todo-20261206T030000Z.dump"},
		{listing: "", err: "no finished backup yet"},
		{listing: "lost+found\ntodo-20261207T030001Z.dump.partial\n", err: "no finished backup yet"},
	} {
		got, err := newestDump(c.listing)
		if c.err != "" {
			assert.ErrorContains(t, err, c.err, "%q", c.listing)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, c.want, got, "%q", c.listing)
	}
}

// The reader runs as the backups do (image, user, the claim) but only
// waits, with the volume read-only, no password, and a deadline.
func TestReaderPod(t *testing.T) {
	uid := int64(70)
	cron := &batchv1.CronJob{}
	cron.Name = stack.BackupName
	cron.Spec.JobTemplate.Spec.Template.Spec = corev1.PodSpec{
		SecurityContext: &corev1.PodSecurityContext{RunAsUser: &uid, FSGroup: &uid},
		Volumes:         []corev1.Volume{{Name: "backups", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: stack.BackupClaimName}}}},
		Containers: []corev1.Container{{Name: "backup", Image: "postgres:16-alpine", Command: []string{"sh", "-c", "pg_dump"},
			Env:          []corev1.EnvVar{{Name: "PGPASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{Key: "POSTGRES_PASSWORD"}}}},
			VolumeMounts: []corev1.VolumeMount{{Name: "backups", MountPath: stack.BackupsMountPath}}}},
	}
	p, err := readerPod(cron)
	require.NoError(t, err)
	c := p.Spec.Containers[0]
	assert.Equal(t, "postgres:16-alpine", c.Image)
	assert.Equal(t, []string{"sleep", "900"}, c.Command)
	assert.Empty(t, c.Env, "the reader needs no password")
	assert.True(t, c.VolumeMounts[0].ReadOnly)
	assert.Equal(t, stack.BackupClaimName, p.Spec.Volumes[0].PersistentVolumeClaim.ClaimName)
	assert.Equal(t, uid, *p.Spec.SecurityContext.RunAsUser)
	assert.Equal(t, corev1.RestartPolicyNever, p.Spec.RestartPolicy)
	require.NotNil(t, p.Spec.ActiveDeadlineSeconds)
	assert.False(t, cron.Spec.JobTemplate.Spec.Template.Spec.Containers[0].VolumeMounts[0].ReadOnly, "the CronJob's own template is left as it was")

	cron.Spec.JobTemplate.Spec.Template.Spec.Volumes = nil
	_, err = readerPod(cron)
	assert.ErrorContains(t, err, "not the one this program declares")
}
