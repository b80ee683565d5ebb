package position

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBetween(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"", "", "1"},
		{"3", "", "4"},
		{"3.25", "", "4"},
		{"-2.5", "", "-2"},
		{"", "3", "2"},
		{"", "0.5", "-1"},
		{"1", "2", "1.4"},
		{"1", "3", "2"},
		{"1", "1.1", "1.04"},
		{"-1", "1", "0"},
		{"0.999", "1", "0.9994"},
	} {
		got, err := Between(c.a, c.b)
		require.NoError(t, err, "%q..%q", c.a, c.b)
		assert.Equal(t, c.want, got, "between %q and %q", c.a, c.b)
	}
}

func TestBetweenRefusesWhatIsNotAGap(t *testing.T) {
	for _, c := range [][2]string{{"2", "1"}, {"1", "1"}, {"x", "2"}, {"1", "1e3"}, {".5", ""}, {"", "1."}} {
		_, err := Between(c[0], c[1])
		assert.Error(t, err, "%q..%q", c[0], c[1])
	}
}

// Inserting anywhere, over and over, keeps every key strictly between
// its neighbours, and keys stay short.
func TestManyInsertionsKeepTheOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := []string{}
	for range 2000 {
		i := r.IntN(len(keys) + 1)
		a, b := "", ""
		if i > 0 {
			a = keys[i-1]
		}
		if i < len(keys) {
			b = keys[i]
		}
		k, err := Between(a, b)
		require.NoError(t, err)
		keys = slices.Insert(keys, i, k)
	}
	for i := 1; i < len(keys); i++ {
		require.True(t, Less(keys[i-1], keys[i]), "%s before %s", keys[i-1], keys[i])
	}
	longest := 0
	for _, k := range keys {
		longest = max(longest, len(k))
	}
	assert.Less(t, longest, 12, "random insertions give short keys")
}

// The worst case, always at the same spot, grows about half a digit each.
func TestInsertingAtOneSpotGrowsSlowly(t *testing.T) {
	a, b := "1", "2"
	for range 1000 {
		k, err := Between(a, b)
		require.NoError(t, err)
		require.True(t, Less(a, k) && Less(k, b))
		b = k
	}
	assert.Less(t, len(b), 600)
	assert.True(t, Valid(b))
}
