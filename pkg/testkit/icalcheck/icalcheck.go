// Package icalcheck is our strict reading of an iCalendar stream (RFC
// 5545), for tests: the parsers calendar apps use forgive bare LF line
// ends, overlong lines and loose escaping, so passing them proves little;
// strict clients refuse the same stream. Check holds a stream to the
// syntax every client may rely on:
//
//   - every line ends with CRLF, and there is no other CR or LF;
//   - no line is longer than 75 octets (section 3.1), a folded line
//     goes on with one space or tab, and folding never splits a UTF-8
//     sequence (each physical line is valid UTF-8 on its own);
//   - every content line is name *(";" param) ":" value, with parameter
//     values plain or quoted and no control characters but HTAB in a
//     value;
//   - BEGIN and END are balanced and nest (VALARM in VEVENT or VTODO,
//     those in VCALENDAR);
//   - VCALENDAR has PRODID and VERSION 2.0 once; VEVENT and VTODO have
//     UID and DTSTAMP once, DTSTAMP in UTC, UIDs unique in the stream; a
//     VALARM has ACTION and TRIGGER (a DISPLAY one a DESCRIPTION);
//   - DATE and DATE-TIME values are well formed, DTEND is the same kind
//     as DTSTART and after it;
//   - TEXT values (section 3.3.11) escape backslash, semicolon, comma and
//     newline: a backslash starts only \\ \; \, \n or \N, and a bare
//     semicolon or comma appears only between the values of a list
//     property (CATEGORIES, RESOURCES).
//
// It is not a parser for use: it reads only what the checks need.
package icalcheck

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxOctets is the longest a line may be, without its CRLF.
const MaxOctets = 75

// Property is one unfolded content line.
type Property struct {
	Name   string
	Params map[string][]string
	Value  string
	// Line is the number of the physical line it starts on (from 1).
	Line int
}

// Component is a BEGIN … END block.
type Component struct {
	Name       string
	Props      []Property
	Components []*Component
	Line       int
}

// Get returns the first property named name, or nil.
func (c *Component) Get(name string) *Property {
	for i := range c.Props {
		if c.Props[i].Name == name {
			return &c.Props[i]
		}
	}
	return nil
}

// All returns every property named name.
func (c *Component) All(name string) []Property {
	var out []Property
	for _, p := range c.Props {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

// Check returns every way b breaks the rules above (nil when none), each
// naming its line; the calendars it read are returned as well, so a test
// can look further.
func Check(b []byte) ([]*Component, error) {
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("line %d: "+format, append([]any{line}, args...)...))
	}
	lines := physicalLines(b, fail)
	props := unfold(lines, fail)
	cals := nest(props, fail)
	for _, c := range cals {
		checkCalendar(c, fail)
	}
	uids := map[string]int{}
	for _, c := range cals {
		for _, sub := range c.Components {
			if p := sub.Get("UID"); p != nil && (sub.Name == "VEVENT" || sub.Name == "VTODO") && sub.Get("RECURRENCE-ID") == nil {
				if first, ok := uids[p.Value]; ok {
					fail(p.Line, "UID %q again (first on line %d): UIDs must be unique", p.Value, first)
				} else {
					uids[p.Value] = p.Line
				}
			}
		}
	}
	return cals, errors.Join(errs...)
}

type physical struct {
	text string
	num  int
}

// physicalLines splits b at CRLF, failing every bare CR or LF, a missing
// final CRLF, and lines too long or not UTF-8 on their own.
func physicalLines(b []byte, fail func(int, string, ...any)) []physical {
	if len(b) == 0 {
		fail(1, "empty stream")
		return nil
	}
	var out []physical
	num := 1
	for len(b) > 0 {
		end := bytes.IndexAny(b, "\r\n")
		var text []byte
		switch {
		case end < 0:
			fail(num, "the last line does not end with CRLF")
			text, b = b, nil
		case b[end] == '\n':
			fail(num, "bare LF: lines must end with CRLF")
			text, b = b[:end], b[end+1:]
		case end+1 >= len(b) || b[end+1] != '\n':
			fail(num, "bare CR: lines must end with CRLF, and a CR may appear nowhere else")
			text, b = b[:end], b[end+1:]
		default:
			text, b = b[:end], b[end+2:]
		}
		if len(text) > MaxOctets {
			fail(num, "%d octets: lines are at most %d, longer ones are folded", len(text), MaxOctets)
		}
		if !utf8.Valid(text) {
			fail(num, "not valid UTF-8 on its own: folding split a multi-octet character, or the text is not UTF-8")
		}
		out = append(out, physical{text: string(text), num: num})
		num++
	}
	return out
}

var (
	nameRe    = regexp.MustCompile(`^[A-Za-z0-9-]+`)
	controlRe = regexp.MustCompile(`[\x00-\x08\x0A-\x1F\x7F]`)
)

// unfold joins folded lines and parses each content line.
func unfold(lines []physical, fail func(int, string, ...any)) []Property {
	var logical []physical
	for i, l := range lines {
		if l.text != "" && (l.text[0] == ' ' || l.text[0] == '\t') {
			if i == 0 || len(logical) == 0 {
				fail(l.num, "a continuation line with nothing to continue")
				continue
			}
			logical[len(logical)-1].text += l.text[1:]
			continue
		}
		logical = append(logical, l)
	}
	var props []Property
	for _, l := range logical {
		p, err := parseLine(l.text)
		if err != nil {
			fail(l.num, "%v: %q", err, l.text)
			continue
		}
		p.Line = l.num
		props = append(props, p)
	}
	return props
}

// parseLine reads name *(";" param) ":" value (section 3.1).
func parseLine(s string) (Property, error) {
	p := Property{Params: map[string][]string{}}
	if s == "" {
		return p, errors.New("an empty line")
	}
	p.Name = nameRe.FindString(s)
	if p.Name == "" {
		return p, errors.New("no property name")
	}
	p.Name = strings.ToUpper(p.Name)
	rest := s[len(p.Name):]
	for strings.HasPrefix(rest, ";") {
		rest = rest[1:]
		name := nameRe.FindString(rest)
		if name == "" || !strings.HasPrefix(rest[len(name):], "=") {
			return p, errors.New("a parameter without name=")
		}
		rest = rest[len(name)+1:]
		name = strings.ToUpper(name)
		for {
			var v string
			if strings.HasPrefix(rest, `"`) {
				end := strings.IndexByte(rest[1:], '"')
				if end < 0 {
					return p, fmt.Errorf("parameter %s: an unclosed quote", name)
				}
				v, rest = rest[1:end+1], rest[end+2:]
			} else {
				end := strings.IndexAny(rest, `";:,`)
				if end < 0 {
					return p, fmt.Errorf("parameter %s: no value after it", name)
				}
				if rest[end] == '"' {
					return p, fmt.Errorf("parameter %s: a quote inside an unquoted value", name)
				}
				v, rest = rest[:end], rest[end:]
			}
			if controlRe.MatchString(v) {
				return p, fmt.Errorf("parameter %s: a control character", name)
			}
			p.Params[name] = append(p.Params[name], v)
			if !strings.HasPrefix(rest, ",") {
				break
			}
			rest = rest[1:]
		}
	}
	if !strings.HasPrefix(rest, ":") {
		return p, errors.New("no ':' before the value")
	}
	p.Value = rest[1:]
	if controlRe.MatchString(p.Value) {
		return p, errors.New("a control character (other than HTAB) in the value")
	}
	return p, nil
}

// nest builds the components, failing unbalanced or misplaced ones.
func nest(props []Property, fail func(int, string, ...any)) []*Component {
	var top []*Component
	var stack []*Component
	for _, p := range props {
		switch p.Name {
		case "BEGIN":
			c := &Component{Name: strings.ToUpper(p.Value), Line: p.Line}
			if len(stack) == 0 {
				if c.Name != "VCALENDAR" {
					fail(p.Line, "BEGIN:%s outside VCALENDAR", c.Name)
				}
				top = append(top, c)
			} else {
				parent := stack[len(stack)-1]
				if allowed := children[parent.Name]; allowed != nil && !allowed[c.Name] {
					fail(p.Line, "BEGIN:%s inside %s", c.Name, parent.Name)
				}
				parent.Components = append(parent.Components, c)
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 {
				fail(p.Line, "END:%s with nothing open", p.Value)
				continue
			}
			if open := stack[len(stack)-1]; !strings.EqualFold(open.Name, p.Value) {
				fail(p.Line, "END:%s closes BEGIN:%s (line %d)", p.Value, open.Name, open.Line)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				fail(p.Line, "%s outside any component", p.Name)
				continue
			}
			stack[len(stack)-1].Props = append(stack[len(stack)-1].Props, p)
		}
	}
	for _, c := range stack {
		fail(c.Line, "BEGIN:%s is never ended", c.Name)
	}
	if len(top) == 0 && len(props) > 0 {
		fail(1, "no VCALENDAR")
	}
	return top
}

// children are the components each may hold (a name not listed may hold
// anything: X- and IANA components are not ours to judge).
var children = map[string]map[string]bool{
	"VCALENDAR": {"VEVENT": true, "VTODO": true, "VJOURNAL": true, "VFREEBUSY": true, "VTIMEZONE": true},
	"VEVENT":    {"VALARM": true},
	"VTODO":     {"VALARM": true},
	"VALARM":    {},
}

// textProps are the properties whose value is TEXT; listProps may hold a
// comma-separated list of them.
var (
	textProps = map[string]bool{"SUMMARY": true, "DESCRIPTION": true, "LOCATION": true, "COMMENT": true,
		"CONTACT": true, "UID": true, "X-WR-CALNAME": true, "X-WR-CALDESC": true, "NAME": true}
	listProps = map[string]bool{"CATEGORIES": true, "RESOURCES": true}
)

func checkCalendar(cal *Component, fail func(int, string, ...any)) {
	once(cal, fail, "PRODID", "VERSION")
	if v := cal.Get("VERSION"); v != nil && v.Value != "2.0" {
		fail(v.Line, "VERSION:%s, want 2.0", v.Value)
	}
	var walk func(c *Component)
	walk = func(c *Component) {
		for _, p := range c.Props {
			checkValue(p, fail)
		}
		switch c.Name {
		case "VEVENT", "VTODO":
			once(c, fail, "UID", "DTSTAMP")
			if p := c.Get("DTSTAMP"); p != nil && !utcDateTime.MatchString(p.Value) {
				fail(p.Line, "DTSTAMP %q is not a UTC date-time", p.Value)
			}
			checkSpan(c, fail)
		case "VALARM":
			once(c, fail, "ACTION", "TRIGGER")
			if a := c.Get("ACTION"); a != nil && a.Value == "DISPLAY" && c.Get("DESCRIPTION") == nil {
				fail(c.Line, "a DISPLAY alarm without DESCRIPTION")
			}
		}
		for _, sub := range c.Components {
			walk(sub)
		}
	}
	walk(cal)
}

// once fails each of names that c does not have exactly once.
func once(c *Component, fail func(int, string, ...any), names ...string) {
	for _, n := range names {
		if got := len(c.All(n)); got != 1 {
			fail(c.Line, "%s has %s %d times, want once", c.Name, n, got)
		}
	}
}

var (
	utcDateTime = regexp.MustCompile(`^\d{8}T\d{6}Z$`)
	dateTime    = regexp.MustCompile(`^\d{8}T\d{6}Z?$`)
	date        = regexp.MustCompile(`^\d{8}$`)
)

// checkValue checks date and date-time values by their VALUE type, and
// TEXT values' escaping.
func checkValue(p Property, fail func(int, string, ...any)) {
	kind := ""
	if v := p.Params["VALUE"]; len(v) == 1 {
		kind = strings.ToUpper(v[0])
	}
	switch p.Name {
	case "DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "DTSTAMP", "LAST-MODIFIED", "CREATED", "COMPLETED", "TRIGGER":
		switch {
		case kind == "DATE":
			if _, err := time.Parse("20060102", p.Value); err != nil || !date.MatchString(p.Value) {
				fail(p.Line, "%s %q is not a DATE", p.Name, p.Value)
			}
		case kind == "DATE-TIME" || (kind == "" && p.Name != "TRIGGER"):
			if _, err := time.Parse("20060102T150405", strings.TrimSuffix(p.Value, "Z")); err != nil || !dateTime.MatchString(p.Value) {
				fail(p.Line, "%s %q is not a DATE-TIME", p.Name, p.Value)
			}
		}
	}
	if textProps[p.Name] || listProps[p.Name] {
		if err := checkText(p.Value, listProps[p.Name]); err != nil {
			fail(p.Line, "%s: %v", p.Name, err)
		}
	}
}

// checkText checks a TEXT value's escaping (section 3.3.11).
func checkText(v string, list bool) error {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			if i+1 >= len(v) || !strings.ContainsRune(`\;,nN`, rune(v[i+1])) {
				return fmt.Errorf("a backslash not followed by \\ ; , n or N at octet %d: %q", i, v)
			}
			i++
		case ';':
			return fmt.Errorf("an unescaped semicolon at octet %d: %q", i, v)
		case ',':
			if !list {
				return fmt.Errorf("an unescaped comma at octet %d: %q", i, v)
			}
		}
	}
	return nil
}

// checkSpan holds DTEND to DTSTART's kind and after it.
func checkSpan(c *Component, fail func(int, string, ...any)) {
	start, end := c.Get("DTSTART"), c.Get("DTEND")
	if end == nil {
		return
	}
	if c.Get("DURATION") != nil {
		fail(end.Line, "both DTEND and DURATION")
	}
	if start == nil {
		fail(end.Line, "DTEND without DTSTART")
		return
	}
	kind := func(p *Property) string {
		if v := p.Params["VALUE"]; len(v) == 1 {
			return strings.ToUpper(v[0])
		}
		return "DATE-TIME"
	}
	if kind(start) != kind(end) {
		fail(end.Line, "DTEND is a %s, DTSTART a %s", kind(end), kind(start))
		return
	}
	if strings.HasSuffix(start.Value, "Z") == strings.HasSuffix(end.Value, "Z") && end.Value <= start.Value {
		fail(end.Line, "DTEND %s is not after DTSTART %s", end.Value, start.Value)
	}
}
