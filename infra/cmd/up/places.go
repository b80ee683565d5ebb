package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// places is where make up keeps what must outlive the clone: the
// passphrase that decrypts the stack's secrets and the database backups.
// Both lived in the clone once (.pulumi-passphrase, backups/), where `git
// clean -fdx` or deleting the clone took them; the Pulumi state they go
// with is per user already (~/.pulumi), so they are kept per user too.
type places struct{ dir string }

// userPlaces is <user config dir>/todo-app: ~/.config/todo-app on Linux
// (or $XDG_CONFIG_HOME/todo-app), ~/Library/Application Support/todo-app
// on macOS, %AppData%\todo-app on Windows.
func userPlaces() (places, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return places{}, fmt.Errorf("finding your config directory for the stack passphrase and backups (set HOME or XDG_CONFIG_HOME): %w", err)
	}
	return places{dir: filepath.Join(dir, "todo-app")}, nil
}

func (p places) passphrase() string { return filepath.Join(p.dir, "pulumi-passphrase") }
func (p places) backups() string    { return filepath.Join(p.dir, "backups") }

// Where they were, relative to the clone.
const (
	oldPassphrase = ".pulumi-passphrase"
	oldBackups    = "backups"
)

// moveFromClone moves the clone's .pulumi-passphrase and backups/ to p,
// once, and says what it moved. A passphrase already at p that differs
// from the clone's stops it: only one of them decrypts the stack, and
// which one is the person's call. A backup of the same name already at p
// is left in the clone unless the two are equal.
func moveFromClone(clone string, p places, say func(string, ...any)) error {
	old := filepath.Join(clone, oldPassphrase)
	if b, err := os.ReadFile(old); err == nil {
		now, err := os.ReadFile(p.passphrase())
		switch {
		case errors.Is(err, os.ErrNotExist):
			if err := writeFile(p.passphrase(), b); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("reading %s: %w", p.passphrase(), err)
		case !bytes.Equal(now, b):
			return fmt.Errorf("two stack passphrases differ: %s (in the clone) and %s; keep the one the stack was made with at %s and delete the other", old, p.passphrase(), p.passphrase())
		}
		if err := os.Remove(old); err != nil {
			return err
		}
		say("moved .pulumi-passphrase out of the clone to %s (git clean -fdx would have deleted it; keep it: it decrypts this stack's secrets)", p.passphrase())
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", old, err)
	}

	dir := filepath.Join(clone, oldBackups)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("reading %s: %w", dir, err)
	}
	moved, kept := 0, 0
	for _, e := range entries {
		if !e.Type().IsRegular() {
			kept++
			continue
		}
		from, to := filepath.Join(dir, e.Name()), filepath.Join(p.backups(), e.Name())
		b, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		if there, err := os.ReadFile(to); err == nil && !bytes.Equal(there, b) {
			say("left %s in the clone: %s has another file of that name", from, p.backups())
			kept++
			continue
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		} else if err != nil {
			if err := writeFile(to, b); err != nil {
				return err
			}
		}
		if err := os.Remove(from); err != nil {
			return err
		}
		moved++
	}
	if kept == 0 {
		_ = os.Remove(dir)
	}
	if moved > 0 {
		say("moved %d backups out of the clone's backups/ to %s (git clean -fdx would have deleted them)", moved, p.backups())
	}
	return nil
}

// writeFile writes a file readable by its owner only, whole or not at all
// (a temporary name renamed into place).
func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.partial")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := io.Copy(f, bytes.NewReader(b)); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o600); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
