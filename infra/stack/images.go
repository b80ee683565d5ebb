package stack

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-docker/sdk/v4/go/docker"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// imageInputs are the paths (relative to the repository root) whose
// content goes into an app's image.
func imageInputs(app string) []string {
	return []string{"pkg", "apps/" + app}
}

// skipped are paths that never reach an image (.dockerignore says the same).
func skipped(d fs.DirEntry) bool {
	base := d.Name()
	if d.IsDir() {
		return base == "testdata" || base == "node_modules"
	}
	return strings.HasSuffix(base, "_test.go")
}

// ContentTag hashes every file that goes into app's image, so the tag
// changes exactly when the image would.
func ContentTag(root, app string) (string, error) {
	var files []string
	for _, in := range imageInputs(app) {
		err := filepath.WalkDir(filepath.Join(root, in), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != filepath.Join(root, in) && skipped(d) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() {
				rel, _ := filepath.Rel(root, path)
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("hashing the inputs of the %s image: %w", app, err)
		}
	}
	sort.Strings(files)
	h := sha256.New()
	for _, rel := range files {
		f, err := os.Open(filepath.Join(root, rel))
		if err != nil {
			return "", fmt.Errorf("hashing %s: %w", rel, err)
		}
		fmt.Fprintf(h, "%s\x00", filepath.ToSlash(rel))
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("hashing %s: %w", rel, err)
		}
		h.Write([]byte{0})
	}
	return "c-" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

// ImageRef joins a registry prefix ("localhost:5000", "ghcr.io/acme",
// with or without a trailing slash; empty for the node's own Docker) and a
// repository name.
func ImageRef(registry, repo string) string {
	registry = strings.TrimSuffix(registry, "/")
	if registry == "" {
		return repo
	}
	return registry + "/" + repo
}

// appImage is the image reference the pods run for one app:
//   - prebuilt: the given digest (repo@sha256:…) or tag;
//   - built with a registry: pushed there, and named by the digest the
//     registry gave it, so a pod can never run a stale image;
//   - built without one: built into the node's Docker (minikube's
//     docker-env) and named by its content tag.
func appImage(ctx *pulumi.Context, cfg *Config, app, repo string) (pulumi.StringOutput, error) {
	name := ImageRef(cfg.Images.Registry, repo)
	if !cfg.Images.Build {
		if d := cfg.Images.Digests[app]; d != "" {
			return pulumi.Sprintf("%s@%s", name, d), nil
		}
		return pulumi.Sprintf("%s:%s", name, cfg.Images.Tag), nil
	}
	tag := cfg.Images.Tag
	if tag == "" {
		var err error
		if tag, err = ContentTag(cfg.RepoRoot, app); err != nil {
			return pulumi.StringOutput{}, err
		}
	}
	push := cfg.Images.Registry != ""
	img, err := docker.NewImage(ctx, repo, &docker.ImageArgs{
		ImageName: pulumi.Sprintf("%s:%s", name, tag),
		Build: &docker.DockerBuildArgs{
			Context:    pulumi.String(cfg.RepoRoot),
			Dockerfile: pulumi.String(filepath.Join(cfg.RepoRoot, "apps", app, "Dockerfile")),
		},
		SkipPush: pulumi.Bool(!push),
	})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("declaring the %s image: %w", app, err)
	}
	if push {
		return img.RepoDigest, nil
	}
	// The name carries the content tag; depending on the image makes the
	// Deployment wait for the build.
	return pulumi.Sprintf("%s", img.ImageName), nil
}
