package intent

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/todo-app/todo-app/pkg/dates"
)

// When is a date, and maybe a time of day, found in a phrase. By the
// product's date rule (pkg/dates) a date alone ("friday", "on the 12th")
// is an all-day date — the same day wherever the person is — and a date
// with a time ("friday at 5pm") is an instant in the person's zone: Day,
// AllDay, Instant and Due say which, and what the tools are sent.
type When struct {
	// Date is the day said, as midnight of it in the person's zone (Day
	// is the calendar date itself).
	Date time.Time
	// HasDate: a day was said ("Friday"), not only a time ("at 6pm",
	// whose Date is the next such time): moving a task to "6pm" keeps
	// its day.
	HasDate bool
	// HasTime: a time of day was said; Hour and Minute are it.
	HasTime bool
	Hour    int
	Minute  int
}

// Day is the calendar day said.
func (w When) Day() dates.Date { return dates.DateOf(w.Date, w.Date.Location()) }

// AllDay says whether w is a date alone: an all-day due.
func (w When) AllDay() bool { return !w.HasTime }

// Instant is the moment of a When with a time, in the person's zone; ok
// is false for an all-day date, which is no instant.
func (w When) Instant() (t time.Time, ok bool) {
	if !w.HasTime {
		return time.Time{}, false
	}
	return w.Day().At(w.Hour, w.Minute, 0, w.Date.Location()), true
}

// Due is w as the MCP tools' due: the date alone ("2026-12-08") for an
// all-day date, an RFC 3339 time with the zone's offset for a time.
func (w When) Due() string {
	if t, ok := w.Instant(); ok {
		return t.Format(time.RFC3339)
	}
	return w.Day().String()
}

// DueFields is w as the REST API's due (api.TaskInput's DueDate and
// DueAt): the date for an all-day date, the time otherwise; the other is
// nil.
func (w When) DueFields() (dueDate, dueAt *string) {
	s := w.Due()
	if w.AllDay() {
		return &s, nil
	}
	return nil, &s
}

// Time is the moment meant: the given clock time, or for a date alone
// the end of that day in the person's zone. It is kept for the callers
// written before the all-day model (API 1.7.0); a date alone is no moment
// there, and sending this end of its day as a due makes an all-day task a
// timed one: send Due or DueFields instead. (Not marked Deprecated, so
// that staticcheck passes the callers in other modules until they move.)
func (w When) Time() time.Time {
	if t, ok := w.Instant(); ok {
		return t
	}
	return w.Day().EndIn(w.Date.Location())
}

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple of": 2, "few": 3,
}

var months = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
	"jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday, "monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday, "wednesday": time.Wednesday, "wed": time.Wednesday,
	"thursday": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday,
	"friday": time.Friday, "fri": time.Friday, "saturday": time.Saturday, "sat": time.Saturday,
}

const (
	monthRe   = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`
	weekdayRe = `(sunday|monday|tuesday|wednesday|thursday|friday|saturday|sun|mon|tues?|wed|thur?s?|fri|sat)`
	numRe     = `(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple of|few)`
)

// Each rule finds one kind of date phrase. Rules run in order over the
// text; the first that matches wins and its words are removed.
var (
	reISO      = regexp.MustCompile(`\b(?:on\s+|by\s+|due\s+)?(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	reMonthDay = regexp.MustCompile(`\b(?:on\s+|by\s+|due\s+)?` + monthRe + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b`)
	reDayMonth = regexp.MustCompile(`\b(?:on\s+|by\s+|due\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthRe + `\.?(?:,?\s+(\d{4}))?\b`)
	reSlash    = regexp.MustCompile(`\b(?:on\s+|by\s+|due\s+)?(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b`)
	reRelDay   = regexp.MustCompile(`\b(?:(?:due|by|for)\s+)?(day after tomorrow|today|tonight|tomorrow|tmrw|tmr)\b`)
	// "in 10 minutes", "in an hour", "in half an hour": a moment, not a day.
	reInClock    = regexp.MustCompile(`\b(?:in|within)\s+(?:(half an?\s+hour)|` + numRe + `\s+(minute|min|hour|hr)s?)\b`)
	reIn         = regexp.MustCompile(`\b(?:in|within)\s+` + numRe + `\s+(day|week|month|year)s?\b`)
	reNextPeriod = regexp.MustCompile(`\b(?:by\s+|due\s+)?(next|this)\s+(week|month|weekend|year)\b`)
	reEndOf      = regexp.MustCompile(`\b(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?(week|month|day)\b`)
	reWeekday    = regexp.MustCompile(`\b(?:(?:on|by|due|until|till|to|before)\s+)?(?:(next|this|coming)\s+)?` + weekdayRe + `\b`)
	// "on the 12th": the next day of the month with that number.
	reOrdinalDay = regexp.MustCompile(`\b(?:(?:on|by|for|due|before|until)\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b`)
)

var (
	reTime12 = regexp.MustCompile(`\b(?:at\s+|by\s+|@\s*)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)`)
	reTime24 = regexp.MustCompile(`\b(?:at\s+|by\s+|@\s*)?([01]?\d|2[0-3]):([0-5]\d)\b`)
	reTimeAt = regexp.MustCompile(`\b(?:at|@)\s+([01]?\d|2[0-3])\b(?:\s*o'?clock)?`)
	// reClockNext: minutes right after a number ("21:15" seen from "21").
	reClockNext = regexp.MustCompile(`^:[0-5]\d`)
	reTimePart  = regexp.MustCompile(`\b(?:at\s+|by\s+)?(\d{1,2})(?::(\d{2}))?\s+in\s+the\s+(morning|afternoon|evening)\b`)
	reTimeH     = regexp.MustCompile(`\b(?:at\s+|by\s+)?([01]?\d|2[0-3])h([0-5]\d)\b`)
	reTimeWord  = regexp.MustCompile(`\b(?:at\s+|in\s+the\s+|this\s+)?(noon|midday|midnight|morning|afternoon|evening|night)\b`)
)

// extractWhen removes the first date phrase and any time phrase from s
// and returns what they mean, relative to now in loc.
func extractWhen(p *phrase, now time.Time, loc *time.Location) *When {
	s := p.low
	now = now.In(loc)
	today := noonOf(now, loc)
	var w *When
	set := func(d time.Time) { w = &When{Date: d, HasDate: true} }

	if m := reInClock.FindStringSubmatchIndex(s); m != nil {
		var d time.Duration
		switch {
		case m[2] >= 0:
			d = 30 * time.Minute
		case s[m[6]:m[7]] == "hour" || s[m[6]:m[7]] == "hr":
			d = time.Duration(parseNum(s[m[4]:m[5]])) * time.Hour
		default:
			d = time.Duration(parseNum(s[m[4]:m[5]])) * time.Minute
		}
		// The next whole minute from then: times are kept to the minute,
		// and rounding down could land in the past.
		at := now.Add(d)
		if at.Truncate(time.Minute) != at {
			at = at.Truncate(time.Minute).Add(time.Minute)
		}
		p.cut(m[0], m[1])
		return &When{Date: time.Date(at.Year(), at.Month(), at.Day(), 12, 0, 0, 0, loc), HasDate: true, HasTime: true, Hour: at.Hour(), Minute: at.Minute()}
	}

	if m := reISO.FindStringSubmatchIndex(s); m != nil {
		y, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d, _ := strconv.Atoi(s[m[6]:m[7]])
		if t, ok := validDate(y, mo, d, loc); ok {
			set(t)
			p.cut(m[0], m[1])
			s = p.low
		}
	}
	if w == nil {
		// "12 june 21:15": "june 21" is no date when a clock follows.
		if m := reMonthDay.FindStringSubmatchIndex(s); m != nil && !reClockNext.MatchString(s[m[1]:]) {
			mo := months[s[m[2]:m[3]]]
			d, _ := strconv.Atoi(s[m[4]:m[5]])
			if t, ok := dayOfYear(s, m[6], m[7], int(mo), d, today, loc); ok {
				set(t)
				p.cut(m[0], m[1])
				s = p.low
			}
		}
	}
	if w == nil {
		if m := reDayMonth.FindStringSubmatchIndex(s); m != nil {
			d, _ := strconv.Atoi(s[m[2]:m[3]])
			mo := months[s[m[4]:m[5]]]
			if t, ok := dayOfYear(s, m[6], m[7], int(mo), d, today, loc); ok {
				set(t)
				p.cut(m[0], m[1])
				s = p.low
			}
		}
	}
	if w == nil {
		// 24/12 is day/month: the convention outside the US, and the one
		// we state in the help text.
		if m := reSlash.FindStringSubmatchIndex(s); m != nil {
			d, _ := strconv.Atoi(s[m[2]:m[3]])
			mo, _ := strconv.Atoi(s[m[4]:m[5]])
			if t, ok := dayOfYear(s, m[6], m[7], mo, d, today, loc); ok {
				set(t)
				p.cut(m[0], m[1])
				s = p.low
			}
		}
	}
	hour := -1
	if w == nil {
		if m := reRelDay.FindStringSubmatchIndex(s); m != nil {
			switch s[m[2]:m[3]] {
			case "today":
				set(today)
			case "tonight":
				set(today)
				hour = 20
			case "tomorrow", "tmrw", "tmr":
				set(today.AddDate(0, 0, 1))
			case "day after tomorrow":
				set(today.AddDate(0, 0, 2))
			}
			p.cut(m[0], m[1])
			s = p.low
		}
	}
	if w == nil {
		if m := reIn.FindStringSubmatchIndex(s); m != nil {
			n := parseNum(s[m[2]:m[3]])
			switch s[m[4]:m[5]] {
			case "day":
				set(today.AddDate(0, 0, n))
			case "week":
				set(today.AddDate(0, 0, 7*n))
			case "month":
				set(today.AddDate(0, n, 0))
			case "year":
				set(today.AddDate(n, 0, 0))
			}
			p.cut(m[0], m[1])
			s = p.low
		}
	}
	if w == nil {
		if m := reNextPeriod.FindStringSubmatchIndex(s); m != nil {
			which, unit := s[m[2]:m[3]], s[m[4]:m[5]]
			switch unit {
			case "week":
				if which == "next" {
					set(startOfWeek(today).AddDate(0, 0, 7))
				} else {
					set(startOfWeek(today).AddDate(0, 0, 6))
				}
			case "weekend":
				sat := startOfWeek(today).AddDate(0, 0, 5)
				if which == "next" {
					sat = sat.AddDate(0, 0, 7)
				}
				set(sat)
			case "month":
				first := time.Date(today.Year(), today.Month(), 1, 12, 0, 0, 0, loc)
				if which == "next" {
					set(first.AddDate(0, 1, 0))
				} else {
					set(first.AddDate(0, 1, -1))
				}
			case "year":
				if which == "next" {
					set(time.Date(today.Year()+1, 1, 1, 12, 0, 0, 0, loc))
				} else {
					set(time.Date(today.Year(), 12, 31, 12, 0, 0, 0, loc))
				}
			}
			p.cut(m[0], m[1])
			s = p.low
		}
	}
	if w == nil {
		if m := reEndOf.FindStringSubmatchIndex(s); m != nil {
			switch s[m[2]:m[3]] {
			case "day":
				set(today)
			case "week":
				set(startOfWeek(today).AddDate(0, 0, 6))
			case "month":
				set(time.Date(today.Year(), today.Month()+1, 0, 12, 0, 0, 0, loc))
			}
			p.cut(m[0], m[1])
			s = p.low
		}
	}
	if w == nil {
		if m := reOrdinalDay.FindStringSubmatchIndex(s); m != nil {
			d, _ := strconv.Atoi(s[m[2]:m[3]])
			if t, ok := nextDayOfMonth(today, d); ok {
				set(t)
				p.cut(m[0], m[1])
				s = p.low
			}
		}
	}
	if w == nil {
		if m := firstDayName(s); m != nil {
			wd := weekdays[s[m[4]:m[5]]]
			mod := ""
			if m[2] >= 0 {
				mod = s[m[2]:m[3]]
			}
			set(nextWeekday(today, wd, mod))
			p.cut(m[0], m[1])
			s = p.low
		}
	}

	if w != nil {
		// "wednesday 12 june": the weekday said with a date it falls on is
		// part of it.
		if m := firstDayName(s); m != nil && weekdays[s[m[4]:m[5]]] == w.Date.Weekday() {
			p.cut(m[0], m[1])
			s = p.low
		}
	}

	// Times.
	minute := 0
	if m := reTimePart.FindStringSubmatchIndex(s); m != nil {
		// "at 2 in the afternoon", "8 in the morning".
		h, _ := strconv.Atoi(s[m[2]:m[3]])
		if m[4] >= 0 {
			minute, _ = strconv.Atoi(s[m[4]:m[5]])
		}
		if part := s[m[6]:m[7]]; h < 12 && part != "morning" {
			h += 12
		}
		if h <= 23 && minute < 60 {
			hour = h
			p.cut(m[0], m[1])
		}
	} else if m := reTimeH.FindStringSubmatchIndex(s); m != nil {
		// "18h30": the hour and minutes, as much of Europe writes them.
		hour, _ = strconv.Atoi(s[m[2]:m[3]])
		minute, _ = strconv.Atoi(s[m[4]:m[5]])
		p.cut(m[0], m[1])
	} else if m := reTime12.FindStringSubmatchIndex(s); m != nil {
		h, _ := strconv.Atoi(s[m[2]:m[3]])
		if m[4] >= 0 {
			minute, _ = strconv.Atoi(s[m[4]:m[5]])
		}
		if h >= 1 && h <= 12 && minute < 60 {
			pm := strings.HasPrefix(s[m[6]:m[7]], "p")
			if h == 12 {
				h = 0
			}
			if pm {
				h += 12
			}
			hour = h
			p.cut(m[0], m[1])
		}
	} else if m := reTime24.FindStringSubmatchIndex(s); m != nil {
		hour, _ = strconv.Atoi(s[m[2]:m[3]])
		minute, _ = strconv.Atoi(s[m[4]:m[5]])
		p.cut(m[0], m[1])
	} else if m := firstNotPossessive(reTimeWord, s); m != nil {
		hour = map[string]int{"noon": 12, "midday": 12, "midnight": 0, "morning": 9, "afternoon": 15, "evening": 18, "night": 20}[s[m[2]:m[3]]]
		if s[m[2]:m[3]] == "midnight" {
			minute = 0
		}
		p.cut(m[0], m[1])
	} else if m := reTimeAt.FindStringSubmatchIndex(s); m != nil {
		hour, _ = strconv.Atoi(s[m[2]:m[3]])
		// "at 5" means the afternoon more often than five in the morning.
		if hour >= 1 && hour <= 7 {
			hour += 12
		}
		p.cut(m[0], m[1])
	}
	if hour >= 0 {
		if w == nil {
			// A time alone means today, or tomorrow if it has passed.
			d := today
			if time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, loc).Before(now) {
				d = d.AddDate(0, 0, 1)
			}
			set(d)
			w.HasDate = false
		}
		w.HasTime, w.Hour, w.Minute = true, hour, minute
	}
	return w
}

// firstNotPossessive is re's first match in s that is not part of a
// possessive: "Tuesday's meeting" and "the parents' evening" name things,
// not times.
// firstDayName is the first weekday named in s, as firstNotPossessive
// finds it, but for a short name that is also a word ("sun", "sat",
// "wed", "mon") followed by another word with nothing before it to say it
// is a day: "buy sun cream" and "sat exam" name no day; "gym sat 10am",
// "on sun" and "mon wed fri" do.
func firstDayName(s string) []int {
	for _, m := range reWeekday.FindAllStringSubmatchIndex(s, -1) {
		if n := firstNotPossessive(reWeekday, s[m[0]:]); n == nil || n[0] != 0 {
			continue
		}
		name := s[m[4]:m[5]]
		said := strings.TrimSpace(s[m[0]:m[4]]) != "" // "on", "next"…
		if !said && (name == "sun" || name == "sat" || name == "wed" || name == "mon") {
			next, _, _ := strings.Cut(strings.TrimSpace(s[m[1]:]), " ")
			if next != "" && !strings.ContainsAny(next[:1], "0123456789,.;:") && !reDayWord.MatchString(next) {
				continue
			}
		}
		return m
	}
	return nil
}

// reDayWord is a word that may follow a day's name: another day, or a
// part of the day.
var reDayWord = regexp.MustCompile(`^(?:` + weekdayRe + `s?|at|morning|afternoon|evening|night|and|&|or)$`)

func firstNotPossessive(re *regexp.Regexp, s string) []int {
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		after, before := s[m[1]:], s[:m[0]]
		if strings.HasPrefix(after, "'s") || strings.HasPrefix(after, "’s") ||
			strings.HasSuffix(before, "' ") || strings.HasSuffix(before, "’ ") {
			continue
		}
		return m
	}
	return nil
}

// nextDayOfMonth is the next date, from today on, whose day of the month
// is d (months without that day are skipped).
func nextDayOfMonth(today time.Time, d int) (time.Time, bool) {
	if d < 1 || d > 31 {
		return time.Time{}, false
	}
	for i := 0; i < 13; i++ {
		first := time.Date(today.Year(), today.Month()+time.Month(i), 1, 12, 0, 0, 0, today.Location())
		t := first.AddDate(0, 0, d-1)
		if t.Month() == first.Month() && !t.Before(today) {
			return t, true
		}
	}
	return time.Time{}, false
}

func validDate(y, mo, d int, loc *time.Location) (time.Time, bool) {
	if mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970 || y > 9999 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, 12, 0, 0, 0, loc)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// dayOfYear builds a date from day and month, with the year from s[ys:ye]
// when given, else the next such date from today on.
func dayOfYear(s string, ys, ye, mo, d int, today time.Time, loc *time.Location) (time.Time, bool) {
	y := today.Year()
	if ys >= 0 {
		y, _ = strconv.Atoi(s[ys:ye])
		if y < 100 {
			y += 2000
		}
		return validDate(y, mo, d, loc)
	}
	t, ok := validDate(y, mo, d, loc)
	if ok && t.Before(today) {
		t, ok = validDate(y+1, mo, d, loc)
	}
	return t, ok
}

// startOfWeek is the Monday of d's week, at d's clock (noon: see noonOf).
func startOfWeek(d time.Time) time.Time { return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)) }

// nextWeekday: "Friday" and "this Friday" are the coming Friday (today if
// it is Friday, for "this"); "next Friday" is Friday of next week.
func nextWeekday(today time.Time, wd time.Weekday, mod string) time.Time {
	if mod == "next" {
		return startOfWeek(today).AddDate(0, 0, 7+(int(wd)+6)%7)
	}
	diff := (int(wd) - int(today.Weekday()) + 7) % 7
	if diff == 0 && mod != "this" {
		diff = 7
	}
	return today.AddDate(0, 0, diff)
}

func parseNum(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	if n, ok := numberWords[s]; ok {
		return n
	}
	return 1
}

// phrase is the text being parsed, in its own case (for titles) and in
// lower case (for matching), kept aligned byte for byte.
type phrase struct {
	orig, low string
}

func newPhrase(s string) *phrase {
	low := strings.ToLower(s)
	if len(low) != len(s) {
		// Some letters change length when lowered; keep one spelling.
		s = low
	}
	return &phrase{orig: s, low: low}
}

// cut replaces bytes [from, to) with a space in both spellings.
func (p *phrase) cut(from, to int) {
	p.orig = p.orig[:from] + " " + p.orig[to:]
	p.low = p.low[:from] + " " + p.low[to:]
}
