package intent

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fixed "now" of the table: Wednesday 25 November 2026, 10:00 in Paris.
func fixedNow(t testing.TB) (time.Time, *time.Location) {
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	return time.Date(2026, 11, 25, 10, 0, 0, 0, loc), loc
}

// phrases: what a person types → the whole expected parse. A date without
// a time is all day (due=Thu 2026-11-26, no clock); 24/12 is day/month.
var phrases = []struct{ in, want string }{
	{"add task tomorrow: buy groceries", "add title=“Buy groceries” due=Thu 2026-11-26"},
	{"Add task tomorrow: Buy groceries", "add title=“Buy groceries” due=Thu 2026-11-26"},
	{"remind me to call mom on Friday at 5pm, high priority #family", "add title=“Call mom” due=Fri 2026-11-27 17:00 prio=high tags=family"},
	{"remind me to stretch in 10 minutes", "add title=“Stretch” due=Wed 2026-11-25 10:10"},
	{"call the plumber in an hour", "add title=“Call the plumber” due=Wed 2026-11-25 11:00"},
	{"take the tea out in half an hour", "add title=“Take the tea out” due=Wed 2026-11-25 10:30"},
	{"remind me to leave in 2 hours", "add title=“Leave” due=Wed 2026-11-25 12:00"},
	{"every Monday: team sync", "add title=“Team sync” due=Mon 2026-11-30 every=1/weekly"},
	{"add buy milk", "add title=“Buy milk”"},
	{"add a task to renew passport next month", "add title=“Renew passport” due=Tue 2026-12-01"},
	{"create a task: file taxes by Dec 15", "add title=“File taxes” due=Tue 2026-12-15"},
	{"new task pay rent on the 1st of December", "add title=“Pay rent” due=Tue 2026-12-01"},
	{"Remind me to water the plants every 3 days", "add title=“Water the plants” every=3/daily"},
	{"remind me to take out the trash every Tuesday evening", "add title=“Take out the trash” due=Tue 2026-12-01 18:00 every=1/weekly"},
	{"todo: clean the garage this weekend", "add title=“Clean the garage” due=Sat 2026-11-28"},
	{"I need to book flights next week", "add title=“Book flights” due=Mon 2026-11-30"},
	{"don't forget to send the invoice tomorrow morning", "add title=“Send the invoice” due=Thu 2026-11-26 09:00"},
	{"Buy milk tomorrow at noon", "add title=“Buy milk” due=Thu 2026-11-26 12:00"},
	{"call the bank at 9:30", "add title=“Call the bank” due=Thu 2026-11-26 09:30"},
	{"finish taxes by 2026-12-31 17:00", "add title=“Finish taxes” due=Thu 2026-12-31 17:00"},
	{"submit report 24/12", "add title=“Submit report” due=Thu 2026-12-24"},
	{"submit report on 24/12/2027", "add title=“Submit report” due=Fri 2027-12-24"},
	{"pay rent on Dec 1st every month", "add title=“Pay rent” due=Tue 2026-12-01 every=1/monthly"},
	{"in 3 days: water plants", "add title=“Water plants” due=Sat 2026-11-28"},
	{"in two weeks: dentist checkup", "add title=“Dentist checkup” due=Wed 2026-12-09"},
	{"dentist in a week #health", "add title=“Dentist” due=Wed 2026-12-02 tags=health"},
	{"schedule a meeting with Sam on Thursday at 14:00", "add title=“Meeting with Sam” due=Thu 2026-11-26 14:00"},
	{"add task next Tuesday: project review !high", "add title=“Project review” due=Tue 2026-12-01 prio=high"},
	{"add \"Plan birthday party\" for Saturday #family #fun", "add title=“Plan birthday party” due=Sat 2026-11-28 tags=family,fun"},
	{"add urgent: fix the leaking tap", "add title=“Fix the leaking tap” prio=high"},
	{"add low priority task tidy desk", "add title=“Tidy desk” prio=low"},
	{"add task read a book, low priority", "add title=“Read a book” prio=low"},
	{"add task tonight: watch the match", "add title=“Watch the match” due=Wed 2026-11-25 20:00"},
	{"add task today: pay electricity bill", "add title=“Pay electricity bill” due=Wed 2026-11-25"},
	{"add task day after tomorrow: return library books", "add title=“Return library books” due=Fri 2026-11-27"},
	{"remind me about the car service on March 3rd", "add title=“The car service” due=Wed 2027-03-03"},
	{"remind me at 7am to go running", "add title=“Go running” due=Thu 2026-11-26 07:00"},
	// Repeats on named days of the week or of the month (pkg/recurrence):
	// the series starts on its first such day from today (Wed 25 Nov).
	{"add task every weekday morning: standup", "add title=“Standup” due=Thu 2026-11-26 09:00 every=1/daily on=mon,tue,wed,thu,fri"},
	{"team standup every weekday at 9:30", "add title=“Team standup” due=Thu 2026-11-26 09:30 every=1/daily on=mon,tue,wed,thu,fri"},
	{"gym every mon, wed, fri 7am", "add title=“Gym” due=Fri 2026-11-27 07:00 every=1/weekly on=mon,wed,fri"},
	{"water plants every tuesday and saturday", "add title=“Water plants” due=Sat 2026-11-28 every=1/weekly on=tue,sat"},
	{"piano lesson every other tue & thu at 5pm", "add title=“Piano lesson” due=Thu 2026-11-26 17:00 every=2/weekly on=tue,thu"},
	{"long run every weekend", "add title=“Long run” due=Sat 2026-11-28 every=1/weekly on=sat,sun"},
	{"pay rent every 1st", "add title=“Pay rent” due=Tue 2026-12-01 every=1/monthly monthday=1"},
	{"pay the nanny on the 15th of every month", "add title=“Pay the nanny” due=Tue 2026-12-15 every=1/monthly monthday=15"},
	{"file expenses every last day of the month", "add title=“File expenses” due=Mon 2026-11-30 every=1/monthly monthday=-1"},
	{"add gym session every other day", "add title=“Gym session” every=2/daily"},
	{"add task biweekly: payroll", "add title=“Payroll” every=2/weekly"},
	{"add task monthly: pay credit card", "add title=“Pay credit card” every=1/monthly"},
	{"water the garden daily at 7pm", "add title=“Water the garden” due=Wed 2026-11-25 19:00 every=1/daily"},
	{"yearly: renew car insurance on 2027-01-15", "add title=“Renew car insurance” due=Fri 2027-01-15 every=1/yearly"},
	{"add task by end of month: expense report", "add title=“Expense report” due=Mon 2026-11-30"},
	{"add task by end of the week: clean inbox", "add title=“Clean inbox” due=Sun 2026-11-29"},
	{"add task this Friday: drinks with team", "add title=“Drinks with team” due=Fri 2026-11-27"},
	{"add task next Friday: drinks with team", "add title=“Drinks with team” due=Fri 2026-12-04"},
	{"add task on Wednesday: weekly review", "add title=“Weekly review” due=Wed 2026-12-02"},
	{"add task Mon: laundry", "add title=“Laundry” due=Mon 2026-11-30"},
	{"add task 2026-12-24: wrap presents", "add title=“Wrap presents” due=Thu 2026-12-24"},
	{"add task Christmas shopping on 23 December", "add title=“Christmas shopping” due=Wed 2026-12-23"},
	{"add task on the 5th of January: return gifts", "add title=“Return gifts” due=Tue 2027-01-05"},
	{"add task for June 1: tax deadline", "add title=“Tax deadline” due=Tue 2027-06-01"},
	{"add a new reminder to call grandma on sunday at 11 am", "add title=“Call grandma” due=Sun 2026-11-29 11:00"},
	{"please add task buy flowers", "add title=“Buy flowers”"},
	{"could you add a task to email Alex", "add title=“Email Alex”"},
	{"hey, add task to order pizza at 8pm", "add title=“Order pizza” due=Wed 2026-11-25 20:00"},
	{"add task call plumber at 5", "add title=“Call plumber” due=Wed 2026-11-25 17:00"},
	{"add task meeting at midnight", "add title=“Meeting” due=Thu 2026-11-26 00:00"},
	{"add task lunch with Kim at 12:30pm", "add title=“Lunch with Kim” due=Wed 2026-11-25 12:30"},
	{"add task review PR #work #urgent-stuff", "add title=“Review PR” tags=work,urgent-stuff"},
	{"add meeting prep with priority high", "add title=“Meeting prep” prio=high"},
	{"add task pay bills priority: low", "add title=“Pay bills” prio=low"},
	{"add task book hotel asap", "add title=“Book hotel” prio=high"},
	{"add task important: sign contract", "add title=“Sign contract” prio=high"},
	{"create reminder call dentist in 3 days at 10am", "add title=“Call dentist” due=Sat 2026-11-28 10:00"},
	{"set up a task to backup laptop every month", "add title=“Backup laptop” every=1/monthly"},
	{"what's due this week?", "list from=2026-11-25 00:00 to=2026-11-29 23:59"},
	{"what's due today?", "list from=2026-11-25 00:00 to=2026-11-25 23:59"},
	{"what do I have tomorrow?", "list from=2026-11-26 00:00 to=2026-11-26 23:59"},
	{"show overdue high-priority tasks", "list prio=high overdue=yes"},
	{"show my tasks", "list"},
	{"list tasks", "list"},
	{"list all tasks", "list status=all"},
	{"show completed tasks", "list status=completed"},
	{"what did I finish?", "list status=completed"},
	{"tasks tagged work", "list tag=work"},
	{"show tasks tagged #family", "list tag=family"},
	{"show #home tasks", "list tag=home"},
	{"what's due next week?", "list from=2026-11-30 00:00 to=2026-12-06 23:59"},
	{"any overdue tasks?", "list overdue=yes"},
	{"show high priority tasks", "list prio=high"},
	{"show low priority tasks due this week", "list prio=low from=2026-11-25 00:00 to=2026-11-29 23:59"},
	{"find tasks about report", "list q=“report”"},
	{"search for dentist", "list q=“dentist”"},
	{"what's on my plate this month?", "list from=2026-11-25 00:00 to=2026-11-30 23:59"},
	{"do I have anything due on Friday?", "list from=2026-11-27 00:00 to=2026-11-27 23:59"},
	{"which tasks are late?", "list overdue=yes"},
	{"show tasks due next month", "list from=2026-12-01 00:00 to=2026-12-31 23:59"},
	{"show tasks for the weekend", "list from=2026-11-28 00:00 to=2026-11-29 23:59"},
	{"list my work tasks tagged work", "list tag=work"},
	{"how many tasks do I have?", "list"},
	{"show me everything", "list status=all"},
	{"what's due on 2026-12-24?", "list from=2026-12-24 00:00 to=2026-12-24 23:59"},
	{"show tasks matching \"groceries\"", "list q=“groceries”"},
	{"give me my agenda for today", "list from=2026-11-25 00:00 to=2026-11-25 23:59"},
	{"anything due tomorrow?", "list from=2026-11-26 00:00 to=2026-11-26 23:59"},
	{"mark buy groceries done", "complete target=“buy groceries”"},
	{"mark buy groceries as done", "complete target=“buy groceries”"},
	{"mark the report as completed", "complete target=“report”"},
	{"I finished the report", "complete target=“report”"},
	{"I've finished the slides", "complete target=“slides”"},
	{"I did the laundry", "complete target=“laundry”"},
	{"I'm done with the taxes", "complete target=“taxes”"},
	{"done with the dishes", "complete target=“dishes”"},
	{"complete water plants", "complete target=“water plants”"},
	{"finish the presentation", "complete target=“presentation”"},
	{"check off call mom", "complete target=“call mom”"},
	{"tick off groceries", "complete target=“groceries”"},
	{"the dentist appointment is done", "complete target=“dentist appointment”"},
	{"laundry is finished", "complete target=“laundry”"},
	{"mark task 42 done", "complete id=42"},
	{"complete #17", "complete id=17"},
	{"complete task 5", "complete id=5"},
	{"close the ticket review", "complete target=“ticket review”"},
	{"I just completed the budget", "complete target=“budget”"},
	{"reopen buy groceries", "reopen target=“buy groceries”"},
	{"mark the report as not done", "reopen target=“report”"},
	{"undo call mom", "reopen target=“call mom”"},
	{"delete the dentist appointment", "delete target=“dentist appointment”"},
	{"delete task 12", "delete id=12"},
	{"remove buy milk", "delete target=“buy milk”"},
	{"cancel the meeting with Sam", "delete target=“meeting with Sam”"},
	{"forget about the gym", "delete target=“gym”"},
	{"get rid of the old reminder", "delete target=“old reminder”"},
	{"drop #7", "delete id=7"},
	{"trash clean garage", "delete target=“clean garage”"},
	{"move the dentist to next Tuesday", "update target=“dentist” due=Tue 2026-12-01"},
	{"reschedule team sync to Friday at 10am", "update target=“team sync” due=Fri 2026-11-27 10:00"},
	{"postpone the report until tomorrow", "update target=“report” due=Thu 2026-11-26"},
	{"push laundry to Saturday", "update target=“laundry” due=Sat 2026-11-28"},
	{"move task 9 to 2026-12-30", "update id=9 due=Wed 2026-12-30"},
	{"delay taxes to next week", "update target=“taxes” due=Mon 2026-11-30"},
	{"move the party to no date", "update target=“party” due=none"},
	{"rename buy milk to buy oat milk", "update target=“buy milk” new=“Buy oat milk”"},
	{"rename task 3 to call the landlord", "update id=3 new=“Call the landlord”"},
	{"change the title of report to write Q4 report", "update target=“report” new=“Write Q4 report”"},
	{"set priority of taxes to low", "update target=“taxes” prio=low"},
	{"change the priority of the report to high", "update target=“report” prio=high"},
	{"make the report high priority", "update target=“report” prio=high"},
	{"make groceries urgent", "update target=“groceries” prio=high"},
	{"set taxes to low priority", "update target=“taxes” prio=low"},
	{"make task 8 low", "update id=8 prio=low"},
	{"hi", "help"},
	{"hello", "help"},
	{"help", "help"},
	{"what can you do?", "help"},
	{"thanks", "help"},
	{"?", "help"},
	{"2", "choose choice=2"},
	{"#14", "choose choice=14"},
	{"the first one", "choose choice=1"},
	{"number 3", "choose choice=3"},
	{"the last one", "choose choice=-1"},
	{"it's 2", "choose choice=2"},
	{"option 1", "choose choice=1"},
	{"asdf qwerty", "unknown title=“Asdf qwerty”"},
	{"the weather is nice today?", "unknown"},
	{"blue", "unknown title=“Blue”"},
	{"call mom", "unknown title=“Call mom”"},
}

func TestPhraseTable(t *testing.T) {
	now, loc := fixedNow(t)
	require.GreaterOrEqual(t, len(phrases), 150)
	for _, p := range phrases {
		assert.Equal(t, p.want, summary(Parse(p.in, now, loc), loc), "phrase %q", p.in)
	}
}

func TestDatesFollowTheUsersZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	// 23:30 on Tuesday in New York is already Wednesday in UTC.
	now := time.Date(2026, 11, 24, 23, 30, 0, 0, ny)
	in := Parse("add task tomorrow: call mom", now, ny)
	require.NotNil(t, in.When)
	assert.Equal(t, "2026-11-25", in.When.Time().In(ny).Format(time.DateOnly), "tomorrow is the user's tomorrow")
	in = Parse("add task tonight at 11pm: stretch", now, ny)
	assert.Equal(t, time.Date(2026, 11, 24, 23, 0, 0, 0, ny), in.When.Time())
}

func TestPastDatesRollToNextYear(t *testing.T) {
	now, loc := fixedNow(t)
	in := Parse("add task 3 March: dentist", now, loc)
	assert.Equal(t, 2027, in.When.Date.Year(), "3 March has passed in 2026")
	in = Parse("add task 30 Nov: dentist", now, loc)
	assert.Equal(t, 2026, in.When.Date.Year())
	in = Parse("add task 31/02: impossible", now, loc)
	assert.Nil(t, in.When, "no 31 February")
}

func TestParseNeverPanics(t *testing.T) {
	now, loc := fixedNow(t)
	for _, s := range []string{"", " ", "#", "!!!", "add", "add task", "mark done", "move to", "rename to", "every", "in 0 days",
		"at 25:99", "99/99", "2026-99-99", strings.Repeat("a ", 5000), "\xff\xfe", "İstanbul trip tomorrow", "add task ⏰ tomorrow"} {
		assert.NotPanics(t, func() { Parse(s, now, loc) }, "%q", s)
	}
}

// No phrase creates a task whose title is only command words ("Add",
// "Create a task", "Remind me"): every mix of them, with politeness and
// punctuation, asks what to add instead.
func TestCommandWordsAreNeverATitle(t *testing.T) {
	now, loc := fixedNow(t)
	words := []string{"add", "create", "new", "task", "a", "the", "todo", "remind", "me", "delete", "complete", "move",
		"tag", "mark", "it", "please", "reminder", "to-do", "note", "schedule", "put"}
	n := 0
	for _, a := range words {
		for _, b := range append([]string{""}, words...) {
			for _, c := range []string{"", "", "!", ":", " please", "?"} {
				s := strings.TrimSpace(a + " " + b + c)
				for _, lead := range []string{"", "please ", "hey, ", "could you "} {
					in := Parse(lead+s, now, loc)
					n++
					if in.Kind == Add {
						t.Errorf("%q added a task titled %q", lead+s, in.Title)
					}
				}
			}
		}
	}
	assert.Greater(t, n, 10000)
	assert.True(t, onlyCommandWords("Create a task"))
	assert.False(t, onlyCommandWords("Create a budget"))
}

// FuzzParse: no input makes the parser panic, hang or return nonsense.
func FuzzParse(f *testing.F) {
	for _, p := range phrases {
		f.Add(p.in)
	}
	loc, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, loc)
	f.Fuzz(func(t *testing.T, s string) {
		in := Parse(s, now, loc)
		switch in.Kind {
		case Add, List, Complete, Reopen, Delete, Update, Choose, Help, Unknown:
		default:
			t.Fatalf("unknown kind %q for %q", in.Kind, s)
		}
		if in.Kind == Add && (strings.TrimSpace(in.Title) == "" || onlyCommandWords(in.Title)) {
			t.Fatalf("add titled %q for %q", in.Title, s)
		}
		if !utf8.ValidString(in.Title) || !utf8.ValidString(in.Target) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		if in.When != nil && (in.When.Date.Year() < 1970 || in.When.Date.Year() > 9999) {
			t.Fatalf("date out of range for %q: %v", s, in.When.Date)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	now, loc := fixedNow(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Parse(phrases[i%len(phrases)].in, now, loc)
		i++
	}
}

// "in 10 minutes" is a moment: the next whole minute from then (never in
// the past), and with "remind me" a reminder at it.
func TestInMinutesIsAMoment(t *testing.T) {
	now, loc := fixedNow(t)
	in := Parse("remind me to stretch in 2 minutes", now.Add(30*time.Second), loc)
	require.NotNil(t, in.When)
	assert.Equal(t, now.Add(3*time.Minute), in.When.Time(), "10:02:30 rounds up to 10:03")
	assert.Equal(t, []int{0}, in.RemindBefore, "remind me: at that moment")
	in = Parse("water the plants in 3 days", now, loc)
	assert.False(t, in.When.HasTime, "days stay days")
}
