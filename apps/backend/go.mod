module github.com/todo-app/todo-app/apps/backend

go 1.26

require github.com/todo-app/todo-app/pkg v0.0.0

replace github.com/todo-app/todo-app/pkg => ../../pkg
