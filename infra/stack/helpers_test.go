package stack_test

import (
	"os"
	"path/filepath"
)

func mkdirFor(path string) error { return os.MkdirAll(filepath.Dir(path), 0o755) }

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o644) }
