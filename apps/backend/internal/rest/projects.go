package rest

import (
	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
)

func (h handlers) listProjects(c *fiber.Ctx) error {
	fields := map[string]string{}
	archived := queryBool(c, "archived", fields)
	if len(fields) > 0 {
		return apierror.Validation(fields)
	}
	out, err := h.Projects.List(c.UserContext(), auth.UserID(c), archived)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) createProject(c *fiber.Ctx) error {
	var in api.ProjectInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := h.Projects.Create(c.UserContext(), auth.UserID(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (h handlers) getProject(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.Projects.Get(c.UserContext(), auth.UserID(c), id)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h handlers) patchProject(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in api.ProjectPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := h.Projects.Patch(c.UserContext(), auth.UserID(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h handlers) deleteProject(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Projects.Delete(c.UserContext(), auth.UserID(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h handlers) restoreProject(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.Projects.Restore(c.UserContext(), auth.UserID(c), id)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h handlers) moveProject(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in api.Reorder
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := h.Projects.Move(c.UserContext(), auth.UserID(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h handlers) projectTree(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := h.Projects.Tree(c.UserContext(), auth.UserID(c), id, c.Query("status"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) createSection(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in api.SectionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	s, err := h.Projects.CreateSection(c.UserContext(), auth.UserID(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s)
}

func (h handlers) renameSection(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in api.SectionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	s, err := h.Projects.RenameSection(c.UserContext(), auth.UserID(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(s)
}

func (h handlers) deleteSection(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Projects.DeleteSection(c.UserContext(), auth.UserID(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h handlers) restoreSection(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	s, err := h.Projects.RestoreSection(c.UserContext(), auth.UserID(c), id)
	if err != nil {
		return err
	}
	return c.JSON(s)
}

func (h handlers) moveSection(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in api.Reorder
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	s, err := h.Projects.MoveSection(c.UserContext(), auth.UserID(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(s)
}
