// Package deploy runs the real infra program (infra/stack) through the
// Pulumi Automation API's inline source, with the Pulumi CLI and the
// Kubernetes provider built by tools/build.sh and a local file backend, so
// the cluster tests drive exactly what `pulumi up` runs.
package deploy

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/pkg/gowork"
)

// Options describe one stack.
type Options struct {
	// Dir holds the workspace, the state backend and PULUMI_HOME.
	Dir string
	// ToolsDir is where tools/build.sh put bin/pulumi and the provider.
	ToolsDir string
	// Stack name, e.g. "verify".
	Stack string
	// Config is the stack configuration ("todo-app:..." and
	// "kubernetes:..."), keys as paths like `pulumi config set --path`.
	Config auto.ConfigMap
	// SkipAwait marks every object with pulumi.com/skipAwait, for an API
	// server with no node where nothing can become ready.
	SkipAwait bool
	// Transforms change what the program declares, after SkipAwait's: a
	// test stands in for an earlier program with them.
	Transforms []pulumi.ResourceTransform
}

// NewStack creates (or selects) the stack and sets its configuration.
func NewStack(ctx context.Context, o Options) (auto.Stack, error) {
	for _, d := range []string{"state", "home", "work"} {
		if err := os.MkdirAll(filepath.Join(o.Dir, d), 0o700); err != nil {
			return auto.Stack{}, fmt.Errorf("creating %s: %w", d, err)
		}
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: o.ToolsDir})
	if err != nil {
		return auto.Stack{}, fmt.Errorf("finding the Pulumi CLI in %s/bin (run test/cluster/tools/build.sh): %w", o.ToolsDir, err)
	}
	program := func(ctx *pulumi.Context) error {
		if o.SkipAwait {
			if err := ctx.RegisterResourceTransform(skipAwait); err != nil {
				return fmt.Errorf("registering the skipAwait transform: %w", err)
			}
		}
		for _, tr := range o.Transforms {
			if err := ctx.RegisterResourceTransform(tr); err != nil {
				return fmt.Errorf("registering a transform: %w", err)
			}
		}
		return stack.Program(ctx)
	}
	backend := "file://" + filepath.Join(o.Dir, "state")
	// The repository's Pulumi.yaml, with its project-level configuration
	// (the provider settings every stack gets), and this test's backend.
	root, err := gowork.Root()
	if err != nil {
		return auto.Stack{}, err
	}
	project, err := workspace.LoadProject(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		return auto.Stack{}, fmt.Errorf("reading Pulumi.yaml: %w", err)
	}
	project.Main = ""
	project.Backend = &workspace.ProjectBackend{URL: backend}
	s, err := auto.UpsertStackInlineSource(ctx, o.Stack, "todo-app", program,
		auto.Pulumi(cmd),
		auto.WorkDir(filepath.Join(o.Dir, "work")),
		auto.Project(*project),
		auto.SecretsProvider("passphrase"),
		auto.EnvVars(map[string]string{
			"PULUMI_CONFIG_PASSPHRASE":                    "cluster-test",
			"PULUMI_BACKEND_URL":                          backend,
			"PULUMI_HOME":                                 filepath.Join(o.Dir, "home"),
			"PULUMI_SKIP_UPDATE_CHECK":                    "true",
			"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
			// The provider is found on PATH (an "ambient" plugin): the
			// plugin registry cannot be reached from here.
			"PATH": filepath.Join(o.ToolsDir, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
		}),
	)
	if err != nil {
		return auto.Stack{}, fmt.Errorf("creating stack %s: %w", o.Stack, err)
	}
	// Path keys ("todo-app:images.build") are what the README tells
	// operators to run, so they are what the test sets.
	if err := s.SetAllConfigWithOptions(ctx, o.Config, &auto.ConfigOptions{Path: true}); err != nil {
		return auto.Stack{}, fmt.Errorf("setting the configuration of %s: %w", o.Stack, err)
	}
	return s, nil
}

// skipAwait adds the pulumi.com/skipAwait annotation to every Kubernetes
// object: with no node, Deployments never become available and Services
// never get endpoints, and the provider would wait for them.
func skipAwait(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
	if !a.Custom || !strings.HasPrefix(a.Type, "kubernetes:") {
		return nil
	}
	md, ok := a.Props["metadata"].(pulumi.Map)
	if !ok {
		return nil
	}
	ann, ok := md["annotations"].(pulumi.Map)
	if !ok {
		ann = pulumi.Map{}
	}
	ann["pulumi.com/skipAwait"] = pulumi.String("true")
	md["annotations"] = ann
	return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
}

// ProgressLog sends the engine's progress to the test log, line by line.
func ProgressLog(t testing.TB) io.Writer { return testLog{t} }

type testLog struct{ t testing.TB }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
