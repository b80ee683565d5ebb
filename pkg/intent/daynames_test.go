package intent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A short weekday name that is also an English word names a day only
// where nothing says otherwise.
func TestShortDayNamesThatAreWords(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2030, 6, 5, 10, 0, 0, 0, loc) // a Wednesday
	cases := []struct {
		line, title, day string // day "" is no date
	}{
		{"buy sun cream", "Buy sun cream", ""},
		{"book the sat exam", "Book the sat exam", ""},
		{"order mon cheri chocolates", "Order mon cheri chocolates", ""},
		{"gym sat 10am", "Gym", "2030-06-08"},
		{"call grandma on sun", "Call grandma", "2030-06-09"},
		{"laundry sun", "Laundry", "2030-06-09"},
		{"water the roses sat morning", "Water the roses", "2030-06-08"},
	}
	for _, c := range cases {
		in := ParseTask(c.line, now, loc)
		assert.Equal(t, c.title, in.Title, c.line)
		day := ""
		if in.When != nil {
			day = in.When.Day().String()
		}
		assert.Equal(t, c.day, day, c.line)
	}
}
