package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/config"
)

func TestDefaults(t *testing.T) {
	c, err := Load(config.FromMap(map[string]string{"BETTER_AUTH_SECRET": "0123456789abcdef0123456789abcdef"}))
	require.NoError(t, err)
	assert.Equal(t, 3000, c.Port)
	assert.Equal(t, "http://localhost:8000", c.BackendURL)
	assert.Equal(t, "http://localhost:3001", c.ChatbotURL)
}

func TestErrorsNameVariables(t *testing.T) {
	_, err := Load(config.FromMap(map[string]string{"BACKEND_URL": "todo-app-backend:8000", "PORT": "0"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "BACKEND_URL must be an absolute http(s) URL")
	assert.Contains(t, err.Error(), "PORT must be")
	assert.Contains(t, err.Error(), "BETTER_AUTH_SECRET is required")
}
