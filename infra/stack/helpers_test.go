package stack_test

import (
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// withConfig gives the program the stack's configuration (keys without
// the project prefix), secretKeys marked secret as `pulumi config set
// --secret` would: through the run's own options rather than the
// environment the engine would set, so the tests can run in parallel.
func withConfig(config map[string]string, secretKeys ...string) pulumi.RunOption {
	cfg := map[string]string{}
	for k, v := range config {
		cfg["todo-app:"+k] = v
	}
	var keys []string
	for _, k := range secretKeys {
		keys = append(keys, "todo-app:"+k)
	}
	return func(info *pulumi.RunInfo) {
		info.Config, info.ConfigSecretKeys = cfg, keys
	}
}

func mkdirFor(path string) error { return os.MkdirAll(filepath.Dir(path), 0o755) }

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o644) }
