package stack

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-docker/sdk/v4/go/docker"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ImageInputs are the files (relative to the repository root) an app's
// image is built from: the Go files and embedded files of every package
// of this repository its binary imports (go list -deps), the go.mod and
// go.sum of their modules, and its Dockerfile. Nothing else reaches the
// image — the runtime stage holds the binary alone — so a change to a
// test helper, to the bench command or to another app's code leaves the
// tag, and the running pods, alone.
func ImageInputs(root, app string) ([]string, error) {
	inputs, err := imageInputs(root, []string{app})
	return inputs[app], err
}

// imageInputs are ImageInputs of each app, from one go list: loading the
// workspace is most of its cost, and a deployment tags every app.
func imageInputs(root string, apps []string) (map[string][]string, error) {
	args := []string{"list", "-deps", "-json=ImportPath,Dir,GoFiles,CgoFiles,EmbedFiles,Module,Deps"}
	for _, app := range apps {
		args = append(args, "./apps/"+app)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing what the images of %s are built from (go %s): %w\n%s",
			strings.Join(apps, ", "), strings.Join(args, " "), err, stderr.String())
	}
	type pkg struct {
		ImportPath                    string
		Dir                           string
		GoFiles, CgoFiles, EmbedFiles []string
		Deps                          []string
		Module                        *struct {
			Main  bool
			GoMod string
		}
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("reading go list's answer: %w", err)
		}
		pkgs[p.ImportPath] = p
	}
	inputs := map[string][]string{}
	for _, app := range apps {
		dir := filepath.Join(root, "apps", app)
		var main *pkg
		for _, p := range pkgs {
			if p.Dir == dir {
				main = &p
				break
			}
		}
		if main == nil {
			return nil, fmt.Errorf("go list did not list ./apps/%s", app)
		}
		seen := map[string]bool{}
		var files []string
		add := func(abs string) error {
			rel, err := filepath.Rel(root, abs)
			if err != nil || strings.HasPrefix(rel, "..") {
				return fmt.Errorf("%s is outside the repository", abs)
			}
			if !seen[rel] {
				seen[rel] = true
				files = append(files, rel)
			}
			return nil
		}
		for _, path := range append([]string{main.ImportPath}, main.Deps...) {
			p := pkgs[path]
			// The workspace's own modules are its main modules; the
			// others are pinned by go.sum, which is hashed.
			if p.Module == nil || !p.Module.Main {
				continue
			}
			for _, f := range slices.Concat(p.GoFiles, p.CgoFiles, p.EmbedFiles) {
				if err := add(filepath.Join(p.Dir, f)); err != nil {
					return nil, err
				}
			}
			for _, f := range []string{p.Module.GoMod, filepath.Join(filepath.Dir(p.Module.GoMod), "go.sum")} {
				if _, err := os.Stat(f); err == nil {
					if err := add(f); err != nil {
						return nil, err
					}
				}
			}
		}
		if err := add(filepath.Join(dir, "Dockerfile")); err != nil {
			return nil, err
		}
		sort.Strings(files)
		inputs[app] = files
	}
	return inputs, nil
}

// ContentTag hashes every file the app's image is built from
// (ImageInputs), so the tag changes exactly when the image would.
func ContentTag(root, app string) (string, error) {
	tags, err := ContentTags(root, app)
	return tags[app], err
}

// ContentTags are ContentTag of each app, from one go list (a deployment
// tags every app, and loading the workspace is most of the cost).
func ContentTags(root string, apps ...string) (map[string]string, error) {
	inputs, err := imageInputs(root, apps)
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for app, files := range inputs {
		h := sha256.New()
		for _, rel := range files {
			f, err := os.Open(filepath.Join(root, rel))
			if err != nil {
				return nil, fmt.Errorf("hashing %s: %w", rel, err)
			}
			fmt.Fprintf(h, "%s\x00", filepath.ToSlash(rel))
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("hashing %s: %w", rel, err)
			}
			h.Write([]byte{0})
		}
		tags[app] = "c-" + hex.EncodeToString(h.Sum(nil))[:16]
	}
	return tags, nil
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
//
// contentTag is the app's ContentTag, used when the images are built
// without a tag of their own.
func appImage(ctx *pulumi.Context, cfg *Config, app, repo, contentTag string) (pulumi.StringOutput, error) {
	name := ImageRef(cfg.Images.Registry, repo)
	if !cfg.Images.Build {
		if d := cfg.Images.Digests[app]; d != "" {
			return pulumi.Sprintf("%s@%s", name, d), nil
		}
		return pulumi.Sprintf("%s:%s", name, cfg.Images.Tag), nil
	}
	tag := cfg.Images.Tag
	if tag == "" {
		tag = contentTag
	}
	push := cfg.Images.Registry != ""
	build := &docker.DockerBuildArgs{
		Context:    pulumi.String(cfg.RepoRoot),
		Dockerfile: pulumi.String(filepath.Join(cfg.RepoRoot, "apps", app, "Dockerfile")),
	}
	if cfg.Images.Platform != "" {
		build.Platform = pulumi.String(cfg.Images.Platform)
	}
	args := &docker.ImageArgs{ImageName: pulumi.Sprintf("%s:%s", name, tag), Build: build, SkipPush: pulumi.Bool(!push)}
	if cfg.Images.Username != "" {
		args.Registry = &docker.RegistryArgs{Server: pulumi.String(RegistryHost(cfg.Images.Registry)),
			Username: pulumi.String(cfg.Images.Username), Password: cfg.RegistryPassword}
	}
	img, err := docker.NewImage(ctx, repo, args)
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

// LocalRefs are the references the pods run when the images live in the
// nodes' own stores (no registry), by repository: what `make up` copies
// into the nodes with `minikube image load` after Pulumi has built them.
// They are the names appImage gives: the repository, and the configured
// tag or else the content tag (ContentTags). root is the repository.
func (im Images) LocalRefs(root string) (map[string]string, error) {
	if im.Registry != "" {
		return nil, fmt.Errorf("images.registry is set (%s): the nodes pull the images from it, nothing is loaded", im.Registry)
	}
	if len(im.Digests) > 0 {
		return nil, errors.New("images.digests name images in a registry: set images.registry with them")
	}
	var tags map[string]string
	if im.Build && im.Tag == "" {
		var apps []string
		for _, svc := range Services() {
			apps = append(apps, svc.App)
		}
		var err error
		if tags, err = ContentTags(root, apps...); err != nil {
			return nil, err
		}
	}
	refs := map[string]string{}
	for _, svc := range Services() {
		tag := im.Tag
		if tag == "" {
			tag = tags[svc.App]
		}
		refs[svc.Repo] = ImageRef("", svc.Repo) + ":" + tag
	}
	return refs, nil
}

// RegistryHost is the server part of a registry prefix: ghcr.io for
// ghcr.io/acme.
func RegistryHost(registry string) string {
	host, _, _ := strings.Cut(strings.TrimSuffix(registry, "/"), "/")
	return host
}
