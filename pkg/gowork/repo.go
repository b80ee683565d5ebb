// Package gowork finds the repository root — the directory holding go.work —
// for the tools and tests that work on the source tree.
package gowork

import (
	"errors"
	"os"
	"path/filepath"
)

// Root walks up from the working directory to the directory with go.work.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the repository root (go.work) above the working directory: run from the todo-app repository")
		}
		dir = parent
	}
}
