// Package domain holds the backend's domain errors: what the task and
// account services say went wrong, in their own terms. Each front door
// translates them at its edge — REST into the JSON error envelope, MCP
// into a tool error a model can act on — so that no service speaks HTTP.
package domain

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ErrNotFound matches every NotFound (errors.Is).
var ErrNotFound = errors.New("not found")

// NotFound is something of the user's that does not exist: "task 42",
// "API token".
type NotFound struct{ What string }

func (e *NotFound) Error() string        { return e.What + " not found" }
func (e *NotFound) Is(target error) bool { return target == ErrNotFound }

// Invalid is input that breaks a rule, by field: field name → what is
// wrong ("is required").
type Invalid struct{ Fields map[string]string }

func (e *Invalid) Error() string {
	parts := make([]string, 0, len(e.Fields))
	for _, f := range slices.Sorted(maps.Keys(e.Fields)) {
		parts = append(parts, f+" "+e.Fields[f])
	}
	return fmt.Sprintf("invalid input: %s", strings.Join(parts, "; "))
}

// Field is an Invalid with one field.
func Field(name, problem string) *Invalid { return &Invalid{Fields: map[string]string{name: problem}} }

// Unauthenticated is a credential that does not prove who the caller is:
// a wrong password, an account that no longer exists. Reason is said to
// the caller as it is.
type Unauthenticated struct{ Reason string }

func (e *Unauthenticated) Error() string { return e.Reason }

// Conflict is a change the current state does not allow, said so that the
// person knows what to do instead ("… exists; sign in instead").
type Conflict struct{ Reason string }

func (e *Conflict) Error() string { return e.Reason }
