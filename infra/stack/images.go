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

// appImage is the image reference for one app: built with Docker into the
// node's daemon (not pushed), or prebuilt with a given tag.
func appImage(ctx *pulumi.Context, cfg *Config, app, repo string) (pulumi.StringOutput, error) {
	if !cfg.Images.Build {
		return pulumi.Sprintf("%s%s:%s", cfg.Images.Registry, repo, cfg.Images.Tag), nil
	}
	tag := cfg.Images.Tag
	if tag == "" {
		var err error
		if tag, err = ContentTag(cfg.RepoRoot, app); err != nil {
			return pulumi.StringOutput{}, err
		}
	}
	name := fmt.Sprintf("%s%s:%s", cfg.Images.Registry, repo, tag)
	img, err := docker.NewImage(ctx, repo, &docker.ImageArgs{
		ImageName: pulumi.String(name),
		Build: &docker.DockerBuildArgs{
			Context:    pulumi.String(cfg.RepoRoot),
			Dockerfile: pulumi.String(filepath.Join(cfg.RepoRoot, "apps", app, "Dockerfile")),
		},
		SkipPush: pulumi.Bool(true),
	})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("declaring the %s image: %w", app, err)
	}
	// The name carries the content tag; depending on the image makes the
	// Deployment wait for the build.
	return pulumi.Sprintf("%s", img.ImageName), nil
}
