package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/todo-app/todo-app/infra/dbops"
	"github.com/todo-app/todo-app/infra/stack"
)

// deployed is the stack's record of where its data lives (the "deployed"
// output, infra/stack/safety.go).
func (u *upper) deployed(ctx context.Context) (stack.Deployed, error) {
	var d stack.Deployed
	if out, err := u.pulumi(ctx, "stack", "output", "deployed", "--json"); err == nil {
		if err := json.Unmarshal(out, &d); err != nil || d.Namespace == "" {
			return d, fmt.Errorf("reading the stack output \"deployed\": %v", err)
		}
		return d, nil
	}
	// A stack last deployed by an older version: its namespace output and
	// its configuration say the same.
	out, err := u.pulumi(ctx, "stack", "output", "namespace")
	if err != nil {
		return d, fmt.Errorf("the stack %s is not deployed: run make up", u.stack)
	}
	d.Namespace = strings.TrimSpace(string(out))
	values, err := u.configValues(ctx)
	if err != nil {
		return d, err
	}
	d.Database = "in-cluster"
	if _, ok := values["databaseUrl"]; ok {
		d.Database = "external"
	}
	return d, nil
}

// cluster connects to the stack's namespace with the kubeconfig context
// KUBE_CONTEXT (default: the minikube profile's).
func (u *upper) cluster(ctx context.Context) (*dbops.Cluster, stack.Deployed, error) {
	d, err := u.deployed(ctx)
	if err != nil {
		return nil, d, err
	}
	if d.Database != "in-cluster" {
		return nil, d, errors.New("this stack uses an external database (databaseUrl): back it up with its provider's tools or pg_dump")
	}
	c, err := dbops.Connect(os.Getenv("KUBECONFIG_FILE"), env("KUBE_CONTEXT", u.profile), d.Namespace)
	return c, d, err
}

// backupTo writes a backup of the in-cluster database to file (default
// backups/<stack>-<UTC time>.dump), written to a temporary name first so
// that a failed backup leaves no file that looks whole.
func (u *upper) backupTo(ctx context.Context, file string) (string, error) {
	c, _, err := u.cluster(ctx)
	if err != nil {
		return "", err
	}
	if file == "" {
		file = filepath.Join(u.places.backups(), fmt.Sprintf("%s-%s.dump", u.stack, time.Now().UTC().Format("20060102T150405Z")))
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return "", err
	}
	f, err := os.OpenFile(file+".partial", os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	defer os.Remove(file + ".partial")
	if err := c.Dump(ctx, f); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return file, os.Rename(file+".partial", file)
}

func (u *upper) backup(ctx context.Context, file string) error {
	say("backing up the database of stack %s", u.stack)
	file, err := u.backupTo(ctx, file)
	if err != nil {
		return err
	}
	info, _ := os.Stat(file)
	say("backup written: %s (%d bytes); restore it with: make restore FILE=%s", file, info.Size(), file)
	return nil
}

// restore puts a backup back: FILE (a path, or a name in the backups'
// directory), or with FROM=cluster the newest one the scheduled backups
// wrote on their volume in the cluster, copied to the backups directory
// first.
func (u *upper) restore(ctx context.Context, file, from string) error {
	switch {
	case from != "" && from != "cluster":
		return fmt.Errorf("FROM=%s: the only place make restore takes a backup from is the cluster (FROM=cluster, the newest scheduled backup); a file is FILE=<path>", from)
	case from != "" && file != "":
		return errors.New("FILE and FROM=cluster name two backups: give one")
	case from == "" && file == "":
		return fmt.Errorf("name the backup to restore: make restore FROM=cluster (the newest scheduled backup in the cluster) or make restore FILE=%s", filepath.Join(u.places.backups(), "<name>.dump"))
	}
	c, d, err := u.cluster(ctx)
	if err != nil {
		return err
	}
	if from == "cluster" {
		if file, err = u.fetchScheduled(ctx, c); err != nil {
			return err
		}
	} else {
		file = u.findBackup(file)
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("opening the backup: %w", err)
	}
	defer f.Close()
	say("restoring %s into the database of stack %s (namespace %s); it replaces what is there now", file, u.stack, d.Namespace)
	if err := c.Restore(ctx, f); err != nil {
		return err
	}
	say("restored, and the backend has restarted on it (migrating it to the current schema first)")
	return nil
}

// findBackup is file, or where it is now when it named the clone's old
// backups/ directory (whose files make up moved to the backups directory).
func (u *upper) findBackup(file string) string {
	if _, err := os.Stat(file); err == nil || filepath.IsAbs(file) {
		return file
	}
	if filepath.Dir(filepath.Clean(file)) == oldBackups || filepath.Dir(file) == "." {
		if moved := filepath.Join(u.places.backups(), filepath.Base(file)); fileExists(moved) {
			return moved
		}
	}
	return file
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// fetchScheduled copies the newest scheduled backup out of the cluster
// into the backups directory (whole or not at all) and returns its path.
func (u *upper) fetchScheduled(ctx context.Context, c *dbops.Cluster) (string, error) {
	say("copying the newest scheduled backup out of the cluster")
	if err := os.MkdirAll(u.places.backups(), 0o700); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(u.places.backups(), "scheduled-*.partial")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	name, err := c.NewestScheduled(ctx, f)
	if err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	file := filepath.Join(u.places.backups(), u.stack+"-scheduled-"+name)
	if err := os.Rename(f.Name(), file); err != nil {
		return "", err
	}
	info, _ := os.Stat(file)
	say("copied %s (%d bytes) to %s", name, info.Size(), file)
	return file, nil
}

// destroy says what will be deleted, keeps a final backup of an in-cluster
// database on this machine, then runs pulumi destroy.
func (u *upper) destroy(ctx context.Context) error {
	d, err := u.deployed(ctx)
	if err == nil && d.Database == "in-cluster" {
		if os.Getenv("NO_BACKUP") == "" {
			say("taking a final backup of the database first")
			file, err := u.backupTo(ctx, filepath.Join(u.places.backups(), fmt.Sprintf("%s-final-%s.dump", u.stack, time.Now().UTC().Format("20060102T150405Z"))))
			if err != nil {
				return fmt.Errorf("the final backup failed, nothing was deleted: %v. To destroy without it: make destroy NO_BACKUP=1", err)
			}
			say("final backup: %s (make restore FILE=%s after the next make up brings it back)", file, file)
		}
		if d.Namespace != "default" {
			say("deleting namespace %s and everything in it, the database volume and the in-cluster backups included", d.Namespace)
		} else {
			say("deleting the apps; the database (StatefulSet %s, volume data-%s-0) and the backups' volume %s are kept (kubectl delete them to free the space)",
				stack.PostgresName, stack.PostgresName, stack.BackupClaimName)
		}
	}
	return stream(ctx, nil, "pulumi", "destroy", "--yes", "--stack", u.stack)
}

// rotatePassword gives the in-cluster database a new password: ALTER ROLE
// in the database first (the backend's open connections stay signed in),
// then the stack secret and its confirmation, then pulumi up, which rolls
// the backend onto the new DATABASE_URL.
func (u *upper) rotatePassword(ctx context.Context) error {
	c, _, err := u.cluster(ctx)
	if err != nil {
		return err
	}
	values, err := u.configValues(ctx)
	if err != nil {
		return err
	}
	password := randomHex(24)
	say("setting a new password in the database")
	if err := c.SetPassword(ctx, password); err != nil {
		return err
	}
	if _, err := u.pulumi(ctx, "config", "set", "--secret", "databasePassword", password); err != nil {
		return fmt.Errorf("the database has the new password but the stack does not: run `pulumi config set --secret databasePassword %s` and make up (%w)", password, err)
	}
	if err := u.setConfig(ctx, values, "confirm.databasePassword", stack.PasswordHash(password)); err != nil {
		return err
	}
	say("rolling the backend onto it (pulumi up)")
	return stream(ctx, nil, "pulumi", "up", "--yes", "--skip-preview", "--stack", u.stack)
}
