package main

import (
	"context"
	"database/sql"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// BenchPassword is every seeded user's password.
const BenchPassword = "bench-password-1"

// seed fills the database with 1 000 users and 100 000 tasks with tags
// and due dates, plus lookup tables the pgbench scripts use.
func seed(ctx context.Context, db *sql.DB) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(BenchPassword), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	stmts := []string{
		`INSERT INTO users (email, name, password_hash) SELECT 'user' || i || '@bench.test', 'User ' || i, $1 FROM generate_series(1, 1000) AS i`,
		`CREATE TABLE bench_users AS SELECT row_number() OVER (ORDER BY email) AS n, id FROM users`,
		`CREATE UNIQUE INDEX ON bench_users (n)`,
		`INSERT INTO tags (user_id, name) SELECT u.id, t FROM users u, unnest(ARRAY['work','home','errands','family','health']) AS t`,
		`INSERT INTO tasks (user_id, title, description, completed, completed_at, due_at, priority, created_at, updated_at)
		 SELECT u.id,
		        (ARRAY['Write report','Buy groceries','Call mom','Pay rent','Plan trip','Fix bike','Read book','Team sync'])[1 + g % 8] || ' ' || g,
		        CASE WHEN g % 5 = 0 THEN 'Notes for task ' || g ELSE '' END,
		        g % 4 = 0, CASE WHEN g % 4 = 0 THEN now() - interval '1 day' END,
		        CASE WHEN g % 7 = 0 THEN NULL ELSE now() + ((g % 60) - 20) * interval '1 day' END,
		        (ARRAY['low','medium','high'])[1 + g % 3],
		        now() - (100 - g) * interval '1 hour', now()
		 FROM users u, generate_series(1, 100) AS g`,
		`CREATE TABLE bench_tasks AS SELECT row_number() OVER (ORDER BY id) AS n, id AS task_id, user_id FROM tasks`,
		`CREATE UNIQUE INDEX ON bench_tasks (n)`,
		`INSERT INTO task_tags (task_id, tag_id) SELECT t.id, g.id FROM tasks t JOIN tags g ON g.user_id = t.user_id WHERE (t.id + g.id) % 3 = 0`,
		`ANALYZE`,
	}
	for i, s := range stmts {
		var err error
		if i == 0 {
			_, err = db.ExecContext(ctx, s, string(hash))
		} else {
			_, err = db.ExecContext(ctx, s)
		}
		if err != nil {
			return fmt.Errorf("seeding (%.40s…): %w", s, err)
		}
	}
	return nil
}

// benchUser is a seeded user with a token and some task ids.
type benchUser struct {
	ID    string
	Email string
	Token string
	Tasks []int64
}

func loadUsers(ctx context.Context, db *sql.DB, token func(string) (string, error)) ([]benchUser, error) {
	rows, err := db.QueryContext(ctx, `SELECT u.id, u.email, t.id FROM users u JOIN tasks t ON t.user_id = u.id ORDER BY u.email, t.id`)
	if err != nil {
		return nil, fmt.Errorf("loading users: %w", err)
	}
	defer rows.Close()
	var users []benchUser
	for rows.Next() {
		var id, email string
		var task int64
		if err := rows.Scan(&id, &email, &task); err != nil {
			return nil, err
		}
		if len(users) == 0 || users[len(users)-1].ID != id {
			tok, err := token(id)
			if err != nil {
				return nil, err
			}
			users = append(users, benchUser{ID: id, Email: email, Token: tok})
		}
		u := &users[len(users)-1]
		u.Tasks = append(u.Tasks, task)
	}
	return users, rows.Err()
}
