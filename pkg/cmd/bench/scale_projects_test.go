package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Two entries of auto_explain's log as PostgreSQL 15 writes them: an
// update of one row, and an update of a subtree whose CTE (indented
// further) found three rows and fed two to the update.
const autoExplainLog = "2026-12-08 01:58:53.197 UTC [16238] LOG:  duration: 0.823 ms  plan:\n" +
	"\tQuery Text: UPDATE tasks SET project_id = 1055, position = '49985'::numeric\n" +
	"\t\t\tWHERE id = 163627 AND user_id = 'dbf267f3-d3c7-4e55-91fc-fb0b92959b26'\n" +
	"\tUpdate on tasks  (cost=0.29..8.31 rows=0 width=0) (actual time=0.823..0.823 rows=0 loops=1)\n" +
	"\t  Buffers: shared hit=100\n" +
	"\t  ->  Index Scan using tasks_pkey on tasks  (cost=0.29..8.31 rows=1 width=70) (actual time=0.010..0.011 rows=1 loops=1)\n" +
	"\t        Index Cond: (id = 163627)\n" +
	"2026-12-08 01:58:53.198 UTC [16238] LOG:  duration: 0.140 ms  plan:\n" +
	"\tQuery Text: WITH RECURSIVE sub AS (SELECT id FROM tasks WHERE parent_id = 163627)\n" +
	"\t\t\tUPDATE tasks SET project_id = 1055 WHERE id IN (SELECT id FROM sub)\n" +
	"\tUpdate on tasks  (cost=1171.78..2608.52 rows=0 width=0) (actual time=0.034..0.034 rows=0 loops=1)\n" +
	"\t  CTE sub\n" +
	"\t    ->  Recursive Union  (cost=0.28..1166.97 rows=201 width=8) (actual time=0.031..0.032 rows=3 loops=1)\n" +
	"\t          ->  Index Scan using tasks_by_parent on tasks tasks_1  (cost=0.28..11.88 rows=1 width=8) (actual time=0.030..0.030 rows=3 loops=1)\n" +
	"\t  ->  Hash Semi Join  (cost=4.78..9.46 rows=201 width=14) (actual time=0.030..0.031 rows=2 loops=1)\n" +
	"\t        Hash Cond: (tasks.id = sub.id)\n"

func TestParseAutoExplain(t *testing.T) {
	got := parseAutoExplain(autoExplainLog)
	if assert.Len(t, got, 2) {
		assert.Equal(t, MoveStatement{SQL: "UPDATE tasks SET project_id = 1055, position = '49985'::numeric WHERE id = 163627 AND user_id = 'dbf267f3-d3c7-4e55-91fc-fb0b92959b26'", Ms: 0.823, RowsWritten: 1}, got[0])
		assert.Equal(t, 0.14, got[1].Ms)
		assert.Equal(t, 2, got[1].RowsWritten, "the update's input, not its CTE's rows")
	}
}

func TestShortSQL(t *testing.T) {
	assert.Equal(t, `SELECT t.* FROM tasks AS t WHERE (t.id = 1 AND t.user_id = :uuid)`,
		shortSQL(`SELECT "t"."id", "t"."user_id", "t"."title", "t"."position" FROM "tasks" AS "t" WHERE (t.id = 1 AND t.user_id = 'dbf267f3-d3c7-4e55-91fc-fb0b92959b26')`))
	assert.Equal(t, `SELECT tt.task_id, tt.tag_id, g.name FROM task_tags AS tt`, shortSQL(`SELECT tt.task_id, tt.tag_id, g.name FROM task_tags AS tt`), "three columns stay")
}
