// Package intent is the built-in assistant's language (shared with the web
// app's quick add and reminders): a deterministic
// parser from a sentence to what the person wants done with their tasks.
// It understands dates relative to a given "now" in the person's zone.
//
// # Several tasks
//
// One chat message may add several tasks (Intent.Tasks, many.go); quick
// add (ParseTask) never splits a line. The message is cut into parts by
// its lines or semicolons, by numbers ("1. … 2. …"), by commas (the last
// "and" of "A, B and C" too) or by "and"; each part is read as a quick
// add line, with its own date, tags, priority and project. A head before
// a colon or dash ("add two tasks:", "add to Shopping:", "friday:") or a
// tail after "both"/"all" ("…, both for monday", "… all in Work") says
// what applies to every part that does not say it itself; after "put",
// the place at the end is every part's ("put A and B in Shopping"). A
// time alone takes the day of the task before ("tomorrow 9am gym, then
// at 6pm dinner").
//
// Lines, numbers and a head always make a list. Without them, commas or
// "and" split only when each side is a task of its own:
//   - each side has its own date: "call the plumber tomorrow and pay the
//     nanny on saturday" is two tasks;
//   - or the message says "add" (put, create, remind me…) and each side
//     starts with a verb, two words at least ("add email the landlord and
//     book a table"), or each side is a quoted title;
//   - or, for commas after "add", each side is a short thing ("add milk,
//     eggs, bread": three), none linked by with/for/to ("add lunch with
//     Nora, Tim and Eve" is one).
//
// So "buy salt and pepper", "call Anna and Ben", "add call Anna, Ben and
// Carl" and "read and answer the mail" stay one task; and in a list,
// "call Anna and Ben" stays one part. A part that is empty, only command
// words, something said of another task ("high priority") or a command
// ("delete the old list", unless the message said "add") is an Unknown
// part: nothing is to be added, the caller asks.
package intent

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/todo-app/todo-app/pkg/dates"
)

// Kind is what the person wants.
type Kind string

// The kinds of intent.
const (
	Add      Kind = "add"
	List     Kind = "list"
	Complete Kind = "complete"
	Reopen   Kind = "reopen"
	Delete   Kind = "delete"
	Update   Kind = "update"
	Choose   Kind = "choose" // an answer to "which one?"
	Help     Kind = "help"
	Unknown  Kind = "unknown"
)

// Intent is a parsed request.
type Intent struct {
	Kind Kind

	// Add: the new task. Update: the changes.
	Title    string
	When     *When
	Priority string
	Tags     []string
	// Project is the project a quick add names with ^ ("^Home",
	// "^\"Side project\""): a name, resolved by the caller (docs/
	// decisions.md, "Quick add names a project with ^").
	Project    string
	Recurrence string
	Interval   int
	// Weekdays are the days of the week the series falls on ("every
	// weekday", "every Mon, Wed and Fri"); MonthDay the day of the month
	// it keeps ("every 1st", -1 for "the last day of every month"). See
	// pkg/recurrence.
	Weekdays dates.Weekdays
	MonthDay int
	NewTitle string
	// Note is text to add to the task's notes (its description).
	Note     string
	ClearDue bool // Update: remove the due date
	// Update: move the due time by this much ("postpone by two days").
	ShiftDays, ShiftMinutes int
	// Update: raise (+1) or lower (−1) the priority one step.
	PriorityStep int
	// Update: tags to add and remove; ReplaceTags makes Tags the whole
	// new set (an empty one clears them).
	TagsAdd, TagsRemove []string
	ReplaceTags         bool
	// Verbs are the base forms of the verb the person used about the
	// task ("bought" → buy): a hint to tell apart tasks the words match.
	Verbs []string
	// Add and Update: reminders to set, as minutes before the due time
	// (0: at the due time); Update: ClearReminders removes them all.
	RemindBefore   []int
	ClearReminders bool
	// RemindClock are reminders at fixed times (HH:MM) of the due day
	// ("remind me at 9" before a task at 10): they stay if the task moves.
	RemindClock []string
	// RemindAt ("08:00") is the time of day of the RemindBefore
	// reminders, which are then whole days ("the day before at 8am"): how
	// an all-day date is reminded of. "" when none was said.
	RemindAt string
	// Explicit: an add that said so ("add …", "new task …"); a sentence
	// that only reads like a task may be about an existing one.
	Explicit bool
	// Tasks: a message that adds several tasks ("add two tasks: A, B",
	// "A tomorrow and B on friday") is one Add whose Tasks are the tasks,
	// each an Add with its own fields (what a head or tail said of all
	// set on each); a part that could not be read is an Unknown whose
	// Title is the words, and then nothing is to be added. Problem
	// "count": the number said ("three tasks") is not the number read;
	// "too many": more than MaxTasks (the Tasks are then empty).
	// Nil for one task. See many.go and the package doc.
	Tasks []Intent

	// Complete, Reopen, Delete, Update: which task — words or an id.
	Target string
	TaskID int64

	// List filters.
	Status  string // pending (default), completed, all
	Overdue bool
	From    *time.Time
	To      *time.Time
	Tag     string
	Query   string

	// Choose: the number the person answered.
	Choice int

	// Unknown: Missing names what the command lacks ("task": which one;
	// "title": what to add), Problem what cannot be done and why. Both
	// are said back with a suggestion, and nothing is changed.
	Missing string
	Problem string
}

// MaxInput bounds the work on one message.
const MaxInput = 2000

// Parse reads one message. now and loc give "today" its meaning.
func Parse(text string, now time.Time, loc *time.Location) Intent {
	if in, ok := parseMany(text, now, loc); ok {
		return in
	}
	text = normalize(text)
	question := strings.HasSuffix(text, "?")
	p := newPhrase(strings.TrimRight(text, " .!?"))
	if reHelp.MatchString(p.low) {
		return Intent{Kind: Help} // "hey there", before "hey" is taken as politeness
	}
	stripPoliteness(p)
	low := p.low

	if in, ok := parseChoice(low); ok {
		return in
	}
	if low == "" || reHelp.MatchString(low) {
		return Intent{Kind: Help}
	}
	if m := reRename.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, NewTitle: clean(p.orig[m[4]:m[5]])}, p.orig[m[2]:m[3]])
	}
	if m := rePriorityOf.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, Priority: priorityWord(low[m[4]:m[5]])}, p.orig[m[2]:m[3]])
	}
	if m := reMakePriority.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Update, Priority: priorityWord(low[m[4]:m[5]])}, p.orig[m[2]:m[3]])
	}
	listy := reListStart.MatchString(low) && !reAddStart.MatchString(low)
	if !listy {
		if in, ok := parseEdit(p, now, loc); ok {
			return in
		}
	}
	if m := reMove.FindStringSubmatchIndex(low); m != nil {
		target := p.orig[m[2]:m[3]]
		rest := newPhrase(p.orig[m[4]:m[5]])
		in := Intent{Kind: Update, When: extractWhen(rest, now, loc)}
		if reNoDate.MatchString(rest.low) {
			in.When = nil
			in.ClearDue = true
		}
		if in.When == nil && !in.ClearDue || trimEdges(rest.low) != "" && !in.ClearDue {
			// "move the meeting to the other room": not a date.
			return Intent{Kind: Unknown, Problem: "move", Missing: "date"}
		}
		return withTarget(in, target)
	}
	if m := reMoveBare.FindStringSubmatchIndex(low); m != nil && extractWhen(newPhrase(p.orig[m[2]:m[3]]), now, loc) == nil {
		// "reschedule the dentist": to when?
		if in := withTarget(Intent{Kind: Update}, p.orig[m[2]:m[3]]); in.Target != "" {
			return Intent{Kind: Unknown, Problem: "move", Missing: "date", Target: in.Target}
		}
	}
	if m := reReopen.FindStringSubmatchIndex(low); m != nil {
		// Two alternatives, one group each: take whichever matched.
		if m[2] < 0 {
			m[2], m[3] = m[4], m[5]
		}
		return withTarget(Intent{Kind: Reopen}, p.orig[m[2]:m[3]])
	}
	for _, re := range reComplete {
		if m := re.FindStringSubmatchIndex(low); m != nil {
			target := p.orig[m[2]:m[3]]
			var verbs []string
			if w := strings.Fields(strings.ToLower(target)); len(w) > 1 && gerundBase(w[0]) != nil {
				// "I finished writing the report": the report.
				verbs = gerundBase(w[0])
				target = strings.Join(strings.Fields(target)[1:], " ")
			}
			// "finish taxes by Friday" is a new task with a deadline; "complete
			// all tasks due today" is not.
			if !reManyStart.MatchString(strings.ToLower(target)) && extractWhen(newPhrase(target), now, loc) != nil {
				break
			}
			return withTarget(Intent{Kind: Complete, Verbs: verbs}, target)
		}
	}
	if !listy {
		if in, ok := parseDone(p); ok {
			return in
		}
	}
	if m := reDelete.FindStringSubmatchIndex(low); m != nil {
		return withTarget(Intent{Kind: Delete}, p.orig[m[2]:m[3]])
	}
	if reListStart.MatchString(low) && !reAddStart.MatchString(low) {
		return parseList(p, now, loc)
	}
	return parseAdd(p, now, loc, question)
}

// normalize bounds, repairs and collapses the spaces of an input line,
// and spells its misspelt date words right (typos.go).
func normalize(text string) string {
	if len(text) > MaxInput {
		text = text[:MaxInput]
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "")
	}
	return fixDateTypos(strings.Join(strings.Fields(text), " "))
}

// ParseTask reads a line typed into a quick-add box: it is always a new
// task — no command word is obeyed ("delete old emails" is a task of that
// name) — with its due time, repeat rule, #tags and priority (words,
// "!high", or p1–p4 as in Todoist) taken out of the title. Kind is
// Unknown only when no title is left.
func ParseTask(text string, now time.Time, loc *time.Location) Intent {
	p := newPhrase(strings.TrimRight(normalize(text), " ."))
	in := taskFields(p, now, loc)
	if in.Title == "" {
		return Intent{Kind: Unknown}
	}
	return in
}

var (
	rePolite  = regexp.MustCompile(`^(?:(?:please|pls|plz|hey|ok|okay|so|and|also|now|then|uh|um|erm|oh|actually|just|wait|hmm|could you|can you|would you|will you|i want to|i'd like to|i would like to|let's|lets|go ahead and|assistant)[, ]+)+`)
	reHelp    = regexp.MustCompile(`^(?:(?:hi|hello|hey|hiya|yo)(?: there)?|help(?: me| please)?|what (?:commands|things|phrases) (?:do you (?:know|understand|support)|can i (?:say|use|type))|good (?:morning|afternoon|evening)|what can you do|what do you do|how does this work|how do i use this|how (?:do|can|should) i (?:add|make|create|set|use|delete|change|move|see|get|tag|share)\b.*|commands|\?+|thanks?(?: you)?|thx)$`)
	reChoice  = regexp.MustCompile(`^(?:(?:it's|its|it is|i mean|the|number|no\.?|option|task)\s*)?#?(\d{1,9})(?:\s*(?:please|one|pls))?$`)
	reOrdinal = regexp.MustCompile(`^(?:the\s+)?(first|second|third|fourth|fifth|last)(?:\s+one)?$`)

	reRename       = regexp.MustCompile(`^(?:rename|retitle|change the (?:title|name) of|change the name of)\s+(.+?)\s+(?:to|as|into)\s+(.+)$`)
	rePriorityOf   = regexp.MustCompile(`^(?:set|change|make|update|put)\s+(?:the\s+)?priority\s+(?:of|for|on)\s+(.+?)\s+(?:to|as|at)\s+(low|medium|normal|high|urgent)$`)
	reMakePriority = regexp.MustCompile(`^(?:make|set|mark|change|flag)\s+(.+?)\s+(?:as\s+|to\s+)?(?:a\s+)?(low|medium|normal|high|urgent)(?:[- ]priority)?$`)
	reMove         = regexp.MustCompile(`^(?:move|reschedule|postpone|push|shift|delay|defer|snooze|change the due date of|set the due date of|change the date of|change the time of|set the time of|change the due time of)\s+(.+?)\s+(?:to|until|till|til|for|on|by|back to|out to)\s+(.+)$`)
	reMoveBare     = regexp.MustCompile(`^(?:move|reschedule|postpone|push back|push|delay|defer|snooze)\s+(.+)$`)
	reNoDate       = regexp.MustCompile(`^\s*(?:no date|no due date|someday|whenever|never|unscheduled)\s*$`)
	reReopen       = regexp.MustCompile(`^(?:reopen|re-open|uncomplete|unmark|undo|restore)\s+(.+)$|^mark\s+(.+?)\s+(?:as\s+)?(?:not done|undone|incomplete|not complete|not finished|pending|open)$`)
	reComplete     = []*regexp.Regexp{
		regexp.MustCompile(`^(?:mark|set|tick|check)\s+(.+?)\s+(?:as\s+)?(?:done|complete|completed|finished|off)$`),
		regexp.MustCompile(`^(?:complete|finish|finished|check off|tick off|cross off|close|done with|done)\s+(.+)$`),
		regexp.MustCompile(`^i(?:'ve| have)?\s+(?:just\s+)?(?:finished|completed|did|done|handled|took care of|wrapped up)\s+(.+)$`),
		regexp.MustCompile(`^i(?:'m| am)\s+(?:done|finished)\s+with\s+(.+)$`),
		regexp.MustCompile(`^(.+?)\s+(?:is|are)\s+(?:now\s+)?(?:done|finished|complete|completed|taken care of)$`),
	}
	reDelete = regexp.MustCompile(`^(?:delete|remove|cancel|drop|erase|trash|scrap|forget about|forget|get rid of|throw away)\s+(.+)$`)

	reListStart = regexp.MustCompile(`^(?:show|list|display|view|find|search|look for|what|what's|whats|which|any|anything|do i have|have i got|am i|are there|is there|give me|get me|see|tell me|how many|my tasks|tasks|all tasks|all my|upcoming|overdue|agenda|what's on|todo list|to-do list)\b`)
	reAddStart  = regexp.MustCompile(`^(?:(?:add|create|new|remind|schedule|remember|don't forget|dont forget|i need to|i have to|i must|i should|need to|make a task|make a note|put)\b|(?:todo|to-do|task|new)\s*:)`)
	// reExplicit: an add that says it is one; anything else that reads
	// like a task may be about an existing task of that name.
	reExplicit = regexp.MustCompile(`^(?:(?:add|create|new|make a task|make a note|put)\b|(?:todo|to-do|task|new)\s*:)`)
	// reManyStart: a target that means several tasks.
	reManyStart = regexp.MustCompile(`^(?:all|every|everything|each|both|them|these|those|any)\b`)

	reAddPrefix = regexp.MustCompile(`^(?:(?:add\s+)?to\s+(?:my|the)\s+(?:list|to-?do list)\s*:?\s*|put\s+|(?:add|create|make|put|schedule|new|set up)\s+(?:a\s+|an\s+|the\s+|new\s+|another\s+)*(?:task|todo|to-do|reminder|item|note)s?\s*(?:to|for|that|called|named|:)?\s*|add\s+|create\s+|remind me\s+(?:to\s+|about\s+|that\s+)?|remind me\s*$|remember to\s+|don'?t forget to\s+|don'?t forget\s+|schedule\s+(?:a\s+|an\s+)?|i need to\s+|i have to\s+|i must\s+|i should\s+|need to\s+|todo:\s*|to-do:\s*|new:\s*|task:\s*)`)
	reTag       = regexp.MustCompile(`(?:^|\s)#([\p{L}\p{N}_-]{1,50})`)
	reProject   = regexp.MustCompile(`(?:^|\s)\^(?:"([^"]{1,120})"|([\p{L}\p{N}_.-]{1,120}))`)
	rePriority  = regexp.MustCompile(`(?:\b(?:(?:with|at|as|,)\s+)?(?:(high|low|medium|normal|top)[- ]priority|priority[: ]+(high|low|medium|normal)|(urgent|asap|important|critical))\b|(?:^|\s)!(high|low|medium)\b|(?:^|\s)(p[1-4])\b)`)
	reRecur     = regexp.MustCompile(`\b(?:(?:repeat(?:ing)?|recurring)\s+)?(?:every\s+(other\s+)?` + numRe + `?\s*(day|week|month|year|weekday|morning|evening|night)s?|every\s+(other\s+)?` + weekdayRe + `|(daily|weekly|monthly|yearly|annually|nightly|fortnightly|biweekly)(?:\s*[:,]|\s*$|\s+(?:at|on|from|starting|until)\b))`)
)

func stripPoliteness(p *phrase) {
	if m := rePolite.FindStringIndex(p.low); m != nil {
		p.orig, p.low = p.orig[m[1]:], p.low[m[1]:]
	}
}

func parseChoice(low string) (Intent, bool) {
	if m := reChoice.FindStringSubmatch(low); m != nil {
		n, err := strconv.Atoi(m[1])
		if err == nil {
			return Intent{Kind: Choose, Choice: n}, true
		}
	}
	if m := reOrdinal.FindStringSubmatch(low); m != nil {
		return Intent{Kind: Choose, Choice: map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}[m[1]]}, true
	}
	return Intent{}, false
}

var reTaskID = regexp.MustCompile(`^(?:task\s*)?#?(\d{1,18})$`)

// withTarget fills Target (or TaskID for "task 42" / "#42").
func withTarget(in Intent, target string) Intent {
	t := trimEdges(target)
	if m := reTaskID.FindStringSubmatch(strings.ToLower(t)); m != nil {
		in.TaskID, _ = strconv.ParseInt(m[1], 10, 64)
		return in
	}
	in.Target = stripArticles(t)
	if in.Target == "" || vagueTargets[strings.ToLower(in.Target)] {
		// "mark it done", "complete the task": which one? The change is
		// kept for the answer ("tag it urgent" → "the report").
		in.Problem = string(in.Kind)
		in.Kind, in.Missing, in.Target = Unknown, "task", ""
		return in
	}
	return in
}

// vagueTargets name no task.
var vagueTargets = map[string]bool{"it": true, "this": true, "that": true, "them": false, "as": true, "task": true,
	"tasks": false, "one": true, "todo": true, "item": true, "something": true, "thing": true, "the thing": true,
	"this one": true, "that one": true, "stuff": true, "the": true, "a task": true, "as done": true}

var reArticles = regexp.MustCompile(`(?i)^(?:the|my|a|an|that|this|our)\s+|\s+(?:task|todo|one|item)$|^(?:task|todo)\s+`)

func stripArticles(s string) string {
	for {
		n := strings.TrimSpace(reArticles.ReplaceAllString(s, ""))
		if n == s || n == "" {
			return s
		}
		s = n
	}
}

func priorityWord(w string) string {
	switch w {
	case "high", "urgent", "top", "asap", "important", "critical", "p1":
		return "high"
	case "low", "p3", "p4":
		return "low"
	}
	return "medium"
}

func parseAdd(p *phrase, now time.Time, loc *time.Location, question bool) Intent {
	explicit := reAddStart.MatchString(p.low)
	if question && !explicit {
		// "Is the weather nice today?" is not a task.
		return Intent{Kind: Unknown}
	}
	strict := reExplicit.MatchString(p.low)
	in := taskFields(p, now, loc)
	in.Explicit = strict
	if in.Title == "" || onlyCommandWords(in.Title) {
		// "add", "create a task", "remind me": say what is missing rather
		// than add a task called "Add"; a date said is kept for the answer
		// ("add something for Friday" → "pick up the cake").
		in.Kind, in.Missing, in.Title, in.Explicit = Unknown, "title", "", false
		return in
	}
	if !explicit && in.When == nil && in.Recurrence == "" && len(in.Tags) == 0 && in.Priority == "" {
		// A bare phrase is only a task if it reads like one: short and
		// starting with a verb-ish word, not a question.
		if len(strings.Fields(in.Title)) > 12 {
			return Intent{Kind: Unknown}
		}
		return Intent{Kind: Unknown, Title: in.Title}
	}
	return in
}

// taskFields takes a new task's due time, repeat rule, tags and priority
// out of p, and what is left, less an "add …"/"remind me to" prefix, is
// the title.
func taskFields(p *phrase, now time.Time, loc *time.Location) Intent {
	in := Intent{Kind: Add}
	if m := reOnMyList.FindStringIndex(p.low); m != nil {
		p.cut(m[0], m[1])
	}
	remindMe := reRemindMe.MatchString(p.low)
	spoken, spokenOK := cutReminders(p)
	if m := reRemindBefore.FindStringSubmatchIndex(p.low); m != nil && !spokenOK {
		before, at := remindWhen(p.low, m, 1)
		in.RemindBefore, in.RemindAt = append(in.RemindBefore, before), at
		p.cut(m[0], m[1])
	}
	extractTagWords(p, &in)
	extractProject(p, &in)
	extractRecurrence(p, &in, now, loc)
	extractTags(p, &in)
	if m := reLowWords.FindStringIndex(p.low); m != nil {
		in.Priority = "low"
		p.cut(m[0], m[1])
	}
	extractPriority(p, &in)
	if w := extractWhen(p, now, loc); w != nil && in.When == nil {
		in.When = w
	} else if w != nil && in.When != nil && w.HasTime && !in.When.HasTime {
		in.When.HasTime, in.When.Hour, in.When.Minute = true, w.Hour, w.Minute
	}
	if in.When != nil && in.When.HasTime && !in.Weekdays.IsZero() {
		// A series on named days starts on the first of them still ahead:
		// "gym every Mon, Wed, Fri at 7am", said on a Wednesday at 10:00,
		// starts on Friday.
		for i := 0; i < 7; i++ {
			if at, _ := in.When.Instant(); !at.Before(now) && in.Weekdays.Has(in.When.Date.Weekday()) {
				break
			}
			in.When.Date = in.When.Date.AddDate(0, 0, 1)
		}
	}
	if in.When != nil && in.When.HasTime && in.Recurrence == "weekly" && in.Weekdays.IsZero() {
		// "every Wednesday at 8am", said on a Wednesday at 10: next week's.
		if at, _ := in.When.Instant(); at.Before(now) {
			in.When.Date = in.When.Date.AddDate(0, 0, 7)
		}
	}
	if m := reAddPrefix.FindStringIndex(strings.TrimLeft(p.low, " ,:")); m != nil {
		off := len(p.low) - len(strings.TrimLeft(p.low, " ,:"))
		p.cut(off+m[0], off+m[1])
	}
	in.Title = clean(p.orig)
	if spokenOK {
		due := -1
		if in.When != nil && in.When.HasTime {
			due = in.When.Hour*60 + in.When.Minute
		}
		if bs, clocks, at, ok := reminders(spoken, due); ok {
			in.RemindBefore, in.RemindAt = append(in.RemindBefore, bs...), at
			in.RemindClock = clocks
		} else {
			// Not before that due time ("at 11" for a task at 10): said
			// back, nothing set.
			in.Problem = "reminder"
		}
	}
	if remindMe && len(in.RemindBefore) == 0 && in.When != nil && in.When.HasTime {
		// "Remind me to call mom at 5pm": a reminder at that time.
		in.RemindBefore = []int{0}
	}
	return in
}

var (
	// reOnMyList: "put X on my list", "add X to the list".
	reOnMyList = regexp.MustCompile(`\s+(?:to|on|onto)\s+(?:my|the)\s+(?:list|to-?do list|todo list|tasks)$`)
	// reTagWords: tags said in words at the end ("…, tags home and diy").
	reTagWords = regexp.MustCompile(`(?:,\s*|\s+)(?:tags?|tagged(?:\s+(?:as|with))?|with\s+(?:the\s+)?tags?|labell?ed)\s+` + tagListRe + `$`)
	// reLowWords: priority low in words.
	reLowWords = regexp.MustCompile(`(?:,\s*|\s+)(?:not\s+(?:important|urgent)|no\s+rush|whenever|someday|unimportant|low[- ]priority|when(?:ever)? i (?:have|get) (?:the )?time)$`)
	// reWeekdays: a repeat the product cannot store yet.
	// commandWords are words that are never a title on their own.
	commandWords = map[string]bool{"add": true, "create": true, "new": true, "task": true, "tasks": true, "todo": true,
		"to-do": true, "a": true, "an": true, "the": true, "remind": true, "me": true, "reminder": true, "delete": true,
		"remove": true, "complete": true, "finish": true, "done": true, "move": true, "rename": true, "tag": true,
		"tags": true, "mark": true, "set": true, "change": true, "update": true, "edit": true, "item": true, "note": true,
		"it": true, "this": true, "that": true, "something": true, "please": true, "pls": true, "plz": true, "thanks": true, "one": true, "make": true, "put": true,
		"schedule": true, "priority": true, "undo": true, "reopen": true, "list": true, "show": true, "do": true}
)

// onlyCommandWords says whether title is nothing but command words.
func onlyCommandWords(title string) bool {
	for _, w := range strings.Fields(strings.ToLower(strings.Trim(title, ".:!"))) {
		if !commandWords[strings.Trim(w, ".:,!")] {
			return false
		}
	}
	return true
}

func extractTagWords(p *phrase, in *Intent) {
	if m := reTagWords.FindStringSubmatchIndex(p.low); m != nil {
		in.Tags = append(in.Tags, tagList(p.orig[m[2]:m[3]])...)
		p.cut(m[0], m[1])
	}
}

// extractProject takes the last ^Project (one word, or quoted) out of the
// title.
func extractProject(p *phrase, in *Intent) {
	for {
		m := reProject.FindStringSubmatchIndex(p.orig)
		if m == nil {
			return
		}
		if m[2] >= 0 {
			in.Project = p.orig[m[2]:m[3]]
		} else {
			in.Project = p.orig[m[4]:m[5]]
		}
		p.cut(m[0], m[1])
	}
}

func extractTags(p *phrase, in *Intent) {
	for {
		m := reTag.FindStringSubmatchIndex(p.orig)
		if m == nil {
			return
		}
		in.Tags = append(in.Tags, p.orig[m[2]:m[3]])
		p.cut(m[0], m[1])
	}
}

func extractPriority(p *phrase, in *Intent) {
	m := rePriority.FindStringSubmatchIndex(p.low)
	if m == nil {
		return
	}
	for i := 2; i < len(m); i += 2 {
		if m[i] >= 0 {
			in.Priority = priorityWord(p.low[m[i]:m[i+1]])
			break
		}
	}
	p.cut(m[0], m[1])
}

func extractRecurrence(p *phrase, in *Intent, now time.Time, loc *time.Location) {
	if extractRecurrenceDays(p, in, now, loc) {
		return
	}
	m := reRecur.FindStringSubmatchIndex(p.low)
	if m == nil {
		return
	}
	g := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return p.low[m[2*i]:m[2*i+1]]
	}
	in.Interval = 1
	switch {
	case g(3) != "": // every [other] [N] day/week/...
		if g(1) != "" {
			in.Interval = 2
		} else if g(2) != "" {
			in.Interval = parseNum(g(2))
		}
		switch g(3) {
		case "day", "weekday", "morning", "evening", "night":
			in.Recurrence = "daily"
		case "week":
			in.Recurrence = "weekly"
		case "month":
			in.Recurrence = "monthly"
		case "year":
			in.Recurrence = "yearly"
		}
		today := noonOf(now, loc)
		switch g(3) {
		case "morning":
			in.When = &When{Date: today, HasTime: true, Hour: 9}
		case "evening", "night":
			in.When = &When{Date: today, HasTime: true, Hour: 19}
		}
	case g(5) != "": // every [other] Monday
		in.Recurrence = "weekly"
		if g(4) != "" {
			in.Interval = 2
		}
		in.When = &When{Date: nextWeekday(noonOf(now, loc), weekdays[g(5)], "this")}
	default:
		switch g(6) {
		case "daily", "nightly":
			in.Recurrence = "daily"
		case "weekly":
			in.Recurrence = "weekly"
		case "fortnightly", "biweekly":
			in.Recurrence, in.Interval = "weekly", 2
		case "monthly":
			in.Recurrence = "monthly"
		case "yearly", "annually":
			in.Recurrence = "yearly"
		}
	}
	p.cut(m[0], m[1])
}

// noonOf is noon of now's day in loc: the time every date of a phrase is
// built and moved at, because a day's midnight does not exist in every
// zone (Atlantic/Azores moves its clocks at 00:00, so 28 March 2027 has no
// 00:00 and time.Date gives 23:00 the day before), while noon always does.
func noonOf(now time.Time, loc *time.Location) time.Time {
	n := now.In(loc)
	return time.Date(n.Year(), n.Month(), n.Day(), 12, 0, 0, 0, loc)
}

var (
	reEdgeJunk = regexp.MustCompile(`(?i)^(?:[\s,:;.!?\-–—]|\b(?:and|to|on|at|by|due|for|with|about|that|is|it|please|task|called|named)\b)+|(?:[\s,:;\-–—]|\b(?:and|on|at|by|due|for|with|from|to|it|please|priority|starting)\b)+$`)
	reSpaces   = regexp.MustCompile(`\s+`)
)

// clean trims the edges (see trimEdges) and capitalises, for titles.
func clean(s string) string {
	s = trimEdges(s)
	if s != "" {
		r, size := utf8.DecodeRuneInString(s)
		s = strings.ToUpper(string(r)) + s[size:]
	}
	return s
}

// trimEdges trims connector words and punctuation left at the edges once
// the dates, tags and priority are taken out.
func trimEdges(s string) string {
	s = reSpaces.ReplaceAllString(s, " ")
	for {
		n := strings.TrimSpace(reEdgeJunk.ReplaceAllStringFunc(s, func(string) string { return " " }))
		n = strings.Trim(n, " \"'“”‘’")
		if n == s {
			break
		}
		s = n
	}
	return s
}

// ParseDate reads a phrase that is only a date, a time and maybe a repeat
// rule ("tomorrow 9am", "every monday", "Dec 1 2026") — a due-date field
// of another app's export, for instance. ok is false when any word is
// left over: the phrase was not fully understood, and nothing is guessed.
func ParseDate(text string, now time.Time, loc *time.Location) (in Intent, ok bool) {
	p := newPhrase(normalize(text))
	extractRecurrence(p, &in, now, loc)
	if w := extractWhen(p, now, loc); w != nil && in.When == nil {
		in.When = w
	} else if w != nil && w.HasTime && !in.When.HasTime {
		in.When.HasTime, in.When.Hour, in.When.Minute = true, w.Hour, w.Minute
	}
	return in, strings.TrimSpace(strings.Trim(p.low, " ,.")) == ""
}

// PriorityOf is the priority a word means: high, medium or low ("p1" is
// high, "p2" medium, "p3" and "p4" low, as in quick add).
func PriorityOf(word string) string { return priorityWord(strings.ToLower(strings.TrimSpace(word))) }

var (
	// "every weekday", "every working day": daily, Monday to Friday.
	reEveryWorkday = regexp.MustCompile(`\b(?:repeat(?:ing)?\s+)?every\s+(?:week\s*day|weekday|working\s+day|work\s*day|business\s+day)s?\b`)
	// "every weekend": weekly, Saturday and Sunday.
	reEveryWeekend = regexp.MustCompile(`\bevery\s+weekends?\b`)
	// "every mon, wed and fri", "every tuesday & thursday".
	reEveryDays = regexp.MustCompile(`\bevery\s+(?:other\s+)?` + weekdayRe + `s?(?:\s*(?:,|&|/|\band\b|,\s*and\b)\s*` + weekdayRe + `s?)+\b`)
	reDayName   = regexp.MustCompile(weekdayRe)
	// reClockSaid: a time of day in a line ("7am", "19:00", "at 7").
	reClockSaid = regexp.MustCompile(`\b\d{1,2}(?::\d\d)?\s*(?:am|pm)\b|\b\d{1,2}:\d\d\b|\bat\s+\d{1,2}\b`)
	// reDaysPlural: "thursdays", "on mondays".
	reDaysPlural = regexp.MustCompile(`\b(?:on\s+)?(?:sun|mon|tues|wednes|thurs|fri|satur)days\b(?:\s+with\b)?`)
	// reDaysTogether: "mon wed fri", "tuesdays and thursdays".
	reDaysTogether = regexp.MustCompile(`\b` + weekdayRe + `s?(?:\s*(?:,|&|/|\band\b|,\s*and\b)?\s*` + weekdayRe + `s?){1,6}\b`)
	// "every 1st", "every 15th of the month", "on the 1st of every month",
	// "every last day of the month".
	reEveryMonthDay = regexp.MustCompile(`\bevery\s+(\d{1,2})(?:st|nd|rd|th)(?:\s+(?:day\s+)?of\s+(?:the|each|every)\s+month)?\b|\bon\s+the\s+(\d{1,2})(?:st|nd|rd|th)\s+(?:day\s+)?of\s+(?:each|every)\s+month\b`)
	reEveryLastDay  = regexp.MustCompile(`\b(?:every|on\s+the)\s+last\s+day\s+of\s+(?:the|each|every)\s+month\b`)
	// A period after an ordinal is not a day of the month ("every 2nd
	// week"), nor is a month's name ("every 5th of January" is yearly).
	rePeriodAfter = regexp.MustCompile(`^\s+(?:(?:day|week|month|year)s?\b|of\s+` + monthRe + `)`)
)

// extractRecurrenceDays reads the repeat rules that name days: of the
// week ("every weekday", "every Mon, Wed, Fri") or of the month ("every
// 1st", "every last day of the month"). A series without a due starts on
// its first such day from today.
// mentionsADay is a cheap gate before the day-list rules: whether low
// holds a weekday's short name at all.
func mentionsADay(low string) bool {
	for _, d := range [...]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		if strings.Contains(low, d) {
			return true
		}
	}
	return false
}

func extractRecurrenceDays(p *phrase, in *Intent, now time.Time, loc *time.Location) bool {
	today := noonOf(now, loc)
	start := func(d time.Time) {
		if in.When == nil {
			in.When = &When{Date: d, HasDate: true}
		}
	}
	firstOf := func(w dates.Weekdays) time.Time {
		d := today
		for i := 0; i < 7 && !w.Has(d.Weekday()); i++ {
			d = d.AddDate(0, 0, 1)
		}
		return d
	}
	switch m := reEveryWorkday.FindStringIndex(p.low); {
	case m != nil:
		in.Recurrence, in.Interval = "daily", 1
		in.Weekdays = dates.NewWeekdays(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)
		start(firstOf(in.Weekdays))
		p.cut(m[0], m[1])
		return true
	}
	if m := reEveryWeekend.FindStringIndex(p.low); m != nil {
		in.Recurrence, in.Interval = "weekly", 1
		in.Weekdays = dates.NewWeekdays(time.Saturday, time.Sunday)
		start(firstOf(in.Weekdays))
		p.cut(m[0], m[1])
		return true
	}
	m := reEveryDays.FindStringIndex(p.low)
	days := mentionsADay(p.low)
	if m == nil && days {
		// "go running mon wed fri 7am": three days or more said together,
		// or two with a time, without "every", are the days it repeats on
		// ("wedding sat sun" is one weekend).
		if m = reDaysTogether.FindStringIndex(p.low); m != nil &&
			len(reDayName.FindAllString(p.low[m[0]:m[1]], -1)) < 3 && !reClockSaid.MatchString(p.low) {
			m = nil
		}
	}
	if m == nil && days {
		// "piano thursdays 5pm", "on mondays": a weekday said in the
		// plural repeats on it ("Tuesdays with Morrie" is a title).
		if m = reDaysPlural.FindStringIndex(p.low); m != nil && strings.HasSuffix(p.low[m[0]:m[1]], "with") {
			m = nil
		}
	}
	if m != nil {
		in.Recurrence, in.Interval = "weekly", 1
		if strings.Contains(p.low[m[0]:m[1]], "other") {
			in.Interval = 2
		}
		for _, name := range reDayName.FindAllString(p.low[m[0]:m[1]], -1) {
			in.Weekdays |= dates.NewWeekdays(weekdays[name])
		}
		start(firstOf(in.Weekdays))
		p.cut(m[0], m[1])
		return true
	}
	if m := reEveryLastDay.FindStringIndex(p.low); m != nil {
		in.Recurrence, in.Interval, in.MonthDay = "monthly", 1, -1
		start(time.Date(today.Year(), today.Month()+1, 0, 12, 0, 0, 0, loc))
		p.cut(m[0], m[1])
		return true
	}
	if m := reEveryMonthDay.FindStringSubmatchIndex(p.low); m != nil && !rePeriodAfter.MatchString(p.low[m[1]:]) {
		var num string // one of the two alternatives matched
		if m[2] >= 0 {
			num = p.low[m[2]:m[3]]
		} else {
			num = p.low[m[4]:m[5]]
		}
		d, _ := strconv.Atoi(num)
		first, ok := nextDayOfMonth(today, d)
		if d < 1 || d > 31 || !ok {
			return false
		}
		in.Recurrence, in.Interval, in.MonthDay = "monthly", 1, d
		start(first)
		p.cut(m[0], m[1])
		return true
	}
	return false
}
