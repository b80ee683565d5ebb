// Package pgtest gives tests (and `make dev`) a real PostgreSQL server.
//
// With TEST_DATABASE_URL set it uses that server; otherwise it starts a
// throwaway one with initdb and pg_ctl on a free loopback port. Each test
// gets its own database cloned from a migrated template, so tests can run
// in parallel without seeing each other's rows.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// Options control a started server.
type Options struct {
	// DataDir keeps the cluster between runs (make dev); empty means a
	// temporary directory removed by Stop.
	DataDir string
	// Port to listen on; 0 picks a free one.
	Port int
	// Log receives progress lines; nil discards them.
	Log func(format string, args ...any)
	// Listen is the address to listen on (default 127.0.0.1); AllowFrom
	// are CIDRs whose connections are trusted too (a cluster's pods
	// reaching a server outside it).
	Listen    string
	AllowFrom []string

	// pickPort finds a free port when Port is 0 (freePort; a test forces a
	// taken one).
	pickPort func() (int, error)
}

// Server is a PostgreSQL server the tests may create databases in.
type Server struct {
	admin     *url.URL
	db        *sql.DB
	stop      func() error
	mu        sync.Mutex
	templates map[string]error
	seq       atomic.Int64
}

// Start returns a server: TEST_DATABASE_URL's, or a fresh local one.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if raw := os.Getenv("TEST_DATABASE_URL"); raw != "" && opts.DataDir == "" {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("TEST_DATABASE_URL is not a URL: %w", err)
		}
		return connect(ctx, u, func() error { return nil })
	}
	return startLocal(ctx, opts)
}

// Main runs a test package against a server started for it:
//
//	func TestMain(m *testing.M) { pgtest.Main(m, &srv) }
//
// It fails loudly, never skips, when PostgreSQL cannot be started.
func Main(m *testing.M, srv **Server) { os.Exit(Run(m, srv)) }

// Run is Main without the exit: it returns the tests' exit code.
func Run(m *testing.M, srv **Server) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	s, err := Start(ctx, Options{})
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: cannot start PostgreSQL: %v\n", err)
		return 1
	}
	*srv = s
	code := m.Run()
	if err := s.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: stopping PostgreSQL: %v\n", err)
	}
	return code
}

func connect(ctx context.Context, admin *url.URL, stop func() error) (*Server, error) {
	db, err := sql.Open("pgx", admin.String())
	if err != nil {
		return nil, fmt.Errorf("opening admin connection: %w", err)
	}
	db.SetMaxOpenConns(4)
	var pingErr error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if pingErr = db.PingContext(ctx); pingErr == nil {
			break
		}
	}
	if pingErr != nil {
		_ = db.Close()
		_ = stop()
		return nil, fmt.Errorf("connecting to %s: %w", admin.Redacted(), pingErr)
	}
	return &Server{admin: admin, db: db, stop: stop, templates: map[string]error{}}, nil
}

// Stop drops the connection and, for a local server, stops and removes it.
func (s *Server) Stop() error {
	return errors.Join(s.db.Close(), s.stop())
}

// URL returns the DSN of database name on this server.
func (s *Server) URL(name string) string {
	u := *s.admin
	u.Path = "/" + name
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Template creates database name once per server and runs setup on it
// (typically migrations); later calls return the first call's result.
func (s *Server) Template(ctx context.Context, name string, setup func(ctx context.Context, dsn string) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err, ok := s.templates[name]; ok {
		return err
	}
	err := s.createTemplate(ctx, name, setup)
	s.templates[name] = err
	return err
}

func (s *Server) createTemplate(ctx context.Context, name string, setup func(context.Context, string) error) error {
	q := quoteIdent(name)
	if _, err := s.db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+q+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("dropping old template %s: %w", name, err)
	}
	if _, err := s.db.ExecContext(ctx, "CREATE DATABASE "+q); err != nil {
		return fmt.Errorf("creating template %s: %w", name, err)
	}
	if setup != nil {
		if err := setup(ctx, s.URL(name)); err != nil {
			return fmt.Errorf("setting up template %s: %w", name, err)
		}
	}
	return nil
}

// CreateDatabase makes an empty database, or a copy of template when given.
func (s *Server) CreateDatabase(ctx context.Context, template string) (string, error) {
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), s.seq.Add(1))
	stmt := "CREATE DATABASE " + quoteIdent(name)
	if template != "" {
		stmt += " TEMPLATE " + quoteIdent(template)
	}
	// Copies of one template are serialised: PostgreSQL refuses to copy a
	// database that another CREATE DATABASE is reading.
	s.mu.Lock()
	_, err := s.db.ExecContext(ctx, stmt)
	s.mu.Unlock()
	if err != nil {
		return "", fmt.Errorf("creating database %s: %w", name, err)
	}
	return name, nil
}

// DropDatabase removes a database, closing its connections.
func (s *Server) DropDatabase(ctx context.Context, name string) error {
	if _, err := s.db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("dropping database %s: %w", name, err)
	}
	return nil
}

// NewDatabase gives the test a fresh database (a copy of the template set
// up by setup, keyed by templateName) and drops it when the test ends.
func (s *Server) NewDatabase(t testing.TB, templateName string, setup func(context.Context, string) error) string {
	t.Helper()
	ctx := context.Background()
	if templateName != "" {
		if err := s.Template(ctx, templateName, setup); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
	}
	name, err := s.CreateDatabase(ctx, templateName)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.DropDatabase(context.Background(), name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return s.URL(name)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// startLocal runs initdb (unless DataDir already holds a cluster) and
// pg_ctl start. As root it runs them as the postgres user, because
// PostgreSQL refuses to run as root.
func startLocal(ctx context.Context, opts Options) (*Server, error) {
	logf := opts.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	bin, err := findBinDir()
	if err != nil {
		return nil, err
	}
	cred, owner, err := runAs()
	if err != nil {
		return nil, err
	}
	root := opts.DataDir
	temporary := root == ""
	if temporary {
		if root, err = os.MkdirTemp("", "pgtest-"); err != nil {
			return nil, fmt.Errorf("creating temp dir: %w", err)
		}
	} else if root, err = filepath.Abs(root); err != nil {
		return nil, fmt.Errorf("resolving %s: %w", opts.DataDir, err)
	}
	cleanup := func() error {
		if temporary {
			return os.RemoveAll(root)
		}
		return nil
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", root, err)
	}
	if owner != nil {
		if err := os.Chown(root, owner.uid, owner.gid); err != nil {
			_ = cleanup()
			return nil, fmt.Errorf("handing %s to the postgres user: %w", root, err)
		}
	}
	data := filepath.Join(root, "data")
	run := func(name string, args ...string) error {
		cmd := exec.CommandContext(ctx, filepath.Join(bin, name), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w\n%s", name, err, out)
		}
		return nil
	}
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		logf("initialising PostgreSQL cluster in %s", data)
		if err := run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
			_ = cleanup()
			return nil, err
		}
	}
	listen := opts.Listen
	if listen == "" {
		listen = "127.0.0.1"
	}
	if len(opts.AllowFrom) > 0 {
		hba, err := os.OpenFile(filepath.Join(data, "pg_hba.conf"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			_ = cleanup()
			return nil, fmt.Errorf("opening pg_hba.conf: %w", err)
		}
		for _, cidr := range opts.AllowFrom {
			fmt.Fprintf(hba, "host all all %s trust\n", cidr)
		}
		if err := hba.Close(); err != nil {
			_ = cleanup()
			return nil, fmt.Errorf("writing pg_hba.conf: %w", err)
		}
	}
	logFile := filepath.Join(root, "postgres.log")
	// A port found free can be taken by another test binary (go test runs
	// packages in parallel) before PostgreSQL binds it: pick again then.
	var port int
	for attempt := 1; ; attempt++ {
		port = opts.Port
		if port == 0 {
			pick := opts.pickPort
			if pick == nil {
				pick = freePort
			}
			if port, err = pick(); err != nil {
				_ = cleanup()
				return nil, err
			}
		}
		settings := []string{
			"-c listen_addresses=" + listen, "-p " + strconv.Itoa(port), "-k " + root,
			"-c max_connections=300", "-c shared_buffers=128MB",
		}
		if temporary {
			// Durability is pointless for a throwaway cluster; speed is not.
			settings = append(settings, "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off")
		}
		_ = os.Remove(logFile)
		err := run("pg_ctl", "start", "-w", "-t", "60", "-D", data, "-l", logFile, "-o", strings.Join(settings, " "))
		if err == nil {
			break
		}
		log, _ := os.ReadFile(logFile)
		if opts.Port == 0 && attempt < 5 && strings.Contains(string(log), "Address already in use") {
			logf("port %d was taken before PostgreSQL bound it; trying another", port)
			continue
		}
		_ = cleanup()
		return nil, fmt.Errorf("%w\n%s", err, log)
	}
	stop := func() error {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(stopCtx, filepath.Join(bin, "pg_ctl"), "stop", "-w", "-m", "fast", "-D", data)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		out, err := cmd.CombinedOutput()
		if err != nil {
			err = fmt.Errorf("pg_ctl stop: %w: %s", err, out)
		}
		return errors.Join(err, cleanup())
	}
	admin := &url.URL{Scheme: "postgres", User: url.User("postgres"), Host: net.JoinHostPort(listen, strconv.Itoa(port)), Path: "/postgres", RawQuery: "sslmode=disable"}
	logf("PostgreSQL listening on %s:%d", listen, port)
	return connect(ctx, admin, stop)
}

type ids struct{ uid, gid int }

// runAs returns the credentials to run PostgreSQL with: none for a normal
// user, the postgres user's when we are root.
func runAs() (*syscall.Credential, *ids, error) {
	if os.Geteuid() != 0 {
		return nil, nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, nil, errors.New("running as root and there is no postgres user to run PostgreSQL as (install the postgresql package, or set TEST_DATABASE_URL)")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, &ids{uid, gid}, nil
}

// findBinDir locates initdb: on PATH, else the newest /usr/lib/postgresql/*/bin.
func findBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin: install them (Debian: apt-get install postgresql) or set TEST_DATABASE_URL")
}

func versionOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// CreateNamedDatabase creates database name unless it exists, and returns its DSN.
func (s *Server) CreateNamedDatabase(ctx context.Context, name string) (string, error) {
	var exists bool
	if err := s.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", fmt.Errorf("checking database %s: %w", name, err)
	}
	if !exists {
		if _, err := s.db.ExecContext(ctx, "CREATE DATABASE "+quoteIdent(name)); err != nil {
			return "", fmt.Errorf("creating database %s: %w", name, err)
		}
	}
	return s.URL(name), nil
}
