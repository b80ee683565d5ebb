package intent

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// ParseTask is the web app's quick add: every line is a new task, command
// words included, with its fields taken out of the title.
var quickAdds = []struct{ in, want string }{
	{"Friday 5pm call mom #family !high", "add title=“Call mom” due=Fri 2026-11-27 17:00 prio=high tags=family"},
	{"delete old emails tomorrow", "add title=“Delete old emails” due=Thu 2026-11-26"},
	{"complete the tax form by Dec 15", "add title=“Complete the tax form” due=Tue 2026-12-15"},
	{"Pay rent every month p1", "add title=“Pay rent” prio=high every=1/monthly"},
	{"Water plants p3", "add title=“Water plants” prio=low"},
	{"remind me to stretch every morning", "add title=“Stretch” due=Wed 2026-11-25 09:00 every=1/daily"},
	{"what should we cook for the party?", "add title=“What should we cook for the party?”"},
	{"buy milk.", "add title=“Buy milk”"},
	{"  Read   a book  ", "add title=“Read a book”"},
	{"buy milk ^Shopping #errands", "add title=“Buy milk” tags=errands project=Shopping"},
	{`plan the trip ^"Summer holiday" friday`, "add title=“Plan the trip” due=Fri 2026-11-27 project=Summer holiday"},
	{"2^10 is 1024", "add title=“2^10 is 1024”"},
	{"#home", "unknown"},
	{"tomorrow", "unknown"},
	{"", "unknown"},
}

func TestParseTask(t *testing.T) {
	now, loc := fixedNow(t)
	for _, c := range quickAdds {
		assert.Equal(t, c.want, summary(ParseTask(c.in, now, loc), loc), c.in)
	}
}
