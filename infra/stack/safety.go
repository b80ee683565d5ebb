package stack

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Deployed is what the stack last deployed of the things that hold data.
// The program exports it (output "deployed") and reads it back from its own
// stack on the next run, so that a configuration change that would lose
// the database is refused before anything is touched.
type Deployed struct {
	Namespace string `json:"namespace"`
	// Database is "in-cluster" or "external"; empty for a stack last
	// deployed by a program that did not record it.
	Database string `json:"database,omitempty"`
	// DatabaseImage and DatabaseStorage describe the in-cluster database:
	// the image it runs and the size in its StatefulSet's claim template
	// (immutable; a larger database.storage expands the claim instead).
	DatabaseImage   string `json:"databaseImage,omitempty"`
	DatabaseStorage string `json:"databaseStorage,omitempty"`
	// DatabasePasswordHash identifies the password the in-cluster database
	// was initialised with (16 hex digits of its SHA-256: not the
	// password). PostgreSQL reads POSTGRES_PASSWORD only when it creates
	// its data directory, so a new value would lock the backend out.
	DatabasePasswordHash string `json:"databasePasswordHash,omitempty"`
	// DatabaseVolume is the name of the StatefulSet's claim template:
	// "data", then "data-pg<major>" after a confirmed major upgrade (a new,
	// empty volume; the old one is kept).
	DatabaseVolume string `json:"databaseVolume,omitempty"`
}

// volume is the claim template's name ("data" for stacks from before it
// was recorded).
func (d Deployed) volume() string {
	if d.DatabaseVolume == "" {
		return "data"
	}
	return d.DatabaseVolume
}

const (
	inCluster = "in-cluster"
	external  = "external"
	cnpg      = "cloudnative-pg"
)

// Confirm holds the operator's confirmations of changes that leave data
// behind (stack setting "confirm"). Each names what it lets go, so a value
// left set cannot approve a different change later.
type Confirm struct {
	// LeaveNamespace is the namespace the stack may move away from.
	LeaveNamespace string `json:"leaveNamespace"`
	// LeaveDatabase is the namespace whose in-cluster database the stack
	// may stop using for databaseUrl.
	LeaveDatabase string `json:"leaveDatabase"`
	// DatabasePassword is the hash (Deployed.DatabasePasswordHash) of a
	// new database password already set in the database with ALTER ROLE
	// (make rotate-db-password does both).
	DatabasePassword string `json:"databasePassword"`
	// DatabaseMajor is the PostgreSQL major version the operator moves the
	// in-cluster database to, on a new volume (the old one is kept).
	// A number or a string: `pulumi config set --path confirm.databaseMajor
	// 17` stores a number.
	DatabaseMajor json.Number `json:"databaseMajor"`
}

// previousDeployment reads the "deployed" output of this same stack (nil
// on its first deployment). Stacks from before the output existed have
// only "namespace".
func previousDeployment(ctx *pulumi.Context) (*Deployed, error) {
	org := ctx.Organization()
	if org == "" {
		org = "organization" // the file backend's
	}
	self, err := pulumi.NewStackReference(ctx, "deployed", &pulumi.StackReferenceArgs{
		Name: pulumi.String(fmt.Sprintf("%s/%s/%s", org, ctx.Project(), ctx.Stack())),
	})
	if err != nil {
		return nil, fmt.Errorf("reading this stack's last deployment: %w", err)
	}
	d, err := self.GetOutputDetails("deployed")
	if err != nil {
		return nil, fmt.Errorf("reading this stack's last deployment: %w", err)
	}
	if d.Value != nil {
		b, err := json.Marshal(d.Value)
		if err != nil {
			return nil, fmt.Errorf("reading this stack's last deployment: %w", err)
		}
		var prev Deployed
		if err := json.Unmarshal(b, &prev); err != nil {
			return nil, fmt.Errorf("reading this stack's last deployment: %w", err)
		}
		return &prev, nil
	}
	ns, err := self.GetOutputDetails("namespace")
	if err != nil {
		return nil, fmt.Errorf("reading this stack's last deployment: %w", err)
	}
	if s, ok := ns.Value.(string); ok && s != "" {
		return &Deployed{Namespace: s}, nil
	}
	return nil, nil
}

// PasswordHash is Deployed.DatabasePasswordHash of a password. The "pw-"
// prefix keeps it a string in `pulumi config set --path` (all-digit hex
// would be stored as a number).
func PasswordHash(password string) string {
	sum := sha256.Sum256([]byte("todo-app database password\x00" + password))
	return "pw-" + hex.EncodeToString(sum[:8])
}

var reMajor = regexp.MustCompile(`^(?:[^/]+/)*postgres(?:ql)?:(\d+)`)

// postgresMajor is the major version in a PostgreSQL image reference
// ("postgres:16-alpine" → "16"), or "" when the tag does not say.
func postgresMajor(image string) string {
	m := reMajor.FindStringSubmatch(image)
	if m == nil {
		return ""
	}
	return m[1]
}

// checkDataSafety compares the configuration with the last deployment. It
// refuses, with the safe procedure, every change that would replace or
// delete the database or leave it behind, and returns what this run
// deploys. A first deployment (prev nil) is always safe.
func checkDataSafety(cfg *Config, prev *Deployed, passwordHash string) (Deployed, error) {
	next := Deployed{Namespace: cfg.Namespace, Database: inCluster}
	switch {
	case cfg.ExternalDB:
		next.Database = external
	case cfg.CNPG != nil:
		next.Database = cnpg
	default:
		next.DatabaseImage = cfg.Database.Image
		next.DatabaseStorage = cfg.Database.Storage
		next.DatabasePasswordHash = passwordHash
		next.DatabaseVolume = "data"
	}
	if prev == nil {
		return next, nil
	}
	var errs []error
	refuse := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("todo-app:%s: refused: %s", key, fmt.Sprintf(format, args...)))
	}
	// A stack from before "deployed" existed: its database may be in the
	// namespace, so a move is refused as if it were.
	heldData := prev.Database != external
	if prev.Namespace != cfg.Namespace && heldData && cfg.Confirm.LeaveNamespace != prev.Namespace {
		refuse("namespace", "moving the stack from namespace %q to %q deletes the old namespace, and with it the database and its volume. "+
			"To move: make backup; pulumi config set --path confirm.leaveNamespace %s; make up; make restore FILE=<that backup> "+
			"(or set namespace back to %s)", prev.Namespace, cfg.Namespace, prev.Namespace, prev.Namespace)
	}
	if prev.Database == cnpg && next.Database != cnpg && cfg.Confirm.LeaveDatabase != prev.Namespace {
		refuse("production", "leaving the CloudNativePG cluster %s (namespace %q) starts the backend on another, empty database; the cluster and its volumes are kept. "+
			"To switch: back up (kubectl cnpg backup %s), restore into the new database, pulumi config set --path confirm.leaveDatabase %s; pulumi up "+
			"(or set production.database back)", CNPGClusterName, prev.Namespace, CNPGClusterName, prev.Namespace)
	}
	if prev.Database == inCluster && next.Database != inCluster && cfg.Confirm.LeaveDatabase != prev.Namespace {
		refuse("databaseUrl", "switching to an external database leaves the in-cluster one (namespace %q) and its data behind, and the backend starts on the new, empty database. "+
			"To switch: make backup; restore it into the new database (pg_restore --no-owner -d <databaseUrl> <that backup>); "+
			"pulumi config set --path confirm.leaveDatabase %s; make up. The old database is kept until you delete it "+
			"(or unset databaseUrl to stay)", prev.Namespace, prev.Namespace)
	}
	if prev.Database == inCluster && next.Database == inCluster && prev.Namespace == cfg.Namespace {
		next.DatabaseVolume = prev.volume()
		newVolume := false
		if a, b := postgresMajor(prev.DatabaseImage), postgresMajor(cfg.Database.Image); a != "" && b != "" && a != b {
			if cfg.Confirm.DatabaseMajor.String() == b {
				// A new, empty volume under a new name; the operator has
				// deleted the StatefulSet (its claim template is immutable,
				// and the API server refuses to replace it in place), the
				// old claim stays (retention Retain).
				next.DatabaseVolume = "data-pg" + b
				newVolume = true
			} else {
				refuse("database", "image %s is PostgreSQL %s and the data directory was written by PostgreSQL %s, which it cannot open. "+
					"To upgrade (the app is down from the second step to the fourth): make backup; kubectl -n %s delete statefulset %s (its volume stays); "+
					"pulumi config set --path confirm.databaseMajor %s; make up (the database starts on a new, empty volume); make restore FILE=<that backup> "+
					"(or set database.image back to %s)", cfg.Database.Image, b, a, cfg.Namespace, PostgresName, b, prev.DatabaseImage)
			}
		}
		if prev.DatabasePasswordHash != "" && passwordHash != prev.DatabasePasswordHash && cfg.Confirm.DatabasePassword != passwordHash {
			key, why := "databasePassword", "a new databasePassword"
			if !cfg.DatabasePasswordSet {
				key, why = "authSecret", "this stack's database password is derived from authSecret (databasePassword is not set), so a new authSecret"
			}
			refuse(key, "%s would not reach the database: PostgreSQL keeps the password it was initialised with, and the backend would be locked out. "+
				"Put the old value back and run make rotate-db-password (see \"Rotating the database password\" in the README; make up pins databasePassword, after which authSecret changes on its own). "+
				"If the database already has the new password (ALTER ROLE), confirm with: pulumi config set --path confirm.databasePassword %s", why, passwordHash)
		}
		if prev.DatabaseStorage != "" && !newVolume {
			next.DatabaseStorage = prev.DatabaseStorage
			was, err1 := resource.ParseQuantity(prev.DatabaseStorage)
			now, err2 := resource.ParseQuantity(cfg.Database.Storage)
			if err1 == nil && err2 == nil && now.Cmp(was) < 0 {
				refuse("database", "storage %s is smaller than the %s volume the database has; Kubernetes cannot shrink a volume. "+
					"Set database.storage back to %s or more", cfg.Database.Storage, prev.DatabaseStorage, prev.DatabaseStorage)
			}
		}
	}
	if len(errs) > 0 {
		lines := make([]string, len(errs))
		for i, e := range errs {
			lines[i] = "  - " + e.Error()
		}
		return next, fmt.Errorf("this change would lose data, nothing was changed:\n%s", strings.Join(lines, "\n"))
	}
	return next, nil
}

// toOutput is the "deployed" stack output.
func (d Deployed) toOutput() pulumi.StringMapOutput {
	m := pulumi.StringMap{"namespace": pulumi.String(d.Namespace), "database": pulumi.String(d.Database)}
	if d.DatabaseImage != "" {
		m["databaseImage"] = pulumi.String(d.DatabaseImage)
		m["databaseStorage"] = pulumi.String(d.DatabaseStorage)
		m["databasePasswordHash"] = pulumi.String(d.DatabasePasswordHash)
		m["databaseVolume"] = pulumi.String(d.volume())
	}
	return m.ToStringMapOutput()
}
