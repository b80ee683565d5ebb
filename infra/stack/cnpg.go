package stack

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// CNPGOperator is production.database.operator's one value.
const CNPGOperator = "cloudnative-pg"

// CNPGClusterName is the CloudNativePG Cluster a production stack may
// declare; the operator names its Services and Secrets after it.
const CNPGClusterName = "todo-app-db"

// CNPGAppSecret is the Secret the operator generates with the app's
// credentials; its key "uri" is the backend's DATABASE_URL. The password
// is never in Pulumi's state.
const CNPGAppSecret = CNPGClusterName + "-app"

// CNPG is a PostgreSQL cluster run by the CloudNativePG operator
// (installed in the cluster beforehand): replicas on other nodes, failover,
// continuous backups to object storage.
type CNPG struct {
	Operator string `json:"operator"`
	// Instances: a primary and its replicas, each on its own node.
	Instances    int    `json:"instances"`
	Storage      string `json:"storage"`
	StorageClass string `json:"storageClass"`
	// ImageName is the PostgreSQL image (default: the operator's).
	ImageName string     `json:"imageName"`
	Backup    CNPGBackup `json:"backup"`
}

// CNPGBackup is where the operator archives WAL and base backups.
type CNPGBackup struct {
	// DestinationPath is the object store's address, e.g. s3://bucket/todo.
	DestinationPath string `json:"destinationPath"`
	// EndpointURL, for S3-compatible stores other than AWS.
	EndpointURL string `json:"endpointURL"`
	// CredentialsSecret is a Secret in the namespace with ACCESS_KEY_ID
	// and ACCESS_SECRET_KEY (kept out of Pulumi); or InheritFromIAMRole.
	CredentialsSecret  string `json:"credentialsSecret"`
	InheritFromIAMRole bool   `json:"inheritFromIAMRole"`
	// Retention is how long backups are kept, e.g. 30d.
	Retention string `json:"retention"`
	// Schedule is the daily base backup's cron schedule, six fields with
	// seconds first, as CloudNativePG reads it.
	Schedule string `json:"schedule"`
}

// checkCNPG fills the defaults and reports each problem.
func checkCNPG(d *CNPG, bad func(key, format string, args ...any)) {
	if d.Operator != CNPGOperator {
		bad("production", "database.operator must be %q (a CloudNativePG Cluster the program declares) or the database left out for databaseUrl, got %q", CNPGOperator, d.Operator)
	}
	if d.Instances == 0 {
		d.Instances = 3
	}
	if d.Instances < 3 {
		bad("production", "database.instances must be at least 3 (a primary and two replicas on three nodes), got %d", d.Instances)
	}
	if d.Storage == "" {
		d.Storage = "10Gi"
	}
	if !reMemory.MatchString(d.Storage) {
		bad("production", "database.storage must look like 10Gi, got %q", d.Storage)
	}
	b := &d.Backup
	if !strings.Contains(b.DestinationPath, "://") {
		bad("production", "database.backup.destinationPath is required: the object store the operator backs up to, like s3://my-bucket/todo")
	}
	if (b.CredentialsSecret == "") == !b.InheritFromIAMRole {
		bad("production", "database.backup needs credentialsSecret (a Secret in the namespace with ACCESS_KEY_ID and ACCESS_SECRET_KEY) or inheritFromIAMRole: true, one of them")
	}
	if b.Retention == "" {
		b.Retention = "30d"
	}
	if !reRetention.MatchString(b.Retention) {
		bad("production", "database.backup.retention must look like 30d, 4w or 3m, got %q", b.Retention)
	}
	if b.Schedule == "" {
		b.Schedule = "0 0 3 * * *"
	}
	if len(strings.Fields(b.Schedule)) != 6 {
		bad("production", "database.backup.schedule must be six cron fields with seconds first (CloudNativePG's form), like \"0 0 3 * * *\", got %q", b.Schedule)
	}
}

// cnpgCluster declares the Cluster and its daily backup. Both are kept
// when the stack is destroyed (RetainOnDelete, not protect: destroy
// completes), and with them the volumes the operator made.
func cnpgCluster(ctx *pulumi.Context, cfg *Config, meta func(string) *metav1.ObjectMetaArgs, opts []pulumi.ResourceOption) ([]pulumi.Resource, error) {
	d := cfg.Production.Database
	store := map[string]any{"destinationPath": d.Backup.DestinationPath}
	if d.Backup.EndpointURL != "" {
		store["endpointURL"] = d.Backup.EndpointURL
	}
	if d.Backup.InheritFromIAMRole {
		store["s3Credentials"] = map[string]any{"inheritFromIAMRole": true}
	} else {
		store["s3Credentials"] = map[string]any{
			"accessKeyId":     map[string]any{"name": d.Backup.CredentialsSecret, "key": "ACCESS_KEY_ID"},
			"secretAccessKey": map[string]any{"name": d.Backup.CredentialsSecret, "key": "ACCESS_SECRET_KEY"},
		}
	}
	storage := map[string]any{"size": d.Storage}
	if d.StorageClass != "" {
		storage["storageClass"] = d.StorageClass
	}
	spec := map[string]any{
		"instances": d.Instances,
		"storage":   storage,
		// Each instance on its own node: one node lost loses one copy.
		"affinity":  map[string]any{"enablePodAntiAffinity": true, "podAntiAffinityType": "required", "topologyKey": "kubernetes.io/hostname"},
		"bootstrap": map[string]any{"initdb": map[string]any{"database": "todo", "owner": "todo"}},
		"postgresql": map[string]any{"parameters": map[string]any{
			"max_connections": strconv.Itoa(cfg.Database.MaxConnections),
		}},
		"backup": map[string]any{"retentionPolicy": d.Backup.Retention, "barmanObjectStore": store},
	}
	if d.ImageName != "" {
		spec["imageName"] = d.ImageName
	}
	kept := append(append([]pulumi.ResourceOption{}, opts...), pulumi.RetainOnDelete(true))
	cluster, err := apiextensions.NewCustomResource(ctx, CNPGClusterName, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("postgresql.cnpg.io/v1"), Kind: pulumi.String("Cluster"), Metadata: meta(CNPGClusterName),
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, kept...)
	if err != nil {
		return nil, fmt.Errorf("declaring the CloudNativePG cluster: %w", err)
	}
	backup, err := apiextensions.NewCustomResource(ctx, CNPGClusterName+"-daily", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("postgresql.cnpg.io/v1"), Kind: pulumi.String("ScheduledBackup"), Metadata: meta(CNPGClusterName + "-daily"),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"schedule": d.Backup.Schedule, "cluster": map[string]any{"name": CNPGClusterName},
			"backupOwnerReference": "self", "immediate": true,
		}},
	}, append(kept, pulumi.DependsOn([]pulumi.Resource{cluster}))...)
	if err != nil {
		return nil, fmt.Errorf("declaring the CloudNativePG backup schedule: %w", err)
	}
	return []pulumi.Resource{cluster, backup}, nil
}
