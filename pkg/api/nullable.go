package api

import (
	"bytes"
	"encoding/json"
)

// Nullable distinguishes a field that is absent (Set false), present as
// null (Set and Null) and present with a value, which PATCH needs.
type Nullable[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// Value returns a Nullable holding v.
func Value[T any](v T) Nullable[T] { return Nullable[T]{Set: true, Value: v} }

// Null returns a Nullable that is explicitly null.
func Null[T any]() Nullable[T] { return Nullable[T]{Set: true, Null: true} }

// UnmarshalJSON is only called when the key is present.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		n.Null = true
		return nil
	}
	return json.Unmarshal(b, &n.Value)
}

// MarshalJSON writes null or the value; pair with `omitzero` to omit unset.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.Null {
		return []byte("null"), nil
	}
	return json.Marshal(n.Value)
}

// IsZero makes `omitzero` drop an unset field.
func (n Nullable[T]) IsZero() bool { return !n.Set }
