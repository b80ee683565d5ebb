package intent

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// manySplits: messages that add several tasks → each task's whole parse,
// joined by " | " (now is Wednesday 25 November 2026, see fixedNow).
var manySplits = []struct{ in, want string }{
	// "add N tasks: A, B"
	{"add three tasks: water the ferns, pay the gas bill, book a dentist visit",
		"add title=“Water the ferns” | add title=“Pay the gas bill” | add title=“Book a dentist visit”"},
	{"create 2 todos - sharpen the knives, oil the hinges",
		"add title=“Sharpen the knives” | add title=“Oil the hinges”"},
	// "add to <Project>: A, B, C": the project of them all.
	{"add to Groceries: apples, rice and olive oil",
		"add title=“Apples” project=Groceries | add title=“Rice” project=Groceries | add title=“Olive oil” project=Groceries"},
	// "<date>: A, B, C": the date of them all, a part's own wins.
	{"friday: mow the lawn, wash the car, call grandpa at 6pm",
		"add title=“Mow the lawn” due=Fri 2026-11-27 | add title=“Wash the car” due=Fri 2026-11-27 | add title=“Call grandpa” due=Fri 2026-11-27 18:00"},
	{"next monday #work: send the minutes, update the roadmap p1",
		"add title=“Send the minutes” due=Mon 2026-11-30 tags=work | add title=“Update the roadmap” due=Mon 2026-11-30 prio=high tags=work"},
	// Numbered, lines, semicolons, bullets.
	{"1. renew passport 2) buy a plug adapter 3. print boarding passes",
		"add title=“Renew passport” | add title=“Buy a plug adapter” | add title=“Print boarding passes”"},
	{"pick up dry cleaning\nfeed the fish tonight\n\nwater the tomatoes",
		"add title=“Pick up dry cleaning” | add title=“Feed the fish” due=Wed 2026-11-25 20:00 | add title=“Water the tomatoes”"},
	{"- defrost the fridge\n- buy ice cubes", "add title=“Defrost the fridge” | add title=“Buy ice cubes”"},
	{"buy stamps; post the parcel on monday; call the bank",
		"add title=“Buy stamps” | add title=“Post the parcel” due=Mon 2026-11-30 | add title=“Call the bank”"},
	// "A <date> and B <date>": each side has its own date.
	{"call the plumber tomorrow and pay the nanny on saturday",
		"add title=“Call the plumber” due=Thu 2026-11-26 | add title=“Pay the nanny” due=Sat 2026-11-28"},
	{"dentist friday 3pm and haircut on the 2nd",
		"add title=“Dentist” due=Fri 2026-11-27 15:00 | add title=“Haircut” due=Wed 2026-12-02"},
	// An explicit add whose sides each start with a verb.
	{"add email the landlord and book a table for two",
		"add title=“Email the landlord” | add title=“Book a table for two”"},
	{"please add fix the gate, oil the bike chain, clean the grill",
		"add title=“Fix the gate” | add title=“Oil the bike chain” | add title=“Clean the grill”"},
	{"add return the parcel, cancel the magazine subscription",
		"add title=“Return the parcel” | add title=“Cancel the magazine subscription”"},
	// "put A and B in X": the place of them all.
	{"put order a cake and buy candles in Party",
		"add title=“Order a cake” project=Party | add title=“Buy candles” project=Party"},
	// "A (day), B (day)"
	{"clean the oven (thursday), sort the recycling (sunday)",
		"add title=“Clean the oven” due=Thu 2026-11-26 | add title=“Sort the recycling” due=Sun 2026-11-29"},
	// A tail said of both; quoted titles keep their words.
	{"add 'draft agenda' and 'monday review' both for tuesday",
		"add title=“Draft agenda” due=Tue 2026-12-01 | add title=“Monday review” due=Tue 2026-12-01"},
	// A time alone takes the day of the task before.
	{"tomorrow 9am gym, then at 6pm dinner with Sam",
		"add title=“Gym” due=Thu 2026-11-26 09:00 | add title=“Dinner with Sam” due=Thu 2026-11-26 18:00"},
	// In a list, "and" inside a task stays: "call Anna and Ben" is one.
	{"add two tasks: buy salt and pepper, call Anna and Ben",
		"add title=“Buy salt and pepper” | add title=“Call Anna and Ben”"},
	// Parts that cannot be read: nothing is to be added (the caller asks).
	{"add these tasks: feed the cat, high priority", "add title=“Feed the cat” | unknown title=“high priority”"},
	{"1. buy bread 2. delete the old list", "add title=“Buy bread” | unknown title=“delete the old list”"},
	{"add these: buy bread, , call Tim", "add title=“Buy bread” | unknown | add title=“Call Tim”"},
}

// manyNot: messages that stay one task (or another command): "and"
// joins what one task is about unless each side is a task of its own.
var manyNot = []struct{ in, want string }{
	{"buy salt and pepper tomorrow", "add title=“Buy salt and pepper” due=Thu 2026-11-26"},
	{"add call Anna and Ben tomorrow", "add title=“Call Anna and Ben” due=Thu 2026-11-26"},
	{"add call Anna, Ben and Carl", "add title=“Call Anna, Ben and Carl”"},
	{"add lunch with Nora, Tim and Eve on friday", "add title=“Lunch with Nora, Tim and Eve” due=Fri 2026-11-27"},
	{"add buy rice, beans and lentils", "add title=“Buy rice, beans and lentils”"},
	{"add read and answer the mail", "add title=“Read and answer the mail”"},
	{"remind me to call mom tomorrow at 5pm, high priority #family", "add title=“Call mom” due=Thu 2026-11-26 17:00 prio=high tags=family"},
	{"file the tax return friday 4pm and remind me an hour before", "add title=“File the tax return” due=Fri 2026-11-27 16:00"},
	{"add task tomorrow: buy groceries", "add title=“Buy groceries” due=Thu 2026-11-26"},
	{"every Monday: team sync", "add title=“Team sync” due=Mon 2026-11-30 every=1/weekly"},
	{"gym every tuesday and friday", "add title=“Gym” due=Fri 2026-11-27 every=1/weekly on=tue,fri"},
	{"meet Jo between 2 and 4pm tomorrow", ""},
	{"mark the report and the invoice done", ""},
	{"what's due today and tomorrow", ""},
	{"delete the gym session and the dentist", ""},
}

func TestParseSeveralTasks(t *testing.T) {
	now, loc := fixedNow(t)
	for _, c := range manySplits {
		in := Parse(c.in, now, loc)
		var parts []string
		for _, p := range in.Tasks {
			parts = append(parts, summary(p, loc))
		}
		assert.Equal(t, c.want, strings.Join(parts, " | "), c.in)
		assert.Equal(t, Add, in.Kind, c.in)
		assert.Empty(t, in.Problem, c.in)
	}
}

func TestParseOneTaskIsNotSplit(t *testing.T) {
	now, loc := fixedNow(t)
	for _, c := range manyNot {
		in := Parse(c.in, now, loc)
		assert.Empty(t, in.Tasks, c.in)
		if c.want != "" {
			assert.Equal(t, c.want, summary(in, loc), c.in)
		}
	}
}

// A number said that is not the number of tasks read is a question.
func TestParseSeveralTasksCount(t *testing.T) {
	now, loc := fixedNow(t)
	in := Parse("add two tasks: wash windows, buy bread, call Tim", now, loc)
	assert.Len(t, in.Tasks, 3)
	assert.Equal(t, "count", in.Problem)
	in = Parse("add 3 items: wash windows, buy bread, call Tim", now, loc)
	assert.Len(t, in.Tasks, 3)
	assert.Empty(t, in.Problem)
	in = Parse(strings.Repeat("water a plant\n", MaxTasks+1), now, loc)
	assert.Equal(t, "too many", in.Problem, "a pasted page is not read part by part")
}
