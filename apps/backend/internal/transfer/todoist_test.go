package transfer

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// INDENT nests a task under the last task above it with a smaller
// INDENT: a jump (1 then 3) hangs under the last task, one past our
// levels at the deepest level, with a note; a missing INDENT is 1.
func TestTodoistNesting(t *testing.T) {
	w := &writer{rep: &report{}}
	tp := &todoistProject{}
	rows := []struct{ indent, key, parent string }{
		{"1", "a", ""},
		{"3", "b", "a"},
		{"2", "c", "a"},
		{"3", "d", "c"},
		{"4", "e", "d"},
		{"5", "f", "e"},
		{"9", "g", "e"}, // at the deepest level: beside f
		{"6", "h", "e"},
		{"", "i", ""},
		{"2", "j", "i"},
	}
	for _, r := range rows {
		assert.Equal(t, r.parent, tp.nest(w, r.indent, r.key), "row %s", r.key)
	}
	w.rep.finish()
	assert.Equal(t, []string{"2 sub-tasks were nested deeper than the 4 levels kept here: they were put at the deepest level"}, w.rep.Notes)
}
