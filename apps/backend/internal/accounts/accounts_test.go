package accounts

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

// randomPassword is n characters drawn from letters, digits and the
// symbols zxcvbn reads as l33t (the costliest input it has).
func randomPassword(rng *rand.Rand, n int) string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_=+[]{}|<>"
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[rng.IntN(len(chars))]
	}
	return string(b)
}

// The strength estimate reads the first StrengthChecked characters only:
// its cost grows about with the cube of the length, and sign-up is open
// to anyone. So a password that starts with an easy pattern is refused
// whatever follows it (the whole of it would score as strong), and says
// why; one that starts well is accepted however long it is.
func TestStrengthIsCheckedOnTheFirstCharactersOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	weakStart := strings.Repeat("a", StrengthChecked) + randomPassword(rng, 40)
	problem := checkPassword(weakStart, "ada@example.com", "Ada")
	assert.Contains(t, problem, fmt.Sprintf("starts with %d characters that are too easy to guess", StrengthChecked))

	strongStart := "correct horse battery staple " + strings.Repeat("a", MaxPassword-29)
	require.Equal(t, MaxPassword, len(strongStart))
	assert.Empty(t, checkPassword(strongStart, "ada@example.com", "Ada"))

	// A short weak password keeps its message; characters, not bytes,
	// are counted (a cut inside a multi-byte character would be invalid
	// UTF-8, which the estimate scores 0).
	assert.Contains(t, checkPassword("password", "ada@example.com", "Ada"), "is too easy to guess")
	assert.Empty(t, checkPassword(strings.Repeat("ñandú über straße ", 10), "ada@example.com", "Ada"))
}

// heapProbe, set in the environment, makes this test binary print its
// live heap before and after one password check, then exit (see
// TestStrengthDictionariesLoadOnFirstUse).
const heapProbe = "TODO_ACCOUNTS_HEAP_PROBE"

func TestMain(m *testing.M) {
	if os.Getenv(heapProbe) != "" {
		before := liveHeap()
		checkPassword("correct horse battery staple", "ada@example.com", "Ada")
		fmt.Printf("%d %d\n", before, liveHeap())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// The estimate's dictionaries (about 8 MB) are built on the first check,
// not when the backend starts: an idle process does not hold them. A
// fresh process (this test binary again) must grow by most of that on
// its first check.
func TestStrengthDictionariesLoadOnFirstUse(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), heapProbe+"=1")
	out, err := cmd.Output()
	require.NoError(t, err, "%s", out)
	var before, after uint64
	_, err = fmt.Sscan(string(out), &before, &after)
	require.NoError(t, err, "%q", out)
	t.Logf("live heap: %.1f MiB before the first check, %.1f MiB after", float64(before)/(1<<20), float64(after)/(1<<20))
	assert.Greater(t, after, before+3<<20, "the first check builds the dictionaries (else they were built at start-up)")
}

// What a new password's check costs (the bcrypt hash that follows it is
// BCRYPT_COST's, 50–100 ms at 10): typical passwords, and the inputs that
// cost the most, at the longest length accepted.
func BenchmarkCheckPassword(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	l33t := strings.Repeat("4@8({[<3691!|70$5+%2", 52)[:MaxPassword]
	for _, c := range []struct{ name, pw string }{
		{"passphrase-29", "correct horse battery staple!"},
		{"random-16", randomPassword(rng, 16)},
		{"random-1024", randomPassword(rng, MaxPassword)},
		{"l33t-symbols-1024", l33t},
	} {
		b.Run(c.name, func(b *testing.B) {
			checkPassword(c.pw, "ada@example.com", "Ada") // the dictionaries, built once
			b.ReportAllocs()
			for b.Loop() {
				checkPassword(c.pw, "ada@example.com", "Ada")
			}
		})
	}
	// For scale: the hash every sign-up computes after the check.
	b.Run("bcrypt-cost-10", func(b *testing.B) {
		for b.Loop() {
			_, _ = bcrypt.GenerateFromPassword(passwordKey("correct horse battery staple!"), 10)
		}
	})
}
