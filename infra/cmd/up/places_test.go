package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An existing user's clone (the old layout: .pulumi-passphrase and
// backups/ in the clone) under a fake HOME: the first command moves both
// to the config directory with a message, the passphrase byte for byte
// (what the stack's secrets were encrypted with) and Pulumi is pointed at
// it; the second command moves nothing and says nothing.
func TestMovesPassphraseAndBackupsOutOfTheCloneOnce(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "")
	t.Setenv("PULUMI_CONFIG_PASSPHRASE_FILE", "")
	clone := filepath.Join(home, "src", "todo-app")
	require.NoError(t, os.MkdirAll(filepath.Join(clone, "backups"), 0o755))
	passphrase := []byte("5e0c1d8f2a7b4c9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8")
	require.NoError(t, os.WriteFile(filepath.Join(clone, ".pulumi-passphrase"), passphrase, 0o600))
	dumps := map[string]string{"dev-20261126T101500Z.dump": "PGDMP one", "dev-final-20261201T090000Z.dump": "PGDMP two"}
	for name, body := range dumps {
		require.NoError(t, os.WriteFile(filepath.Join(clone, "backups", name), []byte(body), 0o600))
	}

	p, err := userPlaces()
	require.NoError(t, err)
	if runtimeIsLinux() {
		assert.Equal(t, filepath.Join(home, ".config", "todo-app"), p.dir)
	}
	var said []string
	sayTo := func(format string, args ...any) { said = append(said, fmt.Sprintf(format, args...)) }
	require.NoError(t, moveFromClone(clone, p, sayTo))

	got, err := os.ReadFile(p.passphrase())
	require.NoError(t, err)
	assert.Equal(t, passphrase, got, "the same passphrase: the stack still decrypts")
	info, err := os.Stat(p.passphrase())
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	for name, body := range dumps {
		b, err := os.ReadFile(filepath.Join(p.backups(), name))
		require.NoError(t, err)
		assert.Equal(t, body, string(b))
	}
	assert.NoFileExists(t, filepath.Join(clone, ".pulumi-passphrase"))
	assert.NoDirExists(t, filepath.Join(clone, "backups"))
	require.Len(t, said, 2)
	assert.Contains(t, said[0], "moved .pulumi-passphrase out of the clone to "+p.passphrase())
	assert.Contains(t, said[1], "moved 2 backups")

	require.NoError(t, usePassphrase(p, false))
	assert.Equal(t, p.passphrase(), os.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE"), "Pulumi reads the moved passphrase")

	said = nil
	require.NoError(t, moveFromClone(clone, p, sayTo))
	assert.Empty(t, said, "moved once")

	// make restore FILE=backups/<name> (the README's old form) finds it.
	u := &upper{places: p}
	t.Chdir(clone)
	assert.Equal(t, filepath.Join(p.backups(), "dev-20261126T101500Z.dump"), u.findBackup("backups/dev-20261126T101500Z.dump"))
}

// A passphrase at both places that differs stops with both named (only
// one decrypts the stack); nothing is moved or deleted.
func TestTwoDifferentPassphrasesStop(t *testing.T) {
	clone, p := t.TempDir(), places{dir: t.TempDir()}
	require.NoError(t, os.WriteFile(filepath.Join(clone, ".pulumi-passphrase"), []byte("old"), 0o600))
	require.NoError(t, os.WriteFile(p.passphrase(), []byte("new"), 0o600))
	err := moveFromClone(clone, p, func(string, ...any) {})
	require.ErrorContains(t, err, "two stack passphrases differ")
	assert.FileExists(t, filepath.Join(clone, ".pulumi-passphrase"))
	b, _ := os.ReadFile(p.passphrase())
	assert.Equal(t, "new", string(b))
}

// A backup of the same name but other contents already in the backups
// directory is not overwritten: the clone's stays, with a message.
func TestABackupIsNeverOverwritten(t *testing.T) {
	clone, p := t.TempDir(), places{dir: t.TempDir()}
	require.NoError(t, os.MkdirAll(filepath.Join(clone, "backups"), 0o700))
	require.NoError(t, os.MkdirAll(p.backups(), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(clone, "backups", "a.dump"), []byte("clone"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(p.backups(), "a.dump"), []byte("there"), 0o600))
	var said []string
	require.NoError(t, moveFromClone(clone, p, func(f string, a ...any) { said = append(said, fmt.Sprintf(f, a...)) }))
	b, _ := os.ReadFile(filepath.Join(p.backups(), "a.dump"))
	assert.Equal(t, "there", string(b))
	assert.FileExists(t, filepath.Join(clone, "backups", "a.dump"))
	require.Len(t, said, 1)
	assert.Contains(t, said[0], "left ")
}

func runtimeIsLinux() bool { return runtime.GOOS == "linux" }
