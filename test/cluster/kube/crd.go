package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"
)

// PrometheusOperator is the module whose published CRDs the cluster tests
// install (the latest version the Go module proxy serves here).
const PrometheusOperator = "github.com/prometheus-operator/prometheus-operator@v0.85.0"

// The other projects whose CRDs the production stack's objects use, at
// versions the Go module proxy serves here.
const (
	GatewayAPI    = "sigs.k8s.io/gateway-api@v1.6.3"
	CertManager   = "github.com/cert-manager/cert-manager@v1.21.2"
	CloudNativePG = "github.com/cloudnative-pg/cloudnative-pg@v1.28.0"
)

// ModuleFile is a file of a Go module version, from the module cache
// (downloaded through the module proxy when missing): upstream projects
// publish their CRDs inside their modules, so tests use them from there
// instead of copies in this repository.
func ModuleFile(ctx context.Context, module, path string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "mod", "download", "-json", module).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %w", module, err)
	}
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
		return "", fmt.Errorf("go mod download %s: %s %v", module, m.Error, err)
	}
	return filepath.Join(m.Dir, path), nil
}

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// InstallCRD creates the CustomResourceDefinition in file and waits until
// the API server serves it.
func InstallCRD(ctx context.Context, cfg *rest.Config, file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("reading CRD: %w", err)
	}
	var obj map[string]any
	if err := yaml.Unmarshal(b, &obj); err != nil {
		return fmt.Errorf("decoding CRD %s: %w", file, err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	crd := &unstructured.Unstructured{Object: obj}
	if _, err := dyn.Resource(crdResource).Create(ctx, crd, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating CRD %s: %w", crd.GetName(), err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		got, err := dyn.Resource(crdResource).Get(ctx, crd.GetName(), metav1.GetOptions{})
		if err == nil {
			conds, _, _ := unstructured.NestedSlice(got.Object, "status", "conditions")
			for _, c := range conds {
				cm, _ := c.(map[string]any)
				if cm["type"] == "Established" && cm["status"] == "True" {
					return nil
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("CRD %s not established after 30 s", crd.GetName())
}
