package store_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A claim is held while its request runs, taken over when that request's
// process died (a minute without an answer), kept with its answer for a
// day and then purged.
func TestIdempotencyKeyClaims(t *testing.T) {
	st := open(t, pg.NewDatabase(t, "", nil))
	ctx := context.Background()
	_, err := st.Migrate(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	var user string
	require.NoError(t, st.DB.NewRaw(`INSERT INTO users (email, password_hash) VALUES ('a@example.com', 'x') RETURNING id`).Scan(ctx, &user))
	age := func(key, by string) {
		_, err := st.DB.ExecContext(ctx, `UPDATE idempotency_keys SET created_at = created_at - ?::interval WHERE key = ?`, by, key)
		require.NoError(t, err)
	}

	claimed, _, err := st.ClaimIdempotencyKey(ctx, user, "k", []byte("f1"))
	require.NoError(t, err)
	assert.True(t, claimed)
	claimed, row, err := st.ClaimIdempotencyKey(ctx, user, "k", []byte("f1"))
	require.NoError(t, err)
	assert.False(t, claimed, "held while the first request runs")
	assert.Nil(t, row.Status)

	age("k", "61 seconds")
	claimed, _, err = st.ClaimIdempotencyKey(ctx, user, "k", []byte("f1"))
	require.NoError(t, err)
	assert.True(t, claimed, "a claim a minute old without an answer is taken over")

	require.NoError(t, st.FinishIdempotencyKey(ctx, user, "k", 201, "application/json", []byte(`{"id":1}`)))
	age("k", "23 hours")
	claimed, row, err = st.ClaimIdempotencyKey(ctx, user, "k", []byte("f2"))
	require.NoError(t, err)
	assert.False(t, claimed, "an answer is kept for a day")
	require.NotNil(t, row.Status)
	assert.Equal(t, 201, *row.Status)
	assert.Equal(t, []byte(`{"id":1}`), row.Body)
	assert.Equal(t, []byte("f1"), row.Fingerprint)

	n, err := st.PurgeIdempotencyKeys(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	age("k", "2 hours")
	claimed, _, err = st.ClaimIdempotencyKey(ctx, user, "k", []byte("f2"))
	require.NoError(t, err)
	assert.True(t, claimed, "after a day the key is new again")

	require.NoError(t, st.ReleaseIdempotencyKey(ctx, user, "k"))
	claimed, _, err = st.ClaimIdempotencyKey(ctx, user, "k", []byte("f3"))
	require.NoError(t, err)
	assert.True(t, claimed, "a released claim is free at once")
	age("k", "25 hours")
	n, err = st.PurgeIdempotencyKeys(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}
