package intent

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Misspelt date words give their date, and leave the title (issue #31,
// item 6). The table's now is Wednesday 25 November 2026, 10:00, Paris.
var typoPhrases = []struct{ in, want string }{
	{"buy stamps tommorow", "add title=“Buy stamps” due=Thu 2026-11-26"},
	{"post the letters tomorow at 4pm", "add title=“Post the letters” due=Thu 2026-11-26 16:00"},
	{"pay the gas bill thursdy", "add title=“Pay the gas bill” due=Thu 2026-11-26"},
	{"Thursdy: return the drill", "add title=“Return the drill” due=Thu 2026-11-26"},
	{"dentist wendesday at 3pm", "add title=“Dentist” due=Wed 2026-12-02 15:00"},
	{"yoga class wensday", "add title=“Yoga class” due=Wed 2026-12-02"},
	{"fryday drinks with Sam", "add title=“Drinks with Sam” due=Fri 2026-11-27"},
	{"wash the car on saterday", "add title=“Wash the car” due=Sat 2026-11-28"},
	{"book haircut tody", "add title=“Book haircut” due=Wed 2026-11-25"},
	{"renew the lease nxt week", "add title=“Renew the lease” due=Mon 2026-11-30"},
	{"2moro 8am: gym", "add title=“Gym” due=Thu 2026-11-26 08:00"},
	{"call the bank tdy", "add title=“Call the bank” due=Wed 2026-11-25"},
	{"team retro every tuesdy", "add title=“Team retro” due=Tue 2026-12-01 every=1/weekly"},
	{"water the ferns evry 4 days", "add title=“Water the ferns” every=4/daily"},
	{"stretch evry morning", "add title=“Stretch” due=Wed 2026-11-25 09:00 every=1/daily"},
	{"move the plumber to thrusday", "update target=“plumber” due=Thu 2026-11-26"},
}

func TestDateTypos(t *testing.T) {
	now, loc := fixedNow(t)
	for _, c := range typoPhrases {
		assert.Equal(t, c.want, summary(Parse(c.in, now, loc), loc), c.in)
	}
	// Quick add shares the pass.
	assert.Equal(t, "add title=“Call the vet” due=Thu 2026-11-26", summary(ParseTask("call the vet tomorow", now, loc), loc))
	assert.Equal(t, "add title=“Bins out” due=Mon 2026-11-30 every=1/weekly", summary(ParseTask("bins out every mondy", now, loc), loc))
}

// Real words near a date word are never read as one: no date appears and
// the title keeps them.
func TestDateTyposLeaveRealWords(t *testing.T) {
	now, loc := fixedNow(t)
	for _, c := range []struct{ in, want string }{
		{"add watch the ever given documentary", "add title=“Watch the ever given documentary”"},
		{"add ask a very specific question", "add title=“Ask a very specific question”"},
		{"add buy a mouth guard", "add title=“Buy a mouth guard”"},
		{"add fix the weak shelf", "add title=“Fix the weak shelf”"},
		{"add buy dairy free milk", "add title=“Buy dairy free milk”"},
		{"add pull the weeds", "add title=“Pull the weeds”"},
		{"add read up on mourning doves", "add title=“Read up on mourning doves”"},
		{"add look up the meaning of ennui", "add title=“Look up the meaning of ennui”"},
		{"add text Monty about the earnings call", "add title=“Text Monty about the earnings call”"},
		{"add order a sundae", "add title=“Order a sundae”"},
	} {
		assert.Equal(t, c.want, summary(Parse(c.in, now, loc), loc), c.in)
	}
	for _, s := range []string{"ever", "very", "mouth", "weak", "Daisy", "yeah", "neat", "nest", "sunny",
		"money", "tidy", "tuesdays", "Mondays", "mornings", "workday", "thurs", "sept", "wed", "day", "tmrwx", "2moro2"} {
		assert.Equal(t, s, fixDateTypos(s), "%q is left alone", s)
	}
}

func TestFixDateTypos(t *testing.T) {
	for in, want := range map[string]string{
		"tommorow":               "tomorrow",
		"Thursdy at 5":           "Thursday at 5",
		"wensday":                "wednesday", // nearer Wednesday by letters kept than weekday
		"see you tmrw, ok?":      "see you tomorrow, ok?",
		"née le 3 fevrier":       "née le 3 fevrier", // not near enough (7 letters, 3 edits)
		"caf\u00e9 saterday":     "caf\u00e9 saturday",
		"janury and feburary":    "january and february",
		"nothing to change here": "nothing to change here",
	} {
		assert.Equal(t, want, fixDateTypos(in), in)
	}
}

func TestCloseSpelling(t *testing.T) {
	for _, c := range []struct {
		typed, word string
		want        bool
	}{
		{"dentsit", "dentist", true},    // a swap is one edit
		{"quartely", "quarterly", true}, // one letter dropped
		{"electricty", "electricity", true},
		{"reprot", "report", true},
		{"sinc", "sync", true},          // 4 letters: one edit
		{"snic", "sync", false},         // 4 letters: two edits
		{"quartrly", "quarterly", true}, // 8 letters: two edits … (one here)
		{"qurtrly", "quarterly", true},  // … two
		{"qurtly", "quarterly", false},  // three
		{"bill", "pill", false},         // the first letter is kept
		{"cat", "car", false},           // three letters: exact only
		{"Report", "report", true},
	} {
		assert.Equal(t, c.want, CloseSpelling(c.typed, c.word), "%s ~ %s", c.typed, c.word)
	}
}

func BenchmarkFixDateTypos(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		fixDateTypos(phrases[i%len(phrases)].in)
		i++
	}
}
