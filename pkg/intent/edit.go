package intent

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Edits of an existing task, in the ways people say them. Each rule names
// the task (the target) and one change; the assistant finds the task and
// applies the change to what the task already holds (a move keeps the
// time of day, a tag is added to the others).

const (
	// remindWhenRe is how long before its due a reminder is ("30 minutes
	// before", "a day before", "the day before", "on the day"), and maybe
	// at what time of day ("the day before at 8am": a reminder on an
	// all-day date is a time of day). Its groups: the number, the unit,
	// the day words, the clock.
	remindWhenRe = `(?:` + numRe + `\s+(minute|min|hour|day|week)s?\s+(?:before|ahead|early|earlier)|(the\s+day\s+before|on\s+the\s+day|that\s+day|the\s+same\s+day))(?:\s+it)?` +
		`(?:\s+at\s+(\d{1,2}(?::[0-5]\d)?\s*(?:am|pm|a\.m\.|p\.m\.)|(?:[01]?\d|2[0-3]):[0-5]\d))?`
	tagListRe  = `([\p{L}\p{N}_#-]+(?:\s*(?:,|&|\band\b)\s*[\p{L}\p{N}_#-]+)*)`
	dueWordsRe = `(?:the\s+)?(?:due\s+date|due\s+time|date|deadline|due)`
	doneWordRe = `(?:done|finished|complete|completed|paid|booked|sent|watered|cleaned|sorted|handled|fixed|taken care of)`
)

var (
	// Completion said after the fact.
	reDonePrefix = regexp.MustCompile(`^(?:done|finished|completed)\s*[:\-–—]\s*(.+)$`)
	reDoneSuffix = regexp.MustCompile(`^(.+?)(?:\s*[:\-–—]\s*|\s+(?:is|are|was|were|has been|have been)\s+(?:now\s+|all\s+|finally\s+)?|\s+)` + doneWordRe + `$`)
	reIsClean    = regexp.MustCompile(`^(.+?)\s+(?:is|are)\s+(?:now\s+)?(?:clean|tidy|sorted|ready)$`)
	rePastDone   = regexp.MustCompile(`^(?:(?:i|we)(?:'ve|’ve|'d)?\s+)?(?:(?:'ve|have|had|already|just|finally|actually)\s+)*([a-z]+)\s+(.+)$`)

	// Reopening.
	reReopenVerb = regexp.MustCompile(`^(?:reopen|re-open|uncomplete|uncheck|un-check|untick|unmark|undo|restore|bring back|revive)\s+(?:(?:completing|finishing|checking off|ticking off|marking)\s+)?(.+?)(?:\s+again)?$`)
	reOpenAgain  = regexp.MustCompile(`^(?:open|reactivate)\s+(.+?)\s+again$`)
	reNotDone    = regexp.MustCompile(`^(.+?)\s+(?:(?:is|was|are|were)\s+not|isn't|wasn't|aren't|weren't|isnt|wasnt)\s+(?:actually\s+|really\s+)?` + doneWordRe + `(?:\s+(?:yet|after all|anymore))?$`)
	reDidNot     = regexp.MustCompile(`^(?:i|we)\s+(?:haven't|have not|havent|didn't|did not|didnt|never)\s+(?:actually\s+|really\s+)?([a-z]+)\s+(.+?)(?:\s+(?:yet|after all))?$`)

	// Moves by an amount of time.
	reShift      = regexp.MustCompile(`^(?:postpone|push|delay|defer|move|shift|bump|reschedule|bring)\s+(.+?)\s+(?:back\s+|out\s+|forward\s+|ahead\s+)?(?:by\s+)?` + numRe + `\s+(minute|hour|day|week|month)s?(?:\s+(later|earlier|back|forward|ahead|sooner))?$`)
	reShiftLater = regexp.MustCompile(`^(.+?)\s+` + numRe + `\s+(minute|hour|day|week|month)s?\s+(later|earlier|sooner)$`)
	reForwardTo  = regexp.MustCompile(`^bring\s+(.+?)\s+(?:forward|back)\s+to\s+(.+)$`)
	reIsDue      = regexp.MustCompile(`^(.+?)\s+(?:is|are)\s+(?:now\s+)?due\s+(.+)$`)

	// Clearing the due date.
	reClearDueOf = regexp.MustCompile(`^(?:clear|remove|delete|drop|unset|take off|take away|get rid of)\s+` + dueWordsRe + `\s+(?:of|from|on|for)\s+(.+)$`)
	reTakeDueOff = regexp.MustCompile(`^take\s+` + dueWordsRe + `\s+off\s+(?:of\s+)?(.+)$`)
	reNoDueFor   = regexp.MustCompile(`^(?:no|without(?: a)?)\s+(?:due\s+date|date|deadline)\s+(?:for|on)\s+(.+)$`)
	reHasNoDue   = regexp.MustCompile(`^(.+?)\s+(?:has|needs|gets|should have)\s+no\s+(?:due\s+date|date|deadline)$`)
	reColonNoDue = regexp.MustCompile(`^(.+?)\s*:\s*no\s+(?:due\s+)?(?:date|deadline)$`)
	reUnschedule = regexp.MustCompile(`^unschedule\s+(.+)$`)
	reClearDue   = regexp.MustCompile(`^(?:clear|remove|delete|drop|unset)\s+` + dueWordsRe + `$|^no\s+(?:due\s+date|date|deadline)$`)

	// Priorities in words.
	reIsUrgent   = regexp.MustCompile(`^(.+?)\s+(?:is|are)\s+(?:now\s+|very\s+|really\s+|super\s+)?(?:urgent|important|critical|a priority|high priority|top priority)$`)
	reIsLow      = regexp.MustCompile(`^(.+?)\s+(?:(?:is|are)\s+(?:not\s+(?:important|urgent)|unimportant|low priority)|can wait)$`)
	reMarkUrgent = regexp.MustCompile(`^(?:mark|flag|set|make)\s+(.+?)\s+(?:as\s+)?(urgent|important|critical|not important|unimportant)$`)
	rePrioStep   = regexp.MustCompile(`^(raise|increase|bump up|bump|lower|decrease|reduce|drop)\s+(?:the\s+)?priority\s+(?:of|for|on)\s+(.+)$`)
	rePrioritize = regexp.MustCompile(`^(deprioriti[sz]e|prioriti[sz]e)\s+(.+)$`)
	rePrioNoTask = regexp.MustCompile(`^(?:(?:set|change|raise|lower|increase|decrease)\s+(?:the\s+)?priority(?:\s+(?:to\s+)?(?:high|low|medium|normal|urgent))?|make it (?:urgent|important|high|low)(?: priority)?)$`)

	// Tags on an existing task.
	reTagWith     = regexp.MustCompile(`^tag\s+(.+?)\s+(?:with|as)\s+` + tagListRe + `$`)
	reTagHash     = regexp.MustCompile(`^tag\s+(.+?)\s+((?:#[\p{L}\p{N}_-]+\s*)+)$`)
	reAddTag      = regexp.MustCompile(`^add\s+(?:the\s+)?(?:tags?\s+` + tagListRe + `|(#[\p{L}\p{N}_-]+(?:\s*(?:,|and)?\s*#[\p{L}\p{N}_-]+)*)|([\p{L}\p{N}_-]+)\s+tag)\s+(?:to|on)\s+(.+)$`)
	reRemoveTag   = regexp.MustCompile(`^(?:remove|delete|drop|take)\s+(?:the\s+)?(?:tags?\s+` + tagListRe + `|(#[\p{L}\p{N}_-]+)|([\p{L}\p{N}_-]+)\s+tag)\s+(?:from|off(?:\s+of)?)\s+(.+)$`)
	reClearTags   = regexp.MustCompile(`^(?:remove|delete|clear|drop)\s+(?:all\s+)?(?:the\s+)?tags\s+(?:from|of|on)\s+(.+)$|^untag\s+(.+)$|^take\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?tags\s+off\s+(?:of\s+)?(.+)$`)
	reReplaceTags = regexp.MustCompile(`^(?:retag\s+(.+?)\s+(?:as|with|to)\s+` + tagListRe + `|(?:replace|change|set)\s+(?:the\s+)?tags?\s+(?:of|on|for)\s+(.+?)\s+(?:with|to)\s+` + tagListRe + `)$`)
	reTagNoTask   = regexp.MustCompile(`^(?:tag(?:\s+(?:it|this|that))?(?:\s+(?:with|as))?(?:\s+#?[\p{L}\p{N}_-]+)?|(?:add|remove)\s+(?:the\s+|a\s+)?tags?(?:\s+#?[\p{L}\p{N}_-]+)?|untag(?:\s+(?:it|this|that))?)$`)

	// Reminders on an existing task.
	reRemindMe       = regexp.MustCompile(`^remind me\b`)
	reSetReminder    = regexp.MustCompile(`^(?:add|set|put|create)\s+(?:a\s+|another\s+)?reminder\s+(?:to|for|on)\s+(.+?)\s+` + remindWhenRe + `$|^(?:add|set|put|create)\s+(?:a\s+|another\s+)?reminder\s+` + remindWhenRe + `\s+(?:for|on|of|to)?\s*(.+)$`)
	reChangeReminder = regexp.MustCompile(`^(?:change|move|set|make)\s+(?:the\s+)?(.+?)(?:'s)?\s+reminders?\s+(?:to\s+)?` + remindWhenRe + `$`)
	reNote           = regexp.MustCompile(`^(?:add\s+(?:a\s+)?(?:note|comment)\s+(?:to|on|for)|(?:a\s+)?note\s+(?:for|on|to)|put\s+(?:a\s+)?note\s+on)\s+(.+?)\s*:\s*(.+)$`)
	reRemindBefore   = regexp.MustCompile(`(?:,\s*|\s+)(?:and\s+)?remind me\s+` + remindWhenRe + `$`)
	reRemindAbout    = regexp.MustCompile(`^remind me\s+(?:about|of)\s+(.+?)\s+` + remindWhenRe + `$`)
	reNoReminder     = regexp.MustCompile(`^(?:no|without)\s+reminders?\s+(?:for|on|about)\s+(.+)$|^(?:remove|delete|clear|cancel|drop|turn off)\s+(?:the\s+|all\s+|all the\s+)?reminders?\s+(?:of|for|on|from|about)\s+(.+)$|^(?:don't|do not|stop)\s+remind(?:ing)?\s+me\s+(?:about|of)\s+(.+)$|^(?:i\s+)?(?:don't|dont|do not)\s+need\s+(?:a\s+|the\s+)?reminders?\s+(?:for|on|about)\s+(.+?)(?:\s+(?:anymore|any more))?$`)
	reNoReminderBare = regexp.MustCompile(`^(?:no reminders?|remove the reminders?|don't remind me|do not remind me|stop reminding me)$`)

	// Repeats.
	reStopRepeat = regexp.MustCompile(`^(?:stop|quit|end)\s+repeating\s+(.+)$|^(?:don't|do not)\s+repeat\s+(.+)$|^(.+?)\s+(?:doesn't|does not|shouldn't|should not|won't|no longer)\s+repeats?(?:\s+(?:anymore|any more|again))?$|^make\s+(.+?)\s+(?:a\s+)?(?:one-off|one off|one-time|one time|non-recurring)$`)
	reMakeRepeat = regexp.MustCompile(`^(?:make|change|set|switch)\s+(.+?)\s+(?:to\s+)?(?:(?:repeat|recur)\s+)?((?:daily|weekly|monthly|yearly|annually|fortnightly|biweekly)|every\s+.+)$`)
	reRepeatNone = regexp.MustCompile(`^(?:stop repeating|don't repeat|do not repeat|no repeat|make it a one-off)$`)
)

// irregular past forms people use about what they did.
var irregular = map[string]string{
	"bought": "buy", "paid": "pay", "wrote": "write", "written": "write", "went": "go", "gone": "go", "got": "get",
	"gotten": "get", "did": "do", "made": "make", "sent": "send", "took": "take", "taken": "take", "gave": "give",
	"given": "give", "met": "meet", "ran": "run", "saw": "see", "seen": "see", "spoke": "speak", "told": "tell",
	"brought": "bring", "found": "find", "read": "read", "sold": "sell", "left": "leave", "fed": "feed",
	"drove": "drive", "driven": "drive", "ate": "eat", "rang": "ring", "won": "win",
	"built": "build", "fixed": "fix", "kept": "keep", "swept": "sweep", "hung": "hang", "taught": "teach",
}

// notPast are words ending in -ed that are not past tenses.
var notPast = map[string]bool{"need": true, "feed": true, "seed": true, "speed": true, "bleed": true, "breed": true,
	"shed": true, "bed": true, "red": true, "wed": true, "proceed": true, "succeed": true, "exceed": true, "embed": true,
	"weed": true, "deed": true, "heed": true, "reed": true, "shred": true}

// pastBase returns the base forms a past tense may come from ("booked" →
// book; "renewed" → renew; "tidied" → tidy; "shopped" → shop), or nil when
// word is not a past tense.
func pastBase(word string) []string {
	if b, ok := irregular[word]; ok {
		return []string{b}
	}
	if len(word) < 4 || !strings.HasSuffix(word, "ed") || notPast[word] {
		return nil
	}
	stem := word[:len(word)-2]
	out := []string{stem, stem + "e"}
	if strings.HasSuffix(stem, "i") {
		out = append(out, stem[:len(stem)-1]+"y")
	}
	if n := len(stem); n >= 2 && stem[n-1] == stem[n-2] {
		out = append(out, stem[:n-1])
	}
	return out
}

// gerundBase is the base forms of an -ing word ("writing" → writ, write).
func gerundBase(word string) []string {
	if len(word) < 5 || !strings.HasSuffix(word, "ing") {
		return nil
	}
	stem := word[:len(word)-3]
	out := []string{stem, stem + "e"}
	if n := len(stem); n >= 2 && stem[n-1] == stem[n-2] {
		out = append(out, stem[:n-1])
	}
	return out
}

// parseEdit reads the edits of an existing task that the older rules in
// Parse do not; ok is false when the sentence is none of them.
func parseEdit(p *phrase, now time.Time, loc *time.Location) (Intent, bool) {
	low := p.low
	sub := func(m []int, i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return p.orig[m[2*i]:m[2*i+1]]
	}
	first := func(m []int, groups ...int) string {
		for _, g := range groups {
			if s := sub(m, g); s != "" {
				return s
			}
		}
		return ""
	}

	// Commands with no task named: ask which one.
	// The change is kept for the answer ("make it urgent" → "the report").
	lastWord := func() string {
		w := strings.Fields(low)
		return strings.TrimPrefix(w[len(w)-1], "#")
	}
	switch {
	case reClearDue.MatchString(low):
		return Intent{Kind: Unknown, Missing: "task", Problem: "clear the due date of", ClearDue: true}, true
	case reRepeatNone.MatchString(low):
		return Intent{Kind: Unknown, Missing: "task", Problem: "stop repeating", Recurrence: "none"}, true
	case rePrioNoTask.MatchString(low):
		in := Intent{Kind: Unknown, Missing: "task", Problem: "change the priority of"}
		switch w := lastWord(); w {
		case "high", "low", "medium", "normal", "urgent", "important":
			in.Priority = priorityWord(w)
		}
		return in, true
	case reTagNoTask.MatchString(low):
		in := Intent{Kind: Unknown, Missing: "task", Problem: "change the tags of"}
		switch w := lastWord(); w {
		case "tag", "tags", "it", "this", "that", "with", "as", "untag":
		default:
			if strings.HasPrefix(low, "remove") || strings.HasPrefix(low, "untag") {
				in.TagsRemove = []string{w}
			} else {
				in.TagsAdd = []string{w}
			}
		}
		return in, true
	case reNoReminderBare.MatchString(low):
		return Intent{Kind: Unknown, Missing: "task", Problem: "remove the reminders of", ClearReminders: true}, true
	}

	// Notes: "add a note to X: text", "note for X: text".
	if m := reNote.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, Note: strings.TrimSpace(p.orig[m[4]:m[5]])}, sub(m, 1)), true
	}

	// Reminders.
	if m := reSetReminder.FindStringSubmatchIndex(low); m != nil {
		// "add a reminder to X one hour before", "set a reminder 10 min
		// before X".
		target, g := sub(m, 1), 2
		if target == "" {
			target, g = sub(m, 10), 6
		}
		before, at := remindWhen(low, m, g)
		return withTarget(Intent{Kind: Update, RemindBefore: []int{before}, RemindAt: at}, target), true
	}
	if m := reChangeReminder.FindStringSubmatchIndex(low); m != nil {
		// "change the dentist reminder to 2 hours before": the new one
		// replaces the old.
		before, at := remindWhen(low, m, 2)
		return withTarget(Intent{Kind: Update, ClearReminders: true, RemindBefore: []int{before}, RemindAt: at}, sub(m, 1)), true
	}
	if m := reRemindAbout.FindStringSubmatchIndex(low); m != nil {
		before, at := remindWhen(low, m, 2)
		return withTarget(Intent{Kind: Update, RemindBefore: []int{before}, RemindAt: at}, sub(m, 1)), true
	}
	if m := reNoReminder.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, ClearReminders: true}, first(m, 1, 2, 3, 4)), true
	}

	// Tags.
	if m := reAddTag.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, TagsAdd: tagList(first(m, 1, 2, 3))}, sub(m, 4)), true
	}
	if m := reRemoveTag.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, TagsRemove: tagList(first(m, 1, 2, 3))}, sub(m, 4)), true
	}
	if m := reClearTags.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, ReplaceTags: true, Tags: []string{}}, first(m, 1, 2, 3)), true
	}
	if m := reReplaceTags.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, ReplaceTags: true, Tags: tagList(first(m, 2, 4))}, first(m, 1, 3)), true
	}
	if m := reTagHash.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, TagsAdd: tagList(sub(m, 2))}, sub(m, 1)), true
	}
	if m := reTagWith.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, TagsAdd: tagList(sub(m, 2))}, sub(m, 1)), true
	}

	// Due dates: cleared, shifted, set.
	for _, re := range []*regexp.Regexp{reClearDueOf, reTakeDueOff, reNoDueFor, reHasNoDue, reColonNoDue, reUnschedule} {
		if m := re.FindStringSubmatchIndex(low); m != nil {
			return withTarget(Intent{Kind: Update, ClearDue: true}, sub(m, 1)), true
		}
	}
	if m := reShift.FindStringSubmatchIndex(low); m != nil {
		back := sub(m, 4) == "earlier" || sub(m, 4) == "sooner" || sub(m, 4) == "forward" || sub(m, 4) == "ahead" ||
			strings.HasPrefix(low, "bring") && sub(m, 4) != "later"
		return withTarget(shift(parseNum(low[m[4]:m[5]]), sub(m, 3), back), sub(m, 1)), true
	}
	if m := reShiftLater.FindStringSubmatchIndex(low); m != nil {
		target := sub(m, 1)
		if w := strings.Fields(strings.ToLower(target)); len(w) > 1 && (w[0] == "move" || w[0] == "push" || w[0] == "shift") {
			target = strings.Join(strings.Fields(target)[1:], " ")
		}
		return withTarget(shift(parseNum(low[m[4]:m[5]]), sub(m, 3), sub(m, 4) != "later"), target), true
	}
	if m := reForwardTo.FindStringSubmatchIndex(low); m != nil {
		if in, ok := moveTo(p.orig[m[4]:m[5]], now, loc); ok {
			return withTarget(in, sub(m, 1)), true
		}
	}
	if m := reIsDue.FindStringSubmatchIndex(low); m != nil && !reListStart.MatchString(low) {
		if in, ok := moveTo(p.orig[m[4]:m[5]], now, loc); ok {
			return withTarget(in, sub(m, 1)), true
		}
	}

	// Priorities.
	if m := reIsLow.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, Priority: "low"}, sub(m, 1)), true
	}
	if m := reIsUrgent.FindStringSubmatchIndex(low); m != nil && !reListStart.MatchString(low) {
		return withTarget(Intent{Kind: Update, Priority: "high"}, sub(m, 1)), true
	}
	if m := reMarkUrgent.FindStringSubmatchIndex(low); m != nil {
		prio := "high"
		if w := low[m[4]:m[5]]; w == "not important" || w == "unimportant" {
			prio = "low"
		}
		return withTarget(Intent{Kind: Update, Priority: prio}, sub(m, 1)), true
	}
	if m := rePrioStep.FindStringSubmatchIndex(low); m != nil {
		step := 1
		switch low[m[2]:m[3]] {
		case "lower", "decrease", "reduce", "drop":
			step = -1
		}
		return withTarget(Intent{Kind: Update, PriorityStep: step}, sub(m, 2)), true
	}
	if m := rePrioritize.FindStringSubmatchIndex(low); m != nil {
		if strings.HasPrefix(low, "de") {
			return withTarget(Intent{Kind: Update, PriorityStep: -1}, sub(m, 2)), true
		}
		return withTarget(Intent{Kind: Update, Priority: "high"}, sub(m, 2)), true
	}

	// Repeats.
	if m := reStopRepeat.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, Recurrence: "none"}, first(m, 1, 2, 3, 4)), true
	}
	if m := reMakeRepeat.FindStringSubmatchIndex(low); m != nil && !reAddPrefix.MatchString(low) {
		var in Intent
		rule := newPhrase(p.orig[m[4]:m[5]])
		extractRecurrence(rule, &in, now, loc)
		if in.Recurrence != "" && strings.TrimSpace(rule.low) == "" {
			return withTarget(Intent{Kind: Update, Recurrence: in.Recurrence, Interval: in.Interval}, sub(m, 1)), true
		}
	}

	// Reopening.
	if m := reReopenVerb.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Reopen}, sub(m, 1)), true
	}
	if m := reOpenAgain.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Reopen}, sub(m, 1)), true
	}
	if m := reNotDone.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Reopen}, sub(m, 1)), true
	}
	if m := reDidNot.FindStringSubmatchIndex(low); m != nil {
		verb := low[m[2]:m[3]]
		bases := append(pastBase(verb), verb)
		in := withTarget(Intent{Kind: Reopen, Verbs: bases}, sub(m, 2))
		return in, true
	}

	return Intent{}, false
}

// remindWhen reads remindWhenRe's groups, the first being group g of m
// in s: the minutes before the due, and the time of day said ("08:00";
// "" when none was, or when the minutes are not whole days, which a time
// of day cannot go with).
func remindWhen(s string, m []int, g int) (before int, at string) {
	grp := func(i int) string {
		if m[2*(g+i)] < 0 {
			return ""
		}
		return s[m[2*(g+i)]:m[2*(g+i)+1]]
	}
	if w := grp(2); w != "" {
		if strings.HasSuffix(w, "before") {
			before = 24 * 60
		}
	} else {
		before = durationMinutes(grp(0), grp(1))
	}
	if c := grp(3); c != "" && before%(24*60) == 0 {
		at = clockOf(c)
	}
	return before, at
}

// clockOf is a time of day said ("8am", "8:30 pm", "20:00") as HH:MM, ""
// when it is none.
func clockOf(s string) string {
	hour, minute := -1, 0
	if m := reTime12.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1])
		if m[2] != "" {
			minute, _ = strconv.Atoi(m[2])
		}
		if h >= 1 && h <= 12 {
			hour = h % 12
			if strings.HasPrefix(m[3], "p") {
				hour += 12
			}
		}
	} else if m := reTime24.FindStringSubmatch(s); m != nil {
		hour, _ = strconv.Atoi(m[1])
		minute, _ = strconv.Atoi(m[2])
	}
	if hour < 0 || minute > 59 {
		return ""
	}
	return fmt.Sprintf("%02d:%02d", hour, minute)
}

// durationMinutes is "2" "hour" as minutes.
func durationMinutes(num, unit string) int {
	n := parseNum(num)
	switch unit {
	case "hour":
		return 60 * n
	case "day":
		return 24 * 60 * n
	case "week":
		return 7 * 24 * 60 * n
	}
	return n
}

func shift(n int, unit string, back bool) Intent {
	in := Intent{Kind: Update}
	switch unit {
	case "minute":
		in.ShiftMinutes = n
	case "hour":
		in.ShiftMinutes = 60 * n
	case "day":
		in.ShiftDays = n
	case "week":
		in.ShiftDays = 7 * n
	case "month":
		in.ShiftDays = 30 * n
	}
	if back {
		in.ShiftDays, in.ShiftMinutes = -in.ShiftDays, -in.ShiftMinutes
	}
	return in
}

// moveTo is an update to the date and time in text, when that is all
// text says.
func moveTo(text string, now time.Time, loc *time.Location) (Intent, bool) {
	rest := newPhrase(text)
	w := extractWhen(rest, now, loc)
	if w == nil || trimEdges(rest.low) != "" {
		return Intent{}, false
	}
	return Intent{Kind: Update, When: w}, true
}

// parseDone reads completion said after the fact: "groceries done",
// "I bought the groceries", "the garage is clean".
func parseDone(p *phrase) (Intent, bool) {
	low := p.low
	sub := func(m []int, i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return p.orig[m[2*i]:m[2*i+1]]
	}
	// Completion after the fact.
	if m := reDonePrefix.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Complete}, sub(m, 1)), true
	}
	if m := reDoneSuffix.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Complete}, sub(m, 1)), true
	}
	if m := reIsClean.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Complete}, sub(m, 1)), true
	}
	if m := rePastDone.FindStringSubmatchIndex(low); m != nil {
		verb := low[m[2]:m[3]]
		subject := strings.HasPrefix(low, "i ") || strings.HasPrefix(low, "we ") || strings.HasPrefix(low, "i've ")
		bases := pastBase(verb)
		if verb == "read" && !subject {
			bases = nil // "read the book" is a new task; "I read the book" is done
		}
		if bases != nil {
			object := sub(m, 2)
			if w := strings.Fields(strings.ToLower(object)); len(w) > 1 && gerundBase(w[0]) != nil {
				bases = append(bases, gerundBase(w[0])...)
				object = strings.Join(strings.Fields(object)[1:], " ")
			}
			object = strings.TrimPrefix(strings.TrimPrefix(object, "to "), "To ")
			return withTarget(Intent{Kind: Complete, Verbs: bases}, object), true
		}
	}
	return Intent{}, false
}

var reTagSep = regexp.MustCompile(`\s*(?:,|&|\band\b|\s)\s*`)

// tagList splits "home, diy and #errands" into tag names.
func tagList(s string) []string {
	var out []string
	for _, part := range reTagSep.Split(s, -1) {
		if t := strings.TrimPrefix(strings.TrimSpace(part), "#"); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// MeansMany says whether a target names several tasks ("all", "everything
// tagged work", "them"): never one task whose title holds the word.
func MeansMany(target string) bool {
	return reManyStart.MatchString(strings.ToLower(strings.TrimSpace(target)))
}
