package e2e

import (
	"bytes"
	"context"
	"debug/elf"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/todo-app/todo-app/infra/localimages"
	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/test/cluster/kube"
)

// postgresImage is what the stack's database.image defaults to; the
// stand-in is imported under exactly this reference, so the stack runs
// with its default database settings.
const postgresImage = "docker.io/library/postgres:16-alpine"

// pgHome is where Debian installs the PostgreSQL server. Debian 12 ships
// PostgreSQL 15 while the stack names 16: the stand-in proves the image's
// contract and the Kubernetes side (volume, probes, security context,
// policies), not the major version.
const pgHome = "/usr/lib/postgresql/15"

var lddLine = regexp.MustCompile(`(?m)(?:=>\s*)?(/\S+)\s+\(0x`)

// postgresStandIn builds the stand-in image FROM scratch: Debian's server
// binaries with the shared libraries they load, their data files, the
// time zone database, our entry point (test/cluster/postgres), a static
// busybox for sh and tar (the probes and the backup job call pg_isready,
// pg_dump, psql, sh and tar), and a passwd entry for uid 70. It imports
// the image into the node under postgresImage.
func postgresStandIn(t *testing.T, ctx context.Context, node *kube.Node, root string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pgHome, "bin", "postgres")); err != nil {
		t.Fatalf("the PostgreSQL server is needed for the database stand-in: apt-get install postgresql (%v)", err)
	}
	entry := filepath.Join(t.TempDir(), "entrypoint")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", entry, "./test/cluster/postgres")
	build.Dir, build.Env = root, append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the stand-in's entry point: %s", out)
	busybox, err := exec.LookPath("busybox")
	require.NoError(t, err, "a static busybox is needed: apt-get install busybox-static")

	files := map[string]string{
		"usr/local/bin/docker-entrypoint": "@" + entry,
		"etc/passwd":                      "root:x:0:0:root:/root:/bin/sh\npostgres:x:70:70:PostgreSQL:/var/lib/postgresql:/bin/sh\n",
		"etc/group":                       "root:x:0:\npostgres:x:70:\n",
		"var/run/postgresql/.keep":        "",
		"var/lib/postgresql/data/.keep":   "",
	}
	for _, applet := range []string{"sh", "tar", "gzip", "cat", "ls", "rm", "mkdir", "sleep", "date", "mv", "sort", "tail", "xargs", "nc", "nslookup", "grep", "printf"} {
		files["bin/"+applet] = "@" + busybox
	}
	// Every shared library the ELF files under pgHome load, by the path
	// the loader finds them at.
	libs := map[string]bool{"/lib64/ld-linux-x86-64.so.2": true}
	err = filepath.WalkDir(pgHome, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		if f, err := elf.Open(p); err != nil {
			return nil // not ELF
		} else {
			f.Close()
		}
		out, err := exec.CommandContext(ctx, "ldd", p).Output()
		if err != nil {
			return nil // ldd refuses some modules on their own; their libraries come with the binaries'
		}
		for _, m := range lddLine.FindAllStringSubmatch(string(out), -1) {
			if !strings.HasPrefix(m[1], pgHome) {
				libs[m[1]] = true
			}
		}
		return nil
	})
	require.NoError(t, err)
	for _, extra := range []string{"/lib/x86_64-linux-gnu/libnss_files.so.2"} {
		if _, err := os.Stat(extra); err == nil {
			libs[extra] = true
		}
	}
	for lib := range libs {
		files[strings.TrimPrefix(lib, "/")] = "@" + lib
	}
	tarball, err := localimages.TarOf(files, map[string]string{
		strings.TrimPrefix(pgHome, "/"): pgHome,
		"usr/share/postgresql/15":       "/usr/share/postgresql/15",
		"usr/share/zoneinfo":            "/usr/share/zoneinfo",
	})
	require.NoError(t, err)
	_, err = localimages.Docker(ctx, tarball, "import",
		"--change", `ENTRYPOINT ["/usr/local/bin/docker-entrypoint"]`,
		"--change", "ENV PATH="+pgHome+"/bin:/usr/local/bin:/bin",
		"--change", "ENV PGDATA=/var/lib/postgresql/data",
		"--change", "EXPOSE 5432",
		"-", postgresImage)
	require.NoError(t, err)
	var saved bytes.Buffer
	save := exec.CommandContext(ctx, "docker", "save", postgresImage)
	save.Stdout = &saved
	require.NoError(t, save.Run(), "docker save")
	require.NoError(t, node.Import(ctx, &saved))
	have, err := node.Images(ctx)
	require.NoError(t, err)
	require.Contains(t, have, postgresImage, "the stand-in is in the node under the stack's default reference")
	t.Logf("database stand-in: %s (PostgreSQL 15 from Debian, %d shared libraries)", postgresImage, len(libs))
}

// volumes gives the node what minikube gives it: a default StorageClass
// named standard, and a PersistentVolume on the node's disk for the
// database's claim (minikube provisions hostPath volumes; with no
// provisioner here, the volume is made beforehand). hostPath volumes are
// not chowned for fsGroup, so the folder belongs to uid 70 already.
//
// The database's volume is a 256 MiB tmpfs of its own, so that the
// disk-full fault fills it in a moment; it returns that folder.
func volumes(t *testing.T, ctx context.Context, cp *kube.ControlPlane, dir string) (database string) {
	t.Helper()
	noProvisioner, firstConsumer := "kubernetes.io/no-provisioner", storagev1.VolumeBindingWaitForFirstConsumer
	_, err := cp.Client.StorageV1().StorageClasses().Create(ctx, &storagev1.StorageClass{
		ObjectMeta:        metav1.ObjectMeta{Name: "standard", Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
		Provisioner:       noProvisioner,
		VolumeBindingMode: &firstConsumer,
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	// One for the database, one for its backups, each reserved for its
	// claim: two matching volumes would otherwise bind in either order
	// (seen: the backups on the 256 MiB tmpfs, and the disk-full fault
	// filling a disk the database was not on).
	claims := map[string]string{"postgres": "data-" + stack.PostgresName + "-0", "backups": stack.BackupClaimName}
	for _, name := range []string{"postgres", "backups"} {
		path := filepath.Join(dir, "pv", name)
		require.NoError(t, os.MkdirAll(path, 0o700))
		if name == "postgres" {
			require.NoError(t, syscall.Mount("tmpfs", path, "tmpfs", 0, "size=256m,mode=0700"), "mounting a tmpfs for the database volume")
			t.Cleanup(func() { _ = syscall.Unmount(path, syscall.MNT_DETACH) })
			database = path
		}
		require.NoError(t, os.Chown(path, 70, 70))
		dirType := corev1.HostPathDirectory
		_, err = cp.Client.CoreV1().PersistentVolumes().Create(ctx, &corev1.PersistentVolume{
			ObjectMeta: metav1.ObjectMeta{Name: "e2e-" + name},
			Spec: corev1.PersistentVolumeSpec{
				Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
				AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				StorageClassName:              "standard",
				PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
				PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: path, Type: &dirType}},
				ClaimRef:                      &corev1.ObjectReference{Kind: "PersistentVolumeClaim", APIVersion: "v1", Namespace: namespace, Name: claims[name]},
			},
		}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	return database
}
