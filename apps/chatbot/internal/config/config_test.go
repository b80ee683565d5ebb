package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/config"
)

func TestDefaultsUseTheBuiltInAssistant(t *testing.T) {
	c, err := Load(config.FromMap(map[string]string{"BETTER_AUTH_SECRET": "0123456789abcdef0123456789abcdef"}))
	require.NoError(t, err)
	assert.Equal(t, 3001, c.Port)
	assert.Empty(t, c.OpenAIKey)
	assert.Equal(t, "gpt-4o-mini", c.OpenAIModel)
	assert.Equal(t, 30*time.Second, c.ModelTimeout)
}

func TestErrorsNameVariables(t *testing.T) {
	_, err := Load(config.FromMap(map[string]string{"OPENAI_BASE_URL": "localhost:11434", "WEB_URL": "nope", "OPENAI_TIMEOUT": "soon"}))
	require.Error(t, err)
	for _, want := range []string{"OPENAI_BASE_URL must be", "WEB_URL must be", "OPENAI_TIMEOUT must be", "BETTER_AUTH_SECRET is required"} {
		assert.Contains(t, err.Error(), want)
	}
}
