package intent

import "strings"

// Typos in date words. People type "tommorow", "thursdy", "wensday",
// "evry" and "tmrw"; left alone, such a word stays in the title and the
// date is lost ("Haircut tommorow", due today). fixDateTypos runs once over
// every message, before any rule reads it (Parse, ParseTask and ParseDate
// all normalise through it), and rewrites a word to the date or
// recurrence word it is a misspelling of:
//
//   - a word of the abbreviation table (typoAbbrev: "tmrw", "2moro", "tdy",
//     "nxt", "wknd", …) becomes its word;
//   - otherwise a word of 4 letters or more that is not itself a word of
//     the vocabulary (dateVocabulary) becomes the vocabulary word within
//     its typo distance (CloseSpelling: Damerau–Levenshtein distance 1 for
//     words of 4–6 letters, 2 for 7 or more, same first letter), the
//     nearest one; between equally near ones, the one sharing more letters
//     in order ("wensday" is Wednesday, not weekday); still tied, the word
//     is left alone;
//   - a real English word near a vocabulary word is never touched: those
//     common enough to be typed (from English word-frequency lists) are in
//     typoGuard ("ever", "mouth", "weak", "dairy", "mourning", …).
//
// Words of three letters or fewer are changed only by the table: too many
// real words lie one letter from "day" or "wed".
func fixDateTypos(s string) string {
	var b strings.Builder // left empty until a word changes
	last := 0             // s[:last] is in b once b is used
	for i := 0; i < len(s); {
		if !isWordByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		if to, ok := dateTypo(s[i:j]); ok && (j == len(s) || s[j] < 0x80) && (i == 0 || s[i-1] < 0x80) {
			if b.Len() == 0 {
				b.Grow(len(s) + 8)
			}
			b.WriteString(s[last:i])
			if c := s[i]; c >= 'A' && c <= 'Z' {
				// "Thursdy" → "Thursday": keep a capital first letter.
				to = string(c) + to[1:]
			}
			b.WriteString(to)
			last = j
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// isWordByte: ASCII letters and digits make up the words that may be
// date typos ("2moro" included); any other byte ends a word.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// maxTypoWord bounds the words compared: the longest vocabulary word
// ("fortnightly", 11) plus the largest distance.
const maxTypoWord = 13

// dateTypo is the vocabulary word that w is a misspelling of.
func dateTypo(w string) (string, bool) {
	if len(w) > maxTypoWord {
		return "", false
	}
	var buf [maxTypoWord]byte
	low := buf[:len(w)]
	letters := true
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		letters = letters && c >= 'a' && c <= 'z'
		low[i] = c
	}
	if to, ok := typoAbbrev[string(low)]; ok {
		return to, true
	}
	if !letters || len(low) < 4 || dateVocabulary[string(low)] || typoGuard[string(low)] {
		return "", false
	}
	best, bestDist, bestCommon, tied := "", 3, 0, false
	for _, v := range vocabularyList {
		if v[0] != low[0] {
			continue
		}
		d := typoDistance(low, v)
		if d > typoLimit(len(low)) || d > bestDist {
			continue
		}
		common := commonLetters(low, v)
		switch {
		case d < bestDist || common > bestCommon:
			best, bestDist, bestCommon, tied = v, d, common, false
		case common == bestCommon:
			tied = true
		}
	}
	if best == "" || tied {
		return "", false
	}
	return best, true
}

// CloseSpelling says whether typed is a misspelling of word by the rule
// the package reads date words with, and the assistant task titles with:
// both of 4 letters or more, the same first letter, and at most one edit
// (a letter added, dropped, changed, or two neighbours swapped) for a
// typed word of 4–6 letters, two for 7 or more. Case is ignored; equal
// words are close.
func CloseSpelling(typed, word string) bool {
	typed, word = strings.ToLower(typed), strings.ToLower(word)
	if typed == word {
		return true
	}
	if len(typed) < 4 || len(word) < 4 || typed[0] != word[0] || len(typed) > 64 || len(word) > 64 {
		return false
	}
	return typoDistance([]byte(typed), word) <= typoLimit(len(typed))
}

// typoLimit is the edits allowed in a typed word of n letters.
func typoLimit(n int) int {
	switch {
	case n < 4:
		return 0
	case n <= 6:
		return 1
	}
	return 2
}

// typoDistance is the Damerau–Levenshtein distance (optimal string
// alignment: a swap of two neighbours is one edit) between a and b, capped
// at 3 — more is never a typo here — so that rows of any length stop early.
func typoDistance(a []byte, b string) int {
	const limit = 3
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	// Three rows: the one before the previous (for swaps), the previous
	// and the current. Words are at most 64 bytes here.
	var rows [3][65]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin >= limit {
			return limit
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit)
}

// commonLetters is the length of the longest common subsequence of a and
// b: how many letters of the typed word the candidate keeps in order.
func commonLetters(a []byte, b string) int {
	var rows [2][maxTypoWord + 1]int
	prev, cur := &rows[0], &rows[1]
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b) && j <= maxTypoWord; j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] >= cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[min(len(b), maxTypoWord)]
}

// vocabularyList is the date and recurrence words a typo is read as: the
// ones the rules of when.go and intent.go know in full. Abbreviations
// ("thu", "sept") and plurals ("thursdays", "mornings") are exact-only: in
// dateVocabulary, so never rewritten, but no target — as targets they drew
// too many real words ("earnings", "monkeys", "subways").
var vocabularyList = []string{
	"today", "tonight", "tomorrow",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"every", "next", "days", "week", "weeks", "weekend", "weekends", "weekday", "weekdays",
	"month", "months", "year", "years", "morning", "evening", "afternoon",
	"daily", "weekly", "monthly", "yearly", "fortnight", "fortnightly",
	"january", "february", "april", "august", "september", "october", "november", "december",
}

// dateVocabulary: words never rewritten, because they already are date
// words (the targets and their abbreviations).
var dateVocabulary = func() map[string]bool {
	m := map[string]bool{"mondays": true, "tuesdays": true, "wednesdays": true, "thursdays": true, "fridays": true,
		"saturdays": true, "sundays": true, "mornings": true, "evenings": true, "afternoons": true, "tues": true, "thur": true, "thurs": true, "sept": true, "june": true, "july": true,
		"march": true, "noon": true, "night": true, "nights": true, "midnight": true, "midday": true,
		"hour": true, "hours": true, "workday": true, "workdays": true, "tomorrows": true, "minute": true, "minutes": true, "annually": true, "nightly": true, "biweekly": true}
	for _, v := range vocabularyList {
		m[v] = true
	}
	return m
}()

// typoAbbrev: shorthand and phone spellings of date words.
var typoAbbrev = map[string]string{
	"tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "tmrow": "tomorrow", "tmorrow": "tomorrow",
	"2moro": "tomorrow", "2morrow": "tomorrow", "2morow": "tomorrow", "2mrw": "tomorrow", "tomoz": "tomorrow",
	"tdy": "today", "2day": "today", "tonite": "tonight", "2nite": "tonight", "2night": "tonight",
	"nxt": "next", "wk": "week", "wks": "weeks", "wknd": "weekend", "wkend": "weekend",
	"weds": "wednesday", "thrs": "thursday", "mnth": "month",
}

// typoGuard: real English words within a typo of a vocabulary word, which
// are therefore never read as one ("ever" is not "every", "mouth" not
// "month"). Drawn from English word-frequency lists: every word common
// enough to be typed in a task that CloseSpelling puts near a word of
// vocabularyList.
var typoGuard = map[string]bool{
	"aprilia": true, "apryl": true, "augusta": true, "augustan": true, "auguste": true, "augustin": true,
	"augusto": true, "augustow": true, "augustus": true, "avril": true, "dads": true, "dail": true,
	"dailey": true, "dairy": true, "dais": true, "daisy": true, "dally": true, "daly": true, "dams": true,
	"dans": true, "dass": true, "daya": true, "daysi": true, "daze": true, "dazs": true, "doily": true,
	"earning": true, "emery": true, "evading": true, "evelina": true, "eveline": true, "eventing": true,
	"ever": true, "everly": true, "evers": true, "evert": true, "evoking": true, "faraday": true,
	"foresight": true, "forthright": true, "frida": true, "jaguars": true, "manning": true, "marking": true,
	"meaning": true, "merging": true, "moaning": true, "mocking": true, "molding": true, "mondale": true,
	"mont": true, "monte": true, "montes": true, "monti": true, "montt": true, "monty": true, "mooning": true,
	"mooring": true, "mopping": true, "moraine": true, "morphing": true, "moth": true, "moths": true,
	"mounting": true, "mourning": true, "mouth": true, "mouths": true, "neat": true, "nest": true,
	"nests": true, "nett": true, "newt": true, "soundly": true, "sundae": true, "sundaes": true, "sundar": true,
	"sundial": true, "sundry": true, "toddy": true, "tonisha": true, "very": true, "weak": true,
	"weakened": true, "weakens": true, "weakly": true, "weed": true, "weeds": true, "weekes": true,
	"weems": true, "ween": true, "weep": true, "weeps": true, "welk": true, "yeah": true, "yearns": true,
	"yeats": true,
}
