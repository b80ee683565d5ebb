package icalcheck

import (
	"strings"
	"testing"
)

// good is a small calendar that keeps every rule: a folded line split
// between two characters of three octets each, escaped text, a list.
var good = strings.Join([]string{
	"BEGIN:VCALENDAR",
	"VERSION:2.0",
	"PRODID:-//todo-app//Tasks//EN",
	"X-WR-CALNAME:To-do: Doe\\, Jane",
	"BEGIN:VEVENT",
	"UID:5f0c5a8e-3b7d-4c1e-9a2b-1d2e3f4a5b6c",
	"DTSTAMP:20261207T120000Z",
	"DTSTART;VALUE=DATE:20261208",
	"DTEND;VALUE=DATE:20261209",
	"SUMMARY:Dentist\\; bring forms\\, card \\\\ and a tab\there",
	"DESCRIPTION:Line one\\nLine two " + strings.Repeat("€", 14),
	" " + strings.Repeat("€", 10),
	"CATEGORIES:health,admin\\,misc",
	"BEGIN:VALARM",
	"ACTION:DISPLAY",
	"DESCRIPTION:Dentist",
	"TRIGGER;VALUE=DATE-TIME:20261208T080000Z",
	"END:VALARM",
	"END:VEVENT",
	"END:VCALENDAR",
	"",
}, "\r\n")

func TestGoodCalendarPasses(t *testing.T) {
	cals, err := Check([]byte(good))
	if err != nil {
		t.Fatalf("a valid calendar fails: %v", err)
	}
	if len(cals) != 1 || len(cals[0].Components) != 1 || len(cals[0].Components[0].Components) != 1 {
		t.Fatalf("read %d calendars, want one with one event and its alarm", len(cals))
	}
	desc := cals[0].Components[0].Get("DESCRIPTION").Value
	if want := "Line one\\nLine two " + strings.Repeat("€", 24); desc != want {
		t.Errorf("unfolded DESCRIPTION %q, want %q", desc, want)
	}
}

// Each rule, broken once in an otherwise valid calendar, is reported.
func TestEachRuleIsChecked(t *testing.T) {
	replace := func(old, new string) func(string) string {
		return func(s string) string {
			if !strings.Contains(s, old) {
				t.Fatalf("the sample has no %q", old)
			}
			return strings.Replace(s, old, new, 1)
		}
	}
	cases := []struct {
		name, want string
		edit       func(string) string
	}{
		{"LF line ends", "bare LF", func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }},
		{"a bare CR in a value", "bare CR", replace("Dentist\\; bring", "Dentist\r bring")},
		{"no final CRLF", "does not end with CRLF", func(s string) string { return strings.TrimSuffix(s, "\r\n") }},
		{"a line of 76 octets", "76 octets", replace("VERSION:2.0", "VERSION:2.0\r\nX-LONG:"+strings.Repeat("x", 69))},
		{"a fold splitting a character", "not valid UTF-8", replace("€\r\n €", "\xe2\x82\r\n \xac€")},
		{"a continuation first", "nothing to continue", func(s string) string { return " " + s }},
		{"an empty line", "an empty line", replace("VERSION:2.0\r\n", "VERSION:2.0\r\n\r\n")},
		{"a control character", "control character", replace("Line one", "Line\x01one")},
		{"no colon", "no ':'", replace("VERSION:2.0", "VERSION 2.0")},
		{"an unclosed quote", "unclosed quote", replace("DTSTART;VALUE=DATE:", "DTSTART;X-A=\"b:")},
		{"unbalanced", "closes BEGIN:VEVENT", replace("END:VEVENT", "END:VTODO")},
		{"never ended", "never ended", replace("END:VCALENDAR\r\n", "")},
		{"misplaced", "BEGIN:VALARM inside VCALENDAR", replace("BEGIN:VEVENT", "BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nBEGIN:VEVENT")},
		{"no PRODID", "PRODID 0 times", replace("PRODID:-//todo-app//Tasks//EN\r\n", "")},
		{"VERSION 1.0", "want 2.0", replace("VERSION:2.0", "VERSION:1.0")},
		{"no UID", "UID 0 times", replace("UID:5f0c5a8e-3b7d-4c1e-9a2b-1d2e3f4a5b6c\r\n", "")},
		{"no DTSTAMP", "DTSTAMP 0 times", replace("DTSTAMP:20261207T120000Z\r\n", "")},
		{"a floating DTSTAMP", "not a UTC date-time", replace("DTSTAMP:20261207T120000Z", "DTSTAMP:20261207T120000")},
		{"a UID twice", "again", replace("END:VEVENT\r\n", "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:5f0c5a8e-3b7d-4c1e-9a2b-1d2e3f4a5b6c\r\nDTSTAMP:20261207T120000Z\r\nEND:VEVENT\r\n")},
		{"a bad DATE", "not a DATE", replace("DTSTART;VALUE=DATE:20261208", "DTSTART;VALUE=DATE:20261332")},
		{"DTEND of another kind", "DTEND is a DATE-TIME", replace("DTEND;VALUE=DATE:20261209", "DTEND:20261209T000000Z")},
		{"DTEND before DTSTART", "not after DTSTART", replace("DTEND;VALUE=DATE:20261209", "DTEND;VALUE=DATE:20261207")},
		{"an unescaped semicolon", "unescaped semicolon", replace("Dentist\\;", "Dentist;")},
		{"an unescaped comma", "unescaped comma", replace("forms\\,", "forms,")},
		{"a raw backslash", "a backslash not followed", replace("card \\\\ and", "card \\ and")},
		{"a DISPLAY alarm without text", "without DESCRIPTION", replace("DESCRIPTION:Dentist\r\n", "")},
		{"an unescaped comma in the calendar's name", "X-WR-CALNAME: an unescaped comma", replace("Doe\\, Jane", "Doe, Jane")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Check([]byte(c.edit(good)))
			if err == nil {
				t.Fatalf("passed; want an error containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
		})
	}
}
