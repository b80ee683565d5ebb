package assistant

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/todo-app/todo-app/pkg/intent"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// The junk guard. A message read as a new task is checked before anything
// is added, because a wrong task is a change the person has to find and
// undo:
//
//   - A sentence without an add word that names an existing task is an
//     edit of it ("team sync at 11:30 instead", "the dentist is at 2pm
//     now", "water the plants every 2 days from now on"): with an edit word
//     (instead, now, should, due, move…) and at least half of the task's
//     words, the change is made; otherwise it asks "Change “X” …?" and
//     waits for a yes. The title said exactly changes it too, as before.
//   - A sentence that starts with an edit verb ("change the time to 3pm")
//     and names no task asks which task, keeping the change for the
//     answer; it is never a task called "Change the time".
//   - A title with words left over that the parser could not place (a
//     question mark, a dangling comma, "remind", "priority", "instead", an
//     "at 2" it could not read) is not added as it is: the assistant says
//     what it did not understand and offers the title up to there, for a
//     yes.

// editWords in a sentence make it read as a change of an existing task.
var editWords = map[string]bool{"instead": true, "now": true, "anymore": true, "should": true, "due": true, "move": true,
	"moved": true, "give": true, "reschedule": true, "change": true, "push": true, "postpone": true, "snooze": true,
	"set": true, "make": true, "actually": true, "isn't": true, "isnt": true, "is": true, "are": true, "be": true,
	"from": true, "on": true, "it": true, "a": true, "date": true, "of": true, "to": true, "till": true, "until": true,
	"back": true, "by": true, "shift": true, "delay": true, "urgent": true, "normal": true, "priority": true,
	"important": true, "anymore,": true}

// editVerbs start a sentence that changes a task, never a task's title.
var editVerbs = map[string]bool{"change": true, "move": true, "reschedule": true, "postpone": true, "snooze": true,
	"rename": true, "set": true, "give": true, "push": true, "delay": true, "shift": true, "untag": true, "retag": true,
	"update": true, "edit": true}

// strongEditWords are edit words that never read as part of a title.
// ("move", "change" and "push" are nouns in titles too: "email Bob
// about the move").
var strongEditWords = map[string]bool{"instead": true, "now": true, "anymore": true, "should": true, "due": true,
	"reschedule": true, "postpone": true, "snooze": true, "delay": true}

// commandStart are command and edit words that begin no title unless the
// person says so ("add clear the gutters"): a sentence without an add word
// that begins with one is asked about, as is any title that begins with
// an add word itself ("add: …") or one followed by a colon.
var commandStart = map[string]bool{"bump": true, "wipe": true, "reset": true, "mark": true, "tick": true,
	"cross": true, "remove": true, "delete": true, "drop": true, "erase": true, "undo": true, "change": true,
	"snooze": true, "postpone": true, "reschedule": true, "rename": true, "tag": true, "untag": true,
	"remind": true, "edit": true, "add": true, "todo": true, "task": true, "tasks": true, "new": true, "note": true}

// addWords begin a title only by mistake, even after an add word.
var addWords = map[string]bool{"add": true, "todo": true, "task": true, "tasks": true, "new": true}

// notATask are first words of a sentence without an add word that is a
// question or a feeling, not a task.
var notATask = map[string]bool{"what": true, "wat": true, "whats": true, "what's": true, "when": true, "where": true,
	"why": true, "how": true, "which": true, "is": true, "are": true, "could": true,
	"would": true, "does": true, "did": true, "i'm": true, "im": true, "i": true, "am": true,
	"feeling": true, "so": true, "hmm": true, "ok": true, "okay": true}

// reLeftover finds words in a would-be title that the parser could not
// place: the title is cut there.
var reLeftover = regexp.MustCompile(`(?i)\s+[,;(\-–—]|\?|\(\s*\)|\b(?:remind(?:er|ers)?|priority|prio|instead|anymore|subtask)\b|\bat\s+\d{1,2}\b|\s:\d\d\b|\b(?:put|set|move)\s+it\b|\s+(?:both|all)(?:\s+(?:in|to|for)\b.*)?$|\s+(?:pls|plz|please|thanks|thank you|thx)$`)

// rePutItIn is a project said after the task ("…, put it in Work").
var rePutItIn = regexp.MustCompile(`(?i)\s*,?\s*(?:and\s+)?(?:put|file|add)\s+it\s+(?:in|to|into|under)\s+(?:my\s+|the\s+)?["“]?(.+?)["”]?(?:\s+(?:list|project))?$`)

// guardAdd checks a task about to be added; handled is true when it did
// something else instead (an edit, a question).
func (r *run) guardAdd(ctx context.Context, in *intent.Intent) (handled bool, err error) {
	if in.Problem == "reminder" {
		// "at 9" for a task due at 8: no reminder can be before it.
		r.say("That reminder would come after the task is due, so I didn't set it.")
		draft := *in
		draft.Problem = ""
		r.offerAdd(draft)
		return true, nil
	}
	if m := rePutItIn.FindStringSubmatchIndex(in.Title); m != nil && in.Project == "" {
		if p, found, err := r.project(ctx, in.Title[m[2]:m[3]]); err != nil || found {
			if err != nil {
				return false, err
			}
			in.Project, in.Title = p.Name, strings.TrimSpace(in.Title[:m[0]])
		}
	}
	if !in.Explicit {
		if handled, err := r.editInstead(ctx, *in); handled || err != nil {
			return handled, err
		}
		if w := strings.Fields(strings.ToLower(in.Title)); len(w) > 0 && notATask[strings.Trim(w[0], ",.!?")] {
			// "I'm so tired today", "wat do i have to do today": said,
			// not a task.
			r.say("I'm not sure what you meant. Say “add …” to add a task, or ask me “what can you do?”.")
			return true, nil
		}
	}
	if w := strings.Fields(strings.ToLower(in.Title)); len(w) > 0 {
		first := strings.Trim(w[0], ",.!?:;")
		if commandStart[first] && (!in.Explicit || first != w[0] || addWords[first]) {
			// "wipe my list", "bump the report", "add: water the garden":
			// a command the grammar did not read is never a title; the
			// person says yes if it is one.
			r.offerAdd(*in)
			return true, nil
		}
	}
	loc := reLeftover.FindStringIndex(in.Title)
	if loc == nil {
		return false, nil
	}
	clean := strings.Trim(in.Title[:loc[0]], " ,;:-–—!\"'")
	rest := strings.Trim(in.Title[loc[0]:], " ,;")
	if clean == "" || len(contentStems(clean)) == 0 {
		r.say(fmt.Sprintf("I didn't understand “%s”. What should I add? For example “add buy milk tomorrow”.", strings.TrimSpace(in.Title)))
		return true, nil
	}
	draft := *in
	draft.Title = capitalize(clean)
	r.say(fmt.Sprintf("I didn't understand “%s” in that.", rest))
	r.offerAdd(draft)
	return true, nil
}

// editInstead makes a sentence that names an existing task an edit of it;
// handled is false when it names none.
func (r *run) editInstead(ctx context.Context, in intent.Intent) (bool, error) {
	said := strings.Fields(strings.ToLower(r.t.Message))
	strong := slices.ContainsFunc(said, func(w string) bool { return strongEditWords[strings.Trim(w, ",.!?")] })
	var rest []string
	for _, w := range strings.Fields(in.Title) {
		if w := strings.ToLower(strings.Trim(w, ",.!?:")); !editWords[w] && strings.Trim(w, "0123456789") != "" {
			rest = append(rest, strings.Trim(w, ",.!?:"))
		}
	}
	target := strings.Join(rest, " ")
	changes := changesOf(in)
	changes.TagsAdd = in.Tags
	verb := ""
	if w := strings.Fields(strings.ToLower(in.Title)); len(w) > 0 {
		verb = w[0]
	}
	var found []todomcp.Task
	if len(contentStems(target)) > 0 {
		var err error
		if found, err = r.find(ctx, target, "pending"); err != nil {
			return false, err
		}
	}
	switch {
	case len(found) == 1:
		t := found[0]
		if changes.empty() {
			r.say(fmt.Sprintf("Did you mean to change “%s”? Tell me what to change, for example “move %s to Friday”.", t.Title, strings.ToLower(t.Title)))
			return true, nil
		}
		exact := strings.EqualFold(t.Title, in.Title)
		if exact || strong && covers(target, t.Title) {
			r.reply.Intent = string(intent.Update)
			return true, r.act(ctx, intent.Update, changes, t)
		}
		r.reply.Intent = string(intent.Update)
		r.askFirst(intent.Update, changes, found, 1)
		return true, nil
	case len(found) > 1 && (strong || editVerbs[verb]):
		r.reply.Intent = string(intent.Update)
		r.whichOne(intent.Update, changes, target, found, "")
		return true, nil
	case editVerbs[verb]:
		// "change the time to 3pm": which task?
		r.reply.Intent = string(intent.Update)
		return true, r.askMissing(ctx, withChanges(in, "update"))
	}
	return false, nil
}

// empty says whether c changes nothing.
func (c updateArgs) empty() bool {
	b, _ := json.Marshal(c)
	return string(b) == "{}"
}

// withChanges is in as a command that lacks its task.
func withChanges(in intent.Intent, kind string) intent.Intent {
	in.Kind, in.Missing, in.Problem, in.Target = intent.Unknown, "task", kind, ""
	in.TagsAdd = in.Tags
	return in
}

// covers says whether the words said name at least half of a title's.
func covers(said, title string) bool {
	have := contentStems(said)
	want := contentStems(title)
	n := 0
	for _, w := range want {
		if slices.Contains(have, w) {
			n++
		}
	}
	return 2*n >= len(want)
}

// capitalize is s with its first letter upper case (a letter, not a byte:
// "éclairs", "🎂 order the cake").
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
