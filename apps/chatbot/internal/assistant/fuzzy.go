package assistant

import (
	"context"
	"fmt"
	"strings"

	"github.com/todo-app/todo-app/pkg/intent"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// findBySpelling is find's last try, when no title holds the words as
// said: the tasks whose title holds every meaningful word of target, a word
// counting as held when a title word is within a typo of it — the rule the
// parser reads date words with (intent.CloseSpelling: the same first
// letter, one edit for words of 4–6 letters, two for 7 or more; shorter
// words only as they are) — or has its stem. Misspelt little words ("teh",
// "hte") are dropped as the stop words they are. At least one word must be
// held as said (or by its stem): a typo is forgiven within a name, but a
// name made only of near-words is too often another real word — "clear"
// is one edit from "Clean the garage", "ball" from "Pay the bill".
//
// What it finds is used as find's answer is: one task is acted on (a
// delete still asks first, as for any task found by part of its title),
// several are listed with "Several tasks match … which one?". It looks at
// one page of tasks (100, soonest due first): a typo in a larger account
// may go unmatched, never wrongly matched.
func (r *run) findBySpelling(ctx context.Context, target, status string) ([]todomcp.Task, error) {
	words := spellingWords(target)
	if len(words) == 0 {
		return nil, nil
	}
	out, res, err := todomcp.Call(ctx, r.t.Tools, todomcp.ListTasks, todomcp.ListTasksInput{Status: status, Limit: 100})
	if err != nil {
		return nil, fmt.Errorf("listing tasks to match %q by spelling: %w", target, err)
	}
	if res.IsError {
		return nil, nil
	}
	var match []todomcp.Task
	for _, t := range out.Tasks {
		if holdsAllSpelt(t.Title, words) {
			match = append(match, t)
		}
	}
	return match, nil
}

// misspeltStopWords are common slips of the stop words, dropped with them.
var misspeltStopWords = map[string]bool{"teh": true, "hte": true, "tge": true, "thr": true, "rhe": true, "yhe": true,
	"adn": true, "nad": true, "fo": true, "ot": true, "ym": true, "yuor": true, "yoru": true, "fro": true,
	"wiht": true, "iwth": true, "taht": true, "thsi": true, "tihs": true, "abotu": true, "baout": true}

// spellingWords are the lowercased words of s that carry meaning.
func spellingWords(s string) []string {
	var out []string
	for _, w := range strings.Fields(strings.ToLower(s)) {
		w = strings.Trim(w, ".,:;!?\"'“”‘’()")
		if w == "" || stopWords[w] || misspeltStopWords[w] {
			continue
		}
		out = append(out, w)
	}
	return out
}

// holdsAllSpelt says whether every word is in title, as it is, by stem or
// within a typo, and at least one as it is or by stem.
func holdsAllSpelt(title string, words []string) bool {
	have := strings.Fields(strings.ToLower(title))
	for i, h := range have {
		have[i] = strings.Trim(h, ".,:;!?\"'“”‘’()")
	}
	exact := false
	for _, w := range words {
		held := false
		for _, h := range have {
			if h != "" && stem(h) == stem(w) {
				held, exact = true, true
				break
			}
			if h != "" && intent.CloseSpelling(w, h) {
				held = true
			}
		}
		if !held {
			return false
		}
	}
	return exact
}
