// Command postgres-entrypoint is the entry point of the e2e's stand-in for
// the PostgreSQL image the stack names (postgres:16-alpine), which cannot
// be pulled here. It keeps that image's documented environment contract:
//
//   - POSTGRES_PASSWORD (required), POSTGRES_USER (default postgres),
//     POSTGRES_DB (default: the user), PGDATA (default
//     /var/lib/postgresql/data);
//   - an empty data directory is initialised (the user as superuser with
//     that password, scram-sha-256 for network clients, the database
//     created); a non-empty one is started as it is;
//   - the server listens on every address, port 5432, in the foreground.
//
// It runs as whatever user the pod says (uid 70 in the stack) and writes
// only to PGDATA and /tmp, so a read-only root file system works.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

const bin = "/usr/lib/postgresql/15/bin"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "postgres-entrypoint:", err)
		os.Exit(1)
	}
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func run() error {
	user := env("POSTGRES_USER", "postgres")
	db := env("POSTGRES_DB", user)
	data := env("PGDATA", "/var/lib/postgresql/data")
	password := os.Getenv("POSTGRES_PASSWORD")

	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if password == "" {
			return errors.New("POSTGRES_PASSWORD is required to initialise an empty data directory")
		}
		if err := initialise(data, user, db, password); err != nil {
			return err
		}
	} else if err != nil {
		return fmt.Errorf("reading %s: %w", data, err)
	}
	args := []string{"postgres", "-D", data, "-c", "listen_addresses=*"}
	return syscall.Exec(filepath.Join(bin, "postgres"), args, os.Environ())
}

func initialise(data, user, db, password string) error {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", data, err)
	}
	// initdb refuses a directory that is not private to its owner.
	if err := os.Chmod(data, 0o700); err != nil {
		return fmt.Errorf("making %s private: %w", data, err)
	}
	pw, err := os.CreateTemp("", "pwfile")
	if err != nil {
		return err
	}
	defer os.Remove(pw.Name())
	if _, err := pw.WriteString(password + "\n"); err != nil {
		return err
	}
	pw.Close()
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", user, "--pwfile="+pw.Name(),
		"--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C")
	initdb.Stdout, initdb.Stderr = os.Stdout, os.Stderr
	if err := initdb.Run(); err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	hba, err := os.OpenFile(filepath.Join(data, "pg_hba.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = hba.WriteString("host all all all scram-sha-256\n")
	hba.Close()
	if err != nil {
		return err
	}
	if db != "postgres" {
		// Single-user mode runs the statement without a server.
		single := exec.Command(filepath.Join(bin, "postgres"), "--single", "-D", data, "-j", "postgres")
		single.Stdin = strings.NewReader(fmt.Sprintf("CREATE DATABASE \"%s\" OWNER \"%s\";\n",
			strings.ReplaceAll(db, `"`, `""`), strings.ReplaceAll(user, `"`, `""`)))
		single.Stdout, single.Stderr = os.Stdout, os.Stderr
		if err := single.Run(); err != nil {
			return fmt.Errorf("creating database %s: %w", db, err)
		}
	}
	fmt.Printf("postgres-entrypoint: initialised %s for %s with database %s\n", data, user, db)
	return nil
}
