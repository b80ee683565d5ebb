package intent

import (
	"regexp"
	"strings"
	"time"

	"github.com/todo-app/todo-app/pkg/dates"
)

var (
	reListDone    = regexp.MustCompile(`\b(?:completed|done|finished|closed|checked off)\b|\bdid i (?:do|finish|complete)\b`)
	reListAll     = regexp.MustCompile(`\b(?:all|everything|every task)\b`)
	reListOverdue = regexp.MustCompile(`\b(?:overdue|late|past due|missed|behind)\b`)
	reListTag     = regexp.MustCompile(`\b(?:tagged|tag|labell?ed|label|with the tag|in)\s+#?([\p{L}\p{N}_-]+)`)
	reListPrio    = regexp.MustCompile(`\b(high|low|medium|normal|urgent|important)(?:[- ]priority)?\b`)
	reListQuery   = regexp.MustCompile(`\b(?:about|containing|mentioning|matching|with the word|called|named|for|search for|find|look for)\s+["“]?(.+?)["”]?$`)
	reQueryLead   = regexp.MustCompile(`(?i)^(?:(?:my|all|the)\s+)*(?:tasks?|to-?dos?)\s+(?:about|with|containing|matching|called|named|for)?\s*`)
	reListRange   = regexp.MustCompile(`\b(today|tonight|tomorrow|this week|next week|this month|next month|this weekend|the weekend)\b`)
)

// parseList reads a question about the task list into filters.
func parseList(p *phrase, now time.Time, loc *time.Location) Intent {
	in := Intent{Kind: List, Status: "pending"}
	low := p.low
	today := noonOf(now, loc)
	endOf := func(d time.Time) *time.Time { e := dates.EndOfDay(d, d.Location()); return &e }
	// A range runs from the first instant of its first day to 23:59:59 of
	// its last (the days are built at noon: noonOf).
	at := func(d time.Time) *time.Time { s := dates.StartOfDay(d, d.Location()); return &s }

	switch {
	case reListDone.MatchString(low):
		in.Status = "completed"
	case reListAll.MatchString(low) && !reListRange.MatchString(low):
		in.Status = "all"
	}
	if reListOverdue.MatchString(low) {
		in.Overdue = true
		in.Status = "pending"
	}
	if m := reListTag.FindStringSubmatch(low); m != nil && !reListRange.MatchString(m[0]) && m[1] != "the" {
		in.Tag = m[1]
	} else if m := reTag.FindStringSubmatch(p.orig); m != nil {
		in.Tag = strings.ToLower(m[1])
	}
	if m := reListPrio.FindStringSubmatch(low); m != nil {
		in.Priority = priorityWord(m[1])
	}
	if m := reListRange.FindStringSubmatch(low); m != nil {
		switch m[1] {
		case "today", "tonight":
			in.From, in.To = at(today), endOf(today)
		case "tomorrow":
			t := today.AddDate(0, 0, 1)
			in.From, in.To = at(t), endOf(t)
		case "this week":
			// Today to Sunday; said on a weekend, the week ahead too (on a
			// Sunday "this week" is not only today). docs/decisions.md,
			// "This week, next week, this weekend".
			end := startOfWeek(today).AddDate(0, 0, 6)
			if wd := today.Weekday(); wd == time.Saturday || wd == time.Sunday {
				end = end.AddDate(0, 0, 7)
			}
			in.From, in.To = at(today), endOf(end)
		case "next week":
			mon := startOfWeek(today).AddDate(0, 0, 7)
			in.From, in.To = at(mon), endOf(mon.AddDate(0, 0, 6))
		case "this month":
			in.From, in.To = at(today), endOf(time.Date(today.Year(), today.Month()+1, 0, 12, 0, 0, 0, loc))
		case "next month":
			first := time.Date(today.Year(), today.Month()+1, 1, 12, 0, 0, 0, loc)
			in.From, in.To = at(first), endOf(first.AddDate(0, 1, -1))
		case "this weekend", "the weekend":
			sat := startOfWeek(today).AddDate(0, 0, 5)
			in.From, in.To = at(sat), endOf(sat.AddDate(0, 0, 1))
		}
	} else if !in.Overdue {
		if w := extractWhen(p, now, loc); w != nil {
			in.From, in.To = at(w.Date), endOf(w.Date)
		}
	}
	if m := reListQuery.FindStringSubmatchIndex(p.low); m != nil && in.Tag == "" {
		q := strings.TrimSpace(p.orig[m[2]:m[3]])
		if q != "" && !reListRange.MatchString(strings.ToLower(q)) {
			in.Query = strings.Trim(reQueryLead.ReplaceAllString(q, ""), "?!. ")
		}
	}
	return in
}

// Days is a list's range of due dates as whole days in the person's zone
// (what list_tasks reads a date range as): From's day to To's day. ok is
// false when the question names no dates.
func (in Intent) Days() (from, to dates.Date, ok bool) {
	if in.From == nil || in.To == nil {
		return dates.Date{}, dates.Date{}, false
	}
	return dates.DateOf(*in.From, in.From.Location()), dates.DateOf(*in.To, in.To.Location()), true
}
