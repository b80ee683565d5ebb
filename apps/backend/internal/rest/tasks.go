package rest

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
)

func (h handlers) listTasks(c *fiber.Ctx) error {
	fields := map[string]string{}
	in := tasks.ListInput{
		Status:        c.Query("status"),
		Priority:      c.Query("priority"),
		ProjectID:     queryInt64(c, "project_id", fields),
		Q:             c.Query("q"),
		DueFrom:       c.Query("due_from"),
		DueTo:         c.Query("due_to"),
		CompletedFrom: c.Query("completed_from"),
		CompletedTo:   c.Query("completed_to"),
		Overdue:       queryBool(c, "overdue", fields),
		Sort:          c.Query("sort"),
		Order:         c.Query("order"),
		Limit:         queryInt(c, "limit", 1, fields),
		Offset:        queryInt(c, "offset", 0, fields),
	}
	for _, t := range c.Context().QueryArgs().PeekMulti("tag") {
		in.Tags = append(in.Tags, string(t))
	}
	if len(fields) > 0 {
		return apierror.Validation(fields)
	}
	out, err := h.Tasks.List(c.UserContext(), auth.UserID(c), in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) createTask(c *fiber.Ctx) error {
	var in api.TaskInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := h.Tasks.Create(c.UserContext(), auth.UserID(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (h handlers) getTask(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := h.Tasks.Get(c.UserContext(), auth.UserID(c), id)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h handlers) replaceTask(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in api.TaskInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := h.Tasks.Replace(c.UserContext(), auth.UserID(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h handlers) patchTask(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in api.TaskPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := h.Tasks.Patch(c.UserContext(), auth.UserID(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h handlers) deleteTask(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Tasks.Delete(c.UserContext(), auth.UserID(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// agenda lists what is due: overdue, then day by day.
func (h handlers) agenda(c *fiber.Ctx) error {
	out, err := h.Tasks.Agenda(c.UserContext(), auth.UserID(c), tasks.AgendaInput{Days: c.Query("days"), TimeZone: c.Query("time_zone")})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// summary is the dashboard in one answer.
func (h handlers) summary(c *fiber.Ctx) error {
	out, err := h.Tasks.Summary(c.UserContext(), auth.UserID(c), c.Query("time_zone"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// restoreTask brings back a deleted task (undo).
func (h handlers) restoreTask(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := h.Tasks.Restore(c.UserContext(), auth.UserID(c), id)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

// completeTask toggles completion, or sets it from {"completed": bool}.
func (h handlers) completeTask(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in api.CompleteRequest
	if len(bytes.TrimSpace(c.Body())) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	res, err := h.Tasks.CompleteWith(c.UserContext(), auth.UserID(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// moveTask moves a task with its subtasks (project, section, parent, order).
func (h handlers) moveTask(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in api.MoveRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := h.Tasks.Move(c.UserContext(), auth.UserID(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(t)
}
