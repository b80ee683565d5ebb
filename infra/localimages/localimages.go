// Package localimages builds the apps' images from their Dockerfiles where
// nothing can be pulled: it makes the two base images the Dockerfiles take
// as arguments (a Go toolchain with a static busybox shell, and an empty
// runtime with CA certificates and the nonroot user) from what the machine
// has. The image tests and the cluster end-to-end test use it.
package localimages

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const (
	// GoImage is the build stage's base.
	GoImage = "todo-test/go:local"
	// RuntimeImage is the runtime stage's base, standing in for distroless.
	RuntimeImage = "todo-test/static-nonroot:local"
)

// Docker runs the docker CLI and returns its trimmed output.
func Docker(ctx context.Context, stdin io.Reader, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stdin = stdin
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("docker %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

// RequireEngine says clearly what is missing when Docker is not usable.
func RequireEngine(ctx context.Context) error {
	if _, err := exec.LookPath("docker"); err != nil {
		return errors.New("Docker is needed: install it (Debian: apt-get install docker.io) and start dockerd")
	}
	if out, err := exec.CommandContext(ctx, "docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		return fmt.Errorf("a running Docker engine is needed (start dockerd): %v\n%s", err, out)
	}
	return nil
}

// EnsureBase imports the two base images unless they exist.
func EnsureBase(ctx context.Context) error {
	if exec.CommandContext(ctx, "docker", "image", "inspect", GoImage, RuntimeImage).Run() == nil {
		return nil
	}
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		return errors.New("the build image needs a static busybox (Debian: apt-get install busybox-static)")
	}
	certs := "/etc/ssl/certs/ca-certificates.crt"
	rt, err := TarOf(map[string]string{
		"etc/passwd":                        "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
		"etc/group":                         "root:x:0:\nnonroot:x:65532:\n",
		"etc/ssl/certs/ca-certificates.crt": "@" + certs,
	}, nil)
	if err != nil {
		return err
	}
	if _, err := Docker(ctx, rt, "import", "-", RuntimeImage); err != nil {
		return err
	}
	// The toolchain running this program's go command, not the one it was
	// built with (runtime.GOROOT is deprecated for that reason).
	out, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("finding the Go toolchain (go env GOROOT): %w", err)
	}
	goroot := strings.TrimSpace(string(out))
	gt, err := TarOf(map[string]string{"bin/sh": "@" + busybox, "etc/ssl/certs/ca-certificates.crt": "@" + certs, "root/.keep": ""},
		map[string]string{"usr/local/go": goroot})
	if err != nil {
		return err
	}
	_, err = Docker(ctx, gt, "import", "--change", "ENV PATH=/usr/local/go/bin:/bin", "--change", "ENV HOME=/root", "-", GoImage)
	return err
}

// Build builds apps/<app>/Dockerfile from the repository root as ref.
func Build(ctx context.Context, root, app, ref string) error {
	_, err := Docker(ctx, nil, "build", "-q", "--network", "host",
		"--build-arg", "GO_IMAGE="+GoImage, "--build-arg", "RUNTIME_IMAGE="+RuntimeImage,
		"-f", filepath.Join(root, "apps", app, "Dockerfile"), "-t", ref, root)
	return err
}

// PruneBuildStages removes the build stages' images (the legacy builder
// keeps them; they are hundreds of MB each).
func PruneBuildStages(ctx context.Context) {
	_ = exec.CommandContext(ctx, "docker", "image", "prune", "-f", "--filter", "label=todo-app.stage=build").Run()
}

// TarOf writes files (path → content, or a host file to copy when the
// content starts with "@") and whole host directories into a tar stream.
func TarOf(files map[string]string, dirs map[string]string) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: "tmp/", Mode: 01777, Typeflag: tar.TypeDir}); err != nil {
		return nil, err
	}
	for name, content := range files {
		var err error
		if from, ok := strings.CutPrefix(content, "@"); ok {
			var b []byte
			if b, err = os.ReadFile(from); err == nil {
				err = add(name, 0o755, b)
			}
		} else {
			err = add(name, 0o644, []byte(content))
		}
		if err != nil {
			return nil, fmt.Errorf("adding %s to an image: %w", name, err)
		}
	}
	for into, from := range dirs {
		err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(from, p)
			name := filepath.ToSlash(filepath.Join(into, rel))
			info, err := d.Info()
			if err != nil {
				return err
			}
			switch {
			case d.IsDir():
				return tw.WriteHeader(&tar.Header{Name: name + "/", Mode: int64(info.Mode().Perm()), Typeflag: tar.TypeDir})
			case info.Mode()&fs.ModeSymlink != 0:
				target, err := os.Readlink(p)
				if err != nil {
					return err
				}
				return tw.WriteHeader(&tar.Header{Name: name, Linkname: target, Typeflag: tar.TypeSymlink})
			case info.Mode().IsRegular():
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				return add(name, int64(info.Mode().Perm()), b)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("adding %s to an image: %w", from, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return &buf, nil
}
