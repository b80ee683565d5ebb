package tasks

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/todo-app/todo-app/pkg/api"
)

const sampleTask = `{"title":"  Buy groceries ","description":"milk, eggs","due_at":"2030-01-02T15:04:05+02:00","priority":"high","tags":["home","errands","Home"],"recurrence":"weekly","recurrence_interval":2}`

func TestFromInputCleansAndValidates(t *testing.T) {
	var in api.TaskInput
	if err := json.Unmarshal([]byte(sampleTask), &in); err != nil {
		t.Fatal(err)
	}
	task, tags, err := fromInput(in, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if task.Title != "Buy groceries" || len(tags) != 2 || task.RecurrenceInterval != 2 || task.DueAt.Hour() != 13 {
		t.Fatalf("unexpected %+v %v", task, tags)
	}
}

// BenchmarkDecodeAndValidate is the request path before the database:
// strict JSON decoding and the task rules.
func BenchmarkDecodeAndValidate(b *testing.B) {
	body := []byte(sampleTask)
	b.ReportAllocs()
	for b.Loop() {
		var in api.TaskInput
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			b.Fatal(err)
		}
		if _, _, err := fromInput(in, time.UTC); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCheckTagsAppliesTheTaskRules(t *testing.T) {
	tags, problem := CheckTags([]string{" #Home ", "home", "work  day"})
	assert.Empty(t, problem)
	assert.Equal(t, []string{"Home", "work day"}, tags, "trimmed, # dropped, the first spelling kept")

	_, problem = CheckTags([]string{"a,b"})
	assert.Equal(t, "tag names must not contain commas", problem)
	_, problem = CheckTags([]string{strings.Repeat("x", MaxTagName+1)})
	assert.Contains(t, problem, "at most")
}
