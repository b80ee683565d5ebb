// Package position computes the order keys of projects, sections and
// tasks (docs/decisions.md, "Positions are decimals"). A key is a decimal
// number written as a string ("3", "2.5", "-1"), stored as PostgreSQL's
// numeric, compared as a number. Putting something between two others
// writes one row, its own new key, whatever the length of the list: the
// key is a short decimal between its neighbours', never a renumbering.
//
// The key chosen between a and b is the shortest decimal in the middle
// third of the gap: each further insertion at the same spot adds about
// half a digit, so a thousand insertions at one place give keys of about
// 500 digits, which numeric holds (16 383 after the point).
package position

import (
	"fmt"
	"math/big"
	"strings"
)

// First is the key of the first item of an empty list.
const First = "1"

// Between is a key strictly between a and b (a < b), where an empty a
// means "before everything" and an empty b "after everything": after the
// last is its whole part plus one, before the first its whole part less
// one, so that appending (the common case) keeps keys whole numbers.
func Between(a, b string) (string, error) {
	switch {
	case a == "" && b == "":
		return First, nil
	case b == "":
		x, err := parse(a)
		if err != nil {
			return "", err
		}
		return format(floor(x).Add(floor(x), big.NewRat(1, 1)), 0), nil
	case a == "":
		x, err := parse(b)
		if err != nil {
			return "", err
		}
		f := floor(x)
		f.Sub(f, big.NewRat(1, 1))
		return format(f, 0), nil
	}
	lo, err := parse(a)
	if err != nil {
		return "", err
	}
	hi, err := parse(b)
	if err != nil {
		return "", err
	}
	if lo.Cmp(hi) >= 0 {
		return "", fmt.Errorf("position: %s is not before %s", a, b)
	}
	// The middle third of the gap: [lo + gap/3, hi - gap/3].
	third := new(big.Rat).Sub(hi, lo)
	third.Quo(third, big.NewRat(3, 1))
	from := new(big.Rat).Add(lo, third)
	to := new(big.Rat).Sub(hi, third)
	unit := big.NewRat(1, 1)
	ten := big.NewRat(1, 10)
	for digits := 0; ; digits++ {
		// The smallest multiple of unit at or above from.
		n := new(big.Rat).Quo(from, unit)
		c := ceil(n)
		c.Mul(c, unit)
		if c.Cmp(to) <= 0 {
			return format(c, digits), nil
		}
		unit.Mul(unit, ten)
	}
}

// Less says whether key a sorts before key b (both valid).
func Less(a, b string) bool {
	x, errA := parse(a)
	y, errB := parse(b)
	return errA == nil && errB == nil && x.Cmp(y) < 0
}

// Valid says whether s is a key: a decimal number, at most 1 000
// characters (what a client may send or an import carry).
func Valid(s string) bool {
	if len(s) > 1000 {
		return false
	}
	_, err := parse(s)
	return err == nil
}

func parse(s string) (*big.Rat, error) {
	t := strings.TrimPrefix(s, "-")
	if t == "" || strings.Trim(t, "0123456789.") != "" || strings.Count(t, ".") > 1 || t[0] == '.' || t[len(t)-1] == '.' {
		return nil, fmt.Errorf("position: %q is not a decimal number", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("position: %q is not a decimal number", s)
	}
	return r, nil
}

func floor(x *big.Rat) *big.Rat {
	q := new(big.Int).Div(x.Num(), x.Denom()) // Euclidean: rounds down for a positive denominator
	return new(big.Rat).SetInt(q)
}

func ceil(x *big.Rat) *big.Rat {
	f := floor(x)
	if f.Cmp(x) != 0 {
		f.Add(f, big.NewRat(1, 1))
	}
	return f
}

// format writes x, a multiple of 10^-digits, without trailing zeros.
func format(x *big.Rat, digits int) string {
	s := x.FloatString(digits)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
