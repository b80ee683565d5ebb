package stack

import (
	"fmt"
	"strconv"
	"time"

	"github.com/robfig/cron/v3"

	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Backup configures the in-cluster database's scheduled backups.
type Backup struct {
	// Schedule in cron syntax (UTC); default daily at 03:00.
	Schedule string `json:"schedule"`
	// Keep this many newest backups; default 7.
	Keep int `json:"keep"`
	// Storage is the size of the backups' own volume; default 1Gi.
	Storage string `json:"storage"`
}

// Names of the backup objects.
const (
	BackupName       = "todo-app-backup"
	BackupClaimName  = "todo-app-backups"
	BackupsMountPath = "/backups"
)

// DumpFormat is pg_dump's flag for the format every backup is written in
// (the custom format: compressed, what pg_restore reads): the scheduled
// backups' and make backup's (infra/dbops), one flag for both.
const DumpFormat = "-Fc"

// backupScript dumps the database in pg_dump's custom format (what
// pg_restore and make restore read) under a timestamped name, renamed into
// place only when complete (a failed attempt leaves nothing behind), then
// keeps the newest KEEP. It first waits for the database to answer: a new
// pod's network policy may take a moment to be in place. It runs in the
// database image (sh and coreutils or busybox).
const backupScript = `set -eu
f="` + BackupsMountPath + `/todo-$(date -u +%Y%m%dT%H%M%SZ).dump"
trap 'rm -f "$f.partial"' EXIT
i=0
until pg_isready -q -h "$PGHOST" -U "$PGUSER" -d "$PGDATABASE" -t 2; do
  i=$((i + 1))
  if [ "$i" -ge 30 ]; then echo "backup: the database at $PGHOST did not answer for a minute" >&2; exit 1; fi
  sleep 2
done
pg_dump -h "$PGHOST" -U "$PGUSER" -d "$PGDATABASE" ` + DumpFormat + ` -f "$f.partial"
mv "$f.partial" "$f"
ls -1 ` + BackupsMountPath + `/todo-*.dump | sort -r | tail -n +$((KEEP + 1)) | xargs -r rm -f
echo "backup: $f"
ls -l ` + BackupsMountPath + `
`

// newBackups declares the scheduled backups of the in-cluster database: a
// volume of their own (never deleted by the stack) and a CronJob that runs
// pg_dump into it.
func newBackups(ctx *pulumi.Context, cfg *Config, db *Database, opts []pulumi.ResourceOption) error {
	// The backups' claim is declared as a patch (server-side apply) that is
	// retained on delete: it is created when missing and adopted when it
	// is already there, and neither pulumi destroy nor a program that stops
	// declaring it deletes it (only the namespace's deletion does). A plain
	// resource with retainOnDelete would be kept too, but the next up's
	// create would then fail with "already exists" on current Kubernetes
	// providers.
	claimMeta := &metav1.ObjectMetaPatchArgs{Name: pulumi.String(BackupClaimName), Namespace: pulumi.String(cfg.Namespace),
		Labels: pulumi.StringMap{"app.kubernetes.io/part-of": pulumi.String("todo-app")},
		// Most storage classes bind a claim only when a pod first uses it
		// (the first backup): nothing to wait for.
		Annotations: pulumi.StringMap{"pulumi.com/skipAwait": pulumi.String("true")}}
	claim, err := corev1.NewPersistentVolumeClaimPatch(ctx, BackupClaimName, &corev1.PersistentVolumeClaimPatchArgs{
		Metadata: claimMeta,
		Spec: &corev1.PersistentVolumeClaimSpecPatchArgs{
			AccessModes: pulumi.StringArray{pulumi.String("ReadWriteOnce")},
			Resources:   &corev1.VolumeResourceRequirementsPatchArgs{Requests: pulumi.StringMap{"storage": pulumi.String(cfg.Backup.Storage)}},
		},
	}, append(append([]pulumi.ResourceOption{}, opts...), pulumi.RetainOnDelete(true))...)
	if err != nil {
		return err
	}
	catchUp, err := catchUpSeconds(cfg.Backup.Schedule)
	if err != nil {
		return err
	}
	labels := pulumi.StringMap{"app": pulumi.String("backup"), "app.kubernetes.io/part-of": pulumi.String("todo-app")}
	env := func(name, value string) *corev1.EnvVarArgs {
		return &corev1.EnvVarArgs{Name: pulumi.String(name), Value: pulumi.String(value)}
	}
	_, err = batchv1.NewCronJob(ctx, BackupName, &batchv1.CronJobArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(BackupName), Namespace: pulumi.String(cfg.Namespace), Labels: labels,
			// Kept at 1 like the database (below).
			Annotations: pulumi.StringMap{"kube-score/ignore": pulumi.String("container-security-context-user-group-id")}},
		Spec: &batchv1.CronJobSpecArgs{
			Schedule:          pulumi.String(cfg.Backup.Schedule),
			TimeZone:          pulumi.String("Etc/UTC"),
			ConcurrencyPolicy: pulumi.String("Forbid"),
			// A backup missed while the machine was off runs when it
			// is back (catchUpSeconds).
			StartingDeadlineSeconds:    pulumi.Int(catchUp),
			SuccessfulJobsHistoryLimit: pulumi.Int(3),
			FailedJobsHistoryLimit:     pulumi.Int(3),
			JobTemplate: &batchv1.JobTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: labels},
				Spec: &batchv1.JobSpecArgs{
					BackoffLimit:          pulumi.Int(2),
					ActiveDeadlineSeconds: pulumi.Int(3600),
					Template: &corev1.PodTemplateSpecArgs{
						Metadata: &metav1.ObjectMetaArgs{Labels: labels},
						Spec: &corev1.PodSpecArgs{
							RestartPolicy:                pulumi.String("OnFailure"),
							AutomountServiceAccountToken: pulumi.Bool(false),
							// The database image's postgres user, like the
							// database itself, so the files are its own.
							SecurityContext: &corev1.PodSecurityContextArgs{RunAsNonRoot: pulumi.Bool(true), RunAsUser: pulumi.Int(70), RunAsGroup: pulumi.Int(70),
								FsGroup: pulumi.Int(70), SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")}},
							Volumes: corev1.VolumeArray{&corev1.VolumeArgs{Name: pulumi.String("backups"),
								PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSourceArgs{ClaimName: claim.Metadata.Name().Elem()}}},
							Containers: corev1.ContainerArray{&corev1.ContainerArgs{
								Name:            pulumi.String("backup"),
								Image:           pulumi.String(cfg.Database.Image),
								ImagePullPolicy: pulumi.String("IfNotPresent"),
								Command:         pulumi.StringArray{pulumi.String("sh"), pulumi.String("-c"), pulumi.String(backupScript)},
								Env: corev1.EnvVarArray{env("PGHOST", PostgresName), env("PGUSER", db.User), env("PGDATABASE", db.Database),
									env("KEEP", strconv.Itoa(cfg.Backup.Keep)),
									&corev1.EnvVarArgs{Name: pulumi.String("PGPASSWORD"), ValueFrom: &corev1.EnvVarSourceArgs{SecretKeyRef: &corev1.SecretKeySelectorArgs{
										Name: db.Secret.Metadata.Name().Elem(), Key: pulumi.String("POSTGRES_PASSWORD")}}}},
								Resources: &corev1.ResourceRequirementsArgs{
									Requests: pulumi.StringMap{"cpu": pulumi.String("50m"), "memory": pulumi.String("64Mi"), "ephemeral-storage": pulumi.String("16Mi")},
									Limits:   pulumi.StringMap{"cpu": pulumi.String("500m"), "memory": pulumi.String("256Mi"), "ephemeral-storage": pulumi.String("64Mi")},
								},
								VolumeMounts: corev1.VolumeMountArray{&corev1.VolumeMountArgs{Name: pulumi.String("backups"), MountPath: pulumi.String(BackupsMountPath)}},
								SecurityContext: &corev1.SecurityContextArgs{AllowPrivilegeEscalation: pulumi.Bool(false), ReadOnlyRootFilesystem: pulumi.Bool(true),
									Capabilities: &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}}},
							}},
						},
					},
				},
			},
		},
	}, append(append([]pulumi.ResourceOption{}, opts...), pulumi.DependsOn([]pulumi.Resource{db.StatefulSet}))...)
	return err
}

// catchUpSeconds is the CronJob's startingDeadlineSeconds for a schedule:
// the longest gap between two of its runs. When the cluster comes back
// after being off (a laptop shut at night), the CronJob controller starts
// the most recent run it missed if that run is within the deadline, and
// the most recent missed run is never further back than one gap: so the
// backup missed at 03:00 runs at boot, whenever that is (with a deadline
// of an hour it waited for the next day, and a laptop off every night
// never had one). The controller also refuses to start anything when it
// counts more than 100 missed runs within the deadline: one gap holds
// about one run, so a short schedule never reaches that (the deadline is
// kept under 100 of its shortest gaps for schedules whose gaps differ).
// The schedule is read by the parser the controller uses (robfig/cron's
// standard five fields), over more than a year of runs from a fixed date.
func catchUpSeconds(schedule string) (int, error) {
	s, err := cron.ParseStandard(schedule)
	if err != nil {
		return 0, fmt.Errorf("backup.schedule %q is not a cron schedule (minute hour day month weekday, UTC, like \"0 3 * * *\"): %w", schedule, err)
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 1, 0)
	var longest, shortest time.Duration
	prev := s.Next(start)
	if prev.IsZero() {
		return 0, fmt.Errorf("backup.schedule %q never runs", schedule)
	}
	for i := 0; i < 50000 && prev.Before(end); i++ {
		next := s.Next(prev)
		if next.IsZero() {
			break
		}
		gap := next.Sub(prev)
		longest = max(longest, gap)
		if shortest == 0 || gap < shortest {
			shortest = gap
		}
		prev = next
	}
	if longest == 0 {
		return 0, fmt.Errorf("backup.schedule %q runs less than once in a year", schedule)
	}
	return int(min(longest, 99*shortest) / time.Second), nil
}
