package zxcvbn_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	upstream "github.com/trustelem/zxcvbn"

	"github.com/todo-app/todo-app/apps/backend/internal/accounts/zxcvbn"
)

// The fork only changes when the dictionaries are built: every kind of
// match the library knows (dictionary words, reversed and l33t ones,
// keyboard runs, repeats, sequences, years and dates, the person's own
// words) must score exactly as upstream does.
func TestForkScoresAsUpstream(t *testing.T) {
	t.Parallel()
	passwords := []string{
		"password", "Password1", "p4ssw0rd", "drowssap", "correct horse battery staple",
		"qwertyuiop", "zxcvbn", "1qaz2wsx", "aaaaaaaa", "abcabcabc", "abcdefgh", "98765432",
		"13/05/1984", "1984", "19840513", "jennifer", "smith2001", "Tr0ub4dour&3",
		"ada.lovelace", "Ada Lovelace 1815", "difference engine", "the quick brown fox",
		"4@8({[<3691!|70$5+%2", "ñandú über straße", "🙂🙂🙂🙂🙂🙂🙂🙂",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_=+"
	for range 20 {
		b := make([]byte, 8+rng.IntN(16))
		for i := range b {
			b[i] = chars[rng.IntN(len(chars))]
		}
		passwords = append(passwords, string(b))
	}
	inputs := []string{"ada@example.com", "Ada Lovelace", "ada", "lovelace"}
	for _, pw := range passwords {
		want := upstream.PasswordStrength(pw, inputs)
		got := zxcvbn.PasswordStrength(pw, inputs)
		assert.Equal(t, want.Score, got.Score, "score of %q", pw)
		assert.Equal(t, want.Guesses, got.Guesses, "guesses for %q", pw)
		assert.Len(t, got.Sequence, len(want.Sequence), "matches in %q", pw)
	}
}
