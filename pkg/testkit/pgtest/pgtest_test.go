package pgtest

import (
	"context"
	"database/sql"
	"net"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var srv *Server

func TestMain(m *testing.M) { Main(m, &srv) }

func TestDatabasesAreIsolatedCopiesOfTheTemplate(t *testing.T) {
	setupRuns := 0
	setup := func(ctx context.Context, dsn string) error {
		setupRuns++
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.ExecContext(ctx, "CREATE TABLE items (n int); INSERT INTO items VALUES (1)")
		return err
	}
	a := srv.NewDatabase(t, "tpl_isolation", setup)
	b := srv.NewDatabase(t, "tpl_isolation", setup)
	assert.NotEqual(t, a, b)
	assert.Equal(t, 1, setupRuns, "the template is set up once")

	dbA, err := sql.Open("pgx", a)
	require.NoError(t, err)
	defer dbA.Close()
	dbB, err := sql.Open("pgx", b)
	require.NoError(t, err)
	defer dbB.Close()

	_, err = dbA.Exec("INSERT INTO items VALUES (2)")
	require.NoError(t, err)
	var na, nb int
	require.NoError(t, dbA.QueryRow("SELECT count(*) FROM items").Scan(&na))
	require.NoError(t, dbB.QueryRow("SELECT count(*) FROM items").Scan(&nb))
	assert.Equal(t, 2, na)
	assert.Equal(t, 1, nb, "b does not see a's rows")
}

func TestDropOnCleanup(t *testing.T) {
	var name string
	t.Run("inner", func(t *testing.T) {
		dsn := srv.NewDatabase(t, "", nil)
		name = dsn
	})
	db, err := sql.Open("pgx", name)
	require.NoError(t, err)
	defer db.Close()
	assert.Error(t, db.Ping(), "database is dropped after the test")
}

// Another test binary can take the port freePort found before PostgreSQL
// binds it (this failed CI once): the start picks another port.
func TestStartPicksAnotherPortWhenTheFreeOneIsTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	takenPort := taken.Addr().(*net.TCPAddr).Port
	picks := 0
	ctx := context.Background()
	s, err := startLocal(ctx, Options{pickPort: func() (int, error) {
		picks++
		if picks == 1 {
			return takenPort, nil
		}
		return freePort()
	}})
	require.NoError(t, err)
	defer func() { require.NoError(t, s.Stop()) }()
	assert.Equal(t, 2, picks, "the taken port is given up for another")
	assert.NotEqual(t, strconv.Itoa(takenPort), s.admin.Port())
	require.NoError(t, s.db.PingContext(ctx))
}
