package intent

import (
	"regexp"
	"strings"
	"time"
)

// Several tasks in one message (the rule is in the package doc, "Several
// tasks"): parseMany splits a message into parts, each read by taskFields
// as quick add reads a line, and sets what a head or a tail says of them
// all on each. The parts are Intent.Tasks.

var (
	// reManyHeadWords are what may come before a list's colon or dash: an add
	// word, a count, a word for tasks; what is left is a date or a place.
	reManyHeadWords = regexp.MustCompile(`^(?:(?:add|create|new|put|make|schedule|jot down|write down|note down)\s+)?(?:(these|the following|some|a few|a couple of|a couple|more|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}|several|multiple)(?:\s+|$))?(?:(?:new\s+)?(?:tasks|todos|to-dos|things|items|reminders|task|todo|to-do)\b\s*)?`)
	// reManySep: the end of a head, a colon (not one of "10:30") or a
	// dash between spaces.
	reManySep = regexp.MustCompile(`:(?:\s|$)|\s[-–—]\s`)
	// rePlace is a place said as "to/in/into/under Name [list|project]".
	rePlace = regexp.MustCompile(`^(?:to|in|into|under|onto|on)\s+(?:my\s+|the\s+)?(.+?)(?:\s+(?:list|project))?$`)
	// reListWords are places that are no project: the list itself.
	reListWords = regexp.MustCompile(`^(?:list|to-?do list|todo|todos|to-dos|tasks|task list|inbox)$`)
	// reManyTail: "…, both for monday", "… all in Work".
	reManyTail = regexp.MustCompile(`(?:,\s*|\s+)(?:both|all(?:\s+of\s+them)?|each(?:\s+of\s+them)?)\s+([^,]+)$`)
	// rePutPlace: "put A and B in Shopping": after "put", the place.
	rePutPlace = regexp.MustCompile(`\s+(?:in|into|on|onto|to)\s+(?:my\s+|the\s+)?([^,]+?)(?:\s+(?:list|project))?$`)
	reNumbered = regexp.MustCompile(`(?:^|\s)(\d{1,2})[.)]\s+`)
	reBullet   = regexp.MustCompile(`^\s*(?:[-*•·]+|\d{1,2}[.)])\s*`)
	// rePartLead: joiners at a part's start ("…, then at 3 …", "and").
	rePartLead = regexp.MustCompile(`^(?:(?:and|then|also|plus|&)\s+)+`)
	// reModifierPart: a comma part that says something of the task
	// before it ("…, high priority", "…, put it in Work", "…, remind me
	// an hour before"): no task of its own.
	reModifierPart = regexp.MustCompile(`^(?:(?:put|move|make|set|mark|tag|file|add)\s+(?:it|them|this|that)\b|it(?:'s| is)?\b|its\b|they\b|tag(?:s|ged)?\b|label(?:led|ed)?\b|prio(?:rity)?\b|due\b|remind(?:er)?s?\b|every\b|repeat|in\s|into\s|to\s|under\s|with\s|both\b|all\b|each\b|please\b|thanks?\b|thank you\b)`)
	reQuoted       = regexp.MustCompile(`^["“'‘]([^"”'’]+)["”'’]`)
	reEmptyParens  = regexp.MustCompile(`\(\s*\)`)
	// fillerWords are never a task on their own ("… and again friday").
	fillerWords = map[string]bool{"again": true, "also": true, "then": true, "too": true, "both": true, "all": true,
		"them": true, "each": true, "later": true, "after": true, "before": true, "as well": true}
)

// taskVerbs begin a task ("call", "buy"): for an explicit add, "A and B"
// is two tasks when each side starts with one (see the package doc).
var taskVerbs = map[string]bool{"buy": true, "call": true, "email": true, "e-mail": true, "text": true, "send": true,
	"pay": true, "book": true, "fix": true, "clean": true, "wash": true, "write": true, "read": true, "order": true,
	"pick": true, "get": true, "return": true, "renew": true, "cancel": true, "check": true, "water": true, "feed": true,
	"walk": true, "take": true, "cook": true, "prepare": true, "prep": true, "submit": true, "file": true, "print": true,
	"post": true, "mail": true, "ring": true, "phone": true, "visit": true, "meet": true, "see": true, "ask": true,
	"tell": true, "pack": true, "plan": true, "review": true, "sort": true, "tidy": true, "vacuum": true, "hoover": true,
	"iron": true, "mop": true, "bake": true, "collect": true, "drop": true, "bring": true, "charge": true, "replace": true,
	"install": true, "repair": true, "paint": true, "sign": true, "register": true, "apply": true, "reply": true,
	"answer": true, "contact": true, "message": true, "invite": true, "learn": true, "practice": true, "practise": true,
	"study": true, "go": true, "hang": true, "mow": true, "empty": true, "load": true, "unload": true, "defrost": true,
	"descale": true, "refill": true, "fill": true, "back": true, "download": true, "upload": true, "grab": true,
	"organize": true, "organise": true, "research": true, "draft": true, "scan": true, "shop": true, "schedule": true,
	"arrange": true, "confirm": true, "upgrade": true, "wrap": true, "sweep": true, "dust": true,
	"follow": true, "finish": true, "start": true, "run": true, "sell": true, "donate": true, "recycle": true,
	"rent": true, "cut": true, "trim": true, "bathe": true, "brush": true, "transfer": true,
	"deposit": true, "withdraw": true, "fetch": true, "chase": true, "thank": true, "congratulate": true,
	"greet": true, "welcome": true, "host": true, "attend": true, "join": true, "try": true, "test": true, "measure": true,
	"weigh": true, "count": true, "record": true, "film": true, "photograph": true}

// MaxTasks bounds the tasks one message adds.
const MaxTasks = 20

// parseMany reads a message that adds several tasks; ok is false when it
// is not one (one task, or any other command). raw is the message as
// typed: its line breaks separate tasks.
func parseMany(raw string, now time.Time, loc *time.Location) (Intent, bool) {
	if len(raw) > MaxInput {
		raw = raw[:MaxInput]
	}
	// Cheap gate: every shape below needs one of these.
	if !strings.ContainsAny(raw, "\n;,:-–—") && !strings.Contains(raw, " and ") && !strings.Contains(raw, ") ") && !strings.Contains(raw, ". ") {
		return Intent{}, false
	}
	lines := strings.FieldsFunc(strings.ReplaceAll(raw, "\r", ""), func(r rune) bool { return r == '\n' })
	for i, l := range lines {
		lines[i] = normalize(l)
	}
	text := strings.TrimRight(strings.Join(lines, " ; "), " .!?")
	p := newPhrase(text)
	stripPoliteness(p)
	explicit := reAddStart.MatchString(p.low)

	var shared Intent
	count := 0
	body := p
	head := false
	if m := reManySep.FindStringIndex(p.low); m != nil && !strings.Contains(p.low[:m[0]], ";") {
		if h, n, ok := manyHead(p.orig[:m[0]], now, loc); ok {
			shared, count, head = h, n, true
			body = newPhrase(p.orig[m[1]:])
			explicit = true
		}
	}
	put := strings.HasPrefix(body.low, "put ") || strings.HasPrefix(p.low, "put ")

	// A tail said of them all: "…, both for monday", "… all in Work".
	if m := reManyTail.FindStringSubmatchIndex(body.low); m != nil {
		if t, ok := manyTail(body.orig[m[2]:m[3]], now, loc); ok {
			mergeShared(&shared, t)
			body = newPhrase(body.orig[:m[0]])
		}
	}
	if put && shared.Project == "" {
		// "put A and B in Shopping": the place is where they all go.
		if m := rePutPlace.FindStringSubmatchIndex(body.low); m != nil && !reListWords.MatchString(body.low[m[2]:m[3]]) {
			shared.Project = clean(body.orig[m[2]:m[3]])
			body = newPhrase(body.orig[:m[0]])
		}
	}

	pieces, how := splitBody(body)
	if len(pieces) < 2 {
		return Intent{}, false
	}
	structural := head || how == "lines" || how == "numbered"
	if len(pieces) > MaxTasks {
		// Each part is parsed twice: the bound keeps a pasted page
		// cheap, and the caller asks for smaller groups.
		if !structural {
			return Intent{}, false
		}
		return Intent{Kind: Add, Explicit: true, Problem: "too many", Tasks: make([]Intent, len(pieces))}, true
	}
	var parts []Intent
	var prev *When
	for _, piece := range pieces {
		part, ok := manyPart(piece, explicit, now, loc)
		if !ok {
			if !structural {
				return Intent{}, false
			}
			parts = append(parts, Intent{Kind: Unknown, Title: strings.TrimSpace(piece)})
			continue
		}
		applyShared(&part, shared, prev)
		if part.When != nil && part.When.HasDate {
			prev = part.When
		}
		parts = append(parts, part)
	}
	if !structural {
		// "A and B", "A, B": two tasks only when each side is one of its
		// own (the package doc's rule).
		if !ownTasks(pieces, parts, how, explicit) {
			return Intent{}, false
		}
	}
	in := Intent{Kind: Add, Explicit: true, Tasks: parts}
	if count > 0 && count != len(parts) {
		in.Problem = "count"
	}
	return in, true
}

// manyHead reads what comes before a list's colon: ok when it is only add
// words, a count, and what applies to every task (a date, a repeat, tags,
// a priority, a place: "add to Shopping", "tomorrow", "add two tasks").
func manyHead(s string, now time.Time, loc *time.Location) (shared Intent, count int, ok bool) {
	p := newPhrase(strings.TrimSpace(s))
	m := reManyHeadWords.FindStringSubmatchIndex(p.low)
	words := m[1] > 0
	if m[2] >= 0 {
		count = countWord(p.low[m[2]:m[3]])
	}
	rest := newPhrase(strings.TrimSpace(p.orig[m[1]:]))
	if rest.low == "" {
		return shared, count, words
	}
	if pm := rePlace.FindStringSubmatchIndex(rest.low); pm != nil && !reListWords.MatchString(rest.low[pm[2]:pm[3]]) {
		// "add to Shopping for friday": the place, and a date in it.
		f := taskFields(newPhrase(rest.orig[pm[2]:pm[3]]), now, loc)
		if f.Title != "" && !onlyCommandWords(f.Title) && len(strings.Fields(f.Title)) <= 4 {
			f.Project, f.Title = f.Title, ""
			return f, count, true
		}
	}
	f := taskFields(rest, now, loc)
	if f.Title != "" || f.When == nil && f.Recurrence == "" && len(f.Tags) == 0 && f.Priority == "" && f.Project == "" {
		return Intent{}, 0, false
	}
	return f, count, true
}

// manyTail reads "for monday", "in Work" after "both"/"all": ok when it
// says only what applies to every task.
func manyTail(s string, now time.Time, loc *time.Location) (Intent, bool) {
	p := newPhrase(strings.TrimSpace(s))
	if pm := rePlace.FindStringSubmatchIndex(p.low); pm != nil && !reListWords.MatchString(p.low[pm[2]:pm[3]]) {
		f := taskFields(newPhrase(p.orig[pm[2]:pm[3]]), now, loc)
		if f.Title != "" && !onlyCommandWords(f.Title) && len(strings.Fields(f.Title)) <= 4 {
			f.Project, f.Title = strings.TrimSuffix(strings.TrimSuffix(f.Title, " pls"), " please"), ""
			return f, true
		}
	}
	f := taskFields(p, now, loc)
	if f.Title != "" && !onlyCommandWords(f.Title) || f.When == nil && f.Recurrence == "" && len(f.Tags) == 0 && f.Priority == "" && f.Project == "" {
		return Intent{}, false
	}
	return f, true
}

// splitBody cuts a list into its pieces: by lines or semicolons, by
// numbers ("1. … 2. …"), by commas (the last "and" of "A, B and C" too),
// or by "and".
func splitBody(p *phrase) (pieces []string, how string) {
	low := p.low
	split := func(sep string) [][2]int {
		var b [][2]int
		start := 0
		for {
			i := strings.Index(low[start:], sep)
			if i < 0 {
				break
			}
			b = append(b, [2]int{start, start + i})
			start += i + len(sep)
		}
		return append(b, [2]int{start, len(low)})
	}
	pieceOf := func(b [2]int) string {
		s := strings.TrimSpace(p.orig[b[0]:b[1]])
		s = strings.TrimSpace(reBullet.ReplaceAllString(s, ""))
		if m := rePartLead.FindStringIndex(strings.ToLower(s)); m != nil {
			s = s[m[1]:]
		}
		return strings.Trim(s, " ,.")
	}
	collect := func(bounds [][2]int) []string {
		var out []string
		for _, b := range bounds {
			out = append(out, pieceOf(b))
		}
		return out
	}
	if strings.Contains(low, ";") {
		var out []string
		for _, s := range collect(split(";")) {
			if s != "" {
				out = append(out, s)
			}
		}
		return out, "lines"
	}
	if ms := reNumbered.FindAllStringSubmatchIndex(low, -1); len(ms) >= 2 && ms[0][0] == 0 {
		var bounds [][2]int
		ok := true
		for i, m := range ms {
			if low[m[2]:m[3]] != itoa(i+1) {
				ok = false
				break
			}
			end := len(low)
			if i+1 < len(ms) {
				end = ms[i+1][0]
			}
			bounds = append(bounds, [2]int{m[1], end})
		}
		if ok {
			return collect(bounds), "numbered"
		}
	}
	if strings.Contains(low, ",") {
		bounds := split(",")
		last := bounds[len(bounds)-1]
		if i := strings.LastIndex(low[last[0]:last[1]], " and "); i >= 0 && listAnd(low, bounds, last[0]+i+len(" and ")) {
			bounds = append(bounds[:len(bounds)-1], [2]int{last[0], last[0] + i}, [2]int{last[0] + i + len(" and "), last[1]})
		}
		return collect(bounds), "commas"
	}
	return collect(split(" and ")), "and"
}

// listAnd says whether the "and" before at ends a list ("milk, eggs and
// bread", "wash windows, buy bread and call Tim") rather than joining
// what the last task is about ("buy salt, call Anna and Ben"): what
// follows starts with a verb, or no piece before it does.
func listAnd(low string, bounds [][2]int, at int) bool {
	if startsWithVerb(low[at:]) {
		return true
	}
	for _, b := range bounds {
		if startsWithVerb(rePartLead.ReplaceAllString(strings.TrimSpace(reAddPrefix.ReplaceAllString(strings.TrimSpace(low[b[0]:b[1]]), "")), "")) {
			return false
		}
	}
	return true
}

// startsWithVerb says whether s begins with one of taskVerbs.
func startsWithVerb(s string) bool {
	w, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	return taskVerbs[strings.Trim(w, ",.")]
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// manyPart reads one piece as a task: ok is false when it is empty, only
// command words, something said of another task ("high priority"), or a
// command other than an add ("delete the old ones") — unless the message
// said "add": then, as in quick add, "cancel the gym trial" is a title
// (the assistant still asks when it names a task the person has).
func manyPart(piece string, explicit bool, now time.Time, loc *time.Location) (Intent, bool) {
	low := strings.ToLower(piece)
	if low == "" || reModifierPart.MatchString(low) {
		return Intent{}, false
	}
	switch k := Parse(piece, now, loc); k.Kind {
	case Add:
	case Unknown:
		if k.Title == "" {
			return Intent{}, false
		}
	case Delete, Complete, Reopen, Update:
		if !explicit {
			return Intent{}, false
		}
	default:
		return Intent{}, false
	}
	// A quoted title keeps its words ("'monday notes' for friday").
	text, quoted := piece, ""
	if m := reQuoted.FindStringSubmatchIndex(piece); m != nil {
		quoted = piece[m[2]:m[3]]
		text = "qqquotedqq" + piece[m[1]:]
	}
	in := taskFields(newPhrase(text), now, loc)
	if quoted != "" {
		in.Title = clean(strings.Replace(in.Title, "Qqquotedqq", quoted, 1))
	}
	in.Title = clean(reEmptyParens.ReplaceAllString(in.Title, " "))
	if in.Title == "" || onlyCommandWords(in.Title) || fillerWords[strings.ToLower(in.Title)] {
		return Intent{}, false
	}
	in.Kind, in.Explicit = Add, true
	return in, true
}

// ownTasks says whether the pieces of "A and B" or "A, B" (no head, no
// lines) are tasks of their own: each has its own date; or the message
// is an explicit add and each starts with a verb (two words at least),
// or each is a quoted title; or, for commas, each is a short thing
// ("add milk, eggs, bread").
func ownTasks(pieces []string, parts []Intent, how string, explicit bool) bool {
	dated, verbs, quoted, nouns := true, true, true, true
	for i, part := range parts {
		if part.When == nil && part.Recurrence == "" {
			dated = false
		}
		said := strings.TrimSpace(reAddPrefix.ReplaceAllString(strings.ToLower(pieces[i]), ""))
		w := strings.Fields(said)
		if len(w) < 2 || !taskVerbs[strings.Trim(w[0], ",.")] && !(len(w) > 2 && determiners[w[1]]) {
			// A word before "the", "a", "my" is a verb too: "oil the
			// chain".
			verbs = false
		}
		if len(w) > 3 || len(w) > 0 && taskVerbs[w[0]] || reLinkWord.MatchString(said) {
			nouns = false
		}
		if !reQuoted.MatchString(said) {
			quoted = false
		}
	}
	if how == "commas" && explicit && nouns {
		// "add milk, eggs, bread": a list of things, said as one; but
		// "add call Anna, Ben and Carl" is one task about three people.
		return true
	}
	return dated || explicit && (verbs || quoted)
}

// determiners follow a verb at a task's start ("oil the chain").
var determiners = map[string]bool{"the": true, "a": true, "an": true, "my": true, "our": true, "your": true,
	"his": true, "her": true, "their": true, "some": true, "all": true, "this": true, "that": true}

// reLinkWord: a piece that links to something else is no short thing of
// a list ("dinner with Anna, Ben and Carl").
var reLinkWord = regexp.MustCompile(`\b(?:with|for|to|from|about|of)\b`)

// applyShared gives part what its list's head or tail said of all, where
// the part says nothing of its own; a time alone takes the day of the
// head or of the task before ("tomorrow 9am A, then 2pm B").
func applyShared(part *Intent, shared Intent, prev *When) {
	day := shared.When
	if day == nil || !day.HasDate {
		day = prev
	}
	switch {
	case part.When == nil && shared.When != nil:
		w := *shared.When
		part.When = &w
	case part.When != nil && !part.When.HasDate && day != nil:
		w := *part.When
		w.Date, w.HasDate = day.Date, true
		part.When = &w
	}
	if part.Recurrence == "" && shared.Recurrence != "" {
		part.Recurrence, part.Interval, part.Weekdays, part.MonthDay = shared.Recurrence, shared.Interval, shared.Weekdays, shared.MonthDay
	}
	if part.Priority == "" {
		part.Priority = shared.Priority
	}
	if part.Project == "" {
		part.Project = shared.Project
	}
	part.Tags = append(part.Tags, shared.Tags...)
}

// mergeShared adds what t says of all to shared.
func mergeShared(shared *Intent, t Intent) {
	if shared.When == nil {
		shared.When = t.When
	}
	if shared.Recurrence == "" {
		shared.Recurrence, shared.Interval, shared.Weekdays, shared.MonthDay = t.Recurrence, t.Interval, t.Weekdays, t.MonthDay
	}
	if shared.Priority == "" {
		shared.Priority = t.Priority
	}
	if shared.Project == "" {
		shared.Project = t.Project
	}
	shared.Tags = append(shared.Tags, t.Tags...)
}

func countWord(w string) int {
	n := map[string]int{"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a couple": 2}[w]
	if n == 0 && w != "" && w[0] >= '0' && w[0] <= '9' {
		n = parseNum(w)
	}
	return n
}
