package stack

import (
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Database is the in-cluster PostgreSQL: its own password Secret, a
// headless Service, the StatefulSet with its volume, an expansion of that
// volume when database.storage grows, and the scheduled backups.
type Database struct {
	pulumi.ResourceState

	URL            pulumi.StringOutput
	User, Database string
	Secret         *corev1.Secret
	StatefulSet    *appsv1.StatefulSet
	// Resources are what the apps wait for.
	Resources []pulumi.Resource
}

// NewDatabase declares the in-cluster database. opts apply to the
// component and its children (the namespace to wait for).
func NewDatabase(ctx *pulumi.Context, cfg *Config, deployed Deployed, meta func(string) *metav1.ObjectMetaArgs, opts ...pulumi.ResourceOption) (*Database, error) {
	d := &Database{User: "todo", Database: "todo"}
	if err := ctx.RegisterComponentResource("todo:index:Database", PostgresName, d, opts...); err != nil {
		return nil, err
	}
	// These resources were declared at the top level before the
	// component existed: the alias keeps their identity, so that the
	// upgrade to this program neither replaces nor deletes the database
	// (make verify: TestUpgradeFromThePreviousProgram).
	opts = append(append([]pulumi.ResourceOption{}, opts...), pulumi.Parent(d), pulumi.Aliases([]pulumi.Alias{{NoParent: pulumi.Bool(true)}}))
	password := cfg.DatabasePassword
	user, db := d.User, d.Database
	secret, err := corev1.NewSecret(ctx, PostgresName, &corev1.SecretArgs{
		Metadata:   meta(PostgresName),
		Type:       pulumi.String("Opaque"),
		StringData: pulumi.StringMap{"POSTGRES_PASSWORD": password},
	}, opts...)
	if err != nil {
		return nil, err
	}
	labels := pulumi.StringMap{"app": pulumi.String("postgres"), "app.kubernetes.io/part-of": pulumi.String("todo-app")}
	selector := pulumi.StringMap{"app": pulumi.String("postgres")}
	svc, err := corev1.NewService(ctx, PostgresName, &corev1.ServiceArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(PostgresName), Namespace: pulumi.String(cfg.Namespace), Labels: labels},
		Spec: &corev1.ServiceSpecArgs{ClusterIP: pulumi.String("None"), Selector: selector,
			Ports: corev1.ServicePortArray{&corev1.ServicePortArgs{Name: pulumi.String("postgres"), Port: pulumi.Int(5432), TargetPort: pulumi.String("postgres")}}},
	}, opts...)
	if err != nil {
		return nil, err
	}
	pgEnv := func(name, value string) *corev1.EnvVarArgs {
		return &corev1.EnvVarArgs{Name: pulumi.String(name), Value: pulumi.String(value)}
	}
	ready := &corev1.ProbeArgs{
		Exec:                &corev1.ExecActionArgs{Command: pulumi.StringArray{pulumi.String("pg_isready"), pulumi.String("-U"), pulumi.String(user), pulumi.String("-d"), pulumi.String(db)}},
		InitialDelaySeconds: pulumi.Int(5), PeriodSeconds: pulumi.Int(5), TimeoutSeconds: pulumi.Int(3),
	}
	scratch := func(name, path string) (*corev1.VolumeArgs, *corev1.VolumeMountArgs) {
		return &corev1.VolumeArgs{Name: pulumi.String(name), EmptyDir: &corev1.EmptyDirVolumeSourceArgs{}},
			&corev1.VolumeMountArgs{Name: pulumi.String(name), MountPath: pulumi.String(path)}
	}
	runVol, runMount := scratch("run", "/var/run/postgresql")
	tmpVol, tmpMount := scratch("tmp", "/tmp")
	sts, err := appsv1.NewStatefulSet(ctx, PostgresName, &appsv1.StatefulSetArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(PostgresName), Namespace: pulumi.String(cfg.Namespace), Labels: labels,
			// The image's own postgres user (uid/gid 70) owns its files;
			// kube-score asks for ids above 10000 (docs/decisions.md).
			Annotations: pulumi.StringMap{"kube-score/ignore": pulumi.String("container-security-context-user-group-id")}},
		Spec: &appsv1.StatefulSetSpecArgs{
			ServiceName: svc.Metadata.Name().Elem(),
			Replicas:    pulumi.Int(1),
			// The data volume outlives the StatefulSet: deleting or
			// replacing it (a confirmed switch to databaseUrl, a destroy
			// in the default namespace, a scale to zero) never deletes
			// the claim, and the next StatefulSet of that name adopts it.
			// Retain is Kubernetes' default; saying so keeps it so.
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicyArgs{
				WhenDeleted: pulumi.String("Retain"), WhenScaled: pulumi.String("Retain"),
			},
			Selector: &metav1.LabelSelectorArgs{MatchLabels: selector},
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: labels},
				Spec: &corev1.PodSpecArgs{
					AutomountServiceAccountToken: pulumi.Bool(false),
					// uid 70 is postgres in the Alpine image.
					SecurityContext: &corev1.PodSecurityContextArgs{RunAsNonRoot: pulumi.Bool(true), RunAsUser: pulumi.Int(70), RunAsGroup: pulumi.Int(70),
						FsGroup: pulumi.Int(70), SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")}},
					Volumes: corev1.VolumeArray{runVol, tmpVol},
					Containers: corev1.ContainerArray{&corev1.ContainerArgs{
						Name:            pulumi.String("postgres"),
						Image:           pulumi.String(cfg.Database.Image),
						ImagePullPolicy: pulumi.String("IfNotPresent"),
						Ports:           corev1.ContainerPortArray{&corev1.ContainerPortArgs{Name: pulumi.String("postgres"), ContainerPort: pulumi.Int(5432)}},
						Env: corev1.EnvVarArray{pgEnv("POSTGRES_USER", user), pgEnv("POSTGRES_DB", db), pgEnv("PGDATA", "/var/lib/postgresql/data/pgdata"),
							&corev1.EnvVarArgs{Name: pulumi.String("POSTGRES_PASSWORD"), ValueFrom: &corev1.EnvVarSourceArgs{SecretKeyRef: &corev1.SecretKeySelectorArgs{
								Name: secret.Metadata.Name().Elem(), Key: pulumi.String("POSTGRES_PASSWORD")}}}},
						ReadinessProbe: ready,
						// Alive means accepting connections; ready means
						// answering as the app's user on its database.
						LivenessProbe: &corev1.ProbeArgs{TcpSocket: &corev1.TCPSocketActionArgs{Port: pulumi.Int(5432)},
							InitialDelaySeconds: pulumi.Int(30), PeriodSeconds: pulumi.Int(10), TimeoutSeconds: pulumi.Int(5)},
						// The data lives on the volume; ephemeral storage is
						// logs, the socket folder and /tmp.
						Resources: &corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String(dbCPURequest), "memory": pulumi.String(dbMemoryRequest), "ephemeral-storage": pulumi.String("64Mi")},
							Limits:   pulumi.StringMap{"cpu": pulumi.String(dbCPULimit), "memory": pulumi.String(dbMemoryLimit), "ephemeral-storage": pulumi.String("512Mi")},
						},
						VolumeMounts: corev1.VolumeMountArray{&corev1.VolumeMountArgs{Name: pulumi.String(deployed.volume()), MountPath: pulumi.String("/var/lib/postgresql/data")}, runMount, tmpMount},
						SecurityContext: &corev1.SecurityContextArgs{AllowPrivilegeEscalation: pulumi.Bool(false), ReadOnlyRootFilesystem: pulumi.Bool(true),
							Capabilities: &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}}},
					}},
				},
			},
			VolumeClaimTemplates: corev1.PersistentVolumeClaimTypeArray{&corev1.PersistentVolumeClaimTypeArgs{
				Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(deployed.volume())},
				Spec: &corev1.PersistentVolumeClaimSpecArgs{
					AccessModes: pulumi.StringArray{pulumi.String("ReadWriteOnce")},
					// The size it was created with: the claim template is
					// immutable, and changing it would replace the
					// StatefulSet. A larger database.storage expands the
					// claim itself (below).
					Resources: &corev1.VolumeResourceRequirementsArgs{Requests: pulumi.StringMap{"storage": pulumi.String(deployed.DatabaseStorage)}},
				},
			}},
		},
	}, opts...)
	if err != nil {
		return nil, err
	}
	if cfg.Database.Storage != deployed.DatabaseStorage {
		// Expansion in place, where the storage class allows it
		// (allowVolumeExpansion); elsewhere the API server refuses the
		// patch and says so, and nothing else changes.
		claim := deployed.volume() + "-" + PostgresName + "-0"
		if _, err := corev1.NewPersistentVolumeClaimPatch(ctx, claim, &corev1.PersistentVolumeClaimPatchArgs{
			Metadata: &metav1.ObjectMetaPatchArgs{Name: pulumi.String(claim), Namespace: pulumi.String(cfg.Namespace)},
			Spec: &corev1.PersistentVolumeClaimSpecPatchArgs{
				Resources: &corev1.VolumeResourceRequirementsPatchArgs{Requests: pulumi.StringMap{"storage": pulumi.String(cfg.Database.Storage)}},
			},
			// Giving the size back to no one would fail; the claim keeps it.
		}, append(append([]pulumi.ResourceOption{}, opts...), pulumi.DependsOn([]pulumi.Resource{sts}), pulumi.RetainOnDelete(true))...); err != nil {
			return nil, err
		}
	}
	d.URL = pulumi.ToSecret(pulumi.Sprintf("postgres://%s:%s@%s:5432/%s?sslmode=disable", user, password, PostgresName, db)).(pulumi.StringOutput)
	d.Secret, d.StatefulSet, d.Resources = secret, sts, []pulumi.Resource{secret, svc, sts}
	if err := newBackups(ctx, cfg, d, opts); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{}); err != nil {
		return nil, err
	}
	return d, nil
}
